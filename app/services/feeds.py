"""Calendar feeds: what each feed shows, how a booking reads in it, and the feed's version.

A feed is a sliding window (30 days back, 12 months ahead, whole UTC days so the
content stays put within a day). Its version, and so its ETag, comes from one
aggregate query, cheap enough to answer a conditional request before any
iCalendar work is done.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from urllib.parse import urlsplit

from flask_babel import gettext
from sqlalchemy import (
    Boolean,
    ColumnElement,
    and_,
    bindparam,
    func,
    or_,
    select,
    text,
)
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.sql.selectable import TextualSelect

from app.extensions import db
from app.i18n import N_, status_name
from app.models import (
    Association,
    Booking,
    Branch,
    Closure,
    Occurrence,
    Room,
)
from app.models.base import UTCDateTime
from app.models.booking import ACTIVE_STATUSES
from app.services import conflicts
from app.services.booking_times import plan_series
from app.services.errors import NotFound
from app.services.tokens import TOKEN_PREFIX, find_active_token, hash_token
from calendars import (
    FeedAllDay,
    FeedEvent,
    FeedMeta,
    FeedOverride,
    Interval,
    build_feed,
    build_freebusy,
    feed_uid,
    get_zone,
    merge,
)

WINDOW_BACK = timedelta(days=30)
WINDOW_AHEAD = timedelta(days=365)
MAX_EVENTS = 1000
MAX_BYTES = 1_000_000
PRIVATE_TITLE = N_("Booked")
FORMAT_VERSION = 2  # raise when the feed's wording changes, so every ETag changes

PUBLIC_KINDS = ("room", "freebusy", "branch", "association")
_FEED_TOKEN = re.compile(rf"^{TOKEN_PREFIX['feed']}[A-Za-z0-9_-]{{43}}$")


@dataclass(frozen=True)
class Window:
    """The feed's range, and since when a cancellation is still shown."""

    start: datetime
    end: datetime

    @classmethod
    def at(cls, now: datetime) -> Window:
        """The window for ``now``, on whole UTC days."""
        day = datetime.combine(now.astimezone(UTC).date(), time(), tzinfo=UTC)
        return cls(day - WINDOW_BACK, day + WINDOW_AHEAD)

    @property
    def cancelled_since(self) -> datetime:
        """Cancellations older than this have dropped out of the feeds."""
        return self.start


@dataclass(frozen=True)
class FeedSpec:
    """Which feed: its kind, its subject, and what it says about itself."""

    kind: str
    subject_id: int
    name: str
    description: str
    zone: str | None
    page_url: str
    branch_id: int | None = None

    @property
    def private(self) -> bool:
        """Whether the feed is one person's (full titles, never cached by proxies)."""
        return self.kind == "private"


@dataclass(frozen=True)
class FeedVersion:
    """What identifies the feed's content without building it."""

    etag: str
    last_modified: datetime


# ------------------------------------------------------------------ the feeds


def room_feed(room_id: int, base_url: str) -> FeedSpec:
    """A room's bookings; private ones read "Booked"."""
    room = _get(Room, room_id)
    return FeedSpec(
        "room", room.id, f"{room.name}, {room.branch.name}",
        gettext("Bookings of %(room)s at %(branch)s. Private bookings show as %(booked)s.",
                room=room.name, branch=room.branch.name, booked=gettext(PRIVATE_TITLE)),
        room.branch.timezone, f"{base_url}/rooms/{room.id}", room.branch_id,
    )


def freebusy_feed(room_id: int, base_url: str) -> FeedSpec:
    """A room's busy times (its own bookings, those of rooms sharing its floor, closures)."""
    room = _get(Room, room_id)
    return FeedSpec(
        "freebusy", room.id,
        gettext("%(room)s, %(branch)s: busy times", room=room.name, branch=room.branch.name),
        gettext("When %(room)s at %(branch)s is taken.", room=room.name,
                branch=room.branch.name),
        room.branch.timezone, f"{base_url}/rooms/{room.id}", room.branch_id,
    )


def branch_feed(branch_id: int, base_url: str) -> FeedSpec:
    """A branch's public events and its closures."""
    branch = _get(Branch, branch_id)
    return FeedSpec(
        "branch", branch.id, gettext("%(branch)s: events", branch=branch.name),
        gettext("Public events at %(branch)s, and the days it is closed.", branch=branch.name),
        branch.timezone, f"{base_url}/", branch.id,
    )


def association_feed(association_id: int, base_url: str) -> FeedSpec:
    """An association's public bookings."""
    association = _get(Association, association_id)
    return FeedSpec(
        "association", association.id, association.name,
        gettext("Public bookings of %(name)s.", name=association.name), None,
        f"{base_url}/associations/{association.id}",
    )


def private_feed(token: str, base_url: str) -> FeedSpec:
    """One user's bookings in full; an unknown or revoked token is NotFound."""
    found = find_active_token(token, "feed")
    if found is None:
        raise NotFound(gettext("No such feed."))
    user = found.user
    return FeedSpec(
        "private", user.id, gettext("My bookings"),
        gettext("Every booking of %(name)s, pending ones as tentative.",
                name=user.name or user.email),
        None, f"{base_url}/profile",
    )


SPECS = {
    "room": room_feed,
    "freebusy": freebusy_feed,
    "branch": branch_feed,
    "association": association_feed,
    "private": private_feed,
}


def feed_spec(kind: str, subject: int | str, base_url: str) -> FeedSpec:
    """The feed of that kind and subject; NotFound if there is none."""
    return SPECS[kind](subject, base_url)


def _get(model: type, key: int):
    row = db.session.get(model, key)
    if row is None:
        raise NotFound(gettext("No such calendar."))
    return row


# ------------------------------------------------------------------ selection


def _status_filter(spec: FeedSpec, window: Window) -> ColumnElement[bool]:
    recent = Booking.updated_at >= window.cancelled_since
    if spec.kind == "private":
        return or_(Booking.status.in_(ACTIVE_STATUSES),
                   and_(Booking.status.in_(("cancelled", "rejected")), recent))
    shown = ("confirmed", "pending") if spec.kind == "room" else ("confirmed",)
    return or_(Booking.status.in_(shown), and_(Booking.status == "cancelled", recent))


def _subject_filter(spec: FeedSpec) -> ColumnElement[bool]:
    if spec.kind == "room":
        return Booking.room_id == spec.subject_id
    if spec.kind == "branch":
        return and_(Room.branch_id == spec.subject_id, Booking.public.is_(True))
    if spec.kind == "association":
        return and_(Booking.association_id == spec.subject_id, Booking.public.is_(True))
    if spec.kind == "private":
        return Booking.booked_by_id == spec.subject_id
    raise ValueError(f"no booking feed of kind {spec.kind!r}")


def _closures_in(branch_id: int, window: Window):
    return select(Closure).where(
        Closure.branch_id == branch_id, Closure.start < window.end, Closure.end > window.start
    )


# ------------------------------------------------------------------- version
#
# The version is read by one hand-written statement per kind, compiled once: a
# conditional request costs this one query and nothing else. It counts the
# subject's bookings that can reach the window (a series spans at most 731 days),
# a superset of the feed's, so any change to what the feed shows changes it; the
# window's day is part of the ETag, so does a booking leaving the window.

SERIES_SPAN = timedelta(days=731)
_SUBJECT = {
    "room": 'SELECT r.name AS n1, b.name AS n2, b.timezone AS zone, r.updated_at AS changed '
            "FROM room r JOIN branch b ON b.id = r.branch_id WHERE r.id = :subject",
    "branch": "SELECT b.name AS n1, b.address AS n2, b.timezone AS zone, "
              "b.created_at AS changed FROM branch b WHERE b.id = :subject",
    "association": "SELECT a.name AS n1, a.description AS n2, '' AS zone, "
                   "a.created_at AS changed FROM association a WHERE a.id = :subject",
    "private": 'SELECT u.name AS n1, u.email AS n2, \'\' AS zone, t.created_at AS changed '
               'FROM api_token t JOIN "user" u ON u.id = t.user_id '
               "WHERE t.token_hash = :subject AND t.purpose = 'feed' "
               "AND t.revoked_at IS NULL AND u.active = :yes",
}
_SUBJECT["freebusy"] = _SUBJECT["room"]
_BOOKINGS_OF = {
    "room": "bk.room_id = :subject",
    "branch": "bk.public = :yes AND bk.room_id IN (SELECT id FROM room WHERE branch_id = :subject)",
    "association": "bk.association_id = :subject AND bk.public = :yes",
    "private": "bk.booked_by_id = (SELECT user_id FROM api_token WHERE token_hash = :subject)",
}
_CLOSURES_OF = {
    "room": "(SELECT branch_id FROM room WHERE id = :subject)",
    "freebusy": "(SELECT branch_id FROM room WHERE id = :subject)",
    "branch": ":subject",
}
_SHARING_FLOOR = (
    "SELECT theirs.room_id FROM cell_room mine JOIN cell_room theirs "
    "ON theirs.cell_id = mine.cell_id WHERE mine.room_id = :subject"
)


def _aggregate_sql(kind: str) -> str:
    if kind == "freebusy":
        # The block bounds add nothing to the result (a block holds its occurrence and
        # lasts at most MAX_BLOCK) but let the (room, block_start) index bound the scan on
        # both sides, so it reads the window, not the room's history or every room's.
        return (
            "SELECT count(*) AS items, max(o.updated_at) AS newest, max(bk.updated_at) AS seq "
            "FROM occurrence o JOIN booking bk ON bk.id = o.booking_id "
            f"WHERE o.room_id IN ({_SHARING_FLOOR} UNION SELECT :subject) "
            "AND o.status IN ('pending', 'confirmed') "
            "AND o.block_start < :window_end AND o.block_start > :window_floor "
            'AND o.start < :window_end AND o."end" > :window_start'
        )
    return (
        "SELECT count(*) AS items, max(bk.updated_at) AS newest, sum(bk.sequence) AS seq "
        f"FROM booking bk WHERE {_BOOKINGS_OF[kind]} AND bk.start >= :oldest"
    )


def _closures_sql(kind: str) -> str:
    if kind not in _CLOSURES_OF:
        return "SELECT 0 AS closures, NULL AS closure_max, NULL AS closure_sum"
    return (
        "SELECT count(*) AS closures, max(c.id) AS closure_max, sum(c.id) AS closure_sum "
        f"FROM closure c WHERE c.branch_id = {_CLOSURES_OF[kind]} "
        'AND c.start < :window_end AND c."end" > :window_start'
    )


@cache
def _version_statement(kind: str) -> TextualSelect:
    """Subject, bookings, closures, and the newest room and layout change, in one row."""
    sql = (
        f"SELECT s.n1, s.n2, s.zone, s.changed, agg.items, agg.newest, agg.seq, "
        "cl.closures, cl.closure_max, cl.closure_sum, "
        "(SELECT max(updated_at) FROM room) AS rooms_changed, "
        "(SELECT max(updated_at) FROM layout) AS layouts_changed "
        f"FROM ({_SUBJECT[kind]}) s CROSS JOIN ({_aggregate_sql(kind)}) agg "
        f"CROSS JOIN ({_closures_sql(kind)}) cl"
    )
    stamp = UTCDateTime()
    params = [
        bindparam("subject"), bindparam("yes", True, type_=Boolean()),
        bindparam("oldest", type_=stamp), bindparam("window_start", type_=stamp),
        bindparam("window_end", type_=stamp), bindparam("window_floor", type_=stamp),
    ]
    return (
        text(sql)
        .bindparams(*(param for param in params if f":{param.key}" in sql))
        .columns(changed=stamp, newest=stamp, rooms_changed=stamp, layouts_changed=stamp)
    )


def feed_version(kind: str, subject: int | str, now: datetime, base_url: str,
                 language: str = "") -> FeedVersion | None:
    """The feed's ETag and Last-Modified from one aggregate query; None if there is no feed.

    ``subject`` is the room, branch or association id, or the private feed's token; each
    ``language`` of a feed has its own ETag.
    """
    if kind == "private":
        if not _FEED_TOKEN.match(str(subject)):
            return None
        subject = hash_token(str(subject))
    window = Window.at(now)
    statement = _version_statement(kind)
    values = {"subject": subject, "oldest": window.start - SERIES_SPAN,
              "window_start": window.start, "window_end": window.end,
              "window_floor": window.start - conflicts.MAX_BLOCK}
    params = {name: value for name, value in values.items()
              if f":{name}" in statement.element.text}
    row = db.session.connection().execute(statement, params).first()
    if row is None:
        return None
    stamps = [value for value in row if isinstance(value, datetime)]
    last_modified = max([window.start + WINDOW_BACK, *stamps])
    key = repr((FORMAT_VERSION, kind, base_url, language, window.start, tuple(row)))

    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return FeedVersion(f'"{digest}"', last_modified.replace(microsecond=0))


# -------------------------------------------------------------------- content


def render_feed(spec: FeedSpec, now: datetime, base_url: str) -> bytes:
    """The feed as iCalendar bytes, under MAX_BYTES (capped, and saying so, if needed)."""
    window = Window.at(now)
    if spec.kind == "freebusy":
        return _render_freebusy(spec, window, base_url)
    bookings, capped = _bookings_of(spec, window)
    zone = spec.zone or _commonest_zone(bookings)
    events = [
        event
        for booking in bookings
        if (event := feed_event(booking, base_url, full=spec.private,
                                cancelled_since=window.cancelled_since)) is not None
    ]
    all_day = _closure_entries(spec, window, base_url)
    while True:
        meta = FeedMeta(spec.name, spec.description, zone, spec.page_url, capped=capped)
        body = build_feed(meta, events, all_day)
        if len(body) < MAX_BYTES or not events:
            return body
        events, capped = _nearest(events, int(len(events) * 0.8)), True


def _nearest(events: list[FeedEvent], count: int) -> list[FeedEvent]:
    return sorted(events, key=lambda event: event.start)[:count]


def _bookings_of(spec: FeedSpec, window: Window) -> tuple[list[Booking], bool]:
    """The feed's bookings, nearest first, at most MAX_EVENTS; and whether more were left out."""
    first_start = func.min(Occurrence.start)
    ids = list(db.session.scalars(
        select(Booking.id)
        .join(Occurrence, Occurrence.booking_id == Booking.id)
        .join(Room, Room.id == Booking.room_id)
        .where(
            _subject_filter(spec), _status_filter(spec, window),
            Occurrence.start < window.end, Occurrence.end > window.start,
        )
        .group_by(Booking.id)
        .order_by(first_start, Booking.id)
        .limit(MAX_EVENTS + 1)
    ))
    capped = len(ids) > MAX_EVENTS
    ids = ids[:MAX_EVENTS]
    if not ids:
        return [], capped
    bookings = db.session.scalars(
        select(Booking)
        .where(Booking.id.in_(ids))
        .options(
            selectinload(Booking.occurrences),
            joinedload(Booking.room).joinedload(Room.branch),
            joinedload(Booking.layout),
            joinedload(Booking.association),
        )
    ).unique()
    return list(bookings), capped


def _commonest_zone(bookings: Sequence[Booking]) -> str:
    zones = Counter(booking.room.branch.timezone for booking in bookings)
    if zones:
        return zones.most_common(1)[0][0]
    first = db.session.scalar(select(Branch.timezone).order_by(Branch.id).limit(1))
    return first or "UTC"


def _feed_status(status: str) -> str:
    return "cancelled" if status in ("cancelled", "rejected") else status


def feed_event(
    booking: Booking, base_url: str, *, full: bool, cancelled_since: datetime | None = None
) -> FeedEvent | None:
    """A booking as a feed (or an invitation) shows it; None if nothing of it is left to show.

    ``full`` shows everything (the booker's own feed, their e-mail); otherwise a
    private booking reads "Booked", with neither names nor description.
    """
    occurrences = list(booking.occurrences)
    if not occurrences:
        return None
    shown = full or booking.public
    status = _feed_status(booking.status)
    common = {
        "uid": booking.uid,
        "sequence": booking.sequence,
        "title": booking.title if shown else gettext(PRIVATE_TITLE),
        "description": _description(booking, shown, full),
        "location": f"{booking.room.branch.name}, {booking.room.name}",
        "url": _event_link(booking, base_url, full=full),
        "created": booking.created_at,
        "last_modified": booking.updated_at,
    }
    if not booking.rrule:
        only = occurrences[0]
        return FeedEvent(**common, start=only.start, end=only.end, status=status)
    exdates, overrides = _exceptions(booking, occurrences, status, cancelled_since)
    return FeedEvent(
        **common, start=booking.start, end=booking.end, status=status,
        rrule=booking.rrule, exdates=tuple(exdates), overrides=tuple(overrides),
    )


def event_page_url(base_url: str, booking_id: int) -> str:
    """The public page of a public event, which anyone can open without signing in."""
    return f"{base_url}/events/{booking_id}"


def _event_link(booking: Booking, base_url: str, *, full: bool) -> str:
    """Where a feed's event leads.

    In the booker's own feed and e-mails (``full``) a booking goes to their page of
    it, where they manage it; in a public feed a public event goes to its own page,
    which needs no sign-in; any other booking to its room, so the link of a private
    or pending booking names nothing of it.
    """
    if full:
        return f"{base_url}/bookings/{booking.id}"
    if booking.public and booking.status in ("confirmed", "cancelled"):
        return event_page_url(base_url, booking.id)
    return f"{base_url}/rooms/{booking.room_id}"


def _exceptions(
    booking: Booking, occurrences: list[Occurrence], status: str,
    cancelled_since: datetime | None,
) -> tuple[list[datetime], list[FeedOverride]]:
    """EXDATEs for what the rule makes but is not stored; overrides for what differs.

    A cancelled occurrence is shown cancelled for 30 days, then becomes an EXDATE.
    """
    zone = get_zone(booking.room.branch.timezone)
    rule_starts = [p.original_start
                   for p in plan_series(booking.start, booking.end, zone, booking.rrule, [])]
    stored = {o.original_start: o for o in occurrences}
    exdates = [start for start in rule_starts if start not in stored]
    overrides = []
    for occurrence in occurrences:
        own = _feed_status(occurrence.status)
        faded = (own == "cancelled" and status != "cancelled" and cancelled_since is not None
                 and occurrence.updated_at < cancelled_since)
        if faded:
            exdates.append(occurrence.original_start)
        elif occurrence.modified or own != status:
            overrides.append(FeedOverride(occurrence.original_start, occurrence.start,
                                          occurrence.end, own))
    return sorted(exdates), overrides


def _description(booking: Booking, shown: bool, full: bool) -> str:
    lines = []
    if shown and booking.association is not None:
        lines.append(gettext("Booked by %(name)s", name=booking.association.name))
    if booking.layout is not None:
        lines.append(gettext("Layout: %(name)s (capacity %(capacity)s)",
                             name=booking.layout.name, capacity=booking.layout.capacity))
    elif booking.room.max_attendees:
        lines.append(gettext("Capacity %(capacity)s", capacity=booking.room.max_attendees))
    if full:
        lines.append(gettext("Attendees: %(count)s", count=booking.attendees))
        if booking.status == "pending":
            lines.append(gettext("Awaiting approval by library staff."))
        if booking.status in ("rejected", "cancelled") and booking.status_reason:
            lines.append(f"{status_name(booking.status).capitalize()}: {booking.status_reason}")
    if shown and booking.description:
        lines += ["", booking.description]
    return "\n".join(lines)


def _closure_entries(spec: FeedSpec, window: Window, base_url: str) -> list[FeedAllDay]:
    if spec.branch_id is None or spec.kind not in ("room", "branch"):
        return []
    zone = get_zone(spec.zone or "UTC")
    domain = urlsplit(base_url).hostname or "agora"
    entries = []
    for closure in db.session.scalars(_closures_in(spec.branch_id, window)):
        first, last = _local_days(closure.start, closure.end, zone)
        hours = _partial_hours(closure.start, closure.end, zone)
        entries.append(FeedAllDay(
            uid=feed_uid("closure", closure.id, domain),
            title=(gettext("Closed: %(reason)s", reason=closure.reason) if closure.reason
                   else gettext("Closed")),
            first_day=first,
            last_day_exclusive=last,
            description=gettext("The library is closed %(hours)s.", hours=hours) if hours else "",
        ))
    return entries


def _local_days(start: datetime, end: datetime, zone) -> tuple[date, date]:
    first = start.astimezone(zone).date()
    local_end = end.astimezone(zone)
    last = local_end.date() if local_end.time() == time() else local_end.date() + timedelta(1)
    return first, max(last, first + timedelta(days=1))


def _partial_hours(start: datetime, end: datetime, zone) -> str:
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    if local_start.time() == time() and local_end.time() == time():
        return ""
    stamp = "%Y-%m-%d %H:%M"
    return gettext("from %(start)s to %(end)s", start=local_start.strftime(stamp),
                   end=local_end.strftime(stamp))




def _render_freebusy(spec: FeedSpec, window: Window, base_url: str) -> bytes:
    rooms = conflicts.share_of_floor(spec.subject_id).room_ids
    rows = db.session.execute(
        select(Occurrence.start, Occurrence.end, Booking.updated_at)
        .join(Booking, Booking.id == Occurrence.booking_id)
        .where(
            Occurrence.room_id.in_(rooms),
            Occurrence.status.in_(ACTIVE_STATUSES),
            # The block bounds only let the (room, block_start) index bound the scan.
            Occurrence.block_start < window.end,
            Occurrence.block_start > window.start - conflicts.MAX_BLOCK,
            Occurrence.start < window.end,
            Occurrence.start > window.start - conflicts.MAX_BLOCK,
            Occurrence.end > window.start,
        )
    ).all()
    busy = [Interval(start, end) for start, end, _ in rows]
    if spec.branch_id is not None:
        busy += [Interval(c.start, c.end)
                 for c in db.session.scalars(_closures_in(spec.branch_id, window))]
    stamp = max([window.start + WINDOW_BACK, *(changed for _, _, changed in rows)])
    meta = FeedMeta(spec.name, spec.description, spec.zone or "UTC", spec.page_url)
    return build_freebusy(meta, merge(busy), window.start, window.end, stamp)
