"""When rooms are free: availability, search, and suggestions after a conflict.

All of it reads bounded, indexed ranges of occurrences (see conflicts.MAX_BLOCK).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import Branch, CellRoom, Occurrence, Room, User
from app.models.booking import ACTIVE_STATUSES
from app.services import conflicts
from app.services.booking_rules import RoomRules, check_lead_and_horizon
from app.services.capacity import capacity_of
from app.services.closures import closures_touching
from app.services.errors import BadInput, FieldError
from calendars import (
    Interval,
    check_in_range,
    get_zone,
    merge,
    open_intervals,
    subtract,
    to_rfc3339,
)

MAX_WINDOW = timedelta(days=31)
SUGGESTION_REACH = timedelta(days=7)
MAX_SUGGESTIONS = 5
SAME_ROOM_SUGGESTIONS = 3


@dataclass(frozen=True)
class Availability:
    """Busy and free time of a room within a window, free only within opening hours."""

    busy: list[Interval]
    free: list[Interval]


def check_window(start: datetime, end: datetime, limit: timedelta = MAX_WINDOW) -> Interval:
    """A query window: within the years Agora schedules in (422), start before end and at
    most ``limit`` long (400, as the window is how the question is asked, not a rule).

    Every availability and search window passes here; the busy blocks, buffers and
    opening hours computed around it then stay far from datetime's limits.
    """
    check_in_range(start, "start")
    check_in_range(end, "end")
    if end <= start:
        raise _bad_window("end_before_start", "'end' must come after 'start'.")
    if end - start > limit:
        raise _bad_window("window_too_long", f"Ask for at most {limit.days} days at a time.")
    return Interval(start, end)


def _bad_window(code: str, message: str) -> BadInput:
    return BadInput(message, [FieldError("end", code, message)])


def room_availability(room: Room, window: Interval) -> Availability:
    """The room's busy blocks (its own and overlapping rooms', buffers included) and free time."""
    return _availability(conflicts.busy_blocks(room.id, window), _open(room.branch, window),
                         window)


def rooms_availability(rooms: list[Room], window: Interval) -> dict[int, Availability]:
    """Availability of many rooms from one query (a branch's day or week at a glance)."""
    blocks = conflicts.busy_blocks_of_rooms([room.id for room in rooms], window)
    openings = _openings_by_branch(rooms, window)
    return {room.id: _availability(blocks[room.id], openings[room.branch_id], window)
            for room in rooms}


def _availability(blocks: list[Interval], opening: list[Interval],
                  window: Interval) -> Availability:
    busy = merge(blocks)
    # Every block overlaps the window (the query says so): only the ends can stick out.
    if busy and busy[0].start < window.start:
        busy[0] = Interval(window.start, busy[0].end)
    if busy and busy[-1].end > window.end:
        busy[-1] = Interval(busy[-1].start, window.end)
    return Availability(busy=busy, free=subtract(opening, busy))


def _openings_by_branch(rooms: list[Room], window: Interval) -> dict[int, list[Interval]]:
    """Opening intervals within ``window`` of each branch the rooms belong to."""
    branches = {room.branch_id: room.branch for room in rooms}
    return {branch_id: _open(branch, window) for branch_id, branch in branches.items()}


def _open(branch: Branch, window: Interval) -> list[Interval]:
    closures = tuple((c.start, c.end) for c, _reason in closures_touching(branch.id, window))
    hours = json.dumps(branch.opening_hours, sort_keys=True)
    return list(_opening(hours, closures, branch.timezone, window.start, window.end))


@functools.lru_cache(maxsize=512)
def _opening(hours: str, closures: tuple[tuple[datetime, datetime], ...], zone_name: str,
             start: datetime, end: datetime) -> tuple[Interval, ...]:
    """Opening intervals, memoised: a pure function of its (hashable) arguments."""
    return tuple(open_intervals(json.loads(hours), [Interval(s, e) for s, e in closures],
                                get_zone(zone_name), start, end))


def search_rooms(
    window: Interval,
    attendees: int,
    amenities: set[str],
    branch_id: int | None = None,
) -> list[Room]:
    """Bookable rooms open and free for the whole window that hold ``attendees``."""
    query = select(Room).where(Room.bookable.is_(True)).order_by(Room.branch_id, Room.name)
    if branch_id is not None:
        query = query.where(Room.branch_id == branch_id)
    rooms = [
        room for room in db.session.scalars(query)
        if amenities <= set(room.amenities) and capacity_of(room, None) >= attendees
    ]
    if not rooms:
        return []
    blocked = _blocked_room_ids(rooms, window)
    openings = _openings_by_branch(rooms, window)
    return [room for room in rooms if room.id not in blocked
            and any(o.contains(window) for o in openings[room.branch_id])]


def _blocked_room_ids(rooms: list[Room], window: Interval) -> set[int]:
    """Rooms that share floor with a room whose active occurrence overlaps the window.

    Each room's own buffer extends the window it needs free.
    """
    longest_buffer = timedelta(minutes=max(r.buffer_minutes for r in rooms))
    busy = db.session.execute(
        select(Occurrence.room_id, Occurrence.block_start, Occurrence.block_end).where(
            Occurrence.status.in_(ACTIVE_STATUSES),
            Occurrence.block_start < window.end + longest_buffer,
            Occurrence.block_start > window.start - conflicts.MAX_BLOCK,
            Occurrence.block_end > window.start,
        )
    ).all()
    if not busy:
        return set()
    mine, theirs = aliased(CellRoom), aliased(CellRoom)
    neighbours: dict[int, set[int]] = {}
    for room_id, other_id in db.session.execute(
        select(mine.room_id, theirs.room_id)
        .join(theirs, theirs.cell_id == mine.cell_id)
        .where(theirs.room_id.in_({row.room_id for row in busy}))
    ):
        neighbours.setdefault(room_id, set()).add(other_id)
    blocked = set()
    for room in rooms:
        needed = Interval(window.start, window.end + timedelta(minutes=room.buffer_minutes))
        others = neighbours.get(room.id, set()) | {room.id}
        if any(r.room_id in others and r.block_start < needed.end and needed.start < r.block_end
               for r in busy):
            blocked.add(room.id)
    return blocked


def suggestions_for(
    room: Room,
    start: datetime,
    end: datetime,
    attendees: int,
    actor: User,
    now: datetime,
    exclude_booking_id: int | None = None,
) -> list[dict[str, Any]]:
    """Up to five alternatives: the nearest free slots of the same length in the same room,
    then other rooms of the branch free at that time that hold the attendees."""
    zone = get_zone(room.branch.timezone)
    same_room = _nearest_free_slots(room, start, end, actor, now, exclude_booking_id)
    others = [
        r for r in search_rooms(Interval(start, end), attendees, set(), room.branch_id)
        if r.id != room.id
    ]
    picks = [(room.id, s, e) for s, e in same_room[:SAME_ROOM_SUGGESTIONS]]
    picks += [(r.id, start, end) for r in others[: MAX_SUGGESTIONS - len(picks)]]
    picks += [(room.id, s, e) for s, e in same_room[SAME_ROOM_SUGGESTIONS:]]
    return [
        {"room_id": room_id, "start": to_rfc3339(s, zone), "end": to_rfc3339(e, zone)}
        for room_id, s, e in picks[:MAX_SUGGESTIONS]
    ]


def _nearest_free_slots(
    room: Room, start: datetime, end: datetime, actor: User, now: datetime,
    exclude_booking_id: int | None,
) -> list[tuple[datetime, datetime]]:
    """Free starts on the room's grid, nearest to ``start`` first, within a week each way."""
    zone = get_zone(room.branch.timezone)
    duration = end - start
    buffer = timedelta(minutes=room.buffer_minutes)
    reach = Interval(start - SUGGESTION_REACH, end + SUGGESTION_REACH + buffer)
    room_ids = conflicts.share_of_floor(room.id).room_ids
    busy = merge(
        Interval(c.block_start, c.block_end)
        for c in conflicts.find_clashes(room_ids, [reach], exclude_booking_id)
    )
    opening = _open(room.branch, reach)
    rules = RoomRules.of(room)
    step = timedelta(minutes=room.slot_minutes)
    found: list[tuple[datetime, datetime]] = []
    for offset in _outward_steps(SUGGESTION_REACH // step):
        candidate = start + offset * step
        if _slot_is_free(candidate, duration, buffer, opening, busy) and not (
            check_lead_and_horizon(Interval(candidate, candidate + duration), rules, now, zone,
                                   staff=actor.is_staff)
        ):
            found.append((candidate, candidate + duration))
            if len(found) == MAX_SUGGESTIONS:
                break
    return found


def _outward_steps(limit: int):
    for n in range(1, limit + 1):
        yield n
        yield -n


def _slot_is_free(
    start: datetime, duration: timedelta, buffer: timedelta,
    opening: list[Interval], busy: list[Interval],
) -> bool:
    slot = Interval(start, start + duration)
    if not any(o.contains(slot) for o in opening):
        return False
    block_end = slot.end + buffer
    return not any(b.start < block_end and start < b.end for b in busy)
