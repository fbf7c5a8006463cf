"""Layouts of rooms: validated and measured by the layouts library, stored with their capacity."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any

import shapely
from flask_babel import gettext
from shapely.geometry import Polygon
from sqlalchemy import select

from app.db import write_transaction
from app.extensions import db
from app.models import Booking, Branch, Layout, Occurrence, Room, User, utcnow
from app.models.booking import ACTIVE_STATUSES
from app.services import room_impact
from app.services.capacity import (
    capacity_of,
    layout_json,
    measure,
    rules_of,
    shape_of,
    store_measure,
)
from app.services.errors import AlreadyExists, FieldError, NotFound, RuleViolation
from calendars import get_zone, to_rfc3339
from layouts import (
    Capacity,
    arrange,
    capacity_to_json,
    compute_capacity,
    exit_plan,
    layout_from_json,
    layout_to_json,
    polygon_to_geojson,
    validate_layout,
)
from layouts.layout import Layout as LayoutValue


def evaluate(room: Room, value: LayoutValue) -> dict[str, Any]:
    """Violations and capacity of a layout in the room, as the API shows them."""
    violations = validate_layout(shape_of(room), value, rules_of(room))
    errors = [v for v in violations if v.severity == "error"]
    return {
        "valid": not errors,
        "violations": [_violation_json(v) for v in violations],
        **capacity_to_json(measure(room, value)),
    }


def _violation_json(violation: Any) -> dict[str, Any]:
    return {
        "code": violation.code,
        "message": violation.message,
        "items": list(violation.items),
        "severity": violation.severity,
    }


def preview(room: Room, body: dict[str, Any]) -> dict[str, Any]:
    """Validate and measure a layout without saving it, with what a plan draws of the way
    out: the doors' clear zones and the free floor a route from the doors reaches."""
    value = layout_from_json(body)
    zones, route = exit_plan(shape_of(room), value)
    return {**evaluate(room, value), "plan": {
        "door_zones": [_polygons(zone) for zone in zones],
        "route": _polygons(route) if route is not None else [],
    }}


def _polygons(geometry: Any) -> list[dict[str, Any]]:
    """A (multi)polygon as a list of GeoJSON polygons, simplified to the centimetre."""
    simple = geometry.simplify(0.01)
    return [polygon_to_geojson(part) for part in shapely.get_parts(simple)
            if isinstance(part, Polygon) and not part.is_empty]


@write_transaction
def create_layout(room: Room, body: dict[str, Any]) -> Layout:
    """Save a layout if it is valid; 422 with every violation if not."""
    value = layout_from_json(body)
    _require_valid(room, value)
    _ensure_name_free(room, value.name)
    layout = Layout(room=room, name=value.name, style=value.style)
    _store(layout, value, measure(room, value))
    db.session.add(layout)
    db.session.flush()
    return layout


@write_transaction
def update_layout(layout: Layout, body: dict[str, Any], now: datetime | None = None, *,
                  force: bool = False, viewer: User | None = None) -> Layout:
    """Replace a layout's items. Future bookings it would no longer hold refuse the change
    (409 listing them) unless ``force``: then they are flagged and their bookers told."""
    now = now or utcnow()
    room = layout.room
    value = layout_from_json(body)
    _require_valid(room, value)
    if value.name != layout.name:
        _ensure_name_free(room, value.name)
    layout.name = value.name
    layout.style = value.style
    _store(layout, value, measure(room, value))
    capacity = capacity_of(room, layout)
    misfits = room_impact.layout_misfits(
        layout, capacity, now,
        lambda booking: f"{booking.attendees} attendees is more than the layout's new "
                        f"capacity {capacity}")
    room_impact.refuse_unless_forced(
        misfits, f"{len(misfits)} future bookings of this layout expect more people than its "
                 f"new capacity {capacity}.", force=force, viewer=viewer)
    room_impact.resolve(misfits, now)
    layout.revision += 1
    layout.updated_at = now
    db.session.flush()
    return layout


@write_transaction
def delete_layout(layout: Layout, now: datetime | None = None, *, force: bool = False,
                  viewer: User | None = None) -> None:
    """Delete a layout. Future bookings that use it refuse the deletion (409 listing them)
    unless ``force``: then they keep the room without a layout, and are flagged."""
    now = now or utcnow()
    room = layout.room
    capacity = capacity_of(room, None)
    reason = f"its layout '{layout.name}' was deleted; without a layout the room holds {capacity}"
    misfits = [room_impact.Misfit(m.occurrence, m.reason, capacity, m.outcome)
               for m in room_impact.layout_misfits(layout, 0, now, lambda _booking: reason)]
    room_impact.refuse_unless_forced(
        misfits, "Future bookings use this layout; move them first.", force=force, viewer=viewer)
    for misfit in misfits:
        misfit.occurrence.booking.layout = None
    room_impact.resolve(misfits, now)
    db.session.delete(layout)
    db.session.flush()


def propose(room: Room, style: str, attendees: int | None) -> dict[str, Any]:
    """An auto-arranged layout for the room (not saved)."""
    arrangement = arrange(shape_of(room), style, rules_of(room), attendees=attendees)
    return {
        **layout_to_json(arrangement.layout),
        **capacity_to_json(arrangement.capacity),
        "limited_by": arrangement.limited_by,
        "explanation": arrangement.explanation,
    }


def get_layout(layout_id: int) -> Layout:
    """The layout, or NotFound."""
    layout = db.session.get(Layout, layout_id)
    if layout is None:
        raise NotFound(gettext("No layout %(id)s.", id=layout_id))
    return layout


def _require_valid(room: Room, value: LayoutValue) -> dict[str, Any]:
    """The layout's figures, if it is valid and holds someone; 422 with every broken rule."""
    result = evaluate(room, value)
    errors = [
        FieldError(_items_field(v["items"]), v["code"], v["message"])
        for v in result["violations"] if v["severity"] == "error"
    ]
    if result["capacity"] < 1:
        errors.append(FieldError("items", "layout_holds_nobody",
                                 gettext("This layout holds nobody: %(why)s Add seats "
                                         "or choose a style that fits the room.",
                                         why=result["sentence"])))
    if errors:
        raise RuleViolation(errors, extra={"violations": result["violations"]})
    return result


def bookable_layouts(room: Room) -> list[Layout]:
    """The room's layouts a booking may choose: valid ones that hold someone."""
    return [layout for layout in room.layouts if layout.valid and layout.capacity > 0]


def layout_summaries(room: Room) -> list[dict[str, Any]]:
    """What each bookable layout holds and why, for people reading the room's page: its
    stored capacity, and the limit that binds it in the layouts library's words."""
    shape, rules = shape_of(room), rules_of(room)
    summaries = []
    for layout in bookable_layouts(room):
        limits = compute_capacity(shape, layout_from_json(layout_json(layout)), rules).limits
        reason = next((limit.reason for limit in limits if limit.key == layout.binding), "")
        summaries.append({"id": layout.id, "name": layout.name, "capacity": layout.capacity,
                          "binding": layout.binding, "reason": reason})
    return summaries


def capacity_report(layout: Layout) -> dict[str, Any]:
    """What a poster of the layout states: every limit with its number and reason, the
    binding one, the rule pack's citation, and the room's exits (door clear widths)."""
    room = layout.room
    capacity = measure(room, layout_from_json(layout_json(layout)))
    return {
        "capacity": capacity_of(room, layout),
        "limits": [{"key": limit.key, "value": limit.value, "reason": limit.reason}
                   for limit in capacity.limits],
        "binding": capacity.binding,
        "sentence": capacity.sentence,
        "citation": capacity.citation,
        "disclaimer": capacity.disclaimer,
        "exits": [float(door["width"]) for door in room.doors],
    }


def _items_field(items: list[int]) -> str:
    return f"items[{items[0]}]" if items else "items"


def _store(layout: Layout, value: LayoutValue, capacity: Capacity) -> None:
    layout.items = layout_to_json(value)["items"]
    store_measure(layout, capacity)
    layout.valid = True


def _ensure_name_free(room: Room, name: str) -> None:
    taken = db.session.scalar(
        select(Layout.id).where(Layout.room_id == room.id, Layout.name == name)
    )
    if taken is not None:
        raise AlreadyExists(gettext("This room already has a layout with that name."), "name")



def setup_sheet(branch: Branch, day: date) -> list[dict[str, Any]]:
    """What staff set up on a day: per room and booking, the layout and the furniture to bring."""
    zone = get_zone(branch.timezone)
    start = datetime.combine(day, time(), tzinfo=zone)
    end = start + timedelta(days=1)
    rows = db.session.execute(
        select(Occurrence, Booking)
        .join(Booking, Booking.id == Occurrence.booking_id)
        .join(Room, Room.id == Occurrence.room_id)
        .where(
            Room.branch_id == branch.id,
            Occurrence.status.in_(ACTIVE_STATUSES),
            Occurrence.start < end,
            Occurrence.end > start,
        )
        .order_by(Room.name, Occurrence.start)
    ).all()
    sheet = []
    for occurrence, booking in rows:
        layout = booking.layout
        sheet.append({
            "room_id": booking.room_id,
            "room": booking.room.name,
            "booking_id": booking.id,
            "start": to_rfc3339(occurrence.start, zone),
            "end": to_rfc3339(occurrence.end, zone),
            "attendees": booking.attendees,
            "status": occurrence.status,
            "layout_id": layout.id if layout else None,
            "layout": layout.name if layout else None,
            "furniture": dict(sorted(Counter(i["kind"] for i in layout.items).items()))
            if layout else {},
        })
    return sheet
