"""Calendars to read at a glance: a room's week and a branch's day, busy and free by time.

Both are built from one query of occurrences (``availability.rooms_calendar``) and the
branch's opening hours; times are placed by the wall clock of the branch's zone, so a
week keeps its seven days and an evening its hours across a change of DST.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from flask_babel import gettext

from app.models import Branch, Room
from app.services import rooms as room_service
from app.services.availability import Booked, RoomCalendar, rooms_calendar
from app.services.booking_rules import (
    RoomRules,
    check_duration,
    check_grid,
    check_lead_and_horizon,
)
from app.services.errors import BadInput, FieldError
from calendars import Interval, get_zone, merge, subtract, validate_opening_hours

QUARTER = 15
REACH = timedelta(weeks=104)
DEFAULT_HOURS = (8, 20)


@dataclass(frozen=True)
class FreeSlot:
    """A piece of free time (at most an hour, on the hour); ``book_end`` is where a booking
    started here would end (at least the room's shortest booking), or None when it cannot
    be booked online (past, too soon, too far ahead, too short, or the room is retired)."""

    start: datetime
    end: datetime
    book_end: datetime | None


@dataclass(frozen=True)
class Period:
    """A stretch of one room's day: ``kind`` 'booked', 'blocked' (kept free between
    bookings), 'free' (with its slots) or 'closed'."""

    kind: str
    start: datetime
    end: datetime
    title: str | None = None
    event_id: int | None = None
    pending: bool = False
    slots: tuple[FreeSlot, ...] = ()


@dataclass(frozen=True)
class RoomDay:
    """One room on one local date: whether the branch opens, and its periods in time order."""

    room: Room
    day: date
    open: bool
    periods: list[Period]

    @property
    def listed(self) -> list[Period]:
        """What the list view reads out: everything but the closed hours."""
        return [p for p in self.periods if p.kind != "closed"]


@dataclass(frozen=True)
class Frame:
    """The hours a page shows (``first`` to ``last`` o'clock, local) in quarters of an hour."""

    zone: tzinfo
    first: int
    last: int

    @property
    def hours(self) -> list[int]:
        """Every whole hour shown."""
        return list(range(self.first, self.last))

    @property
    def quarters(self) -> int:
        """How many quarter-hour rows (or columns) the grid has."""
        return (self.last - self.first) * 60 // QUARTER

    def place(self, day: date, start: datetime, end: datetime) -> tuple[int, int] | None:
        """The first quarter (1-based) and how many quarters [start, end) takes on ``day``,
        or None when nothing of it falls in the hours shown."""
        low, high = self.first * 60, self.last * 60
        begin = max(_minute_of(start, day, self.zone), low)
        finish = min(_minute_of(end, day, self.zone), high)
        if finish <= begin:
            return None
        first = (begin - low) // QUARTER + 1
        return first, max(1, math.ceil((finish - low) / QUARTER) - first + 1)


@dataclass(frozen=True)
class Week:
    """A room's week, Monday to Sunday, with its neighbours for navigation."""

    room: Room
    monday: date
    this_monday: date
    frame: Frame
    days: list[RoomDay]
    previous: date | None = None
    next: date | None = None


@dataclass(frozen=True)
class BranchDay:
    """Every bookable room of a branch on one date."""

    branch: Branch
    day: date
    today: date
    frame: Frame
    rooms: list[RoomDay] = field(default_factory=list)
    previous: date | None = None
    next: date | None = None


def room_week(room: Room, asked: date | None, now: datetime, *, staff: bool = False) -> Week:
    """The week of ``asked`` (any day of it; this week if None) in the room's branch."""
    zone = get_zone(room.branch.timezone)
    today = now.astimezone(zone).date()
    this_monday = _monday(today)
    monday = check_reach(_monday(asked or today), this_monday, "week")
    days = [monday + timedelta(days=n) for n in range(7)]
    window = Interval(_midnight(days[0], zone), _midnight(days[-1] + timedelta(days=1), zone))
    calendar = rooms_calendar([room], window)[room.id]
    frame = _frame(room.branch, zone, days, calendar.booked)
    week = [_room_day(room, calendar, day, zone, now, staff) for day in days]
    return Week(room, monday, this_monday, frame, week,
                _within(monday - timedelta(weeks=1), this_monday),
                _within(monday + timedelta(weeks=1), this_monday))


def branch_day(branch: Branch, asked: date | None, now: datetime, *,
               staff: bool = False) -> BranchDay:
    """Every bookable room of ``branch`` on ``asked`` (today if None), from one query."""
    zone = get_zone(branch.timezone)
    today = now.astimezone(zone).date()
    day = check_reach(asked or today, today, "day")
    rooms = room_service.bookable_rooms(branch.id)
    window = Interval(_midnight(day, zone), _midnight(day + timedelta(days=1), zone))
    calendars = rooms_calendar(rooms, window)
    booked = [b for calendar in calendars.values() for b in calendar.booked]
    frame = _frame(branch, zone, [day], booked)
    return BranchDay(branch, day, today, frame,
                     [_room_day(room, calendars[room.id], day, zone, now, staff)
                      for room in rooms],
                     _within(day - timedelta(days=1), today),
                     _within(day + timedelta(days=1), today))


def check_reach(asked: date, today: date, name: str) -> date:
    """A date (or a week's Monday) within two years of today's (a 400 beyond)."""
    if abs(asked - today) > REACH:
        message = gettext("Pick a date within two years of today.")
        raise BadInput(message, [FieldError(name, "out_of_reach", message)])
    return asked


def _within(day: date, today: date) -> date | None:
    """``day`` if a page may show it (for the links to the day or week before and after)."""
    return day if abs(day - today) <= REACH else None


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _midnight(day: date, zone: tzinfo) -> datetime:
    """The first instant of a local date (midnight, or the hour after where a zone skips it)."""
    return datetime.combine(day, time.min, zone).astimezone(UTC)


def _minute_of(instant: datetime, day: date, zone: tzinfo) -> int:
    """Minutes after local midnight of ``day`` by the wall clock, clamped to the day."""
    local = instant.astimezone(zone)
    if local.date() < day:
        return 0
    if local.date() > day:
        return 24 * 60
    return local.hour * 60 + local.minute


def _frame(branch: Branch, zone: tzinfo, days: list[date], booked: list[Booked]) -> Frame:
    """The hours from the earliest opening to the latest closing of the week's weekdays,
    widened to any booking outside them (staff may book when the branch is closed)."""
    hours = validate_opening_hours(branch.opening_hours)
    spans = [span for spans in hours.values() for span in spans]
    starts = [int(s[:2]) for s, _ in spans]
    ends = [math.ceil((int(e[:2]) * 60 + int(e[3:])) / 60) for _, e in spans]
    for item in booked:
        for day in days:
            begin, finish = _minute_of(item.start, day, zone), _minute_of(item.end, day, zone)
            if finish > begin:
                starts.append(begin // 60)
                ends.append(math.ceil(finish / 60))
    if not starts:
        return Frame(zone, *DEFAULT_HOURS)
    return Frame(zone, min(starts), max(max(ends), min(starts) + 1))


def _room_day(room: Room, calendar: RoomCalendar, day: date, zone: tzinfo, now: datetime,
              staff: bool) -> RoomDay:
    """The room's periods on ``day``: closed, booked, blocked (buffers) and free slots."""
    whole = Interval(_midnight(day, zone), _midnight(day + timedelta(days=1), zone))
    opening = _clip(calendar.opening, whole)
    booked = [b for b in calendar.booked if b.start < whole.end and b.end > whole.start]
    periods = [Period("closed", i.start, i.end) for i in subtract([whole], opening)]
    periods += [Period("booked", max(b.start, whole.start), min(b.end, whole.end),
                       b.title, b.event_id, b.pending) for b in booked]
    busy = _clip(calendar.availability.busy, whole)
    shown = merge(Interval(b.start, b.end) for b in booked)
    periods += [Period("blocked", i.start, i.end) for i in subtract(busy, shown)]
    rules = RoomRules.of(room)
    for free in _clip(calendar.availability.free, whole):
        slots = tuple(_slot(piece, free, rules, zone, now, staff, room.bookable)
                      for piece in _hours_of(free, zone))
        periods.append(Period("free", free.start, free.end, slots=slots))
    order = {"closed": 0, "blocked": 1, "booked": 2, "free": 3}
    periods.sort(key=lambda p: (p.start, order[p.kind]))
    return RoomDay(room, day, bool(opening), periods)


def _clip(intervals: list[Interval], window: Interval) -> list[Interval]:
    return [Interval(max(i.start, window.start), min(i.end, window.end))
            for i in intervals if i.start < window.end and i.end > window.start]


def _hours_of(free: Interval, zone: tzinfo) -> list[Interval]:
    """``free`` cut at each local full hour."""
    pieces, start = [], free.start
    while start < free.end:
        local = start.astimezone(zone)
        into = timedelta(minutes=local.minute, seconds=local.second,
                         microseconds=local.microsecond)
        end = min(start - into + timedelta(hours=1), free.end)
        pieces.append(Interval(start, end))
        start = end
    return pieces


def _slot(piece: Interval, free: Interval, rules: RoomRules, zone: tzinfo, now: datetime,
          staff: bool, bookable: bool) -> FreeSlot:
    """A free piece, and where a booking from its start would end if one may be made online."""
    end = max(piece.end, piece.start + timedelta(minutes=rules.min_minutes))
    wanted = Interval(piece.start, end)
    same_day = (end - timedelta(microseconds=1)).astimezone(zone).date() == \
        piece.start.astimezone(zone).date() and end.astimezone(zone).time() != time.min
    if (not bookable or piece.start < now or end > free.end or not same_day
            or check_grid(wanted, rules, zone) or check_duration(wanted, rules)
            or check_lead_and_horizon(wanted, rules, now, zone, staff=staff)):
        return FreeSlot(piece.start, piece.end, None)
    return FreeSlot(piece.start, piece.end, end)
