"""The set-up sheet of a branch's day, room by room, for the staff who move the furniture."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import Booking, Branch, User
from app.services import layouts as layout_service
from app.services.errors import Forbidden


@dataclass(frozen=True)
class Change:
    """What to change in a room between two consecutive bookings."""

    layout_changes: bool
    furniture: dict[str, int]  # kind -> how many more (positive) or fewer (negative)


@dataclass(frozen=True)
class SheetEntry:
    """One booking's time in the room, with the layout to put out."""

    booking_id: int
    title: str
    association: str | None
    attendees: int
    status: str
    start: datetime
    end: datetime
    layout_id: int | None
    layout: str | None
    furniture: dict[str, int]
    change: Change | None  # from the entry before it in the same room; None for the first


@dataclass
class RoomSheet:
    """One room's block on the sheet."""

    room_id: int
    room: str
    entries: list[SheetEntry] = field(default_factory=list)


def setup_day(actor: User, branch: Branch, day: date) -> list[RoomSheet]:
    """The day's set-up by room, each room's bookings in order with the changes between them
    (staff). Built on ``layouts.setup_sheet``, the sheet the API serves."""
    if not actor.is_staff:
        raise Forbidden("Only library staff see the set-up sheet.")
    rows = layout_service.setup_sheet(branch, day)
    bookings = {b.id: b for b in db.session.scalars(
        select(Booking).where(Booking.id.in_({row["booking_id"] for row in rows})))}
    sheets: dict[int, RoomSheet] = {}
    for row in rows:
        sheet = sheets.setdefault(row["room_id"], RoomSheet(row["room_id"], row["room"]))
        booking = bookings[row["booking_id"]]
        before = sheet.entries[-1] if sheet.entries else None
        sheet.entries.append(SheetEntry(
            booking_id=booking.id, title=booking.title,
            association=booking.association.name if booking.association else None,
            attendees=row["attendees"], status=row["status"],
            start=datetime.fromisoformat(row["start"]), end=datetime.fromisoformat(row["end"]),
            layout_id=row["layout_id"], layout=row["layout"], furniture=row["furniture"],
            change=_change(before, row) if before else None))
    return list(sheets.values())


def _change(before: SheetEntry, row: dict[str, Any]) -> Change:
    kinds = sorted(set(before.furniture) | set(row["furniture"]))
    delta = {kind: row["furniture"].get(kind, 0) - before.furniture.get(kind, 0)
             for kind in kinds}
    return Change(layout_changes=before.layout_id != row["layout_id"],
                  furniture={kind: n for kind, n in delta.items() if n})
