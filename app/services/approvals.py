"""What staff weigh before approving a request, and the daily digest of new requests.

A pending request already holds its room (its occurrences claim their cells like
confirmed ones), so no other booking can overlap it; what can still stand in its way
is a closure added since, and what competes with it is another request for the same
space on the same day. Approving or rejecting decides the whole series at once
(``bookings.decide``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from flask_babel import force_locale, gettext, ngettext
from markupsafe import escape
from sqlalchemy import select

from app.db import write_transaction
from app.extensions import db
from app.i18n import format_local, known_language
from app.models import Booking, User, utcnow
from app.models.booking import ACTIVE_STATUSES
from app.services import conflicts
from app.services.capacity import capacity_of
from app.services.closures import closures_touching
from app.services.errors import Forbidden
from app.services.mail import SUBJECT_LIMIT, MailSettings, enqueue
from calendars import Interval, get_zone

HISTORY_DAYS = 90
HISTORY_LISTED = 5
# A request written in a transaction still open when the digest runs has a creation time
# just before the run but is not yet visible; the digest covers up to a moment ago, and
# the next one takes what came after.
DIGEST_SETTLE = timedelta(minutes=2)


@dataclass(frozen=True)
class Competitor:
    """Another pending request for the same space on one of the request's days."""

    booking_id: int
    title: str
    room: str
    association: str | None
    start: datetime
    end: datetime
    overlaps: bool


@dataclass(frozen=True)
class ClosureHit:
    """A closure of the branch over one of the request's dates."""

    start: datetime
    end: datetime
    reason: str


@dataclass(frozen=True)
class Fit:
    """Whether the group fits the chosen layout (or the bare room)."""

    attendees: int
    capacity: int
    layout: str | None
    fits: bool
    capacity_flag: str | None


@dataclass(frozen=True)
class PastBooking:
    """One of the association's recent bookings."""

    booking_id: int
    title: str
    room: str
    status: str
    created_at: datetime


@dataclass(frozen=True)
class History:
    """The association's bookings made in the last ``days`` days, this request aside."""

    days: int
    counts: dict[str, int]
    recent: list[PastBooking]


@dataclass(frozen=True)
class RequestContext:
    """Everything the approvals page shows beside one pending request."""

    booking: Booking
    dates: int
    competitors: list[Competitor]
    closures: list[ClosureHit]
    fit: Fit
    association: str | None
    verified: bool | None
    history: History | None

    @property
    def clear(self) -> bool:
        """Whether nothing stands in the way: no closure, no competitor, the group fits."""
        return not self.competitors and not self.closures and self.fit.fits


def _staff_only(actor: User) -> None:
    if not actor.is_staff:
        raise Forbidden("Only library staff see what a request would clash with.")


class _Shared:
    """What several requests of one queue share, read once: rooms' neighbours and bare
    capacity, branches' closures, associations' recent bookings."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.neighbours: dict[int, list[int]] = {}
        self.bare_capacity: dict[int, int] = {}
        self.history: dict[int, list[Booking]] = {}

    def room_ids(self, room_id: int) -> list[int]:
        if room_id not in self.neighbours:
            self.neighbours[room_id] = conflicts.share_of_floor(room_id).room_ids
        return self.neighbours[room_id]

    def capacity(self, booking: Booking) -> int:
        if booking.layout is not None:
            return capacity_of(booking.room, booking.layout)
        if booking.room_id not in self.bare_capacity:
            self.bare_capacity[booking.room_id] = capacity_of(booking.room, None)
        return self.bare_capacity[booking.room_id]

    def recent_of(self, association_id: int) -> list[Booking]:
        if association_id not in self.history:
            since = self.now - timedelta(days=HISTORY_DAYS)
            self.history[association_id] = list(db.session.scalars(
                select(Booking)
                .where(Booking.association_id == association_id, Booking.created_at >= since)
                .order_by(Booking.created_at.desc(), Booking.id.desc())))
        return self.history[association_id]


def request_context(actor: User, booking: Booking, now: datetime | None = None) -> RequestContext:
    """What stands in the way of a request, whether it fits, and who is asking (staff)."""
    _staff_only(actor)
    return _context(booking, _Shared(now or utcnow()))


def contexts(actor: User, pending: list[Booking], now: datetime | None = None
             ) -> list[RequestContext]:
    """The context of each request in a queue, in its order (staff)."""
    _staff_only(actor)
    shared = _Shared(now or utcnow())
    return [_context(booking, shared) for booking in pending]


def _context(booking: Booking, shared: _Shared) -> RequestContext:
    active = [o for o in booking.occurrences if o.status in ACTIVE_STATUSES]
    association = booking.association
    return RequestContext(
        booking=booking,
        dates=len(active),
        competitors=_competitors(booking, active, shared),
        closures=_closures(booking, active),
        fit=_fit(booking, shared.capacity(booking)),
        association=association.name if association else None,
        verified=association.verified if association else None,
        history=_history(booking, shared) if association else None,
    )


def _competitors(booking: Booking, active: list, shared: _Shared) -> list[Competitor]:
    """Other pending requests in rooms sharing floor with this one, on the same local days."""
    if not active:
        return []
    zone = get_zone(booking.room.branch.timezone)
    days: dict[Any, Interval] = {}
    for occurrence in active:
        day = occurrence.start.astimezone(zone).date()
        start = datetime.combine(day, time(), tzinfo=zone)
        days[day] = Interval(start, start + timedelta(days=1))
    found = conflicts.find_clashes(shared.room_ids(booking.room_id), list(days.values()),
                                   booking.id)
    if not found:
        return []
    # In a queue the others are mostly loaded already: the identity map answers.
    others = {i: db.session.get(Booking, i) for i in {c.booking_id for c in found}}
    pending = {i: b for i, b in others.items() if b is not None and b.status == "pending"}
    mine = [Interval(o.block_start, o.block_end) for o in active]
    result = []
    for clash in found:
        other = pending.get(clash.booking_id)
        if other is None:
            continue
        result.append(Competitor(
            booking_id=other.id, title=other.title, room=other.room.name,
            association=other.association.name if other.association else None,
            start=clash.start, end=clash.end,
            overlaps=any(m.start < clash.block_end and clash.block_start < m.end
                         for m in mine)))
    return result


def _closures(booking: Booking, active: list) -> list[ClosureHit]:
    """The branch's closures over any of the request's dates."""
    if not active:
        return []
    span = Interval(min(o.start for o in active), max(o.end for o in active))
    hits = []
    for closure, reason in closures_touching(booking.room.branch_id, span):
        if any(o.start < closure.end and closure.start < o.end for o in active):
            hits.append(ClosureHit(closure.start, closure.end, reason))
    return hits


def _fit(booking: Booking, capacity: int) -> Fit:
    return Fit(attendees=booking.attendees, capacity=capacity,
               layout=booking.layout.name if booking.layout else None,
               fits=booking.attendees <= capacity and booking.capacity_flag is None,
               capacity_flag=booking.capacity_flag)


def _history(booking: Booking, shared: _Shared) -> History:
    """The association's other bookings made in the last ``HISTORY_DAYS`` days."""
    rows = [row for row in shared.recent_of(booking.association_id) if row.id != booking.id]
    counts = Counter(row.status for row in rows)
    return History(
        days=HISTORY_DAYS,
        counts={status: counts.get(status, 0)
                for status in ("confirmed", "pending", "rejected", "cancelled")},
        recent=[PastBooking(row.id, row.title, row.room.name, row.status, row.created_at)
                for row in rows[:HISTORY_LISTED]])


# ------------------------------------------------------------------ the daily digest


@dataclass(frozen=True)
class DigestReport:
    """What one digest run did: e-mails written to the outbox, and their ids."""

    sent: int
    message_ids: list[int]


@write_transaction
def set_digest(user: User, wanted: bool, now: datetime | None = None) -> None:
    """Opt a staff member in or out of the daily digest; a new subscriber starts from now."""
    if not user.is_staff:
        raise Forbidden("Only library staff receive the approvals digest.")
    user = db.session.get(User, user.id, with_for_update=True, populate_existing=True)
    if wanted and not user.approvals_digest:
        user.approvals_digest_through = now or utcnow()
    user.approvals_digest = wanted


@write_transaction
def send_digests(settings: MailSettings, now: datetime | None = None) -> DigestReport:
    """One e-mail per opted-in staff member listing the requests that arrived since their
    last digest and still wait; nothing when nothing is new. Running it twice lists
    nothing twice: each recipient's ``approvals_digest_through`` moves on in the same
    transaction that writes the e-mail.
    """
    now = now or utcnow()
    until = now - DIGEST_SETTLE
    recipients = list(db.session.scalars(
        select(User).where(User.approvals_digest.is_(True), User.active.is_(True),
                           User.role == "staff")
        .order_by(User.id).with_for_update()))
    ids = []
    for user in recipients:
        since = user.approvals_digest_through
        query = select(Booking).where(Booking.status == "pending", Booking.created_at < until)
        if since is not None:
            query = query.where(Booking.created_at >= since)
        new = list(db.session.scalars(query.order_by(Booking.created_at, Booking.id)))
        if new:
            ids.append(enqueue(_digest_message(user, new, settings, now)))
        if since is None or since < until:
            user.approvals_digest_through = until
    return DigestReport(len(ids), ids)


def _digest_message(user: User, new: list[Booking], settings: MailSettings,
                    now: datetime) -> dict[str, Any]:
    """The digest as outbox column values, in the recipient's language."""
    with force_locale(known_language(user.language, settings.default_language)):
        subject, text, html = _compose_digest(user, new, settings)
    return {"to": user.email, "subject": subject[:SUBJECT_LIMIT], "text": text, "html": html,
            "ics": None, "method": None, "booking_id": None, "kind": "digest",
            "created_at": now, "attempts": 0, "next_attempt_at": now}


def _compose_digest(user: User, new: list[Booking],
                    settings: MailSettings) -> tuple[str, str, str]:
    """The subject, text and HTML of one digest, in the current language."""
    count = len(new)
    subject = ngettext("%(num)s new booking request waits for approval",
                       "%(num)s new booking requests wait for approval", count)
    lines = []
    for booking in new:
        zone = get_zone(booking.room.branch.timezone)
        dates = sum(1 for o in booking.occurrences if o.status in ACTIVE_STATUSES)
        when = f"{format_local(booking.start, zone)}–{format_local(booking.end, zone, 'time')}"
        if dates > 1:
            when += " " + ngettext("(%(num)s date)", "(%(num)s dates)", dates)
        who = booking.association.name if booking.association else gettext("the library")
        lines.append((gettext(
            "%(title)s — %(room)s, %(branch)s, %(when)s, %(attendees)s attendees, for %(who)s",
            title=booking.title, room=booking.room.name, branch=booking.room.branch.name,
            when=when, attendees=booking.attendees, who=who),
            f"{settings.base_url}/bookings/{booking.id}"))
    approvals = f"{settings.base_url}/approvals"
    hello = gettext("Hello %(name)s,", name=user.name) if user.name else gettext("Hello,")
    decide = gettext("Decide on them")
    why = gettext("You get this e-mail because you asked for it on your account page.")
    text = "\n".join([
        hello, "", subject + ":", "",
        *(f"- {line}\n  {url}" for line, url in lines), "",
        f"{decide}: {approvals}", "",
        why, "",
        gettext("Agora, your library's room booking"),
    ])
    items = "".join(f'<li><a href="{escape(url)}">{escape(line)}</a></li>'
                    for line, url in lines)
    html = (f"<p>{escape(hello)}</p>"
            f"<p>{escape(subject)}:</p><ul>{items}</ul>"
            f'<p><a href="{escape(approvals)}">{escape(decide)}</a></p>'
            f"<p>{escape(why)}</p>")
    return subject, text, html
