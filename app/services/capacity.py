"""How many people a room holds, with a layout or without: the one capacity rule.

Every booking, layout change and room change asks ``capacity_of``. A layout is
measured (``measure``) by the layouts library against the room's current geometry
and rule pack, the room's policy cap (``max_attendees``) among the limits. The
``capacity`` stored on a layout row is that measurement: written when the layout
is saved and rewritten by ``refresh_layout`` whenever the room changes, so it is
never older than the room's geometry.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from flask_babel import gettext

from app.models import Layout, Room
from app.services.errors import FieldError
from layouts import (
    Capacity,
    RoomShape,
    RulePack,
    compute_capacity,
    get_rule_pack,
    layout_from_json,
    room_from_geojson,
    validate_layout,
)
from layouts import room_capacity as bare_room_capacity
from layouts.layout import Layout as LayoutValue


def shape_of(room: Room) -> RoomShape:
    """The room's geometry (and policy cap) as the layouts library's value."""
    return room_from_geojson(room.outline, room.doors, room.obstacles, room.max_attendees)


def rules_of(room: Room) -> RulePack:
    """The rule pack the room's branch follows."""
    return get_rule_pack(room.branch.rule_pack)


def layout_json(layout: Layout) -> dict[str, Any]:
    """A stored layout in the API's shape (without the derived figures)."""
    return {"name": layout.name, "style": layout.style, "items": layout.items}


def measure(room: Room, value: LayoutValue) -> Capacity:
    """Every limit on a layout in the room as it is now, the policy cap among them."""
    return compute_capacity(shape_of(room), value, rules_of(room))


def capacity_of(room: Room, layout: Layout | None) -> int:
    """How many people a booking of ``room`` with ``layout`` (or with none) may have.

    With a layout: what ``measure`` found for it in the room's current geometry. That
    figure is stored on the layout row when the layout is saved and again by
    ``refresh_layout`` in the same transaction as every change to the room, so it is
    read rather than measured again (measuring a 360-chair theatre takes about 5 ms,
    too much for every booking in a list). The room's cap bounds it here as well, and
    a layout that no longer fits the room holds nobody. Without a layout: what the
    bare room allows (floor area, exits, cap), which no layout exceeds.
    """
    if layout is None:
        return _bare_capacity(room)
    if not layout.valid:
        return 0
    if room.max_attendees is None:
        return layout.capacity
    return min(layout.capacity, room.max_attendees)


def _bare_capacity(room: Room) -> int:
    """What the bare room allows, remembered per worker by the values it depends on.

    Measuring takes about a millisecond and every booking without a layout asks (its
    check and its answer). The key is the geometry, the cap and the rule pack
    themselves, not the room's id, so a changed room is simply a new key: nothing to
    invalidate, and nothing stale is ever read.
    """
    geometry = json.dumps([room.outline, room.doors, room.obstacles], sort_keys=True,
                          separators=(",", ":"))
    return _bare_capacity_of(geometry, room.max_attendees, room.branch.rule_pack)


@functools.lru_cache(maxsize=1024)
def _bare_capacity_of(geometry: str, max_attendees: int | None, rule_pack: str) -> int:
    outline, doors, obstacles = json.loads(geometry)
    shape = room_from_geojson(outline, doors, obstacles, max_attendees)
    return bare_room_capacity(shape, get_rule_pack(rule_pack)).capacity


def check_attendees(attendees: int, room: Room, layout: Layout | None) -> list[FieldError]:
    """The booking rule: attendees within ``capacity_of`` the room with that layout."""
    capacity = capacity_of(room, layout)
    if attendees <= capacity:
        return []
    if layout is None:
        message = gettext("%(attendees)s people is more than %(what)s holds: its capacity is "
                          "%(capacity)s.", attendees=attendees, what=room.name, capacity=capacity)
    elif layout.valid:
        message = gettext("%(attendees)s people is more than the layout '%(what)s' holds: its "
                          "capacity is %(capacity)s.", attendees=attendees, what=layout.name,
                          capacity=capacity)
    else:
        message = gettext("%(attendees)s people is more than the layout '%(what)s' holds: its "
                          "capacity is %(capacity)s (it no longer fits the room).",
                          attendees=attendees, what=layout.name, capacity=capacity)
    return [FieldError(
        "attendees", "capacity_exceeded", message,

    )]


def refresh_layout(room: Room, layout: Layout) -> bool:
    """Re-measure and re-validate a stored layout in the room as it is now; whether it fits.

    The stored capacity, limits, binding and validity are rewritten, so no stored
    figure is older than the room's geometry.
    """
    value = layout_from_json(layout_json(layout))
    shape, rules = shape_of(room), rules_of(room)
    valid = not any(v.severity == "error" for v in validate_layout(shape, value, rules))
    store_measure(layout, compute_capacity(shape, value, rules))
    layout.valid = valid
    return valid


def store_measure(layout: Layout, capacity: Capacity) -> None:
    """Keep a layout's measured figures on its row, as the API shows them."""
    layout.capacity = capacity.capacity
    layout.limits = {limit.key: limit.value for limit in capacity.limits}
    layout.binding = capacity.binding
