"""Theatre plans: blocks within the row rules, spaces where the route reaches them."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import replace

from shapely.geometry import LineString, Polygon, box
from shapely.ops import unary_union

from layouts.arrange import arrange
from layouts.layout import Layout
from layouts.room import Door, RoomShape
from layouts.rulepacks import RULE_PACKS
from layouts.theatre import (
    Plan,
    Surroundings,
    Unit,
    best_first,
    blocks_for,
    build,
    parts,
    plan_blocks,
    rows_for,
    survey,
)
from layouts.validate import door_zone, validate_layout
from tests.layouts.rooms import l_shaped_room, rectangle_room

DK = RULE_PACKS["dk-br18"]


def test_every_aisle_is_as_wide_as_the_people_who_rely_on_it_need():
    plan = Plan(front_gap=1.0, left_aisle=True, right_aisle=True, blocks=3)
    blocks = blocks_for(plan, 0.0, 30.0, 20, DK)
    assert blocks is not None
    gaps = [blocks[0].start] + [b.start - (a.start + a.units * 0.5)
                                for a, b in itertools.pairwise(blocks)]
    for gap, left, right in zip(gaps[1:], blocks, blocks[1:], strict=False):
        people = 20 * (-(-left.units // 2) + -(-right.units // 2))
        assert gap >= max(1.3, 0.01 * people)
    assert all(block.units <= 24 for block in blocks)


def test_a_block_against_a_wall_holds_at_most_twelve_seats():
    plan = Plan(front_gap=1.0, left_aisle=False, right_aisle=True, blocks=1)
    assert blocks_for(plan, 0.0, 20.0, 3, DK)[0].units == 12


def test_a_block_of_desks_against_a_wall_seats_at_most_twelve():
    desk = Unit(1.2, 2)
    plan = Plan(front_gap=1.5, left_aisle=False, right_aisle=True, blocks=1)
    assert blocks_for(plan, 0.0, 20.0, 3, DK, desk)[0].units == 6
    two = blocks_for(Plan(front_gap=1.5, left_aisle=True, right_aisle=True, blocks=1),
                     0.0, 20.0, 3, DK, desk)
    assert two[0].units == 12 and two[0].start >= 1.3


def test_a_bay_holds_the_wheelchair_spaces_along_its_wall():
    usable = box(0, 0, 8, 12)
    items = build(usable, Plan(front_gap=0.0, left_aisle=True, right_aisle=False, blocks=1,
                               bay="left"), DK)
    spaces = [item for item in items if item.kind == "wheelchair_space"]
    seats = sum(1 for item in items if item.kind == "chair")
    assert len(spaces) == DK.wheelchair_spaces_required(seats)
    assert all(space.x < 0.5 for space in spaces)


def test_plans_come_most_places_first():
    room = rectangle_room(12, 9)
    counts = [sum(i.furniture.places for i in items)
              for _, items in itertools.islice(best_first([survey(room.outline, DK)], DK), 30)]
    assert counts == sorted(counts, reverse=True)


def test_a_built_plan_whose_aisles_reach_the_doors_validates():
    room = rectangle_room(12, 9)
    usable = room.outline.buffer(-0.05, join_style="mitre").difference(
        unary_union([door_zone(room, door).buffer(0.05) for door in room.doors]))
    items = build(usable, Plan(front_gap=1.55, left_aisle=True, right_aisle=True, blocks=2), DK)
    found = [v.code for v in validate_layout(room, Layout("t", "theatre", tuple(items)), DK)
             if v.severity == "error"]
    assert found == []


def test_an_l_is_cut_into_its_two_arms():
    outline = Polygon([(0, 0), (20, 0), (20, 8), (8, 8), (8, 18), (0, 18)])
    found = sorted(part.area for part in parts(outline, outline))
    assert found == [80.0, 160.0]


def test_a_rectangle_is_one_part():
    assert len(parts(box(0, 0, 12, 9), box(0.05, 0.05, 11.95, 8.95))) == 1


def test_an_l_shaped_theatre_offers_the_spaces_all_its_seats_need():
    layout = arrange(l_shaped_room(), "theatre", DK).layout
    seats = sum(1 for item in layout.items if item.kind == "chair")
    spaces = sum(1 for item in layout.items if item.kind == "wheelchair_space")
    assert seats > 0
    assert spaces >= DK.wheelchair_spaces_required(seats)


def test_a_block_cut_by_a_wall_keeps_no_more_seats_than_its_one_aisle_allows():
    outline = Polygon([(0, 0), (20, 0), (20, 4), (12, 4), (12, 10), (0, 10)])
    items = build(outline, Plan(front_gap=0.0, left_aisle=True, right_aisle=True, blocks=1,
                                slack="right", bay="left"), DK)
    upper_rows = [sum(1 for item in items if item.kind == "chair" and abs(item.y - y) < 0.01)
                  for y in {item.y for item in items if item.y > 4.5}]
    assert upper_rows and max(upper_rows) == DK.max_row_seats_one_aisle


def _usable(room: RoomShape) -> Polygon:
    return room.outline.buffer(-0.05, join_style="mitre").difference(
        unary_union([door_zone(room, door).buffer(0.05) for door in room.doors]))


def test_spaces_in_a_wall_aisle_cost_the_rows_beside_them_one_chair_each():
    room = RoomShape(box(0, 0, 8, 10), (Door(LineString([(0, 1), (0, 2.2)]), 1.2),))
    plan = Plan(front_gap=0.5, left_aisle=True, right_aisle=False, blocks=1)
    items = build(_usable(room), plan, DK)
    bare = build(_usable(room), plan, replace(DK, wheelchair_spaces=((0, 10**9, 0),)))
    spaces = [item for item in items if item.kind == "wheelchair_space"]
    rows = Counter(item.y for item in items if item.kind == "chair")
    full = Counter(item.y for item in bare)
    assert len(spaces) == DK.wheelchair_spaces_required(sum(rows.values()))
    assert all(space.x < 1.0 for space in spaces)
    assert all(full[y] - rows[y] <= 1 for y in full)
    assert sum(full.values()) - sum(rows.values()) < 2 * len(spaces)
    found = [v.code for v in validate_layout(room, Layout("t", "theatre", tuple(items)), DK)
             if v.severity == "error"]
    assert found == []


def test_spaces_across_the_front_ends_of_the_wall_aisles_take_no_chair():
    room = RoomShape(box(0, 0, 8, 5), (Door(LineString([(0, 0.5), (0, 1.7)]), 1.2),
                                       Door(LineString([(8, 0.5), (8, 1.7)]), 1.2)))
    plan = Plan(front_gap=1.05, left_aisle=True, right_aisle=True, blocks=1)
    items = build(_usable(room), plan, DK)
    bare = build(_usable(room), plan, replace(DK, wheelchair_spaces=((0, 10**9, 0),)))
    spaces = [item for item in items if item.kind == "wheelchair_space"]
    assert len(spaces) == 2
    assert len(items) - len(spaces) == len(bare)
    found = [v.code for v in validate_layout(room, Layout("t", "theatre", tuple(items)), DK)
             if v.severity == "error"]
    assert found == []


def _wide_l() -> RoomShape:
    """The benchmark's L: a 20 x 8 arm and an 8 x 10 arm above its left end."""
    outline = Polygon([(0, 0), (20, 0), (20, 8), (8, 8), (8, 18), (0, 18)])
    doors = tuple(Door(LineString(ends), 1.2) for ends in (
        [(0, 1), (0, 2.2)], [(20, 1), (20, 2.2)], [(0, 12), (0, 13.2)], [(4, 18), (5.2, 18)]))
    return RoomShape(outline, doors)


def test_rows_in_the_front_passage_keep_clear_the_way_from_the_aisles_to_the_other_arm():
    room = _wide_l()
    arm = _usable(room).intersection(box(0, 0, 20, 8))
    plan = Plan(front_gap=1.05, left_aisle=False, right_aisle=True, blocks=2, stepped=True)
    rows = rows_for(arm, 1.05, DK.row_spacing, open_floor=room.outline, stepped=True)
    items = build(arm, plan, replace(DK, wheelchair_spaces=((0, 10**9, 0),)), rows)
    assert rows.passage_rows == 1
    in_passage = [item for item in items if item.y > rows.first[1]]
    first_row = sorted(item.x for item in items if rows.first[0] < item.y < rows.first[1])
    assert len(in_passage) >= 20
    # The aisle between the blocks opens on the passage where it leads on to the 8 m arm.
    aisle_left, aisle_right = next((a + 0.25, b - 0.25) for a, b in itertools.pairwise(first_row)
                                   if b - a > 0.51)
    assert aisle_right - aisle_left >= 1.3 and aisle_left < 8.0
    assert min(item.x for item in in_passage) - 0.25 >= max(8.0, aisle_right) - 1e-6


def test_stepped_rows_fill_the_wide_l_to_ninety_percent_of_its_area_bound():
    room = _wide_l()
    result = arrange(room, "theatre", DK)
    found = [v.code for v in validate_layout(room, result.layout, DK) if v.severity == "error"]
    rows_in_passage = {item.y for item in result.layout.items
                       if item.kind == "chair" and 6.95 < item.y < 8.0}
    assert found == []
    assert rows_in_passage
    assert result.capacity.limits[0].value >= 0.9 * room.outline.area / 0.5


def test_no_plan_runs_an_aisle_into_a_pillar():
    room = RoomShape(box(0, 0, 12, 9), (Door(LineString([(0, 1), (0, 2.2)]), 1.2),),
                     obstacles=(box(5.7, 4.2, 6.3, 4.8),))
    found = survey(_usable(room).difference(room.obstacles[0].buffer(0.05)), DK)
    assert found.chairs
    for _, plan in found.chairs:
        rows = found.rows[plan.front_gap, plan.back_passage, plan.stepped]
        blocks = plan_blocks(found.usable, plan, rows, DK)
        aisles = [(a.start + a.units * 0.5, b.start) for a, b in itertools.pairwise(blocks)]
        # Beside the pillar a route's width is left in every aisle that meets it.
        for x0, x1 in aisles:
            if x0 < 6.35 and x1 > 5.65:
                assert max(5.65 - x0, x1 - 6.35) >= 0.9


def test_rows_stand_in_the_front_passage_only_where_a_door_lies_beyond_it():
    doorless = RoomShape(_wide_l().outline, _wide_l().doors[:2])
    for room, expected in ((_wide_l(), True), (doorless, False)):
        arm = _usable(room).intersection(box(0, 0, 20, 8))
        around = Surroundings(room.outline, unary_union(
            [door_zone(room, door) for door in room.doors]))
        found = survey(arm, DK, (1.05,), around)
        assert any(plan.stepped for _, plan in found.chairs) is expected


def test_a_plan_whose_wall_aisle_leads_to_no_door_is_not_counted_in_a_rectangle():
    # Doors in the left wall only; rows from the front wall to the back leave no passage
    # across, so the right wall aisle is reached only through the legroom between rows.
    room = RoomShape(box(0, 0, 8, 10), (Door(LineString([(0, 1), (0, 2.2)]), 1.2),))
    usable = _usable(room)
    around = Surroundings(room.outline, unary_union(
        [door_zone(room, door) for door in room.doors]))
    stranded = Plan(front_gap=0.0, left_aisle=True, right_aisle=True, blocks=1)
    reached = Plan(front_gap=0.0, left_aisle=True, right_aisle=False, blocks=1)
    blind, seeing = survey(usable, DK, (0.0,)), survey(usable, DK, (0.0,), around)
    assert blind.bound_of(stranded) > 0
    assert seeing.bound_of(stranded) == 0
    assert seeing.bound_of(reached) == blind.bound_of(reached) > 0
    # What is no longer counted could never validate: every row's right end is cut off.
    items = build(usable, stranded, DK)
    assert items is not None
    cut_off = {i for v in validate_layout(room, Layout("t", "theatre", tuple(items)), DK)
               if v.code == "no_accessible_route" for i in v.items}
    rows = Counter(round(item.y, 2) for item in items if item.kind == "chair")
    assert len({round(items[i].y, 2) for i in cut_off if items[i].kind == "chair"}) == len(rows)


def test_a_wall_aisle_with_a_door_beside_it_still_counts():
    room = RoomShape(box(0, 0, 8, 10), (Door(LineString([(0, 1), (0, 2.2)]), 1.2),
                                        Door(LineString([(8, 4), (8, 5.2)]), 1.2)))
    around = Surroundings(room.outline, unary_union(
        [door_zone(room, door) for door in room.doors]))
    both = Plan(front_gap=0.0, left_aisle=True, right_aisle=True, blocks=1)
    assert survey(_usable(room), DK, (0.0,), around).bound_of(both) > 0


def test_in_an_arm_of_an_l_a_wall_aisle_counts_with_a_door_or_the_other_arm_beside_it():
    # The long arm's right wall aisle has a door beside it only while the door at its far
    # end is there; its left one has the other arm (and a door) beside it.
    stranded = Plan(front_gap=0.0, left_aisle=True, right_aisle=True, blocks=1)
    bounds = []
    for doors in (_wide_l().doors, _wide_l().doors[:1]):
        room = RoomShape(_wide_l().outline, doors)
        arm = _usable(room).intersection(box(0, 0, 20, 8))
        around = Surroundings(room.outline, unary_union(
            [door_zone(room, door) for door in room.doors]))
        bounds.append((survey(arm, DK, (0.0,), around).bound_of(stranded),
                       survey(arm, DK, (0.0,)).bound_of(stranded)))
    assert bounds[0][0] == bounds[0][1] == bounds[1][1] > 0
    assert bounds[1][0] == 0
    items = build(arm, stranded, DK)
    assert items is not None
    cut_off = {i for v in validate_layout(room, Layout("t", "theatre", tuple(items)), DK)
               if v.code == "no_accessible_route" for i in v.items}
    # Every row that reaches the aisle is cut off (the front row stops short of it, clear
    # of the way to the other arm): far more than the tenth of the places pruning gives.
    lost = {round(items[i].y, 2) for i in cut_off if items[i].kind == "chair"}
    rows = Counter(round(item.y, 2) for item in items if item.kind == "chair")
    assert len(lost) == len(rows) - 1
    assert sum(rows[y] for y in lost) > 0.9 * sum(rows.values())
