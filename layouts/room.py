"""A room as the layout planner sees it: outline, doors on its walls, fixed obstacles."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from shapely.geometry import LineString, Polygon

from layouts.geometry import GeometryError, linestring_from_geojson, polygon_from_geojson

DOOR_TOLERANCE = 0.01
MAX_DOOR_WIDTH = 20.0


@dataclass(frozen=True)
class Door:
    """A door: a segment on the outline and its clear width in metres."""

    segment: LineString
    width: float


@dataclass(frozen=True)
class RoomShape:
    """The geometry of a room, with the staff-set cap on attendees (if any)."""

    outline: Polygon
    doors: tuple[Door, ...] = ()
    obstacles: tuple[Polygon, ...] = ()
    max_attendees: int | None = None


def room_from_geojson(
    outline: Any,
    doors: Sequence[Any] = (),
    obstacles: Sequence[Any] = (),
    max_attendees: int | None = None,
) -> RoomShape:
    """Parse and check a room: doors lie on the outline (within 1 cm), obstacles inside it."""
    shape = polygon_from_geojson(outline, "outline")
    return RoomShape(
        outline=shape,
        doors=tuple(_door(shape, door, i) for i, door in enumerate(doors or ())),
        obstacles=tuple(_obstacle(shape, o, i) for i, o in enumerate(obstacles or ())),
        max_attendees=max_attendees,
    )


def _door(outline: Polygon, data: Any, index: int) -> Door:
    field = f"doors[{index}]"
    if not isinstance(data, dict):
        raise GeometryError(field, 'a door is {"geometry": LineString, "width": metres}')
    segment = linestring_from_geojson(data.get("geometry"), f"{field}.geometry")
    width = data.get("width")
    if isinstance(width, bool) or not isinstance(width, int | float) or not math.isfinite(width):
        raise GeometryError(field, "a door's width is a number of metres")
    if not 0 < width <= MAX_DOOR_WIDTH:
        raise GeometryError(field, f"a door's width must be between 0 and {MAX_DOOR_WIDTH:g} m")
    if width > segment.length + DOOR_TOLERANCE:
        raise GeometryError(field, f"the clear width {width:g} m is wider than the door opening "
                                   f"({segment.length:.2f} m)")
    distance = _off_wall(outline, segment)
    if distance > DOOR_TOLERANCE:
        raise GeometryError(field, f"the door does not lie on a wall of the room "
                                   f"(it is {distance:.2f} m away)")
    return Door(segment, float(width))


def _off_wall(outline: Polygon, segment: LineString) -> float:
    """How far the farthest point of the segment is from the outline's boundary."""
    boundary = outline.boundary
    samples = [segment.interpolate(t, normalized=True) for t in (0, 0.25, 0.5, 0.75, 1)]
    return max(boundary.distance(point) for point in samples)


def _obstacle(outline: Polygon, data: Any, index: int) -> Polygon:
    field = f"obstacles[{index}]"
    obstacle = polygon_from_geojson(data, field)
    if not outline.buffer(DOOR_TOLERANCE).covers(obstacle):
        raise GeometryError(field, "the obstacle is not inside the room's outline")
    return obstacle


def rooms_overlap(a: Polygon, b: Polygon, min_area: float = 0.01) -> bool:
    """Whether two outlines share floor (more than ``min_area`` m²); touching walls do not."""
    return a.intersection(b).area > min_area
