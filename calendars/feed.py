"""iCalendar feeds of bookings and closures (RFC 5545 with RFC 7986 names)."""

from __future__ import annotations

from collections.abc import Iterable

from . import ics
from .feedmodel import FeedAllDay, FeedEvent, FeedMeta, FeedOccurrence, FeedOverride, feed_uid
from .scheduling import build_freebusy, build_invitation, calendar_head
from .timeutil import get_zone
from .vevent import all_day_lines, event_lines, sort_key_all_day, vtimezone_lines, years_of

__all__ = [
    "FeedAllDay",
    "FeedEvent",
    "FeedMeta",
    "FeedOccurrence",
    "FeedOverride",
    "build_feed",
    "build_freebusy",
    "build_invitation",
    "feed_uid",
]

CAPPED_NOTE = "This feed is capped: it does not list every booking."


def build_feed(
    meta: FeedMeta, events: Iterable[FeedEvent], all_day: Iterable[FeedAllDay] = ()
) -> bytes:
    """A published VCALENDAR of the events and whole-day entries; same input, same bytes."""
    zone = get_zone(meta.zone)
    timed = sorted(events, key=lambda event: (event.start, event.uid))
    lines = [*calendar_head("PUBLISH"), *_feed_properties(meta)]
    if timed:
        lines += vtimezone_lines(meta.zone, *years_of(timed))
    for event in timed:
        lines += event_lines(event, meta.zone, zone)
    for entry in sorted(all_day, key=sort_key_all_day):
        lines += all_day_lines(entry)
    lines.append("END:VCALENDAR")
    return ics.join(lines)


def _feed_properties(meta: FeedMeta) -> list[str]:
    description = meta.description
    if meta.capped:
        description = f"{description} {CAPPED_NOTE}".strip()
    refresh = ics.duration(meta.refresh_minutes)
    lines = [
        ics.text_line("NAME", meta.name),
        ics.text_line("X-WR-CALNAME", meta.name),
        ics.text_line("DESCRIPTION", description),
        ics.text_line("X-WR-CALDESC", description),
        ics.line("REFRESH-INTERVAL", refresh, "VALUE=DURATION"),
        ics.line("X-PUBLISHED-TTL", refresh),
        ics.text_line("X-WR-TIMEZONE", meta.zone),
    ]
    if meta.url:
        lines.append(ics.line("URL", ics.uri(meta.url), "VALUE=URI"))
    return lines
