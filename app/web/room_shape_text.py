"""A room's shape as text people can edit in a form: the room editor without JavaScript.

The outline is one corner per line ("x, y" in metres, decimals with a point), holes after
a blank line; a door is "x1, y1; x2, y2; width" on a line; an obstacle is its corners on
one line, "x, y; x, y; x, y". Only the syntax is checked here; whether the shape makes a
room is for ``layouts`` to say, through the service, as for the JSON API.
"""

from __future__ import annotations

import math
import re
from typing import Any

from flask_babel import gettext

_SEPARATORS = re.compile(r"[\s,;]+")


class ShapeTextError(ValueError):
    """Text that does not read as a shape: the form field and a reason in the reader's words."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _number(value: float) -> str:
    text = f"{round(value, 3):.3f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _point(point: Any) -> str:
    return f"{_number(point[0])}, {_number(point[1])}"


def _open(ring: list[Any]) -> list[Any]:
    """The ring without its closing point, as people list corners."""
    return ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else ring


def outline_to_text(outline: dict[str, Any]) -> str:
    """The outline's corners, one per line; a blank line before each hole."""
    return "\n\n".join("\n".join(_point(p) for p in _open(ring))
                       for ring in outline["coordinates"])


def doors_to_text(doors: list[dict[str, Any]]) -> str:
    """One door a line: its two ends and its clear width."""
    return "\n".join(
        f"{_point(door['geometry']['coordinates'][0])}; "
        f"{_point(door['geometry']['coordinates'][-1])}; {_number(door['width'])}"
        for door in doors)


def obstacles_to_text(obstacles: list[dict[str, Any]]) -> str:
    """One obstacle a line: its corners."""
    return "\n".join("; ".join(_point(p) for p in _open(o["coordinates"][0])) for o in obstacles)


def _numbers(line: str, field: str, number: int) -> list[float]:
    try:
        values = [float(part) for part in _SEPARATORS.split(line.strip()) if part]
    except ValueError:
        raise ShapeTextError(field, gettext(
            "Line %(line)s: write numbers in metres with a decimal point, e.g. 2.5.",
            line=number)) from None
    if not all(math.isfinite(v) and abs(v) <= 100_000 for v in values):
        raise ShapeTextError(field, gettext("Line %(line)s: a number is out of range.",
                                            line=number))
    return values


def _pairs(values: list[float]) -> list[list[float]]:
    return [[values[i], values[i + 1]] for i in range(0, len(values), 2)]


def _closed(points: list[list[float]]) -> list[list[float]]:
    return points if points[0] == points[-1] else [*points, points[0]]


def outline_from_text(text: str) -> dict[str, Any]:
    """A GeoJSON Polygon from corners a line (rings apart by a blank line)."""
    rings: list[list[list[float]]] = [[]]
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            if rings[-1]:
                rings.append([])
            continue
        values = _numbers(line, "outline", number)
        if len(values) != 2:
            raise ShapeTextError("outline", gettext(
                "Line %(line)s: a corner is two numbers, x and y.", line=number))
        rings[-1].append(values)
    rings = [ring for ring in rings if ring]
    if not rings or any(len(ring) < 3 for ring in rings):
        raise ShapeTextError("outline", gettext("An outline needs at least three corners."))
    return {"type": "Polygon", "coordinates": [_closed(ring) for ring in rings]}


def doors_from_text(text: str) -> list[dict[str, Any]]:
    """Doors from lines of five numbers: x1, y1; x2, y2; width."""
    doors = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        values = _numbers(line, "doors", number)
        if len(values) != 5:
            raise ShapeTextError("doors", gettext(
                "Line %(line)s: a door is its two ends and its width: x1, y1; x2, y2; width.",
                line=number))
        doors.append({"geometry": {"type": "LineString", "coordinates": _pairs(values[:4])},
                      "width": values[4]})
    return doors


def obstacles_from_text(text: str) -> list[dict[str, Any]]:
    """Obstacles from lines of corners: x, y; x, y; x, y (three corners or more)."""
    obstacles = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        values = _numbers(line, "obstacles", number)
        if len(values) < 6 or len(values) % 2:
            raise ShapeTextError("obstacles", gettext(
                "Line %(line)s: an obstacle is three corners or more: x, y; x, y; x, y.",
                line=number))
        obstacles.append({"type": "Polygon", "coordinates": [_closed(_pairs(values))]})
    return obstacles
