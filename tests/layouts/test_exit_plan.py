"""What a plan shows of the way out: each door's clear zone, and the route in from the doors."""

from __future__ import annotations

import pytest

from layouts import Item, Layout, exit_plan, room_from_geojson


def _room():
    outline = {"type": "Polygon", "coordinates": [[[0, 0], [6, 0], [6, 4], [0, 4], [0, 0]]]}
    doors = [{"geometry": {"type": "LineString", "coordinates": [[0, 1], [0, 2.2]]},
              "width": 1.2}]
    return room_from_geojson(outline, doors)


def test_each_door_has_a_clear_zone_as_wide_as_the_door_and_a_metre_deep():
    zones, _ = exit_plan(_room(), Layout("empty", "custom"))
    assert len(zones) == 1
    assert zones[0].area == pytest.approx(1.2)
    assert zones[0].bounds == pytest.approx((0, 1, 1, 2.2))


def test_the_route_in_covers_an_empty_room():
    _, route = exit_plan(_room(), Layout("empty", "custom"))
    assert route is not None
    assert route.bounds[2] == pytest.approx(6, abs=0.02)


def test_the_route_in_stops_at_a_wall_of_furniture_across_the_room():
    wall = (Item("stage_2x1", 1.5, 1.0, 90), Item("stage_2x1", 1.5, 3.0, 90))
    _, route = exit_plan(_room(), Layout("wall", "custom", wall))
    assert route is not None
    assert route.bounds[2] <= 1.0 + 1e-6


def test_a_room_without_doors_has_no_route_in():
    outline = {"type": "Polygon", "coordinates": [[[0, 0], [6, 0], [6, 4], [0, 4], [0, 0]]]}
    zones, route = exit_plan(room_from_geojson(outline), Layout("empty", "custom"))
    assert zones == [] and route is None
