"""Where bookings clash: rooms that share floor, occurrences that share time.

Two rooms overlap in space when they share an overlay cell (see layouts.cells).
Every query here is bounded on both sides of an index, never a scan of history:
an occurrence's block never lasts longer than ``MAX_BLOCK``.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, TextClause, and_, bindparam, or_, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import aliased

from app.db import core_connection
from app.extensions import db
from app.models import Booking, CellRoom, FloorCell, Occurrence, OccurrenceClaim
from app.models.base import UTCDateTime
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


_MINE = aliased(CellRoom)
_THEIRS = aliased(CellRoom)


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


_OCCURRENCE = Occurrence.__table__.c
_BOOKING = Booking.__table__.c


def _overlapping(start: Any, end: Any, floor: Any) -> ColumnElement[bool]:
    """Blocks overlapping [start, end), bounded on both sides of the (room, block_start)
    index: no block is longer than MAX_BLOCK, so none starts before ``floor`` =
    ``start - MAX_BLOCK``."""
    return and_(_OCCURRENCE.block_start < end, _OCCURRENCE.block_start > floor,
                _OCCURRENCE.block_end > start)


# Plain columns, in the order of Clash's fields: the check runs under the write lock (on
# SQLite, the one writer slot of the database), and no ORM object is needed to answer it.
_ACTIVE_IN_ROOMS = (
    select(_OCCURRENCE.id, _BOOKING.id.label("booking_id_"), _OCCURRENCE.room_id,
           _OCCURRENCE.start, _OCCURRENCE.end, _OCCURRENCE.block_start,
           _OCCURRENCE.block_end, _BOOKING.title, _BOOKING.booked_by_id,
           _BOOKING.association_id, _BOOKING.layout_id)
    .select_from(Occurrence.__table__.join(Booking.__table__,
                                           _BOOKING.id == _OCCURRENCE.booking_id))
    .where(
        _OCCURRENCE.room_id.in_(bindparam("room_ids", expanding=True)),
        _OCCURRENCE.status.in_(ACTIVE_STATUSES),
        _OCCURRENCE.booking_id != bindparam("exclude_booking_id"),
    )
)
# The usual case, a single block, is one statement compiled once.
_CLASHES_WITH_ONE_BLOCK = _ACTIVE_IN_ROOMS.where(
    _overlapping(bindparam("block_start"), bindparam("block_end"), bindparam("block_floor")))


def _query_clashes(
    room_ids: Sequence[int], blocks: Sequence[Interval], exclude_booking_id: int | None
) -> list[Clash]:
    parameters = {"room_ids": list(room_ids), "exclude_booking_id": exclude_booking_id or 0}
    if len(blocks) == 1:
        query = _CLASHES_WITH_ONE_BLOCK
        parameters |= {"block_start": blocks[0].start, "block_end": blocks[0].end,
                       "block_floor": blocks[0].start - MAX_BLOCK}
    else:
        query = _ACTIVE_IN_ROOMS.where(
            or_(*(_overlapping(b.start, b.end, b.start - MAX_BLOCK) for b in blocks)))
    return [Clash(*row) for row in core_connection().execute(query, parameters)]


# Every occurrence holding a floor cell of one of :room_ids within the window: the one
# overlap rule of the calendars (a booking of the hall blocks its halves and back).
_AROUND_ROOMS = """
      FROM cell_room mine
      JOIN cell_room theirs ON theirs.cell_id = mine.cell_id
      JOIN occurrence o ON o.room_id = theirs.room_id
"""
_AROUND_ROOMS_WHERE = """
     WHERE mine.room_id IN :room_ids
       AND o.status IN ('pending', 'confirmed')
       AND o.block_start < :window_end
       AND o.block_start > :window_floor
       AND o.block_end > :window_start
"""
BUSY_AROUND_ROOMS_SQL = (
    "SELECT DISTINCT mine.room_id, o.id, o.block_start, o.block_end"
    + _AROUND_ROOMS + _AROUND_ROOMS_WHERE)


def _around_rooms(sql: str) -> TextClause:
    """``sql`` with the bound parameters of the overlap rule (instants through UTCDateTime)."""
    return text(sql).bindparams(bindparam("room_ids", expanding=True),
                                bindparam("window_start", type_=UTCDateTime),
                                bindparam("window_end", type_=UTCDateTime),
                                bindparam("window_floor", type_=UTCDateTime))


# The results are read by ``_instant`` below, since per-row type processing would cost
# more than the query on a local database.
_BUSY_AROUND_ROOMS = _around_rooms(BUSY_AROUND_ROOMS_SQL).columns(room_id=Integer, id=Integer)


def busy_blocks_of_rooms(room_ids: Sequence[int], window: Interval) -> dict[int, list[Interval]]:
    """For many rooms at once: room id -> blocked ranges around it, sorted by start."""
    found: dict[int, list[Interval]] = {room_id: [] for room_id in room_ids}
    if not room_ids:
        return found
    rows = db.session.execute(_BUSY_AROUND_ROOMS, {
        "room_ids": list(room_ids),
        "window_start": window.start,
        "window_end": window.end,
        "window_floor": window.start - MAX_BLOCK,
    }).all()
    instant = functools.cache(_instant)  # bookings share start times: parse each once
    for room_id, _id, start, end in rows:
        found[room_id].append(Interval(instant(start), instant(end)))
    for blocks in found.values():
        blocks.sort()
    return found


# What a calendar shows of each booking in the same overlap. A private booking's title
# never leaves the database: only a confirmed public one's does.
BOOKED_AROUND_ROOMS_SQL = (
    """SELECT DISTINCT mine.room_id, o.id, o.start, o."end", o.block_start, o.block_end,
              o.status, b.id,
              CASE WHEN b.public AND b.status = 'confirmed' AND o.status = 'confirmed'
                   THEN b.title END"""
    + _AROUND_ROOMS + "      JOIN booking b ON b.id = o.booking_id" + _AROUND_ROOMS_WHERE)
_BOOKED_AROUND_ROOMS = _around_rooms(BOOKED_AROUND_ROOMS_SQL)


@dataclass(frozen=True)
class BookedBlock:
    """An active occurrence around a room: its time, its block, and its title if public."""

    start: datetime
    end: datetime
    block: Interval
    pending: bool
    booking_id: int
    public_title: str | None


def booked_around_rooms(room_ids: Sequence[int],
                        window: Interval) -> dict[int, list[BookedBlock]]:
    """For many rooms at once, from one query: room id -> the occurrences blocking it, by start."""
    found: dict[int, list[BookedBlock]] = {room_id: [] for room_id in room_ids}
    if not room_ids:
        return found
    rows = db.session.execute(_BOOKED_AROUND_ROOMS, {
        "room_ids": list(room_ids),
        "window_start": window.start,
        "window_end": window.end,
        "window_floor": window.start - MAX_BLOCK,
    }).all()
    instant = functools.cache(_instant)
    for room_id, _id, start, end, block_start, block_end, status, booking_id, title in rows:
        found[room_id].append(BookedBlock(
            instant(start), instant(end), Interval(instant(block_start), instant(block_end)),
            status == "pending", booking_id, title))
    for blocks in found.values():
        blocks.sort(key=lambda b: (b.block.start, b.block.end))
    return found


def _instant(value: datetime | str) -> datetime:
    """A stored instant as an aware UTC datetime (SQLite hands back text, PostgreSQL aware)."""
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def busy_blocks(room_id: int, window: Interval) -> list[Interval]:
    """Blocked ranges of active occurrences in the room and rooms sharing its floor."""
    return busy_blocks_of_rooms([room_id], window)[room_id]


@dataclass(frozen=True)
class FloorShare:
    """The cells a room covers and every room that covers one of them (itself included).

    Shared between requests (see ``share_of_floor_at``): read it, never change it.
    """

    cell_ids: list[int]
    room_ids: list[int]


_CELLS_AND_SHARERS = (
    select(FloorCell.id, _THEIRS.room_id)
    .join(_MINE, _MINE.cell_id == FloorCell.id)
    .join(_THEIRS, _THEIRS.cell_id == FloorCell.id)
    .where(_MINE.room_id == bindparam("room_id"))
    .order_by(FloorCell.id)
)
_CELLS_AND_SHARERS_LOCKED = _CELLS_AND_SHARERS.with_for_update(of=FloorCell)


def share_of_floor(room_id: int, *, lock: bool = False) -> FloorShare:
    """The room's cells and the rooms sharing them, in one query.

    With ``lock`` on PostgreSQL the cells are row-locked in id order, so writers of
    overlapping rooms queue instead of deadlocking on the exclusion constraint's
    index. SQLite has one writer at a time already (and no FOR UPDATE).
    """
    locking = lock and db.session.get_bind().dialect.name == "postgresql"
    query = _CELLS_AND_SHARERS_LOCKED if locking else _CELLS_AND_SHARERS
    rows = core_connection().execute(query, {"room_id": room_id}).all()
    return FloorShare(sorted({cell for cell, _ in rows}),
                      sorted({room for _, room in rows} | {room_id}))


# Per engine (a worker may serve several databases, tests do): room id -> (the rules
# version it was read at, its share of the floor).
_SHARES_SEEN: weakref.WeakKeyDictionary[Engine, dict[int, tuple[int, FloorShare]]] = (
    weakref.WeakKeyDictionary())


def share_of_floor_at(room_id: int, rules_version: int | None) -> FloorShare:
    """``share_of_floor``, remembered by this worker while the rules version stays put.

    SQLite only, where triggers bump the version on every change to rooms, floor cells
    and their rooms (``app.models.rules_version``): read in the same transaction as
    ``rules_version``, a remembered share is the one the database holds. Without a
    version (PostgreSQL, or no change ever counted) it is read every time.
    """
    if rules_version is None:
        return share_of_floor(room_id)
    seen = _SHARES_SEEN.setdefault(db.session.get_bind(), {})
    remembered = seen.get(room_id)
    if remembered is not None and remembered[0] == rules_version:
        return remembered[1]
    share = share_of_floor(room_id)
    seen[room_id] = (rules_version, share)
    return share


_INSERT_CLAIMS = OccurrenceClaim.__table__.insert()


def claim(occurrences: Iterable[Occurrence], cells_of_room: Mapping[int, Sequence[int]]) -> None:
    """Write the claims that the exclusion constraint checks: one per occurrence and cell."""
    rows = [
        {"occurrence_id": occurrence.id, "cell_id": cell_id,
         "block_start": occurrence.block_start, "block_end": occurrence.block_end}
        for occurrence in occurrences
        for cell_id in cells_of_room.get(occurrence.room_id, ())
    ]
    if rows:
        db.session.execute(_INSERT_CLAIMS, rows)


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
