"""A floor's plan: which room outlines hold others, and where to draw them on screen.

Pure: takes room outlines (shapely polygons in metres, y up) and returns plain values
in screen units (metres, y down) for an SVG.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from shapely.geometry import MultiPolygon, Polygon, box

# A part must cover at least this much of itself inside its whole (square metres of slack).
CONTAIN_SLACK_M2 = 0.01
MARGIN_M = 0.5
# Parts are drawn inset from their own outline, below a band at the top of their whole that
# carries the whole's label, so the whole stays visible and clickable around them.
PART_INSET_M = 0.15


@dataclass(frozen=True)
class PlacedRoom:
    """A room as drawn: its SVG path, its whole (if a part), its parts, and its label."""

    room_id: int
    path: str
    whole_id: int | None
    part_ids: tuple[int, ...]
    depth: int
    label_x: float
    label_y: float
    font: float


@dataclass(frozen=True)
class Plan:
    """A floor's rooms, wholes before their parts, in a box of ``width`` x ``height``."""

    width: float
    height: float
    rooms: tuple[PlacedRoom, ...]


def wholes_of(outlines: Mapping[int, Polygon]) -> dict[int, int | None]:
    """Each room's whole: the smallest other outline that covers it (None if none does).

    Two rooms with the same outline are not parts of one another.
    """
    found: dict[int, int | None] = {}
    for part_id, part in outlines.items():
        holders = [
            (outline.area, whole_id) for whole_id, outline in outlines.items()
            if whole_id != part_id and outline.area > part.area + CONTAIN_SLACK_M2
            and part.difference(outline).area <= CONTAIN_SLACK_M2
        ]
        found[part_id] = min(holders)[1] if holders else None
    return found


def plan_floor(outlines: Mapping[int, Polygon], names: Mapping[int, str]) -> Plan:
    """Where each room is drawn: y flipped, a margin around, parts inside their wholes."""
    if not outlines:
        return Plan(0.0, 0.0, ())
    minx = min(o.bounds[0] for o in outlines.values()) - MARGIN_M
    miny = min(o.bounds[1] for o in outlines.values()) - MARGIN_M
    maxx = max(o.bounds[2] for o in outlines.values()) + MARGIN_M
    maxy = max(o.bounds[3] for o in outlines.values()) + MARGIN_M
    width, height = maxx - minx, maxy - miny
    base_font = max(width, height) / 36
    wholes = wholes_of(outlines)
    parts = {room_id: tuple(sorted(p for p, w in wholes.items() if w == room_id))
             for room_id in outlines}
    depth = {room_id: _depth(room_id, wholes) for room_id in outlines}

    def flip(x: float, y: float) -> tuple[float, float]:
        return round(x - minx, 3), round(maxy - y, 3)

    placed = []
    for room_id in sorted(outlines, key=lambda r: (depth[r], names[r], r)):
        outline = outlines[room_id]
        drawn = outline
        whole_id = wholes[room_id]
        if whole_id is not None:
            whole = outlines[whole_id]
            band = _band(whole, base_font)
            room_box = box(whole.bounds[0], whole.bounds[1], whole.bounds[2],
                           whole.bounds[3] - band)
            drawn = outline.intersection(room_box).buffer(-PART_INSET_M, join_style="mitre")
            if drawn.is_empty:
                drawn = outline
        font = _font(drawn, names[room_id], base_font)
        if parts[room_id]:
            # A whole's label sits in its top band, above its parts.
            x0, _y0, x1, y1 = outline.bounds
            lx, ly = (x0 + x1) / 2, y1 - 1.1 * font
        else:
            point = drawn.representative_point() if not _centre_inside(drawn) else drawn.centroid
            lx, ly = point.x, point.y + font / 2
        sx, sy = flip(lx, ly)
        placed.append(PlacedRoom(room_id, _path(drawn, flip), whole_id, parts[room_id],
                                 depth[room_id], sx, sy, round(font, 3)))
    return Plan(round(width, 3), round(height, 3), tuple(placed))


def _depth(room_id: int, wholes: Mapping[int, int | None]) -> int:
    depth, seen = 0, {room_id}
    while (room_id := wholes[room_id]) is not None and room_id not in seen:
        seen.add(room_id)
        depth += 1
    return depth


def _band(whole: Polygon, base_font: float) -> float:
    """Height of the strip at the top of a whole that holds its two-line label."""
    height = whole.bounds[3] - whole.bounds[1]
    return min(2.7 * base_font, height / 3)


def _font(drawn: Polygon | MultiPolygon, name: str, base_font: float) -> float:
    """A label size that fits the room's width, no larger than the floor's base size."""
    width = drawn.bounds[2] - drawn.bounds[0]
    longest = max(len(name), 14)
    return max(min(base_font, 0.95 * width / (0.6 * longest)), base_font / 3)


def _centre_inside(shape: Polygon | MultiPolygon) -> bool:
    return shape.contains(shape.centroid)


def _path(shape: Polygon | MultiPolygon, flip) -> str:
    """An SVG path of the shape's rings (holes included, even-odd)."""
    polygons = shape.geoms if isinstance(shape, MultiPolygon) else [shape]
    parts = []
    for polygon in polygons:
        if not isinstance(polygon, Polygon):
            continue
        for ring in (polygon.exterior, *polygon.interiors):
            points = [flip(x, y) for x, y in ring.coords[:-1]]
            parts.append("M" + " L".join(f"{x:g} {y:g}" for x, y in points) + " Z")
    return " ".join(parts)
