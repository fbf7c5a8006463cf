"""What a change to a room's geometry does to its layouts and to future bookings.

Changing an outline can make two rooms overlap that did not before, shrink a room
under its layouts, or lower its capacity below a booking's attendees. The floor's
cells are rebuilt, every future active occurrence on the floor is claimed again,
and whatever no longer fits is reported, and refused unless forced.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.extensions import db
from app.models import Booking, Occurrence, Room
from app.models.booking import ACTIVE_STATUSES
from app.services import conflicts
from app.services.errors import Conflict
from app.services.layouts import reevaluate_layout
from app.services.rooms import rebuild_floor_cells, room_capacity
from calendars import to_rfc3339


def reconcile(room: Room, old_floor_id: int, now: datetime, *, force: bool) -> dict[str, Any]:
    """Rebuild cells and claims around ``room``; report (and with ``force`` resolve) breakage."""
    cells_of_room: dict[int, list[int]] = {}
    for floor_id in sorted({room.floor_id, old_floor_id}):
        cells_of_room.update(rebuild_floor_cells(floor_id))
    broken_layouts = [layout for layout in room.layouts if not reevaluate_layout(room, layout)]
    occurrences = _future_occurrences(list(cells_of_room), now)
    keep, broken = _sort_out(occurrences, cells_of_room, room, broken_layouts)
    report = _report(room, broken_layouts, broken)
    if (broken or broken_layouts) and not force:
        raise Conflict(
            detail="This change breaks layouts or future bookings; send force=true to apply it.",
            extra={"report": report},
        )
    for layout in broken_layouts:
        layout.valid = False
    _cancel(broken, now)
    conflicts.claim(keep, cells_of_room)
    db.session.flush()
    return report


def _future_occurrences(room_ids: list[int], now: datetime) -> list[Occurrence]:
    return list(
        db.session.scalars(
            select(Occurrence)
            .join(Booking, Booking.id == Occurrence.booking_id)
            .where(
                Occurrence.room_id.in_(room_ids),
                Occurrence.status.in_(ACTIVE_STATUSES),
                Occurrence.block_end > now,
            )
            .order_by(Booking.created_at, Booking.id, Occurrence.start)
        )
    )


def _sort_out(
    occurrences: list[Occurrence],
    cells_of_room: dict[int, list[int]],
    room: Room,
    broken_layouts: list,
) -> tuple[list[Occurrence], list[tuple[Occurrence, str]]]:
    """Oldest bookings keep their place; a later one that overlaps or no longer fits breaks."""
    taken: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    keep: list[Occurrence] = []
    broken: list[tuple[Occurrence, str]] = []
    broken_layout_ids = {layout.id for layout in broken_layouts}
    capacity = room_capacity(room)
    for occurrence in occurrences:
        reason = _misfit(occurrence, room, broken_layout_ids, capacity)
        cells = cells_of_room.get(occurrence.room_id, [])
        if reason is None and any(
            s < occurrence.block_end and occurrence.block_start < e
            for cell in cells for s, e in taken[cell]
        ):
            reason = "now overlaps an earlier booking of a room sharing its floor"
        if reason is not None:
            broken.append((occurrence, reason))
            continue
        keep.append(occurrence)
        for cell in cells:
            taken[cell].append((occurrence.block_start, occurrence.block_end))
    return keep, broken


def _misfit(occurrence: Occurrence, room: Room, broken_layout_ids: set[int],
            capacity: int | None) -> str | None:
    if occurrence.room_id != room.id:
        return None
    booking = occurrence.booking
    if booking.layout_id is not None and booking.layout_id in broken_layout_ids:
        return "its layout no longer fits the room"
    if booking.layout_id is None and capacity is not None and booking.attendees > capacity:
        return f"{booking.attendees} attendees is more than the room's new capacity {capacity}"
    return None


def _report(room: Room, broken_layouts: list, broken: list[tuple[Occurrence, str]]) -> dict:
    zone = ZoneInfo(room.branch.timezone)
    return {
        "layouts": [{"id": layout.id, "name": layout.name} for layout in broken_layouts],
        "bookings": [
            {
                "booking_id": occurrence.booking_id,
                "room_id": occurrence.room_id,
                "start": to_rfc3339(occurrence.start, zone),
                "end": to_rfc3339(occurrence.end, zone),
                "reason": reason,
            }
            for occurrence, reason in broken
        ],
    }


def _cancel(broken: list[tuple[Occurrence, str]], now: datetime) -> None:
    for occurrence, reason in broken:
        occurrence.status = "cancelled"
        occurrence.updated_at = now
        booking = occurrence.booking
        booking.sequence += 1
        booking.updated_at = now
        booking.status_reason = f"Cancelled by a change to the room: {reason}."
        if all(o.status not in ACTIVE_STATUSES for o in booking.occurrences):
            booking.status = "cancelled"
