"""Where bookings clash: rooms that share floor, occurrences that share time.

Two rooms overlap in space when they share an overlay cell (see layouts.cells).
Every query here is bounded on both sides of an index, never a scan of history:
an occurrence's block never lasts longer than ``MAX_BLOCK``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import Booking, CellRoom, FloorCell, Occurrence, OccurrenceClaim
from app.models.booking import ACTIVE_STATUSES
from calendars import Interval

# Longest booking (14 days) plus the longest buffer (1 day): bounds every range query.
MAX_BLOCK = timedelta(days=15)
EXCLUSION_VIOLATION = "23P01"
DEADLOCK_DETECTED = "40P01"


@dataclass(frozen=True)
class Clash:
    """An existing active occurrence in the way."""

    occurrence_id: int
    booking_id: int
    room_id: int
    start: datetime
    end: datetime
    block_start: datetime
    block_end: datetime
    title: str
    booked_by_id: int | None
    association_id: int | None
    layout_id: int | None


def overlapping_room_ids(room_id: int) -> list[int]:
    """The room itself and every room on its floor that shares floor with it."""
    mine = aliased(CellRoom)
    theirs = aliased(CellRoom)
    rows = db.session.scalars(
        select(theirs.room_id)
        .join(mine, mine.cell_id == theirs.cell_id)
        .where(mine.room_id == room_id)
        .distinct()
    )
    return sorted(set(rows) | {room_id})


def find_clashes(
    room_ids: Sequence[int],
    blocks: Sequence[Interval],
    exclude_booking_id: int | None = None,
) -> list[Clash]:
    """Active occurrences in ``room_ids`` whose blocks overlap any of ``blocks``."""
    if not blocks:
        return []
    clashes: dict[int, Clash] = {}
    for chunk in _chunks(sorted(blocks), 50):
        for clash in _query_clashes(room_ids, chunk, exclude_booking_id):
            clashes[clash.occurrence_id] = clash
    return sorted(clashes.values(), key=lambda c: (c.start, c.room_id))


def _query_clashes(
    room_ids: Sequence[int], blocks: Sequence[Interval], exclude_booking_id: int | None
) -> list[Clash]:
    ranges = or_(*(
        and_(
            Occurrence.block_start < block.end,
            Occurrence.block_start > block.start - MAX_BLOCK,
            Occurrence.block_end > block.start,
        )
        for block in blocks
    ))
    query = (
        select(Occurrence, Booking)
        .join(Booking, Booking.id == Occurrence.booking_id)
        .where(
            Occurrence.room_id.in_(room_ids),
            Occurrence.status.in_(ACTIVE_STATUSES),
            ranges,
        )
    )
    if exclude_booking_id is not None:
        query = query.where(Occurrence.booking_id != exclude_booking_id)
    return [
        Clash(o.id, b.id, o.room_id, o.start, o.end, o.block_start, o.block_end, b.title,
              b.booked_by_id, b.association_id, b.layout_id)
        for o, b in db.session.execute(query)
    ]


def busy_blocks(room_ids: Sequence[int], window: Interval) -> list[Interval]:
    """The blocked ranges of active occurrences in those rooms that touch ``window``."""
    rows = db.session.execute(
        select(Occurrence.block_start, Occurrence.block_end).where(
            Occurrence.room_id.in_(room_ids),
            Occurrence.status.in_(ACTIVE_STATUSES),
            Occurrence.block_start < window.end,
            Occurrence.block_start > window.start - MAX_BLOCK,
            Occurrence.block_end > window.start,
        )
    )
    return [Interval(start, end) for start, end in rows]


def lock_cells(cell_ids: Sequence[int]) -> None:
    """Row-lock the cells a booking will claim (PostgreSQL), in id order.

    Writers of overlapping rooms then queue instead of deadlocking on the
    exclusion constraint's index. SQLite has one writer at a time already.
    """
    if not cell_ids or db.session.get_bind().dialect.name != "postgresql":
        return
    db.session.execute(
        select(FloorCell.id).where(FloorCell.id.in_(cell_ids)).order_by(FloorCell.id)
        .with_for_update()
    ).all()


def claim(occurrences: Iterable[Occurrence], cells_of_room: Mapping[int, Sequence[int]]) -> None:
    """Write the claims that the exclusion constraint checks: one per occurrence and cell."""
    db.session.add_all(
        OccurrenceClaim(
            occurrence_id=occurrence.id,
            cell_id=cell_id,
            block_start=occurrence.block_start,
            block_end=occurrence.block_end,
        )
        for occurrence in occurrences
        for cell_id in cells_of_room.get(occurrence.room_id, ())
    )


def release(occurrence_ids: Sequence[int]) -> None:
    """Drop the claims of occurrences that are no longer active."""
    if occurrence_ids:
        db.session.execute(
            OccurrenceClaim.__table__.delete().where(
                OccurrenceClaim.occurrence_id.in_(occurrence_ids)
            )
        )


def sqlstate(error: DBAPIError) -> str | None:
    """The SQLSTATE of a database error, where the driver gives one."""
    return getattr(error.orig, "sqlstate", None)


def is_lost_race(error: DBAPIError) -> bool:
    """An exclusion violation or a deadlock: another booking won the same floor and time."""
    return sqlstate(error) in (EXCLUSION_VIOLATION, DEADLOCK_DETECTED)


def _chunks(items: Sequence[Interval], size: int) -> Iterable[Sequence[Interval]]:
    for index in range(0, len(items), size):
        yield items[index:index + size]
