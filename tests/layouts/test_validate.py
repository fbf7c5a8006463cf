"""Validation: each kind of problem is found, with its code and the items involved."""

from __future__ import annotations

import itertools

import pytest
from shapely.geometry import LineString, Polygon, box

from layouts.arrange import theatre_candidates
from layouts.layout import Item
from layouts.room import Door, RoomShape
from layouts.rulepacks import RULE_PACKS
from layouts.validate import placement_violations, route_violations, validate_layout
from tests.layouts.rooms import chair_row, door_on_left_wall, layout_of, rectangle_room

DK = RULE_PACKS["dk-br18"]
IBC = RULE_PACKS["ibc-2021"]


def codes(room, layout, rules=DK) -> set[str]:
    return {v.code for v in validate_layout(room, layout, rules) if v.severity == "error"}


def violation(room, layout, code, rules=DK):
    found = [v for v in validate_layout(room, layout, rules) if v.code == code]
    assert found, f"no {code} in {validate_layout(room, layout, rules)}"
    return found[0]


def test_a_few_chairs_in_the_middle_of_a_room_are_valid():
    assert codes(rectangle_room(), layout_of(*chair_row(6, 4.0, 5.0))) == set()


def test_an_empty_room_with_a_door_is_valid():
    assert codes(rectangle_room(), layout_of()) == set()


def test_an_item_across_the_wall_is_outside_the_room():
    found = violation(rectangle_room(), layout_of(Item("chair", 5, 5), Item("chair", 0.1, 5)),
                      "item_outside_room")
    assert found.items == (1,)


def test_two_items_on_the_same_floor_overlap():
    found = violation(rectangle_room(), layout_of(Item("chair", 5, 5), Item("chair", 5.2, 5)),
                      "items_overlap")
    assert found.items == (0, 1)


def test_chairs_side_by_side_do_not_overlap():
    assert "items_overlap" not in codes(rectangle_room(), layout_of(*chair_row(2, 5, 5)))


def test_an_item_on_a_pillar_is_on_an_obstacle():
    room = rectangle_room(obstacles=(box(4, 4, 5, 5),))
    assert violation(room, layout_of(Item("chair", 4.5, 4.5)), "on_obstacle").items == (0,)


def test_a_chair_in_front_of_a_door_blocks_the_exit():
    found = violation(rectangle_room(), layout_of(Item("chair", 6, 6), Item("chair", 0.6, 1.6)),
                      "blocks_exit")
    assert found.items == (1,)


def test_a_chair_just_beyond_the_door_zone_does_not_block_it():
    assert "blocks_exit" not in codes(rectangle_room(), layout_of(Item("chair", 1.3, 1.6)))


def test_a_row_of_thirty_chairs_is_too_long_under_br18():
    room = rectangle_room(20, 10)
    found = violation(room, layout_of(*chair_row(30, 2.75, 5.0)), "row_too_long")
    assert len(found.items) == 30


def test_a_row_of_twenty_chairs_is_allowed_by_br18_but_too_long_under_the_ibc():
    layout = layout_of(*chair_row(20, 4.75, 5.0))
    room = rectangle_room(20, 10)
    assert "row_too_long" not in codes(room, layout, DK)
    assert "row_too_long" in codes(room, layout, IBC)


def test_a_row_from_wall_to_wall_has_no_aisle():
    room = rectangle_room(8, 6, doors=(Door(LineString([(2, 6), (3.2, 6)]), 1.2),))
    assert "aisle_too_narrow" in codes(room, layout_of(*chair_row(16, 0.25, 3.0)))


def test_rows_closer_than_the_rule_pack_allows_are_too_narrow():
    layout = layout_of(*chair_row(6, 4.0, 5.0), *chair_row(6, 4.0, 5.6))
    assert "aisle_too_narrow" in codes(rectangle_room(), layout)


def test_rows_at_the_rule_pack_spacing_are_fine():
    layout = layout_of(*chair_row(6, 4.0, 5.0), *chair_row(6, 4.0, 5.8))
    assert codes(rectangle_room(), layout) == set()


def test_a_row_whose_coordinates_straddle_a_rounding_boundary_is_still_one_row():
    chairs = [Item("chair", 4.0 + 0.5 * n, 5.349 if n % 2 else 5.351) for n in range(6)]
    assert codes(rectangle_room(), layout_of(*chairs)) == set()


def test_a_wall_of_shelves_cuts_a_wheelchair_space_off_from_the_door():
    room = rectangle_room(10, 6, doors=(door_on_left_wall(),))
    shelves = [Item("shelf_wheels_120x50", 5.0, 0.6 + 1.2 * n, 90.0) for n in range(5)]
    layout = layout_of(*shelves, Item("wheelchair_space", 8.0, 3.0))
    found = violation(room, layout, "no_accessible_route")
    assert 5 in found.items


def test_a_room_too_narrow_to_turn_a_wheelchair_has_no_turning_space():
    room = RoomShape(box(0, 0, 1.4, 4), (Door(LineString([(0.1, 0), (1.3, 0)]), 1.2),))
    assert "no_turning_space" in codes(room, layout_of())


def test_a_seat_far_from_every_door_is_too_far_to_exit():
    room = rectangle_room(40, 10, doors=(door_on_left_wall(),))
    assert violation(room, layout_of(Item("chair", 38, 5)), "too_far_to_exit").items == (0,)


def test_every_violation_names_its_code_and_a_message():
    room = rectangle_room()
    layout = layout_of(Item("chair", 0.1, 5), Item("chair", 5, 5), Item("chair", 5.2, 5))
    for found in validate_layout(room, layout, DK):
        assert found.code and found.message and found.severity in ("error", "warning")


@pytest.mark.parametrize("rules", [DK, IBC], ids=lambda r: r.key)
def test_a_thousand_chairs_in_rows_validate_without_errors(rules):
    room = rectangle_room(40, 30, doors=(door_on_left_wall(13), Door(
        LineString([(40, 13), (40, 14.2)]), 1.2)))
    chairs = [chair for row in range(25) for block in range(4)
              for chair in chair_row(10, 4.25 + 8.5 * block, 2.25 + row * 0.9)]
    assert len(chairs) == 1000
    assert codes(room, layout_of(*chairs), rules) == set()


def blocks_at_the_walls(aisle: float, rows: int = 12) -> tuple[RoomShape, list[Item]]:
    """Two blocks of 12 seats against the side walls, one aisle between them, a door at the
    front of the aisle."""
    width = 12 + aisle
    room = RoomShape(box(0, 0, width, rows * 0.8 + 2),
                     (Door(LineString([(6.05, rows * 0.8 + 2), (6.05 + aisle - 0.1,
                                                                 rows * 0.8 + 2)]), 1.2),))
    chairs = [chair for row in range(rows) for x0 in (0.25, 6.25 + aisle)
              for chair in chair_row(12, x0, 0.5 + 0.8 * row)]
    return room, chairs


def test_an_aisle_that_288_people_rely_on_must_be_2_88_m_wide():
    room, chairs = blocks_at_the_walls(aisle=2.0)
    found = violation(room, layout_of(*chairs), "aisle_too_narrow")
    assert "288 people" in found.message
    ends_on_the_aisle = {index for index, chair in enumerate(chairs) if chair.x in (5.75, 8.25)}
    assert set(found.items) == ends_on_the_aisle


def test_an_aisle_as_wide_as_its_people_need_is_fine():
    room, chairs = blocks_at_the_walls(aisle=2.9)
    assert "aisle_too_narrow" not in codes(room, layout_of(*chairs))


@pytest.mark.parametrize(("aisle", "narrow"), [(1.3, True), (1.35, False)])
def test_a_block_between_two_aisles_sends_half_its_seats_to_each(aisle, narrow):
    """24 seats in each of 11 rows: 132 people rely on each aisle, 1.32 m each."""
    room = RoomShape(box(0, 0, 12 + 2 * aisle, 11), (Door(LineString([(0, 10), (0, 10.9)]),
                                                          0.9),))
    chairs = [chair for row in range(11) for chair in chair_row(24, aisle + 0.25,
                                                                0.5 + 0.8 * row)]
    assert ("aisle_too_narrow" in codes(room, layout_of(*chairs))) is narrow


ROUTE = ("no_accessible_route", "no_turning_space")


def route_errors(room, layout) -> set[tuple[str, tuple[int, ...]]]:
    return {(v.code, v.items) for v in validate_layout(room, layout, DK) if v.code in ROUTE}


def looked_at(room, layout) -> set[tuple[str, tuple[int, ...]]]:
    """What the cheap look finds: each of it an error validation finds; of the route and
    the turning circle, every one."""
    found = {(v.code, v.items) for v in route_violations(room, layout, DK)}
    assert found <= {(v.code, v.items) for v in validate_layout(room, layout, DK)
                     if v.severity == "error"}
    return {error for error in found if error[0] in ROUTE}


def test_the_route_look_finds_the_rows_a_pillar_cuts_off_as_validation_does():
    """Rows across a room whose only way to the door runs past a pillar in the aisle: the
    look with each piece of row as one shape names the same stranded row ends."""
    room = rectangle_room(10, 8, doors=(door_on_left_wall(),),
                          obstacles=(box(0.0, 3.0, 1.5, 3.4),))
    chairs = [chair for row in range(6) for chair in chair_row(14, 1.75, 0.8 + 1.0 * row)]
    layout = layout_of(*chairs, Item("wheelchair_space", 9.0, 7.3))
    found = looked_at(room, layout)
    assert found == route_errors(room, layout)
    assert any(code == "no_accessible_route" for code, _ in found)


def test_the_route_look_finds_a_row_too_long_between_its_aisles():
    room = rectangle_room(20, 9)
    chairs = [chair for row in range(3) for chair in chair_row(30, 2.25, 2.0 + 0.9 * row)]
    found = [v for v in route_violations(room, layout_of(*chairs), DK)
             if v.code == "row_too_long"]
    assert len(found) == 3
    assert {(v.code, v.items) for v in found} <= {
        (v.code, v.items) for v in validate_layout(room, layout_of(*chairs), DK)}


def test_the_route_look_finds_nothing_where_validation_finds_no_route_error():
    room = rectangle_room(12, 9)
    chairs = [chair for row in range(8) for chair in chair_row(16, 2.25, 1.0 + 0.9 * row)]
    layout = layout_of(*chairs)
    assert route_violations(room, layout, DK) == []
    assert route_errors(room, layout) == set()


def test_the_route_look_agrees_with_validation_on_theatre_candidates_in_an_l():
    """The first candidates arrange looks at in a narrow L (most fail on the route) and in
    a room with a pillar: the same route and turning errors, item for item."""
    narrow_l = RoomShape(Polygon([(0, 0), (6.7, 0), (6.7, 5.8), (3.7, 5.8), (3.7, 14.3),
                                  (0, 14.3)]),
                         (door_on_left_wall(), Door(LineString([(6.7, 1), (6.7, 2.2)]), 1.2)))
    compared = 0
    for room in (narrow_l, rectangle_room(obstacles=(box(5.8, 4.3, 6.2, 4.7),))):
        for items in itertools.islice(theatre_candidates(room, DK), 8):
            layout = layout_of(*items)
            if placement_violations(room, layout):
                continue
            compared += 1
            assert looked_at(room, layout) == route_errors(room, layout)
    assert compared >= 8
