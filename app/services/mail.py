"""Booking e-mails with an iCalendar invitation, and association news, sent through an outbox.

The booking rules ``announce`` a change; just before that transaction commits the
app's shell composes the message (``booking_message``) and ``enqueue``s it, so a booking and
its e-mail are committed (or rolled back) together. ``deliver`` sends
after the commit, one message per transaction; a failure is recorded with a
back-off and ``flask outbox send`` retries it. Nothing here ever fails a booking.
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Any
from urllib.parse import urlsplit

from flask_babel import force_locale, gettext, ngettext
from markupsafe import escape
from sqlalchemy import select, update

from app.db import unit_of_work
from app.extensions import db
from app.i18n import N_, format_local, known_language
from app.models import Association, Booking, JoinRequest, OutboxMessage, User, utcnow
from app.models.after_hours import ACCESS_CODE_DIGITS
from app.models.booking import ACTIVE_STATUSES
from app.services.feeds import feed_event
from calendars import build_invitation, get_zone

log = logging.getLogger(__name__)

KINDS = ("created", "approved", "rejected", "changed", "cancelled", "over_capacity")
# What an association's people hear about: a request to join (its admins), the answer
# (the one who asked), and staff verifying it (its admins).
ASSOCIATION_KINDS = ("join_request", "join_accepted", "join_declined", "verified")
MAX_ATTEMPTS = 8
# A claimed batch is this courier's for LEASE; it starts no send later than LEASE_MARGIN
# before the lease runs out, so another courier never claims a message still being
# sent: the margin covers the slowest send (several SMTP steps of up to
# SMTP_TIMEOUT_SECONDS each) and a difference between hosts' clocks.
LEASE = timedelta(minutes=5)
LEASE_MARGIN = timedelta(minutes=2)
SMTP_TIMEOUT_SECONDS = 10.0
DELIVER_PER_REQUEST = 20
DELIVER_PER_RUN = 200
SUBJECT_LIMIT = 300  # the column's length
PENDING_KEY = "agora_outbox_pending"  # ids written in the session's open transaction
COMMITTED_KEY = "agora_outbox_committed"  # ids whose transaction has committed


@dataclass(frozen=True)
class MailSettings:
    """Where e-mail goes and how it is signed; from the SMTP_* and MAIL_FROM settings."""

    base_url: str
    mail_from: str
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    timeout: float = SMTP_TIMEOUT_SECONDS
    default_language: str = "da"  # for a recipient who never chose one

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> MailSettings:
        """The settings of an app's configuration."""
        return cls(
            base_url=str(config["BASE_URL"]).rstrip("/"),
            mail_from=config["MAIL_FROM"],
            smtp_host=config.get("SMTP_HOST") or "",
            smtp_port=int(config.get("SMTP_PORT") or 25),
            smtp_username=config.get("SMTP_USERNAME") or "",
            smtp_password=config.get("SMTP_PASSWORD") or "",
            smtp_starttls=_flag(config.get("SMTP_STARTTLS")),
            default_language=config.get("DEFAULT_LANGUAGE") or "da",
        )

    @property
    def sender_address(self) -> str:
        """The bare address of MAIL_FROM (the invitation's ORGANIZER)."""
        return parseaddr(self.mail_from)[1]


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


ANNOUNCE_KEY = "agora_outbox_announcements"  # (booking, kind) to put in the outbox at commit


def announce(booking: Booking, kind: str) -> None:
    """Say that the booker should hear about this change once the transaction commits.

    The booking rules call this; the app's shell turns each announcement into an outbox
    message, with its own mail settings, just before the commit that makes it true.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    db.session.info.setdefault(ANNOUNCE_KEY, []).append((booking, kind))


@dataclass(frozen=True)
class AssociationNews:
    """Something that happened to an association that people should hear about."""

    association: Association
    kind: str
    join_request: JoinRequest | None = None


def announce_association(association: Association, kind: str,
                         join_request: JoinRequest | None = None) -> None:
    """Say that an association's people should hear about this once the transaction commits."""
    if kind not in ASSOCIATION_KINDS:
        raise ValueError(f"kind must be one of {', '.join(ASSOCIATION_KINDS)}")
    if kind != "verified" and join_request is None:
        raise ValueError(f"{kind} needs the join request")
    news = AssociationNews(association, kind, join_request)
    db.session.info.setdefault(ANNOUNCE_KEY, []).append((news, kind))


# ------------------------------------------------------------------ enqueue


def announced_messages(subject: Any, kind: str,
                       settings: MailSettings) -> list[dict[str, Any]]:
    """The e-mails one announcement makes, as outbox column values (none: nobody to tell)."""
    if isinstance(subject, AssociationNews):
        return association_messages(subject, settings)
    from app.services.proposal_mail import ProposalNews, proposal_messages

    if isinstance(subject, ProposalNews):
        return proposal_messages(subject, settings)
    from app.services.trust_mail import TrustNews, trust_messages

    if isinstance(subject, TrustNews):
        return trust_messages(subject, settings)
    values = booking_message(subject, kind, settings)
    return [] if values is None else [values]


def booking_message(booking: Booking, kind: str, settings: MailSettings) -> dict[str, Any] | None:
    """The booker's e-mail about this change, as outbox column values (None: nobody to tell).

    Pure composition, no SQL: whatever goes wrong here leaves the transaction untouched.
    ``kind`` is one ``announce`` accepted.
    """
    user = booking.booked_by
    if user is None or not user.email or not user.active:
        return None
    method = "CANCEL" if kind in ("cancelled", "rejected") else "REQUEST"
    # In the recipient's language, whoever's request (a staff member's) caused it.
    with force_locale(known_language(user.language, settings.default_language)):
        subject, text, html = compose(booking, kind, settings)
        ics = _invitation(booking, method, user.email, settings)
    now = utcnow()
    return {"to": user.email, "subject": subject[:SUBJECT_LIMIT], "text": text, "html": html,
            "ics": ics, "method": method if ics is not None else None,
            "booking_id": booking.id, "kind": kind, "created_at": now, "attempts": 0,
            "next_attempt_at": now}


_INSERT_MESSAGE = OutboxMessage.__table__.insert().returning(OutboxMessage.__table__.c.id)


def enqueue(values: dict[str, Any]) -> int:
    """Write one composed message in the current transaction; it goes out after the commit."""
    message_id = db.session.execute(_INSERT_MESSAGE, values).scalar_one()
    db.session.info.setdefault(PENDING_KEY, []).append(message_id)
    return message_id


def _invitation(booking: Booking, method: str, to: str, settings: MailSettings) -> str | None:
    event = feed_event(booking, settings.base_url, full=True)
    if event is None:
        return None
    try:
        body = build_invitation(method, event, settings.sender_address, to,
                                booking.room.branch.timezone)
    except ValueError as error:  # an address iTIP cannot carry: send the e-mail without it
        log.warning("No invitation for booking %s: %s", booking.id, error)
        return None
    return body.decode("utf-8")


# ------------------------------------------------------------------ wording

# Marked here, translated when an e-mail is composed (in its recipient's language).
_HEADLINES = {
    "created": N_("Booking confirmed"),
    "created_pending": N_("Booking request received"),
    "approved": N_("Booking approved"),
    "rejected": N_("Booking not approved"),
    "changed": N_("Booking changed"),
    "cancelled": N_("Booking cancelled"),
    "over_capacity": N_("Booking needs a change"),
}
_SENTENCES = {
    "created": N_('Your booking "%(title)s" of %(place)s is confirmed.'),
    "created_pending": N_('Your booking "%(title)s" of %(place)s is received. Library staff '
                          'will approve it, and you will hear from us.'),
    "approved": N_('Your booking "%(title)s" of %(place)s is approved: the room is yours.'),
    "rejected": N_('Your booking "%(title)s" of %(place)s was not approved.'),
    "changed": N_('Your booking "%(title)s" of %(place)s has changed; the attached '
                  'invitation carries the new details.'),
    "cancelled": N_('Your booking "%(title)s" of %(place)s is cancelled.'),
    "over_capacity": N_('Your booking "%(title)s" of %(place)s is still booked, but after a '
                        'change to the room or its layout it holds fewer people than you '
                        'booked for. Please lower the number of attendees or choose another '
                        'layout or room, or contact the library.'),
}


def compose(booking: Booking, kind: str, settings: MailSettings) -> tuple[str, str, str]:
    """The subject, plain text and HTML of the e-mail about a change, in the current
    language (``booking_message`` sets the recipient's)."""
    key = "created_pending" if kind == "created" and booking.status == "pending" else kind
    room = booking.room
    place = f"{room.name}, {room.branch.name}"
    when = _when(booking)
    url = f"{settings.base_url}/bookings/{booking.id}"
    subject = f"{gettext(_HEADLINES[key])}: {booking.title} ({when})"
    name = booking.booked_by.name if booking.booked_by else ""
    facts = [(gettext("What"), booking.title), (gettext("Where"), place),
             (gettext("When"), when)]
    if booking.layout is not None:
        facts.append((gettext("Layout"), gettext(
            "%(name)s (capacity %(capacity)s)", name=booking.layout.name,
            capacity=booking.layout.capacity)))
    facts.append((gettext("Attendees"), str(booking.attendees)))
    if kind in ("approved", "rejected", "cancelled") and booking.status_reason:
        facts.append((gettext("Reason"), booking.status_reason))
    if kind == "over_capacity" and booking.capacity_flag:
        facts.append((gettext("Reason"), booking.capacity_flag))
    if kind in ("created", "approved", "changed"):
        facts += _access_code_facts(booking)
    sentence = gettext(_SENTENCES[key], title=booking.title, place=place)
    hello = gettext("Hello %(name)s,", name=name) if name else gettext("Hello,")
    see = gettext("See the booking")
    attached = gettext("The attached invitation (invite.ics) updates your calendar.")
    text = "\n".join([
        hello, "", sentence, "",
        *(f"{label}: {value}" for label, value in facts), "",
        f"{see}: {url}", "",
        attached, "",
        gettext("Agora, your library's room booking"),
    ])
    rows = "".join(f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>"
                   for label, value in facts)
    html = (
        f"<p>{escape(hello)}</p>"
        f"<p>{escape(sentence)}</p><table>{rows}</table>"
        f'<p><a href="{escape(url)}">{escape(see)}</a></p>'
        f"<p>{escape(attached)}</p>"
    )
    return subject, text, html


def _access_code_facts(booking: Booking) -> list[tuple[str, str]]:
    """The door code of each after-hours date, for the booker's eyes only (this e-mail goes
    to the booker alone; the log fallback of ``transport`` masks the codes)."""
    zone = get_zone(booking.room.branch.timezone)
    return [(gettext("Access code"), gettext(
        "%(code)s, valid %(start)s–%(end)s", code=c.code,
        start=format_local(c.valid_from, zone), end=format_local(c.valid_until, zone, "time")))
        for c in booking.access_codes if c.revoked_at is None]


def _when(booking: Booking) -> str:
    zone = get_zone(booking.room.branch.timezone)
    rows = booking.occurrences
    active = [o for o in rows if o.status in ACTIVE_STATUSES]
    first = (active or rows or [None])[0]
    start, end = (first.start, first.end) if first else (booking.start, booking.end)
    text = f"{format_local(start, zone)}–{format_local(end, zone, 'time')}"
    if len(active) > 1:
        text = ngettext("%(when)s, and %(num)s more", "%(when)s, and %(num)s more",
                        len(active) - 1, when=text)
    return text


# ------------------------------------------------------------------ association news


def association_messages(news: AssociationNews, settings: MailSettings) -> list[dict[str, Any]]:
    """One e-mail per person who should hear the news, as outbox column values."""
    association, request = news.association, news.join_request
    if news.kind in ("join_accepted", "join_declined"):
        recipients = [request.user]
    else:
        recipients = sorted((m.user for m in association.memberships if m.role == "admin"),
                            key=lambda user: user.email.lower())
    now = utcnow()
    messages = []
    for user in recipients:
        if not user.email or not user.active:
            continue
        with force_locale(known_language(user.language, settings.default_language)):
            subject, text, html = compose_association(news, user, settings)
        messages.append({"to": user.email, "subject": subject[:SUBJECT_LIMIT], "text": text,
                         "html": html, "ics": None, "method": None, "booking_id": None,
                         "kind": news.kind, "created_at": now, "attempts": 0,
                         "next_attempt_at": now})
    return messages


def compose_association(news: AssociationNews, to: User,
                        settings: MailSettings) -> tuple[str, str, str]:
    """The subject, plain text and HTML of an e-mail about an association, in the
    current language (the caller forces the recipient's)."""
    association, request = news.association, news.join_request
    page = f"{settings.base_url}/associations/{association.id}"
    name = association.name
    link = (gettext("See the association"), page)
    quote = ""
    if news.kind == "join_request":
        asker = request.user
        who = f"{asker.name} ({asker.email})" if asker.name else asker.email
        subject = gettext("%(who)s asks to join %(name)s", who=asker.name or asker.email,
                          name=name)
        sentences = [gettext("%(who)s asks to join %(name)s.", who=who, name=name)]
        quote = request.message
        sentences.append(gettext("As an admin of the association you can accept or decline "
                                 "the request on its page."))
        link = (gettext("Answer the request"), page)
    elif news.kind == "join_accepted":
        subject = gettext("Welcome to %(name)s", name=name)
        sentences = [gettext("Your request to join %(name)s is accepted: you are now a "
                             "member.", name=name)]
        if association.verified:
            sentences.append(gettext("You can book the library's rooms for the association."))
    elif news.kind == "join_declined":
        subject = gettext("Your request to join %(name)s", name=name)
        sentences = [gettext("Your request to join %(name)s was declined.", name=name)]
        if association.contact_email:
            sentences.append(gettext("To ask why, write to the association: %(address)s.",
                                     address=association.contact_email))
    else:
        subject = gettext("%(name)s is verified: you can now book rooms", name=name)
        sentences = [gettext("Library staff have verified your association %(name)s.",
                             name=name),
                     gettext("You, and every member of the association, can now book the "
                             "library's rooms for it.")]
        link = (gettext("Find a room"), f"{settings.base_url}/rooms")
    greeting = gettext("Hello %(name)s,", name=to.name) if to.name else gettext("Hello,")
    their_message = gettext("Their message:")
    text = "\n".join([
        greeting, "", *sentences,
        *(["", their_message, quote] if quote else []), "",
        f"{link[0]}: {link[1]}", "",
        gettext("Agora, your library's room booking"),
    ])
    html = (
        f"<p>{escape(greeting)}</p>"
        + "".join(f"<p>{escape(sentence)}</p>" for sentence in sentences)
        + (f"<p>{escape(their_message)}</p><blockquote>{escape(quote)}</blockquote>"
           if quote else "")
        + f'<p><a href="{escape(link[1])}">{escape(link[0])}</a></p>'
    )
    return subject, text, html


# ------------------------------------------------------------------ delivery


@dataclass(frozen=True)
class DeliveryReport:
    """What one delivery run did."""

    sent: int
    failed: int


def deliver(
    settings: MailSettings, ids: Sequence[int] | None = None, *,
    now: datetime | None = None, limit: int = DELIVER_PER_REQUEST,
) -> DeliveryReport:
    """Send the given messages (or every due one) as one batch.

    The batch is claimed in one commit (a lease, so no other courier, on this host or
    another, sends it too), sent while the lease holds, and its outcome recorded in a
    second commit; what the lease left no time for is handed back, due at once. A crash
    in between only means the lease runs out and the batch is sent again. Runs outside
    any request's transaction: after a commit, in a worker's courier, or from the
    command line.
    """
    now = now or utcnow()
    send_until = time.monotonic() + (LEASE - LEASE_MARGIN).total_seconds()
    claimed = _claim(ids, now, limit)
    if not claimed:
        return DeliveryReport(0, 0)
    messages = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_(claimed)).order_by(OutboxMessage.id)
    ).all()
    outcomes: dict[int, dict[str, Any]] = {}
    for message in messages:
        if time.monotonic() >= send_until:
            outcomes[message.id] = {"attempts": message.attempts - 1, "next_attempt_at": now}
            continue
        outcomes[message.id] = _send(message, settings)
    db.session.rollback()
    with unit_of_work():
        db.session.execute(update(OutboxMessage), [
            {"id": message_id, **values} for message_id, values in outcomes.items()
        ])
    sent = sum(1 for values in outcomes.values() if values.get("sent_at"))
    failed = sum(1 for values in outcomes.values() if values.get("last_error"))
    return DeliveryReport(sent, failed)


def _send(message: OutboxMessage, settings: MailSettings) -> dict[str, Any]:
    """Hand one message over; what to record about it."""
    try:
        transport(message, settings)
    except (smtplib.SMTPException, OSError, ValueError, UnicodeError) as error:
        last_error = f"{type(error).__name__}: {error}"[:2000]
        log.warning("E-mail %s to %s failed (attempt %s): %s", message.id, message.to,
                    message.attempts, last_error)
        return {"sent_at": None, "last_error": last_error,
                "next_attempt_at": utcnow() + backoff(message.attempts)}
    now = utcnow()
    return {"sent_at": now, "last_error": None, "next_attempt_at": now}


def backoff(attempts: int) -> timedelta:
    """How long to wait after the n-th failed attempt: 1, 2, 4 ... minutes, at most 6 hours."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), timedelta(hours=6))


def _claim(ids: Sequence[int] | None, now: datetime, limit: int) -> list[int]:
    """Lease the due messages among ``ids`` (or any due ones) for this run; their ids.

    On PostgreSQL the candidates are locked ``FOR UPDATE SKIP LOCKED``: couriers on
    several hosts each take rows nobody else is claiming, instead of queueing for the
    same rows and finding them leased. (A claimer that did wait would still skip them:
    the UPDATE checks ``due`` again on the row it locked.) SQLite has one writer at a
    time, which the unit of work takes.
    """
    due = [
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.next_attempt_at <= now,
        OutboxMessage.attempts < MAX_ATTEMPTS,
    ]
    if ids is not None:
        due.append(OutboxMessage.id.in_(list(ids)[:limit]))
    db.session.rollback()
    with unit_of_work():
        candidates = select(OutboxMessage.id).where(*due).order_by(
            OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit).with_for_update(
            skip_locked=True)
        claimed = db.session.scalars(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(candidates.scalar_subquery()), *due)
            .values(attempts=OutboxMessage.attempts + 1, next_attempt_at=now + LEASE)
            .returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)
        ).all()
    return list(claimed)


_ACCESS_CODE = re.compile(rf"\b\d{{{ACCESS_CODE_DIGITS}}}\b")


def _masked_codes(text: str) -> str:
    """The text with anything shaped like an access code masked: codes are never logged."""
    return _ACCESS_CODE.sub("•" * ACCESS_CODE_DIGITS, text)


def transport(message: OutboxMessage, settings: MailSettings) -> None:
    """Hand the e-mail to SMTP, or, without SMTP_HOST, write it to the log."""
    if not settings.smtp_host:
        log.info("E-mail (no SMTP_HOST configured) to %s: %s\n%s", message.to,
                 message.subject, _masked_codes(message.text))
        return
    email = as_email(message, settings)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port,
                      timeout=settings.timeout) as smtp:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
        smtp.send_message(email)


def as_email(message: OutboxMessage, settings: MailSettings) -> EmailMessage:
    """The MIME message: text and HTML alternatives, the invitation inline and attached."""
    email = EmailMessage()
    email["From"] = settings.mail_from
    email["To"] = message.to
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    domain = urlsplit(settings.base_url).hostname or "agora.invalid"
    email["Message-ID"] = make_msgid(f"outbox.{message.id}", domain=domain)
    email.set_content(message.text)
    if message.html:
        email.add_alternative(message.html, subtype="html")
    if message.ics and message.method:
        email.add_alternative(message.ics, subtype="calendar",
                              params={"method": message.method})
        email.add_attachment(message.ics.encode("utf-8"), maintype="application",
                             subtype="ics", filename="invite.ics")
    return email
