"""How many people a layout holds: the lowest of its places, floor area, exits and policy."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from shapely.ops import unary_union

from layouts.layout import Layout
from layouts.room import RoomShape
from layouts.rulepacks import DISCLAIMER, RulePack


@dataclass(frozen=True)
class Limit:
    """One limit on the number of people, with the reason in words."""

    key: str
    value: int
    reason: str


@dataclass(frozen=True)
class Capacity:
    """Every limit, the one that binds, and a sentence saying why."""

    capacity: int
    limits: tuple[Limit, ...]
    binding: str
    sentence: str
    citation: str
    disclaimer: str = DISCLAIMER
    warnings: tuple[str, ...] = ()


def usable_area(room: RoomShape) -> float:
    """Floor area less fixed obstacles, in m²."""
    if not room.obstacles:
        return room.outline.area
    return room.outline.difference(unary_union(room.obstacles)).area


def places_limit(layout: Layout, room: RoomShape, rules: RulePack) -> Limit:
    """Seats and wheelchair spaces, or the standing area for a standing layout."""
    if layout.style == "standing":
        free = usable_area(room) - sum(_area(i) for i in layout.items)
        value = max(0, math.floor(free / rules.area_for("standing")))
        return Limit("places", value, f"{value} standing places on {free:.0f} m² of free floor")
    seats = sum(item.furniture.places for item in layout.items)
    return Limit("places", seats, f"{seats} seats and wheelchair spaces in the layout")


def _area(item: Any) -> float:
    kind = item.furniture
    return math.pi * (kind.width / 2) ** 2 if kind.shape == "circle" else kind.width * kind.depth


def floor_area_limit(room: RoomShape, rules: RulePack, style: str) -> Limit:
    """Usable floor divided by the rule pack's area per person for the style."""
    area = usable_area(room)
    per_person = rules.area_for(style)
    value = math.floor(area / per_person + 1e-9)
    return Limit("floor_area", value,
                 f"{area:.0f} m² at {per_person:g} m² per person ({style}): {value} people")


def exits_limit(room: RoomShape, rules: RulePack) -> Limit:
    """Door clear widths divided by the width per person; one exit caps at the pack's maximum."""
    if not room.doors:
        return Limit("exits", 0, "the room has no door")
    width = sum(door.width for door in room.doors)
    value = math.floor(width / rules.exit_width_per_person + 1e-9)
    if len(room.doors) == 1:
        door = room.doors[0].width
        if rules.single_exit_max < value:
            return Limit("exits", rules.single_exit_max,
                         f"the single {door:g} m door: one exit allows at most "
                         f"{rules.single_exit_max} people")
        return Limit("exits", value, f"the {door:g} m door: {value} people")
    return Limit("exits", value, f"{len(room.doors)} doors, {width:g} m clear in all: "
                                 f"{value} people")


def policy_limit(room: RoomShape) -> Limit | None:
    """The cap staff set on the room, if any."""
    if room.max_attendees is None:
        return None
    return Limit("policy", room.max_attendees,
                 f"the library's cap for this room: {room.max_attendees} people")


def compute_capacity(room: RoomShape, layout: Layout, rules: RulePack) -> Capacity:
    """The capacity of a layout in a room under a rule pack."""
    style = layout.style if layout.style != "custom" else _style_of(layout)
    limits = [places_limit(layout, room, rules), floor_area_limit(room, rules, style),
              exits_limit(room, rules)]
    return _decide(limits, policy_limit(room), rules, _warnings(layout, rules))


def room_capacity(room: RoomShape, rules: RulePack, style: str = "theatre") -> Capacity:
    """The capacity of the room itself, before any furniture: area, exits, policy."""
    limits = [floor_area_limit(room, rules, style), exits_limit(room, rules)]
    return _decide(limits, policy_limit(room), rules, ())


def _style_of(layout: Layout) -> str:
    return "banquet" if any(i.furniture.is_table for i in layout.items) else "theatre"


def _decide(limits: list[Limit], policy: Limit | None, rules: RulePack,
            warnings: tuple[str, ...]) -> Capacity:
    if policy is not None:
        limits.append(policy)
    binding = min(limits, key=lambda limit: (limit.value, limit.key))
    extra = ()
    if rules.seating_plan_above is not None and binding.value > rules.seating_plan_above:
        extra = (f"More than {rules.seating_plan_above} people needs a seating plan approved "
                 "by the fire authority.",)
    return Capacity(
        capacity=binding.value,
        limits=tuple(limits),
        binding=binding.key,
        sentence=f"Limited by {binding.reason}.",
        citation=rules.citation,
        warnings=warnings + extra,
    )


def _warnings(layout: Layout, rules: RulePack) -> tuple[str, ...]:
    seats = sum(i.furniture.places for i in layout.items if i.furniture.is_seat)
    spaces = sum(1 for i in layout.items if i.kind == "wheelchair_space")
    needed = rules.wheelchair_spaces_required(seats)
    if layout.style != "standing" and spaces < needed:
        return (f"{seats} seats should come with {needed} wheelchair spaces; the layout has "
                f"{spaces}.",)
    return ()


def capacity_to_json(capacity: Capacity) -> dict[str, Any]:
    """The API's view of a capacity."""
    return {
        "capacity": capacity.capacity,
        "limits": {limit.key: limit.value for limit in capacity.limits},
        "limit_reasons": {limit.key: limit.reason for limit in capacity.limits},
        "binding": capacity.binding,
        "sentence": capacity.sentence,
        "citation": capacity.citation,
        "disclaimer": capacity.disclaimer,
        "warnings": list(capacity.warnings),
    }
