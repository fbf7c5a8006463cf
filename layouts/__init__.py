"""Agora's layout planner: room geometry, furniture, validation, capacity, auto-arrange.

A pure library: plain values and shapely geometries in, plain values out.
"""

from layouts.arrange import STYLES, ArrangeError, Arrangement, arrange
from layouts.capacity import (
    Capacity,
    Limit,
    capacity_to_json,
    compute_capacity,
    room_capacity,
    usable_area,
)
from layouts.catalogue import CATALOGUE, FurnitureKind, get_kind
from layouts.cells import Cell, cells_by_room, overlay_cells
from layouts.exchange import from_geojson, to_geojson
from layouts.geometry import (
    GeometryError,
    linestring_from_geojson,
    polygon_from_geojson,
    polygon_to_geojson,
)
from layouts.layout import (
    Item,
    Layout,
    LayoutInputError,
    footprint,
    layout_from_json,
    layout_to_json,
)
from layouts.render import to_svg
from layouts.room import Door, RoomShape, room_from_geojson, rooms_overlap
from layouts.rulepacks import RULE_PACKS, RulePack, UnknownRulePack, get_rule_pack
from layouts.validate import Violation, door_zone, exit_plan, validate_layout

__all__ = [
    "CATALOGUE", "RULE_PACKS", "STYLES", "ArrangeError", "Arrangement", "Capacity", "Cell",
    "Door", "FurnitureKind", "GeometryError", "Item", "Layout", "LayoutInputError", "Limit",
    "RoomShape", "RulePack", "UnknownRulePack", "Violation", "arrange", "capacity_to_json",
    "cells_by_room", "compute_capacity", "door_zone", "exit_plan", "footprint", "from_geojson",
    "get_kind",
    "get_rule_pack", "layout_from_json", "layout_to_json", "linestring_from_geojson",
    "overlay_cells", "polygon_from_geojson", "polygon_to_geojson", "room_capacity",
    "room_from_geojson", "rooms_overlap", "to_geojson", "to_svg", "usable_area",
    "validate_layout",
]
