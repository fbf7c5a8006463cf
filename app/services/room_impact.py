"""What a change to a room or to a layout does to future bookings.

Changing an outline can make two rooms overlap that did not before, shrink a room
under its layouts, or lower its capacity below a booking's attendees; changing or
deleting a layout can do the last. Whatever no longer fits is reported, and the
change is refused unless forced. Forced, a booking that now overlaps an earlier
one is cancelled (the floor cannot hold both), and a booking with more people than
``capacity_of`` now allows is kept but flagged, for staff to see and its booker
to hear about by e-mail.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext
from sqlalchemy import select

from app.extensions import db
from app.models import Booking, Layout, Occurrence, Room, User
from app.models.booking import ACTIVE_STATUSES
from app.services import conflicts
from app.services.bookings import may_view, whole_booking_cancelled
from app.services.capacity import capacity_of, refresh_layout
from app.services.errors import Conflict
from app.services.mail import announce
from app.services.rooms import rebuild_floor_cells
from calendars import to_rfc3339


@dataclass(frozen=True)
class Misfit:
    """A future occurrence a change breaks, why, and what forcing the change does to it."""

    occurrence: Occurrence
    reason: str
    capacity: int
    outcome: str  # "cancel" or "flag"


def reconcile(room: Room, old_floor_id: int, now: datetime, *, force: bool,
              viewer: User | None = None) -> dict[str, Any]:
    """Rebuild cells and claims around ``room``; report (and with ``force`` resolve) breakage."""
    cells_of_room: dict[int, list[int]] = {}
    for floor_id in sorted({room.floor_id, old_floor_id}):
        cells_of_room.update(rebuild_floor_cells(floor_id))
    broken_layouts = [layout for layout in room.layouts if not refresh_layout(room, layout)]
    occurrences = _future_occurrences(
        Occurrence.room_id.in_(list(cells_of_room)), now, order_by_age=True)
    keep, misfits = _sort_out(occurrences, cells_of_room, room, now)
    report = {
        "layouts": [{"id": layout.id, "name": layout.name} for layout in broken_layouts],
        "bookings": report_misfits(misfits, viewer),
    }
    if (misfits or broken_layouts) and not force:
        raise Conflict(
            detail=gettext("This change breaks layouts or future bookings; "
                           "send force=true to apply it."),
            extra={"report": report},
        )
    resolve(misfits, now)
    conflicts.claim(keep, cells_of_room)
    db.session.flush()
    return report


def layout_misfits(layout: Layout, capacity: int, now: datetime,
                   reason: Callable[[Booking], str]) -> list[Misfit]:
    """Future bookings of ``layout`` with more people than ``capacity`` (once per booking)."""
    occurrences = _future_occurrences(Booking.layout_id == layout.id, now)
    return [Misfit(o, reason(o.booking), capacity, "flag")
            for o in _first_per_booking(o for o in occurrences if o.end > now)
            if o.booking.attendees > capacity]


def refuse_unless_forced(misfits: list[Misfit], detail: str, *, force: bool,
                         viewer: User | None) -> list[dict[str, Any]]:
    """The report of ``misfits``; 409 with it unless ``force``."""
    report = report_misfits(misfits, viewer)
    if misfits and not force:
        raise Conflict(detail=gettext("%(detail)s Send force=true to apply it anyway.",
                                      detail=detail),

                       extra={"bookings": report})
    return report


def _future_occurrences(where: Any, now: datetime, *,
                        order_by_age: bool = False) -> list[Occurrence]:
    """Active occurrences whose blocked time is not over (their claims are rebuilt)."""
    order = (Booking.created_at, Booking.id, Occurrence.start) if order_by_age else (
        Occurrence.start, Occurrence.id)
    return list(db.session.scalars(
        select(Occurrence)
        .join(Booking, Booking.id == Occurrence.booking_id)
        .where(where, Occurrence.status.in_(ACTIVE_STATUSES), Occurrence.block_end > now)
        .order_by(*order)
    ))


def _first_per_booking(occurrences: Iterable[Occurrence]) -> list[Occurrence]:
    seen: set[int] = set()
    return [o for o in occurrences if not (o.booking_id in seen or seen.add(o.booking_id))]


def _sort_out(
    occurrences: list[Occurrence], cells_of_room: dict[int, list[int]], room: Room,
    now: datetime,
) -> tuple[list[Occurrence], list[Misfit]]:
    """Oldest bookings keep their place; a later one that overlaps breaks (and is cancelled
    if forced); one that no longer holds its attendees keeps its place and is flagged."""
    taken: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    keep: list[Occurrence] = []
    misfits: list[Misfit] = []
    capacities: dict[tuple[int, int | None], int] = {}
    overfilled: set[int] = set()
    for occurrence in occurrences:
        cells = cells_of_room.get(occurrence.room_id, [])
        if any(s < occurrence.block_end and occurrence.block_start < e
               for cell in cells for s, e in taken[cell]):
            misfits.append(Misfit(occurrence,
                                  "now overlaps an earlier booking of a room sharing its floor",
                                  _capacity(occurrence, capacities), "cancel"))
            continue
        keep.append(occurrence)
        for cell in cells:
            taken[cell].append((occurrence.block_start, occurrence.block_end))
        booking = occurrence.booking
        if occurrence.room_id != room.id or booking.id in overfilled or occurrence.end <= now:
            continue
        capacity = _capacity(occurrence, capacities)
        if booking.attendees > capacity:
            overfilled.add(booking.id)
            misfits.append(Misfit(occurrence, _overfill_reason(booking, capacity), capacity,
                                  "flag"))
    return keep, misfits


def _capacity(occurrence: Occurrence, known: dict[tuple[int, int | None], int]) -> int:
    """``capacity_of`` the occurrence's room and layout, asked once per pair."""
    booking = occurrence.booking
    key = (booking.room_id, booking.layout_id)
    if key not in known:
        known[key] = capacity_of(booking.room, booking.layout)
    return known[key]


def _overfill_reason(booking: Booking, capacity: int) -> str:
    if booking.layout is not None and not booking.layout.valid:
        return f"its layout '{booking.layout.name}' no longer fits the room"
    return f"{booking.attendees} attendees is more than the room's new capacity {capacity}"


def report_misfits(misfits: list[Misfit], viewer: User | None) -> list[dict[str, Any]]:
    """The bookings a change breaks, as the API shows them; titles only to who may see them."""
    rows = []
    for misfit in misfits:
        occurrence, booking = misfit.occurrence, misfit.occurrence.booking
        zone = ZoneInfo(booking.room.branch.timezone)
        row: dict[str, Any] = {
            "booking_id": booking.id,
            "room_id": occurrence.room_id,
            "start": to_rfc3339(occurrence.start, zone),
            "end": to_rfc3339(occurrence.end, zone),
            "attendees": booking.attendees,
            "capacity": misfit.capacity,
            "reason": misfit.reason,
            "outcome": misfit.outcome,
        }
        if viewer is not None and may_view(viewer, booking):
            row["title"] = booking.title
            row["association"] = booking.association.name if booking.association else None
        rows.append(row)
    return rows


def resolve(misfits: list[Misfit], now: datetime) -> None:
    """Apply a forced change: cancel the occurrences that overlap, flag the overfilled."""
    for misfit in misfits:
        if misfit.outcome == "cancel":
            _cancel(misfit.occurrence, misfit.reason, now)
        else:
            flag(misfit.occurrence.booking, misfit.reason, now)


def flag(booking: Booking, reason: str, now: datetime) -> None:
    """Mark a booking as holding more people than its room now allows, and tell its booker."""
    booking.capacity_flag = f"A change to the room or its layout: {reason}."
    booking.capacity_flagged_at = now
    booking.updated_at = now
    announce(booking, "over_capacity")


def _cancel(occurrence: Occurrence, reason: str, now: datetime) -> None:
    occurrence.status = "cancelled"
    occurrence.updated_at = now
    booking = occurrence.booking
    booking.sequence += 1
    booking.updated_at = now
    booking.status_reason = f"Cancelled by a change to the room: {reason}."
    if all(o.status not in ACTIVE_STATUSES for o in booking.occurrences):
        booking.status = "cancelled"
        whole_booking_cancelled(booking)
