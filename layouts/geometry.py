"""GeoJSON in, shapely out: validated polygons and segments in metres on a local plane."""

from __future__ import annotations

import math
from typing import Any

import shapely
from shapely.geometry import LineString, Polygon

MAX_COORDINATE = 1e6
MAX_VERTICES = 10_000


class GeometryError(ValueError):
    """Geometry that cannot be used, with the field it came from and a reason in words."""

    def __init__(self, field: str, message: str, code: str = "invalid_geometry") -> None:
        super().__init__(message)
        self.code = code
        self.field = field
        self.message = message


def polygon_from_geojson(obj: Any, field: str = "outline",
                         max_vertices: int = MAX_VERTICES) -> Polygon:
    """A valid, non-empty polygon (holes allowed) from a GeoJSON Polygon object."""
    if not isinstance(obj, dict) or obj.get("type") != "Polygon":
        raise GeometryError(field, 'expected a GeoJSON object with "type": "Polygon"')
    rings = obj.get("coordinates")
    if not isinstance(rings, list) or not rings:
        raise GeometryError(field, "a Polygon needs a list of rings in 'coordinates'")
    total = sum(len(r) for r in rings if isinstance(r, list))
    if total > max_vertices:
        raise GeometryError(field, f"{total} vertices is more than the {max_vertices} allowed")
    parsed = [_ring(ring, f"{field}.coordinates[{i}]") for i, ring in enumerate(rings)]
    polygon = Polygon(parsed[0], parsed[1:])
    if not polygon.is_valid:
        reason = shapely.is_valid_reason(polygon)
        raise GeometryError(field, f"the polygon is not valid: {_in_words(reason)}")
    if polygon.area <= 0:
        raise GeometryError(field, "the polygon has no area")
    return polygon


def _ring(ring: Any, field: str) -> list[tuple[float, float]]:
    if not isinstance(ring, list) or len(ring) < 4:
        raise GeometryError(field, "a ring needs 4 or more positions, the last equal to the first")
    points = [_position(p, f"{field}[{i}]") for i, p in enumerate(ring)]
    if points[0] != points[-1]:
        raise GeometryError(field, "a ring must be closed: its last position equals its first")
    return points


def _position(point: Any, field: str) -> tuple[float, float]:
    if not isinstance(point, list | tuple) or len(point) < 2:
        raise GeometryError(field, "a position is [x, y] in metres")
    x, y = point[0], point[1]
    for value in (x, y):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise GeometryError(field, "coordinates must be numbers")
        if not math.isfinite(value) or abs(value) > MAX_COORDINATE:
            raise GeometryError(field, f"coordinate {value!r} is not a finite number of metres "
                                       f"within ±{MAX_COORDINATE:g}")
    return float(x), float(y)


def _in_words(reason: str) -> str:
    words = {
        "Self-intersection": "its edges cross each other (self-intersection)",
        "Ring Self-intersection": "a ring touches itself (ring self-intersection)",
        "Too few points": "too few distinct points",
        "Hole lies outside shell": "a hole lies outside the outline",
        "Interior is disconnected": "a hole cuts the room in two",
        "Nested holes": "holes are nested",
        "Nested shells": "the outline is nested",
        "Duplicate Rings": "rings are duplicated",
    }
    key = reason.split("[")[0].strip()
    where = reason[len(key):].strip()
    text = words.get(key, key.lower())
    return f"{text} near {where}" if where else text


def polygon_to_geojson(polygon: Polygon) -> dict[str, Any]:
    """A GeoJSON Polygon with coordinates rounded to the millimetre."""
    rings = [polygon.exterior, *polygon.interiors]
    return {
        "type": "Polygon",
        "coordinates": [[[_mm(x), _mm(y)] for x, y in ring.coords] for ring in rings],
    }


def _mm(value: float) -> float:
    rounded = round(value, 3)
    return int(rounded) if rounded == int(rounded) else rounded


def linestring_from_geojson(obj: Any, field: str) -> LineString:
    """A non-degenerate segment or polyline from a GeoJSON LineString."""
    if not isinstance(obj, dict) or obj.get("type") != "LineString":
        raise GeometryError(field, 'expected a GeoJSON object with "type": "LineString"')
    coordinates = obj.get("coordinates")
    if not isinstance(coordinates, list) or not 2 <= len(coordinates) <= 100:
        raise GeometryError(field, "a LineString needs 2 to 100 positions")
    line = LineString([_position(p, f"{field}[{i}]") for i, p in enumerate(coordinates)])
    if line.length <= 0:
        raise GeometryError(field, "the line has no length")
    return line
