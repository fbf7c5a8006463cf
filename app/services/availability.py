"""When rooms are free: availability, search, and suggestions after a conflict.

All of it reads bounded, indexed ranges of occurrences (see conflicts.MAX_BLOCK).
"""

from __future__ import annotations

import bisect
import functools
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import aliased, joinedload, selectinload

from app.extensions import db
from app.models import Branch, CellRoom, Layout, Occurrence, Room, User, utcnow
from app.models.booking import ACTIVE_STATUSES
from app.services import conflicts
from app.services.booking_rules import (
    RoomRules,
    check_duration,
    check_grid,
    check_lead_and_horizon,
)
from app.services.capacity import capacity_of
from app.services.closures import closures_touching
from app.services.errors import BadInput, FieldError
from calendars import (
    Interval,
    TimeInputError,
    check_in_range,
    get_zone,
    localize,
    merge,
    open_intervals,
    subtract,
    to_rfc3339,
)

MAX_WINDOW = timedelta(days=31)
MAX_WEEKS = 52
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
        raise _bad_window("end_before_start", gettext("'end' must come after 'start'."))
    if end - start > limit:
        raise _bad_window("window_too_long",
                          gettext("Ask for at most %(days)s days at a time.", days=limit.days))
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


@dataclass(frozen=True)
class Booked:
    """A booking as anyone may see it on a calendar: only a public event shows its title."""

    start: datetime
    end: datetime
    pending: bool
    title: str | None = None
    event_id: int | None = None


@dataclass(frozen=True)
class RoomCalendar:
    """A room's availability and the bookings that fill it (its own and overlapping rooms')."""

    availability: Availability
    booked: list[Booked]
    opening: list[Interval]


def rooms_calendar(rooms: list[Room], window: Interval) -> dict[int, RoomCalendar]:
    """Availability and bookings of many rooms from one query of occurrences (a calendar page)."""
    found = conflicts.booked_around_rooms([room.id for room in rooms], window)
    blocks = {room_id: [b.block for b in items] for room_id, items in found.items()}
    booked = {room_id: [Booked(b.start, b.end, b.pending, b.public_title,
                               b.booking_id if b.public_title is not None else None)
                        for b in items if b.start < window.end and b.end > window.start]
              for room_id, items in found.items()}
    openings = _openings_by_branch(rooms, window)
    return {room.id: RoomCalendar(
        _availability(blocks[room.id], openings[room.branch_id], window),
        sorted(booked[room.id], key=lambda b: (b.start, b.end)), openings[room.branch_id])
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


@dataclass(frozen=True)
class Slot:
    """The time a search asks about, and optionally every week after it until a date.

    Either fixed instants (the API) or a wall-clock date and times read in each
    branch's own zone (the pages, where people type local times). Weekly dates keep
    the branch's wall time across DST, as a weekly booking does.
    """

    start: datetime
    end: datetime
    until: date | None = None

    @classmethod
    def local(cls, day: date, start: time, end: time, until: date | None = None) -> Slot:
        """``day`` from ``start`` to ``end``, wall times of each room's branch."""
        return cls(datetime.combine(day, start), datetime.combine(day, end), until)

    def dates_in(self, zone: tzinfo) -> list[Interval | None]:
        """The weekly occurrences in ``zone``: None for a wall time the zone skips or repeats."""
        first_start = self.start.astimezone(zone) if self.start.tzinfo else self.start
        first_end = self.end.astimezone(zone) if self.end.tzinfo else self.end
        first_start, first_end = first_start.replace(tzinfo=None), first_end.replace(tzinfo=None)
        weeks = 1 if self.until is None else (self.until - first_start.date()).days // 7 + 1
        found: list[Interval | None] = []
        for week in range(max(weeks, 1)):
            shift = timedelta(weeks=week)
            if self.start.tzinfo and week == 0:
                found.append(Interval(self.start, self.end))
                continue
            try:
                found.append(Interval(localize(first_start + shift, zone, "start"),
                                      localize(first_end + shift, zone, "end")))
            except TimeInputError:
                found.append(None)
        return found


@dataclass(frozen=True)
class RoomMatch:
    """A room that holds the group, the layout that fits it best, and which dates are free."""

    room: Room
    layout: Layout | None
    capacity: int
    dates: list[Interval | None]
    free: list[bool]

    @property
    def free_count(self) -> int:
        """How many of the asked dates the room is free on."""
        return sum(self.free)

    @property
    def all_free(self) -> bool:
        """Free on every date asked."""
        return all(self.free)

    @property
    def taken(self) -> list[Interval]:
        """The dates (that exist in the branch's zone) on which it is not free."""
        return [d for d, ok in zip(self.dates, self.free, strict=True) if not ok and d]


def check_slot(slot: Slot) -> Slot:
    """A search's time: end after start, at most 31 days; weekly for under a week, 52 weeks."""
    if slot.end <= slot.start:
        raise _bad("end", "end_before_start", gettext("The end must come after the start."))
    if slot.end - slot.start > MAX_WINDOW:
        raise _bad("end", "window_too_long",
                   gettext("Ask for at most %(days)s days at a time.", days=MAX_WINDOW.days))
    if slot.until is not None:
        first = slot.start.date()
        if slot.end - slot.start >= timedelta(days=7):
            raise _bad("until", "window_too_long",
                       gettext("A weekly search needs less than a week."))
        if slot.until < first:
            raise _bad("until", "until_before_start",
                       gettext("The last week comes before the first date."))
        if (slot.until - first).days // 7 + 1 > MAX_WEEKS:
            raise _bad("until", "too_many_weeks",
                       gettext("Ask for at most %(weeks)s weeks.", weeks=MAX_WEEKS))

    return slot


def _bad(field: str, code: str, message: str) -> BadInput:
    return BadInput(message, [FieldError(field, code, message)])


def search_rooms(
    slot: Slot | Interval,
    attendees: int,
    amenities: set[str],
    branch_id: int | None = None,
    *,
    now: datetime | None = None,
    staff: bool = False,
) -> list[RoomMatch]:
    """Bookable rooms that hold ``attendees`` by their layouts and are free for ``slot``.

    A room holds the group if one of its layouts does (``capacity_of``, the booking
    rule); a room without layouts is booked bare, so its bare capacity counts. The
    layout named is the smallest that holds them. A date counts as free when the
    branch is open, nothing overlapping the room (buffer included) is booked, and
    the room's own rules (grid, duration, lead time, horizon) would take the booking.
    Rooms free on every date come first, then by how many dates are free; within
    that the best fit (smallest capacity) first. Rooms free on no date are left out.
    """
    if isinstance(slot, Interval):
        slot = Slot(slot.start, slot.end)
    now = now or utcnow()
    query = (select(Room).where(Room.bookable.is_(True))
             .options(selectinload(Room.layouts), joinedload(Room.branch),
                      joinedload(Room.floor))
             .order_by(Room.branch_id, Room.name))
    if branch_id is not None:
        query = query.where(Room.branch_id == branch_id)
    fitting = []
    for room in db.session.scalars(query).unique():
        if not amenities <= set(room.amenities):
            continue
        fit = best_fit(room, attendees)
        if fit is not None:
            fitting.append((room, *fit))
    if not fitting:
        return []
    dates = {room.id: slot.dates_in(get_zone(room.branch.timezone)) for room, _, _ in fitting}
    spans = [d for ds in dates.values() for d in ds if d is not None]
    if not spans:
        return []
    whole = Interval(min(s.start for s in spans), max(s.end for s in spans))
    rooms = [room for room, _, _ in fitting]
    busy = _busy_by_room(rooms, whole)
    openings = _openings_by_branch(rooms, whole)
    matches = []
    for room, layout, capacity in fitting:
        free = [_bookable(room, d, busy[room.id], openings[room.branch_id], now, staff)
                for d in dates[room.id]]
        if any(free):
            matches.append(RoomMatch(room, layout, capacity, dates[room.id], free))
    matches.sort(key=lambda m: (not m.all_free, -m.free_count, m.capacity,
                                m.room.branch.name, m.room.name))
    return matches


def best_fit(room: Room, attendees: int) -> tuple[Layout | None, int] | None:
    """The room's smallest layout that holds ``attendees`` and what it holds, or None.

    A room with no usable layout is booked without one: its bare capacity counts.
    """
    layouts = [layout for layout in room.layouts if layout.valid]
    options = [(capacity_of(room, layout), layout) for layout in layouts]
    if not layouts:
        options = [(capacity_of(room, None), None)]
    holding = [(capacity, layout) for capacity, layout in options if capacity >= attendees]
    if not holding:
        return None
    capacity, layout = min(holding, key=lambda pair: (pair[0], pair[1].name if pair[1] else ""))
    return layout, capacity


def _bookable(room: Room, when: Interval | None, busy: list[Interval],
              opening: list[Interval], now: datetime, staff: bool) -> bool:
    if when is None or not any(o.contains(when) for o in opening):
        return False
    rules, zone = RoomRules.of(room), get_zone(room.branch.timezone)
    if (check_grid(when, rules, zone) or check_duration(when, rules)
            or check_lead_and_horizon(when, rules, now, zone, staff=staff)):
        return False
    # ``busy`` is merged, so sorted and disjoint: only the last block starting before
    # the needed end can reach into the needed time.
    before = bisect.bisect_left(busy, (when.end + timedelta(minutes=room.buffer_minutes),))
    return before == 0 or busy[before - 1].end <= when.start


def _busy_by_room(rooms: list[Room], span: Interval) -> dict[int, list[Interval]]:
    """Per room, the merged busy blocks of every room sharing floor with it, within ``span``.

    Two queries, whatever the number of rooms and dates: who shares cells with whom,
    then the active occurrences of those rooms in the span.
    """
    mine, theirs = aliased(CellRoom), aliased(CellRoom)
    neighbours: dict[int, set[int]] = {room.id: {room.id} for room in rooms}
    for room_id, other_id in db.session.execute(
        select(mine.room_id, theirs.room_id)
        .join(theirs, theirs.cell_id == mine.cell_id)
        .where(mine.room_id.in_(list(neighbours)))
    ):
        neighbours[room_id].add(other_id)
    longest_buffer = timedelta(minutes=max(r.buffer_minutes for r in rooms))
    wanted = set().union(*neighbours.values())
    blocks: dict[int, list[Interval]] = {}
    for room_id, start, end in db.session.execute(
        select(Occurrence.room_id, Occurrence.block_start, Occurrence.block_end).where(
            Occurrence.room_id.in_(list(wanted)),
            Occurrence.status.in_(ACTIVE_STATUSES),
            Occurrence.block_start < span.end + longest_buffer,
            Occurrence.block_start > span.start - conflicts.MAX_BLOCK,
            Occurrence.block_end > span.start,
        )
    ):
        blocks.setdefault(room_id, []).append(Interval(start, end))
    return {room_id: merge(b for other in others for b in blocks.get(other, ()))
            for room_id, others in neighbours.items()}


@dataclass(frozen=True)
class Alternative:
    """Somewhere else or some other time to meet: a room, what it holds, and when."""

    room: Room
    layout: Layout | None
    capacity: int
    start: datetime
    end: datetime


def alternatives(
    room: Room,
    start: datetime,
    end: datetime,
    attendees: int,
    actor: User,
    now: datetime,
    exclude_booking_id: int | None = None,
) -> list[Alternative]:
    """Up to five alternatives to a taken time, nearest first.

    Nearest means: the same time in another room of the branch that holds the group
    (the snuggest first, so the group is not lost in a hall), then the same room at the
    nearest free time of the same length (within a week either way). Other rooms take
    at most two places, so the same room is always offered too when it is free nearby.
    """
    same_room = _nearest_free_slots(room, start, end, actor, now, exclude_booking_id)
    others = _other_free_rooms(room, start, end, attendees, actor, now)
    here = best_fit(room, attendees) or (None, capacity_of(room, None))
    picks = [Alternative(m.room, m.layout, m.capacity, start, end)
             for m in others[:MAX_SUGGESTIONS - SAME_ROOM_SUGGESTIONS]]
    picks += [Alternative(room, here[0], here[1], s, e)
              for s, e in same_room[:MAX_SUGGESTIONS - len(picks)]]
    return picks


def smaller_free_rooms(
    room: Room, capacity: int, start: datetime, end: datetime, attendees: int, actor: User,
    now: datetime, limit: int = 3,
) -> list[Alternative]:
    """Other rooms of the branch free at that time that hold the group and less than
    ``capacity``, the snuggest first."""
    return [Alternative(m.room, m.layout, m.capacity, start, end)
            for m in _other_free_rooms(room, start, end, attendees, actor, now)
            if m.capacity < capacity][:limit]


def _other_free_rooms(room: Room, start: datetime, end: datetime, attendees: int,
                      actor: User, now: datetime) -> list[RoomMatch]:
    """The branch's other rooms free at that time that hold the group, snuggest first."""
    return [match for match in search_rooms(Interval(start, end), attendees, set(),
                                            room.branch_id, now=now, staff=actor.is_staff)
            if match.room.id != room.id]


def suggestions_for(
    room: Room,
    start: datetime,
    end: datetime,
    attendees: int,
    actor: User,
    now: datetime,
    exclude_booking_id: int | None = None,
) -> list[dict[str, Any]]:
    """The alternatives to a taken time as a 409 answer lists them (see ``alternatives``)."""
    zone = get_zone(room.branch.timezone)
    return [
        {"room_id": a.room.id, "start": to_rfc3339(a.start, zone), "end": to_rfc3339(a.end, zone)}
        for a in alternatives(room, start, end, attendees, actor, now, exclude_booking_id)
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
