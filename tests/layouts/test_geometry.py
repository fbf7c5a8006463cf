"""GeoJSON geometry in: what is accepted, and the reason given for what is not."""

from __future__ import annotations

import math

import pytest

from layouts.geometry import (
    GeometryError,
    linestring_from_geojson,
    polygon_from_geojson,
    polygon_to_geojson,
)


def square(size: float = 4.0) -> dict:
    return {"type": "Polygon",
            "coordinates": [[[0, 0], [size, 0], [size, size], [0, size], [0, 0]]]}


def reason(obj, **kwargs) -> GeometryError:
    with pytest.raises(GeometryError) as caught:
        polygon_from_geojson(obj, **kwargs)
    return caught.value


def test_a_square_outline_is_read_with_its_area():
    assert polygon_from_geojson(square()).area == 16


def test_a_polygon_with_a_hole_is_accepted():
    obj = square(10)
    obj["coordinates"].append([[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]])
    assert polygon_from_geojson(obj).area == 96


def test_a_self_intersecting_outline_is_refused_in_words():
    bow_tie = {"type": "Polygon", "coordinates": [[[0, 0], [4, 4], [4, 0], [0, 4], [0, 0]]]}
    error = reason(bow_tie)
    assert (error.code, error.field) == ("invalid_geometry", "outline")
    assert "self-intersection" in error.message


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, 2e6])
def test_non_finite_or_huge_coordinates_are_refused(bad):
    obj = square()
    obj["coordinates"][0][1] = [bad, 0]
    error = reason(obj, field="doors[0]")
    assert error.field == "doors[0].coordinates[0][1]"
    assert "finite" in error.message


def test_the_field_of_a_bad_coordinate_is_named():
    obj = square()
    obj["coordinates"][0][2] = ["a", 1]
    assert reason(obj).field == "outline.coordinates[0][2]"


def test_an_open_ring_is_refused():
    obj = {"type": "Polygon", "coordinates": [[[0, 0], [4, 0], [4, 4], [0, 4], [1, 1]]]}
    assert "closed" in reason(obj).message


def test_fewer_than_four_positions_are_refused():
    obj = {"type": "Polygon", "coordinates": [[[0, 0], [4, 0], [0, 0]]]}
    assert "4 or more" in reason(obj).message


def test_a_flat_polygon_is_refused():
    obj = {"type": "Polygon", "coordinates": [[[0, 0], [4, 0], [8, 0], [0, 0]]]}
    assert reason(obj).code == "invalid_geometry"


def test_too_many_vertices_are_refused():
    assert "vertices" in reason(square(), max_vertices=4).message


@pytest.mark.parametrize("obj", [None, [], {"type": "Point", "coordinates": [0, 0]},
                                 {"type": "Polygon"}, {"type": "Polygon", "coordinates": []}])
def test_what_is_not_a_polygon_is_refused(obj):
    assert reason(obj).code == "invalid_geometry"


def test_a_polygon_survives_the_round_trip_through_geojson():
    polygon = polygon_from_geojson(square())
    assert polygon_from_geojson(polygon_to_geojson(polygon)).equals(polygon)


def test_a_door_segment_is_read_and_a_point_like_one_refused():
    door = {"type": "LineString", "coordinates": [[0, 1], [0, 2.2]]}
    assert linestring_from_geojson(door, "doors[0]").length == pytest.approx(1.2)
    with pytest.raises(GeometryError, match="no length"):
        linestring_from_geojson({"type": "LineString", "coordinates": [[0, 1], [0, 1]]}, "d")
