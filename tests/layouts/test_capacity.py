"""Capacity: the lowest of places, floor area, exits and policy, with the binding reason."""

from __future__ import annotations

import pytest
from shapely.geometry import LineString

from layouts.capacity import capacity_to_json, compute_capacity, room_capacity
from layouts.layout import Item
from layouts.room import Door
from layouts.rulepacks import DISCLAIMER, RULE_PACKS
from tests.layouts.rooms import chair_row, layout_of, rectangle_room

DK = RULE_PACKS["dk-br18"]
IBC = RULE_PACKS["ibc-2021"]
NARROW_DOOR = Door(LineString([(0, 1), (0, 1.9)]), 0.9)


def limits(capacity) -> dict[str, int]:
    return {limit.key: limit.value for limit in capacity.limits}


def test_the_places_in_a_small_layout_bind():
    capacity = compute_capacity(rectangle_room(), layout_of(*chair_row(10, 3, 5)), DK)
    assert (capacity.capacity, capacity.binding) == (10, "places")


def test_a_wheelchair_space_counts_as_a_place():
    layout = layout_of(*chair_row(10, 3, 5), Item("wheelchair_space", 9, 5))
    assert compute_capacity(rectangle_room(), layout, DK).capacity == 11


def test_tables_add_no_places_of_their_own():
    layout = layout_of(Item("table_160x80", 5, 5), *chair_row(3, 4.5, 4.3))
    assert compute_capacity(rectangle_room(), layout, DK).capacity == 3


@pytest.mark.parametrize(("rules", "expected"), [(DK, 216), (IBC, 166)], ids=["dk", "ibc"])
def test_the_floor_area_binds_an_empty_hall(rules, expected):
    capacity = room_capacity(rectangle_room(), rules)
    assert (capacity.capacity, capacity.binding) == (expected, "floor_area")


def test_the_floor_area_binds_a_layout_with_more_chairs_than_the_floor_allows():
    chairs = [chair for row in range(10) for chair in chair_row(8, 0.25, 0.25 + 0.5 * row)]
    capacity = compute_capacity(rectangle_room(4, 5), layout_of(*chairs), DK)
    assert (capacity.capacity, capacity.binding) == (40, "floor_area")


def test_a_classroom_takes_more_floor_per_person_than_a_theatre_under_the_ibc():
    theatre, classroom = (room_capacity(rectangle_room(), IBC, style)
                          for style in ("theatre", "classroom"))
    assert limits(classroom)["floor_area"] == 58 < limits(theatre)["floor_area"]


@pytest.mark.parametrize(("rules", "expected"), [(DK, 50), (IBC, 49)], ids=["dk", "ibc"])
def test_a_single_exit_binds_at_the_rule_packs_maximum(rules, expected):
    capacity = room_capacity(rectangle_room(doors=(NARROW_DOOR,)), rules)
    assert (capacity.capacity, capacity.binding) == (expected, "exits")
    assert "0.9 m door" in capacity.sentence


def test_the_exit_width_binds_when_two_narrow_doors_serve_a_large_hall():
    doors = (NARROW_DOOR, Door(LineString([(30, 1), (30, 1.9)]), 0.9))
    capacity = room_capacity(rectangle_room(30, 20, doors=doors), DK)
    assert (capacity.capacity, capacity.binding) == (180, "exits")


def test_a_room_without_a_door_holds_nobody():
    assert room_capacity(rectangle_room(doors=()), DK).capacity == 0


def test_the_staff_cap_binds_when_it_is_lowest():
    capacity = room_capacity(rectangle_room(max_attendees=20), DK)
    assert (capacity.capacity, capacity.binding) == (20, "policy")
    assert "20" in capacity.sentence


def test_the_capacity_is_the_lowest_of_its_limits():
    capacity = compute_capacity(rectangle_room(max_attendees=30),
                                layout_of(*chair_row(12, 3, 5)), IBC)
    assert capacity.capacity == min(limits(capacity).values()) == 12


def test_the_result_cites_its_rule_pack_and_says_it_is_guidance():
    capacity = room_capacity(rectangle_room(), IBC)
    assert "IBC" in capacity.citation
    assert capacity.disclaimer == DISCLAIMER and "not a certificate" in DISCLAIMER


def test_too_few_wheelchair_spaces_give_a_warning():
    capacity = compute_capacity(rectangle_room(), layout_of(*chair_row(30, 3, 5)), DK)
    assert any("wheelchair" in warning for warning in capacity.warnings)


def test_more_than_150_people_under_br18_asks_for_an_approved_seating_plan():
    assert any("seating plan" in w for w in room_capacity(rectangle_room(), DK).warnings)


def test_the_json_view_has_every_limit_and_the_binding_one():
    document = capacity_to_json(room_capacity(rectangle_room(max_attendees=20), DK))
    assert document["capacity"] == 20 and document["binding"] == "policy"
    assert document["limits"] == {"floor_area": 216, "exits": 240, "policy": 20}
    assert document["sentence"] and document["disclaimer"]
