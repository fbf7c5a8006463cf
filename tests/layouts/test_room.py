"""Rooms: doors on the walls, obstacles inside, and when two outlines overlap."""

from __future__ import annotations

import pytest
from shapely.geometry import box

from layouts.geometry import GeometryError
from layouts.room import room_from_geojson, rooms_overlap

HALL = {"type": "Polygon", "coordinates": [[[0, 0], [9, 0], [9, 12], [0, 12], [0, 0]]]}
PILLAR = {"type": "Polygon", "coordinates": [[[4, 6], [4.4, 6], [4.4, 6.4], [4, 6.4], [4, 6]]]}


def door(coordinates, width=1.2) -> dict:
    return {"geometry": {"type": "LineString", "coordinates": coordinates}, "width": width}


def refusal(**kwargs) -> GeometryError:
    arguments = {"outline": HALL, "doors": [], "obstacles": [], **kwargs}
    with pytest.raises(GeometryError) as caught:
        room_from_geojson(**arguments)
    return caught.value


def test_the_room_of_the_api_example_is_read_whole():
    room = room_from_geojson(HALL, [door([[0, 1], [0, 2.2]])], [PILLAR], max_attendees=80)
    assert (len(room.doors), len(room.obstacles), room.max_attendees) == (1, 1, 80)
    assert room.doors[0].width == 1.2


def test_a_door_off_the_wall_is_refused_with_its_index():
    error = refusal(doors=[door([[0, 1], [0, 2.2]]), door([[3, 3], [3, 4.2]])])
    assert (error.code, error.field) == ("invalid_geometry", "doors[1]")
    assert "wall" in error.message


def test_a_door_within_a_centimetre_of_the_wall_is_accepted():
    room = room_from_geojson(HALL, [door([[0.005, 1], [0.005, 2.2]])])
    assert len(room.doors) == 1


@pytest.mark.parametrize("width", [0, -1, 50, float("nan"), "wide", True])
def test_a_door_width_that_is_not_positive_and_sane_is_refused(width):
    assert refusal(doors=[door([[0, 1], [0, 2.2]], width)]).field == "doors[0]"


def test_a_clear_width_wider_than_the_opening_is_refused():
    assert "wider" in refusal(doors=[door([[0, 1], [0, 2]], 1.5)]).message


def test_an_obstacle_outside_the_outline_is_refused_with_its_index():
    outside = {"type": "Polygon", "coordinates": [[[8, 6], [10, 6], [10, 7], [8, 7], [8, 6]]]}
    error = refusal(obstacles=[PILLAR, outside])
    assert error.field == "obstacles[1]"


def test_rooms_sharing_floor_overlap():
    assert rooms_overlap(box(0, 0, 10, 10), box(5, 5, 15, 15))


def test_rooms_touching_along_a_wall_do_not_overlap():
    assert not rooms_overlap(box(0, 0, 10, 10), box(10, 0, 20, 10))


def test_a_sliver_of_shared_floor_does_not_count_as_overlap():
    assert not rooms_overlap(box(0, 0, 10, 10), box(9.999, 0, 20, 10))
