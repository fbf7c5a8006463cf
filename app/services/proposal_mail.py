"""E-mails about proposals, each in its recipient's language, through the booking outbox.

- ``coffee_asked``: the proposer asks for a conversation over coffee; the staff who watch
  requests hear it (``staff_to_ask_for_coffee``), with a link to the proposal.
- ``coffee``: staff offered a conversation over a cup of coffee; the proposer and the
  staff member each get an invitation (.ics) for it.
- ``happening``: the proposal is scheduled; the proposer, everyone who said "I'd
  come" and asked to be told, and everyone who said "I can help" get the public event's
  invitation (.ics).
- ``off``: the event it was scheduled as is cancelled; the same people hear it is off
  (with the .ics that takes it out of their calendar), and that it is back in dialogue.
- ``not_now``: staff said "not now"; the proposer and those who asked to be told read
  the reason.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask_babel import force_locale, gettext
from markupsafe import escape
from sqlalchemy import select

from app.extensions import db
from app.i18n import format_local, known_language
from app.models import Proposal, ProposalSupport, User, utcnow
from calendars import FeedEvent, build_invitation, feed_uid, get_zone

log = logging.getLogger(__name__)

PROPOSAL_KINDS = ("coffee_asked", "coffee", "happening", "off", "not_now")
DEFAULT_ZONE = "Europe/Copenhagen"


@dataclass(frozen=True)
class ProposalNews:
    """Something that happened to a proposal that people should hear about."""

    proposal: Proposal
    kind: str


def announce_proposal(proposal: Proposal, kind: str) -> None:
    """Say that the proposal's people should hear about this once the transaction commits."""
    from app.services.mail import ANNOUNCE_KEY

    if kind not in PROPOSAL_KINDS:
        raise ValueError(f"kind must be one of {', '.join(PROPOSAL_KINDS)}")
    db.session.info.setdefault(ANNOUNCE_KEY, []).append((ProposalNews(proposal, kind), kind))


def proposal_messages(news: ProposalNews, settings: Any) -> list[dict[str, Any]]:
    """One e-mail per person who should hear the news, as outbox column values."""
    from app.services.proposals import staff_to_ask_for_coffee, to_be_told

    proposal = news.proposal
    if news.kind == "coffee":
        recipients = [proposal.author, *([proposal.coffee_staff] if proposal.coffee_staff
                                         else [])]
    elif news.kind == "coffee_asked":
        recipients = staff_to_ask_for_coffee()
    elif news.kind in ("happening", "off"):
        recipients = to_be_told(proposal, helpers=True)
    else:
        recipients = to_be_told(proposal)
    now = utcnow()
    messages, seen = [], set()
    for user in recipients:
        if not user.email or not user.active or user.email.lower() in seen:
            continue
        seen.add(user.email.lower())
        with force_locale(known_language(user.language, settings.default_language)):
            subject, text, html = compose_proposal(news, user, settings)
            ics = _invitation(news, user, settings)
        method = "CANCEL" if news.kind == "off" else "REQUEST"
        messages.append({"to": user.email, "subject": subject[:300], "text": text,
                         "html": html, "ics": ics, "method": method if ics else None,
                         "booking_id": proposal.booking_id
                         if news.kind in ("happening", "off") else None,
                         "kind": news.kind, "created_at": now, "attempts": 0,
                         "next_attempt_at": now})
    return messages


def compose_proposal(news: ProposalNews, to: User, settings: Any) -> tuple[str, str, str]:
    """The subject, plain text and HTML of an e-mail about a proposal, in the current
    language (the caller forces the recipient's)."""
    proposal = news.proposal
    page = f"{settings.base_url}/proposals/{proposal.id}"
    link = (gettext("See the proposal"), page)
    facts: list[tuple[str, str]] = [(gettext("What"), proposal.title)]
    quote = ""
    if news.kind == "coffee":
        when = _span(proposal.coffee_start, proposal.coffee_end, _coffee_zone(proposal))
        subject = gettext("A cup of coffee about %(title)s: %(when)s", title=proposal.title,
                          when=when)
        who = proposal.author.name or proposal.author.email
        sentences = [gettext('Let us talk about the proposal "%(title)s" over a cup of '
                             'coffee: what you want, and what you need.',
                             title=proposal.title)]
        facts += [(gettext("When"), when), (gettext("Where"), _coffee_place(proposal)),
                  (gettext("With"), f"{who}, {_staff_name(proposal)}")]
    elif news.kind == "happening":
        booking = proposal.booking
        room = booking.room
        when = _span(booking.start, booking.end, room.branch.timezone)
        subject = gettext("It is happening: %(title)s, %(when)s", title=proposal.title,
                          when=when)
        if to.id == proposal.author_id:
            sentences = [gettext('Your proposal "%(title)s" is scheduled: the library hosts '
                                 'it with you.', title=proposal.title)]
        elif _offered_help(proposal, to):
            sentences = [gettext('"%(title)s", which you offered to help with, is '
                                 'scheduled. Thank you: the proposer will be glad of it.',
                                 title=proposal.title)]
        else:
            sentences = [gettext('"%(title)s", which you said you would come to, is '
                                 'scheduled.', title=proposal.title)]
        facts += [(gettext("When"), when), (gettext("Where"), f"{room.name}, {room.branch.name}"),
                  (gettext("Hosted with"), proposal.host_name)]
        link = (gettext("See the event"), f"{settings.base_url}/events/{booking.id}")
    elif news.kind == "off":
        booking = proposal.booking
        room = booking.room
        when = _span(booking.start, booking.end, room.branch.timezone)
        subject = gettext("Cancelled: %(title)s, %(when)s", title=proposal.title, when=when)
        sentences = [gettext('The event "%(title)s" is cancelled: it will not take place as '
                             'planned. The proposal is back in dialogue with library staff, '
                             'and you will hear from us if it is scheduled again.',
                             title=proposal.title)]
        facts += [(gettext("When"), when), (gettext("Where"), f"{room.name}, {room.branch.name}")]
    elif news.kind == "coffee_asked":
        who = proposal.author.name or proposal.author.email
        subject = gettext("Coffee asked for: %(title)s", title=proposal.title)
        sentences = [gettext('%(who)s, who proposed "%(title)s", would like to talk it over '
                             'with library staff over a cup of coffee. Offer a time and place '
                             'on the proposal\'s page.', who=who, title=proposal.title)]
        facts += [(gettext("Proposed by"), proposal.host_name)]
    else:
        subject = gettext("%(title)s: not now", title=proposal.title)
        if to.id == proposal.author_id:
            sentences = [gettext('Library staff have read your proposal "%(title)s" with care. '
                                 'It cannot happen just now, and this is why:',
                                 title=proposal.title)]
        else:
            sentences = [gettext('"%(title)s", which you said you would come to, cannot '
                                 'happen just now. Library staff told the proposer why:',
                                 title=proposal.title)]
        quote = proposal.not_now_reason
    greeting = gettext("Hello %(name)s,", name=to.name) if to.name else gettext("Hello,")
    attached = (gettext("The attached invitation (invite.ics) takes it out of your calendar.")
                if news.kind == "off" else
                gettext("The attached invitation (invite.ics) adds it to your calendar."))
    with_ics = news.kind in ("coffee", "happening", "off")
    text = "\n".join([
        greeting, "", *sentences, *(["", quote] if quote else []), "",
        *(f"{label}: {value}" for label, value in facts), "",
        f"{link[0]}: {link[1]}", "",
        *([attached, ""] if with_ics else []),
        gettext("Agora, your library's room booking"),
    ])
    rows = "".join(f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>"
                   for label, value in facts)
    html = (
        f"<p>{escape(greeting)}</p>"
        + "".join(f"<p>{escape(sentence)}</p>" for sentence in sentences)
        + (f"<blockquote>{escape(quote)}</blockquote>" if quote else "")
        + f"<table>{rows}</table>"
        + f'<p><a href="{escape(link[1])}">{escape(link[0])}</a></p>'
        + (f"<p>{escape(attached)}</p>" if with_ics else "")
    )
    return subject, text, html


def _invitation(news: ProposalNews, to: User, settings: Any) -> str | None:
    """The .ics for the recipient: the coffee meeting, or the public event."""
    from app.services.feeds import feed_event

    proposal = news.proposal
    if news.kind == "coffee":
        zone = _coffee_zone(proposal)
        domain = urlsplit(settings.base_url).hostname or "agora.invalid"
        event: FeedEvent | None = FeedEvent(
            uid=feed_uid("coffee", proposal.id, domain), sequence=proposal.coffee_sequence,
            title=gettext("Coffee: %(title)s", title=proposal.title),
            description=gettext('A conversation about the proposal "%(title)s".',
                                title=proposal.title),
            location=_coffee_place(proposal), url=f"{settings.base_url}/proposals/{proposal.id}",
            start=proposal.coffee_start, end=proposal.coffee_end, status="confirmed",
            created=proposal.coffee_requested_at or proposal.created_at,
            last_modified=utcnow())
    elif news.kind in ("happening", "off"):
        zone = proposal.booking.room.branch.timezone
        event = feed_event(proposal.booking, settings.base_url, full=False)
    else:
        return None
    if event is None:
        return None
    try:
        method = "CANCEL" if news.kind == "off" else "REQUEST"
        return build_invitation(method, event, settings.sender_address, to.email,
                                zone).decode("utf-8")
    except ValueError as error:  # an address iTIP cannot carry: the e-mail goes without it
        log.warning("No invitation for proposal %s: %s", proposal.id, error)
        return None


def _offered_help(proposal: Proposal, user: User) -> bool:
    return db.session.scalar(select(ProposalSupport.id).where(
        ProposalSupport.proposal_id == proposal.id, ProposalSupport.user_id == user.id,
        ProposalSupport.kind == "help").limit(1)) is not None


def _coffee_zone(proposal: Proposal) -> str:
    branch = proposal.coffee_branch or proposal.branch
    return branch.timezone if branch is not None else DEFAULT_ZONE


def _coffee_place(proposal: Proposal) -> str:
    parts = [proposal.coffee_place, proposal.coffee_branch.name if proposal.coffee_branch
             else ""]
    return ", ".join(part for part in parts if part)


def _staff_name(proposal: Proposal) -> str:
    staff = proposal.coffee_staff
    if staff is None:
        return gettext("library staff")
    return staff.name or staff.email


def _span(start: datetime, end: datetime, zone_name: str) -> str:
    zone = get_zone(zone_name)
    return f"{format_local(start, zone)}–{format_local(end, zone, 'time')}"
