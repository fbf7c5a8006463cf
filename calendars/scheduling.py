"""Free/busy publication and iTIP invitations (RFC 5545, RFC 5546)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from . import ics
from .feedmodel import FeedEvent, FeedMeta
from .intervals import Interval, clip
from .timeutil import get_zone
from .vevent import event_lines, vtimezone_lines, years_of

PRODID = "-//Agora//Room booking//EN"
METHODS = ("REQUEST", "CANCEL")
_EMAIL = re.compile(r"^[^\s@<>\"():;,\\\x00-\x1f\x7f]+@[^\s@<>\"():;,\\\x00-\x1f\x7f]+$")


def calendar_head(method: str) -> list[str]:
    """The opening lines of every VCALENDAR we write."""
    return [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method}",
    ]


def build_freebusy(
    meta: FeedMeta, busy: Iterable[Interval], start: datetime, end: datetime, now: datetime
) -> bytes:
    """A VFREEBUSY listing the busy periods within [start, end) in UTC."""
    window = Interval(start, end)
    periods = clip(busy, window)
    uid = uuid.uuid5(uuid.NAMESPACE_URL, f"agora-freebusy:{meta.name}:{meta.url or ''}")
    lines = [
        *calendar_head("PUBLISH"),
        ics.text_line("NAME", meta.name),
        ics.text_line("X-WR-CALNAME", meta.name),
        "BEGIN:VFREEBUSY",
        ics.text_line("UID", str(uid)),
        f"DTSTAMP:{ics.utc_stamp(now)}",
        f"DTSTART:{ics.utc_stamp(window.start)}",
        f"DTEND:{ics.utc_stamp(window.end)}",
    ]
    if meta.url:
        lines.append(ics.line("URL", ics.uri(meta.url), "VALUE=URI"))
    for period in periods:
        value = f"{ics.utc_stamp(period.start)}/{ics.utc_stamp(period.end)}"
        lines.append(ics.line("FREEBUSY", value, "FBTYPE=BUSY"))
    lines += ["END:VFREEBUSY", "END:VCALENDAR"]
    return ics.join(lines)


def build_invitation(
    method: str, event: FeedEvent, organizer_email: str, attendee_email: str, zone: str
) -> bytes:
    """An iTIP REQUEST or CANCEL for one attendee, with the booking's UID and SEQUENCE."""
    if method not in METHODS:
        raise ValueError(f"method must be REQUEST or CANCEL, not {method!r}")
    if method == "CANCEL":
        event = _cancelled(event)
    tz = get_zone(zone)
    body = event_lines(event, zone, tz)
    people = [
        ics.line("ORGANIZER", _mailto(organizer_email)),
        ics.line(
            "ATTENDEE",
            _mailto(attendee_email),
            "ROLE=REQ-PARTICIPANT",
            "PARTSTAT=NEEDS-ACTION",
            "RSVP=TRUE",
        ),
    ]
    body = [
        part for item in body for part in ([item, *people] if item == "BEGIN:VEVENT" else [item])
    ]
    lines = [*calendar_head(method), *vtimezone_lines(zone, *years_of([event])), *body]
    return ics.join([*lines, "END:VCALENDAR"])


def _cancelled(event: FeedEvent) -> FeedEvent:
    return replace(event, status="cancelled", overrides=())


def _mailto(email: str) -> str:
    if not _EMAIL.match(email or ""):
        raise ValueError(f"{email!r} is not an e-mail address")
    return f"mailto:{email}"
