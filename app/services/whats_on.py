"""What's on: the public events of every branch, read for anyone, signed in or not.

A public event is a confirmed public booking; what the pages list are its confirmed
occurrences. Pending, rejected and private bookings are never read here, so their
titles cannot leak through these pages. Each list is one query over the
occurrences in a bounded window, joined with their booking, room, branch and
association, and capped in rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext
from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Association, Booking, Branch, Occurrence, Room
from app.services.errors import BadInput, NotFound
from app.services.feeds import feed_event
from calendars import FeedMeta, build_feed, get_zone

DAYS_AHEAD = 7
MAX_WINDOW = timedelta(days=92)
MAX_LISTED = 500
UPCOMING_DATES = 10
SHOWN_STATUSES = ("confirmed", "cancelled")


@dataclass(frozen=True)
class EventOccurrence:
    """One date of a public event, with its times in the branch's zone."""

    id: int
    booking_id: int
    title: str
    association_id: int | None
    association_name: str | None
    room_id: int
    room_name: str
    branch_id: int
    branch_name: str
    zone: str
    start: datetime
    end: datetime
    series: bool

    @property
    def local_date(self) -> date:
        """The day it starts on, in the branch's zone."""
        return self.start.date()


@dataclass(frozen=True)
class Day:
    """The events of one local day; ``offset`` is 0 for today, 1 for tomorrow, and so on."""

    date: date
    offset: int
    events: list[EventOccurrence]


@dataclass(frozen=True)
class Date:
    """One date of an event's page, local to its branch."""

    start: datetime
    end: datetime
    status: str


@dataclass(frozen=True)
class PublicEvent:
    """A public booking as its public page shows it."""

    booking: Booking
    zone: str
    upcoming: list[Date]
    chosen: Date | None

    @property
    def cancelled(self) -> bool:
        """Whether the whole event is called off."""
        return self.booking.status == "cancelled"


def _public_occurrences() -> Select:
    return (
        select(
            Occurrence.id, Occurrence.booking_id, Booking.title, Booking.association_id,
            Association.name, Occurrence.room_id, Room.name, Room.branch_id, Branch.name,
            Branch.timezone, Occurrence.start, Occurrence.end, Booking.rrule,
        )
        .join(Booking, Booking.id == Occurrence.booking_id)
        .join(Room, Room.id == Occurrence.room_id)
        .join(Branch, Branch.id == Room.branch_id)
        .outerjoin(Association, Association.id == Booking.association_id)
        .where(
            Booking.public.is_(True),
            Booking.status == "confirmed",
            Occurrence.status == "confirmed",
        )
    )


def _event_of(row) -> EventOccurrence:
    (occurrence_id, booking_id, title, association_id, association_name, room_id, room_name,
     branch_id, branch_name, zone_name, start, end, rrule) = row
    zone = get_zone(zone_name)
    return EventOccurrence(
        occurrence_id, booking_id, title, association_id, association_name, room_id,
        room_name, branch_id, branch_name, zone_name, start.astimezone(zone),
        end.astimezone(zone), rrule is not None,
    )


def check_window(start: datetime, end: datetime) -> None:
    """A listing window must end after it starts and span at most MAX_WINDOW."""
    if end <= start:
        raise BadInput(gettext("'end' must be after 'start'."))
    if end - start > MAX_WINDOW:
        raise BadInput(gettext("The window may span at most %(days)s days.",
                               days=MAX_WINDOW.days))



def public_occurrences(
    start: datetime, end: datetime, *, branch_id: int | None = None,
    limit: int = MAX_LISTED, after_id: int | None = None,
) -> list[EventOccurrence]:
    """Public events' dates overlapping ``[start, end)``, by start, at most ``limit``.

    ``after_id`` is the last occurrence a client saw: the page goes on after it in
    (start, id) order, so a page boundary never skips nor repeats a date.
    """
    check_window(start, end)
    query = _public_occurrences().where(Occurrence.start < end, Occurrence.end > start)
    if branch_id is not None:
        query = query.where(Room.branch_id == branch_id)
    if after_id is not None:
        seen = select(Occurrence.start).where(Occurrence.id == after_id).scalar_subquery()
        query = query.where(or_(
            Occurrence.start > seen, and_(Occurrence.start == seen, Occurrence.id > after_id)
        ))
    rows = db.session.execute(
        query.order_by(Occurrence.start, Occurrence.id).limit(limit)
    ).all()
    return [_event_of(row) for row in rows]


def whats_on(now: datetime, days: int = DAYS_AHEAD) -> list[Day]:
    """Today's public events that have not ended, then those of each of the next ``days`` days.

    Days are the branches' own: an event belongs to the local date it starts on,
    and "today" is today where it takes place; one that began before midnight and
    is still going is today's too.
    """
    by_date: dict[date, Day] = {}
    for event in public_occurrences(now, now + timedelta(days=days + 1)):
        today = now.astimezone(get_zone(event.zone)).date()
        day = max(event.local_date, today)
        offset = (day - today).days
        if offset <= days:
            by_date.setdefault(day, Day(day, offset, [])).events.append(event)
    return [by_date[day] for day in sorted(by_date)]


def public_booking(booking_id: int) -> Booking:
    """A public booking anyone may see (confirmed or cancelled); NotFound for any other."""
    booking = db.session.scalar(
        select(Booking)
        .where(Booking.id == booking_id, Booking.public.is_(True),
               Booking.status.in_(SHOWN_STATUSES))
        .options(joinedload(Booking.room).joinedload(Room.branch),
                 joinedload(Booking.association))
    )
    if booking is None:
        raise NotFound(gettext("No public event %(id)s.", id=booking_id))
    return booking


def public_event(booking_id: int, now: datetime, on: date | None = None) -> PublicEvent:
    """The event's page: the booking, its next dates, and the date ``on`` if it has one."""
    booking = public_booking(booking_id)
    zone_name = booking.room.branch.timezone
    zone = get_zone(zone_name)
    rows = db.session.execute(
        select(Occurrence.start, Occurrence.end, Occurrence.status)
        .where(Occurrence.booking_id == booking.id, Occurrence.end > now)
        .order_by(Occurrence.start)
        .limit(UPCOMING_DATES)
    ).all()
    upcoming = [_date(start, end, status, booking.status, zone) for start, end, status in rows]
    chosen = None
    if on is not None and date.min < on < date.max:  # the day's bounds must stay datetimes
        day_start = datetime.combine(on, datetime.min.time(), zone)
        row = db.session.execute(
            select(Occurrence.start, Occurrence.end, Occurrence.status)
            .where(Occurrence.booking_id == booking.id,
                   Occurrence.start >= day_start, Occurrence.start < day_start + timedelta(1))
            .order_by(Occurrence.start)
            .limit(1)
        ).first()
        if row is not None:
            chosen = _date(*row, booking.status, zone)
    return PublicEvent(booking, zone_name, upcoming, chosen)


def _date(start: datetime, end: datetime, status: str, booking_status: str, zone) -> Date:
    shown = "cancelled" if "cancelled" in (status, booking_status) else status
    return Date(start.astimezone(zone), end.astimezone(zone), shown)


def event_calendar(booking_id: int, base_url: str) -> bytes:
    """The event alone as an iCalendar file, the same VEVENT (UID, RRULE) the feeds carry."""
    booking = public_booking(booking_id)
    event = feed_event(booking, base_url, full=False)
    if event is None:
        raise NotFound(gettext("No public event %(id)s.", id=booking_id))
    meta = FeedMeta(booking.title, gettext("%(title)s at %(branch)s", title=booking.title,
                                           branch=booking.room.branch.name),

                    booking.room.branch.timezone, event.url)
    return build_feed(meta, [event])


def association_events(association_id: int, now: datetime,
                       limit: int = UPCOMING_DATES) -> list[EventOccurrence]:
    """An association's public events that have not ended yet, by start, at most ``limit``."""
    rows = db.session.execute(
        _public_occurrences()
        .where(Booking.association_id == association_id, Occurrence.end > now)
        .order_by(Occurrence.start, Occurrence.id)
        .limit(limit)
    ).all()
    return [_event_of(row) for row in rows]
