"""Layouts of rooms: validated and measured by the layouts library, stored with their capacity."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from app.db import begin_write
from app.extensions import db
from app.models import Booking, Branch, Layout, Occurrence, Room, utcnow
from app.models.booking import ACTIVE_STATUSES
from app.services.errors import AlreadyExists, Conflict, FieldError, NotFound, RuleViolation
from calendars import get_zone, to_rfc3339
from layouts import (
    arrange,
    capacity_to_json,
    compute_capacity,
    get_rule_pack,
    layout_from_json,
    layout_to_json,
    room_from_geojson,
    validate_layout,
)
from layouts.layout import Layout as LayoutValue


def shape_of(room: Room):
    """The room's geometry as the layouts library's value."""
    return room_from_geojson(room.outline, room.doors, room.obstacles, room.max_attendees)


def rules_of(room: Room):
    """The rule pack the room's branch follows."""
    return get_rule_pack(room.branch.rule_pack)


def evaluate(room: Room, value: LayoutValue) -> dict[str, Any]:
    """Violations and capacity of a layout in the room, as the API shows them."""
    shape, rules = shape_of(room), rules_of(room)
    violations = validate_layout(shape, value, rules)
    capacity = compute_capacity(shape, value, rules)
    errors = [v for v in violations if v.severity == "error"]
    return {
        "valid": not errors,
        "violations": [_violation_json(v) for v in violations],
        **capacity_to_json(capacity),
    }


def _violation_json(violation: Any) -> dict[str, Any]:
    return {
        "code": violation.code,
        "message": violation.message,
        "items": list(violation.items),
        "severity": violation.severity,
    }


def preview(room: Room, body: dict[str, Any]) -> dict[str, Any]:
    """Validate and measure a layout without saving it."""
    return evaluate(room, layout_from_json(body))


def create_layout(room: Room, body: dict[str, Any]) -> Layout:
    """Save a layout if it is valid; 422 with every violation if not."""
    begin_write()
    value = layout_from_json(body)
    result = _require_valid(room, value)
    _ensure_name_free(room, value.name)
    layout = Layout(room=room, name=value.name, style=value.style)
    _store(layout, value, result)
    db.session.add(layout)
    db.session.flush()
    return layout


def update_layout(layout: Layout, body: dict[str, Any], now: datetime | None = None) -> Layout:
    """Replace a layout's items; future bookings over the new capacity refuse the change."""
    begin_write()
    value = layout_from_json(body)
    result = _require_valid(layout.room, value)
    if value.name != layout.name:
        _ensure_name_free(layout.room, value.name)
    too_many = _bookings_over(layout, result["capacity"], now or utcnow())
    if too_many:
        raise Conflict(
            detail=f"{len(too_many)} future bookings of this layout expect more people than "
                   f"its new capacity {result['capacity']}.",
            extra={"bookings": too_many},
        )
    layout.name = value.name
    layout.style = value.style
    _store(layout, value, result)
    layout.revision += 1
    layout.updated_at = now or utcnow()
    db.session.flush()
    return layout


def delete_layout(layout: Layout, now: datetime | None = None) -> None:
    """Delete a layout no future booking uses."""
    begin_write()
    in_use = _bookings_over(layout, 0, now or utcnow())
    if in_use:
        raise Conflict(detail="Future bookings use this layout; move them first.",
                       extra={"bookings": in_use})
    db.session.delete(layout)
    db.session.flush()


def reevaluate_layout(room: Room, layout: Layout) -> bool:
    """Re-measure a stored layout after the room changed; whether it is still valid."""
    result = evaluate(room, layout_from_json(layout_json(layout)))
    layout.capacity = result["capacity"]
    layout.limits = result["limits"]
    layout.binding = result["binding"]
    return bool(result["valid"])


def propose(room: Room, style: str, attendees: int | None) -> dict[str, Any]:
    """An auto-arranged layout for the room (not saved)."""
    arrangement = arrange(shape_of(room), style, rules_of(room), attendees=attendees)
    return {
        **layout_to_json(arrangement.layout),
        **capacity_to_json(arrangement.capacity),
        "limited_by": arrangement.limited_by,
        "explanation": arrangement.explanation,
    }


def layout_json(layout: Layout) -> dict[str, Any]:
    """A stored layout in the API's shape (without the derived figures)."""
    return {"name": layout.name, "style": layout.style, "items": layout.items}


def get_layout(layout_id: int) -> Layout:
    """The layout, or NotFound."""
    layout = db.session.get(Layout, layout_id)
    if layout is None:
        raise NotFound(f"No layout {layout_id}.")
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
                                 f"This layout holds nobody: {result['sentence']} Add seats "
                                 "or choose a style that fits the room."))
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


def _items_field(items: list[int]) -> str:
    return f"items[{items[0]}]" if items else "items"


def _store(layout: Layout, value: LayoutValue, result: dict[str, Any]) -> None:
    layout.items = layout_to_json(value)["items"]
    layout.capacity = result["capacity"]
    layout.limits = result["limits"]
    layout.binding = result["binding"]
    layout.valid = True


def _ensure_name_free(room: Room, name: str) -> None:
    taken = db.session.scalar(
        select(Layout.id).where(Layout.room_id == room.id, Layout.name == name)
    )
    if taken is not None:
        raise AlreadyExists("This room already has a layout with that name.", "name")


def _bookings_over(layout: Layout, capacity: int, now: datetime) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Booking.id, Booking.attendees)
        .join(Occurrence, Occurrence.booking_id == Booking.id)
        .where(
            Booking.layout_id == layout.id,
            Booking.attendees > capacity,
            Occurrence.status.in_(ACTIVE_STATUSES),
            Occurrence.end > now,
        )
        .distinct()
    ).all()
    return [{"booking_id": booking_id, "attendees": n} for booking_id, n in rows]


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
