"""Layouts as values: items of furniture placed in a room, and their footprints."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import Point, Polygon, box

from layouts.catalogue import CATALOGUE, FurnitureKind

STYLES = ("theatre", "classroom", "boardroom", "u_shape", "banquet", "cabaret", "standing",
          "custom")
MAX_ITEMS = 5_000
MAX_COORDINATE = 1e4


class LayoutInputError(ValueError):
    """A layout that cannot be read, with every field at fault."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("; ".join(e["message"] for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class Item:
    """A piece of furniture: its kind, centre in metres and rotation in degrees."""

    kind: str
    x: float
    y: float
    rotation: float = 0.0

    @property
    def furniture(self) -> FurnitureKind:
        """The catalogue entry of this item."""
        return CATALOGUE[self.kind]


@dataclass(frozen=True)
class Layout:
    """A named arrangement of furniture."""

    name: str
    style: str
    items: tuple[Item, ...] = ()


def footprint(item: Item) -> Polygon:
    """The floor the item covers."""
    kind = item.furniture
    if kind.shape == "circle":
        return Point(item.x, item.y).buffer(kind.width / 2, quad_segs=8)
    shape = box(item.x - kind.width / 2, item.y - kind.depth / 2,
                item.x + kind.width / 2, item.y + kind.depth / 2)
    if not item.rotation:
        return shape
    return affinity.rotate(shape, item.rotation, origin=(item.x, item.y))


def footprints(items: list[Item]) -> np.ndarray:
    """The footprints of many items at once (as ``footprint``, without a polygon operation
    per item): an array of polygons in the order of the items."""
    found = np.empty(len(items), dtype=object)
    rects = [n for n, item in enumerate(items) if item.furniture.shape != "circle"]
    if rects:
        chosen = [items[n] for n in rects]
        found[rects] = rotated_boxes(
            [i.x for i in chosen], [i.y for i in chosen], [i.rotation for i in chosen],
            [(-i.furniture.width / 2, -i.furniture.depth / 2, i.furniture.width / 2,
              i.furniture.depth / 2) for i in chosen])
    for n, item in enumerate(items):
        if item.furniture.shape == "circle":
            found[n] = footprint(item)
    return found


def rotated_boxes(xs: list[float], ys: list[float], rotations: list[float],
                  extents: list[tuple[float, float, float, float]]) -> np.ndarray:
    """Boxes given by (x0, y0, x1, y1) around each origin, turned by its rotation (degrees,
    anticlockwise) and moved to (x, y): polygons, all made in one call."""
    lows_x, lows_y, highs_x, highs_y = np.asarray(extents, dtype=float).T
    local = np.stack([np.stack([highs_x, lows_y], -1), np.stack([highs_x, highs_y], -1),
                      np.stack([lows_x, highs_y], -1), np.stack([lows_x, lows_y], -1)], 1)
    turn = np.radians(np.asarray(rotations, dtype=float))
    cos, sin = np.cos(turn)[:, None], np.sin(turn)[:, None]
    corners = np.stack([local[..., 0] * cos - local[..., 1] * sin + np.asarray(xs)[:, None],
                        local[..., 0] * sin + local[..., 1] * cos + np.asarray(ys)[:, None]],
                       -1)
    return shapely.polygons(corners)


def front_zone(item: Item) -> Polygon | None:
    """The clear floor in front of a seat (for chairs: the side people face, +y unrotated)."""
    kind = item.furniture
    if not kind.is_seat or kind.clearance_front <= 0:
        return None
    zone = box(item.x - kind.width / 2, item.y + kind.depth / 2,
               item.x + kind.width / 2, item.y + kind.depth / 2 + kind.clearance_front)
    return affinity.rotate(zone, item.rotation, origin=(item.x, item.y)) if item.rotation else zone


def layout_from_json(obj: Any) -> Layout:
    """Read ``{"name", "style", "items": [{"kind", "x", "y", "rotation"}]}``; 422-style errors."""
    if not isinstance(obj, dict):
        raise LayoutInputError([_error("", "invalid_layout", "a layout is a JSON object")])
    errors: list[dict[str, str]] = []
    name = obj.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 120:
        errors.append(_error("name", "invalid_name", "a layout needs a name (1-120 characters)"))
    style = obj.get("style", "custom")
    if style not in STYLES:
        errors.append(_error("style", "invalid_style", f"style is one of {', '.join(STYLES)}"))
    raw_items = obj.get("items", [])
    if not isinstance(raw_items, list):
        errors.append(_error("items", "invalid_items", "items is a list"))
        raw_items = []
    if len(raw_items) > MAX_ITEMS:
        errors.append(_error("items", "too_many_items",
                             f"{len(raw_items)} items is more than the {MAX_ITEMS} allowed"))
        raw_items = []
    items = []
    for index, raw in enumerate(raw_items):
        item = _item(raw, f"items[{index}]", errors)
        if item is not None:
            items.append(item)
        if len(errors) >= 50:
            break
    if errors:
        raise LayoutInputError(errors)
    return Layout(name.strip(), style, tuple(items))


def _item(raw: Any, field: str, errors: list[dict[str, str]]) -> Item | None:
    if not isinstance(raw, dict):
        errors.append(_error(field, "invalid_item", "an item is an object"))
        return None
    kind = raw.get("kind")
    if kind not in CATALOGUE:
        errors.append(_error(f"{field}.kind", "unknown_kind",
                             f"there is no furniture kind {kind!r}"))
        return None
    values = {}
    for name in ("x", "y", "rotation"):
        value = raw.get(name, 0.0 if name == "rotation" else None)
        if not _finite(value):
            errors.append(_error(f"{field}.{name}", "invalid_number",
                                 f"{name} must be a finite number within ±{MAX_COORDINATE:g}"))
            return None
        values[name] = float(value)
    if not 0 <= values["rotation"] <= 360:
        errors.append(_error(f"{field}.rotation", "invalid_rotation",
                             "rotation is between 0 and 360 degrees"))
        return None
    return Item(kind, values["x"], values["y"], values["rotation"] % 360)


def _finite(value: Any) -> bool:
    return (not isinstance(value, bool) and isinstance(value, int | float)
            and math.isfinite(value) and abs(value) <= MAX_COORDINATE)


def _error(field: str, code: str, message: str) -> dict[str, str]:
    return {"field": field, "code": code, "message": message}


def layout_to_json(layout: Layout) -> dict[str, Any]:
    """The API's shape of a layout."""
    return {
        "name": layout.name,
        "style": layout.style,
        "items": [{"kind": i.kind, "x": round(i.x, 3), "y": round(i.y, 3),
                   "rotation": round(i.rotation, 2)} for i in layout.items],
    }
