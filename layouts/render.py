"""Drawing a room and its layout as SVG: a plan for the web, a poster for the wall."""

from __future__ import annotations

import math
from xml.sax.saxutils import escape

from shapely.geometry import Point, Polygon

from layouts.capacity import Capacity
from layouts.layout import Layout, footprint
from layouts.room import Door, RoomShape

PX_PER_M = 40
MARGIN_M = 1.0
COLOURS = {"seat": "#2f6f4f", "table": "#c8b28a", "wheelchair_space": "#1f5fa8", "other": "#8a8f98"}


def to_svg(room: RoomShape, layout: Layout | None = None, capacity: Capacity | None = None,
           poster: bool = False, title: str = "") -> str:
    """A standalone SVG of the room (y up), its doors with swing, obstacles and furniture."""
    minx, miny, maxx, maxy = room.outline.bounds
    width = (maxx - minx + 2 * MARGIN_M) * PX_PER_M
    height = (maxy - miny + 2 * MARGIN_M) * PX_PER_M
    caption_height = 160 if poster else 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" '
        f'height="{height + caption_height:.0f}" viewBox="0 0 {width:.0f} '
        f'{height + caption_height:.0f}" role="img" '
        f'aria-label="{_attribute(title or "Room plan")}">',
        f"<title>{escape(title or 'Room plan')}</title>",
        '<rect width="100%" height="100%" fill="#ffffff"/>',
        f'<g transform="translate({(MARGIN_M - minx) * PX_PER_M:.2f} '
        f'{(maxy + MARGIN_M) * PX_PER_M:.2f}) scale({PX_PER_M} -{PX_PER_M})">',
        _polygon(room.outline, 'fill="#f4f1ea" stroke="#333" stroke-width="0.08"'),
    ]
    parts += [_polygon(o, 'fill="#6b6b6b"') for o in room.obstacles]
    parts += [_door(door, room) for door in room.doors]
    if layout is not None:
        parts += [_item_svg(item) for item in layout.items]
    parts.append("</g>")
    parts.append(_scale_bar(height))
    parts.append(_caption(capacity, title, height, poster))
    parts.append("</svg>")
    return "\n".join(parts)


def _attribute(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def _polygon(polygon: Polygon, style: str) -> str:
    rings = [polygon.exterior, *polygon.interiors]
    path = " ".join("M" + " L".join(f"{x:.3f},{y:.3f}" for x, y in ring.coords) + " Z"
                    for ring in rings)
    return f'<path d="{path}" fill-rule="evenodd" {style}/>'


def _door(door: Door, room: RoomShape) -> str:
    (x0, y0), (x1, y1) = door.segment.coords[0], door.segment.coords[-1]
    length = math.hypot(x1 - x0, y1 - y0)
    nx, ny = -(y1 - y0) / length, (x1 - x0) / length
    mid = door.segment.interpolate(0.5, normalized=True)
    if not room.outline.contains(Point(mid.x + nx * 0.1, mid.y + ny * 0.1)):
        nx, ny = -nx, -ny
    leaf = (x0 + nx * length, y0 + ny * length)
    return (f'<g class="door"><line x1="{x0:.3f}" y1="{y0:.3f}" x2="{x1:.3f}" y2="{y1:.3f}" '
            'stroke="#ffffff" stroke-width="0.12"/>'
            f'<line x1="{x0:.3f}" y1="{y0:.3f}" x2="{leaf[0]:.3f}" y2="{leaf[1]:.3f}" '
            'stroke="#b5432f" stroke-width="0.04"/>'
            f'<path d="M{leaf[0]:.3f},{leaf[1]:.3f} A{length:.3f},{length:.3f} 0 0 '
            f'{1 if nx * (y1 - y0) - ny * (x1 - x0) < 0 else 0} {x1:.3f},{y1:.3f}" fill="none" '
            'stroke="#b5432f" stroke-width="0.02" stroke-dasharray="0.08 0.06"/></g>')


def _item_svg(item) -> str:
    kind = item.furniture
    colour = (COLOURS["wheelchair_space"] if item.kind == "wheelchair_space"
              else COLOURS["seat"] if kind.is_seat
              else COLOURS["table"] if kind.is_table else COLOURS["other"])
    return _polygon(footprint(item), f'fill="{colour}" fill-opacity="0.85" stroke="#222" '
                                     'stroke-width="0.02"').replace(
        "<path", f'<path class="item {_attribute(item.kind)}"', 1)


def _scale_bar(height: float) -> str:
    y = height - 12
    return (f'<g class="scale"><line x1="20" y1="{y:.0f}" x2="{20 + 5 * PX_PER_M}" y2="{y:.0f}" '
            'stroke="#000" stroke-width="3"/>'
            f'<text x="20" y="{y - 6:.0f}" font-family="sans-serif" font-size="12">5 m</text></g>')


def _caption(capacity: Capacity | None, title: str, height: float, poster: bool) -> str:
    lines = []
    if poster and capacity is not None:
        lines.append((f"Maximum {capacity.capacity} persons", 40, "bold"))
    if title:
        lines.append((title, 16, "bold"))
    if capacity is not None:
        lines.append((f"Capacity {capacity.capacity}. {capacity.sentence}", 13, "normal"))
        lines.append((capacity.disclaimer, 10, "normal"))
    text, y = [], height + 8
    for content, size, weight in lines:
        y += size + 6
        text.append(f'<text x="20" y="{y:.0f}" font-family="sans-serif" font-size="{size}" '
                    f'font-weight="{weight}">{escape(content)}</text>')
    return '<g class="caption">' + "".join(text) + "</g>"
