"""Content lines for VEVENT and VTIMEZONE components of a feed.

Every timed value is local wall time with the feed zone's TZID. One known
limit: a start in the second (repeated) hour of an autumn fold, such as 02:30
after clocks go back, reads as the first 02:30, as RFC 5545 prescribes for
ambiguous local times; bookings at that hour are refused upstream by
timeutil.localize.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, tzinfo
from functools import lru_cache

from . import ics
from .feedmodel import STATUSES, FeedAllDay, FeedEvent, FeedOverride
from .recurrence import parse_rule
from .vtimezone import vtimezone_for

SERIES_YEARS = 2  # a series spans at most 731 days, so its end year is at most two on


@lru_cache(maxsize=64)
def vtimezone_lines(zone_name: str, start_year: int, end_year: int) -> tuple[str, ...]:
    """The rule-based VTIMEZONE for the years, as content lines."""
    text = vtimezone_for(zone_name, start_year, end_year).to_ical().decode()
    return tuple(text.split("\r\n")[:-1])


def years_of(events: list[FeedEvent]) -> tuple[int, int]:
    """The first and last year the events' times may fall in."""
    overrides = [override for event in events for override in event.overrides]
    first = min(item.start.year for item in [*events, *overrides])
    ends = [event.end.year + (SERIES_YEARS if event.rrule else 0) for event in events]
    last = max(ends + [override.end.year for override in overrides])
    return first, last


def event_lines(event: FeedEvent, zone_name: str, zone: tzinfo) -> list[str]:
    """A VEVENT, followed by one VEVENT per moved or cancelled occurrence."""
    lines = ["BEGIN:VEVENT", *_identity(event), *_times(event, zone_name, zone)]
    if event.rrule:
        lines.append(ics.line("RRULE", rrule_in_utc(event.rrule, zone)))
    if event.exdates:
        lines.append(ics.local_list_line("EXDATE", event.exdates, zone_name, zone))
    lines += [*_details(event, event.status), "END:VEVENT"]
    for override in sorted(event.overrides, key=lambda item: item.recurrence_id):
        lines += _override_lines(event, override, zone_name, zone)
    return lines


def _override_lines(
    event: FeedEvent, override: FeedOverride, zone_name: str, zone: tzinfo
) -> list[str]:
    return [
        "BEGIN:VEVENT",
        *_identity(event),
        ics.local_line("RECURRENCE-ID", override.recurrence_id, zone_name, zone),
        *_times(override, zone_name, zone),
        *_details(event, override.status),
        "END:VEVENT",
    ]


def _identity(event: FeedEvent) -> list[str]:
    return [
        ics.text_line("UID", event.uid),
        f"SEQUENCE:{int(event.sequence)}",
        f"DTSTAMP:{ics.utc_stamp(event.last_modified)}",
        f"CREATED:{ics.utc_stamp(event.created)}",
        f"LAST-MODIFIED:{ics.utc_stamp(event.last_modified)}",
    ]


def _times(timing: FeedEvent | FeedOverride, zone_name: str, zone: tzinfo) -> list[str]:
    return [
        ics.local_line("DTSTART", timing.start, zone_name, zone),
        ics.local_line("DTEND", timing.end, zone_name, zone),
    ]


def _details(event: FeedEvent, status: str) -> list[str]:
    lines = [ics.text_line("SUMMARY", event.title)]
    if event.description:
        lines.append(ics.text_line("DESCRIPTION", event.description))
    if event.location:
        lines.append(ics.text_line("LOCATION", event.location))
    if event.url:
        lines.append(ics.line("URL", ics.uri(event.url), "VALUE=URI"))
    lines.append(f"STATUS:{STATUSES[status]}")
    lines.append("TRANSP:TRANSPARENT" if status == "cancelled" else "TRANSP:OPAQUE")
    return lines


def rrule_in_utc(text: str, zone: tzinfo) -> str:
    """The rule with a date UNTIL turned into the UTC end of that local day, as RFC 5545 asks."""
    rule = parse_rule(text)
    if rule.until is not None and rule.until_is_date:
        last_moment = datetime.combine(rule.until.date(), time(23, 59, 59), tzinfo=zone)
        rule = replace(rule, until=last_moment.astimezone(UTC), until_is_date=False)
    return rule.to_text()


def all_day_lines(entry: FeedAllDay) -> list[str]:
    """A whole-day VEVENT with DATE values and an exclusive DTEND."""
    stamp = entry.last_modified or datetime.combine(entry.first_day, time(), tzinfo=UTC)
    lines = [
        "BEGIN:VEVENT",
        ics.text_line("UID", entry.uid),
        f"DTSTAMP:{ics.utc_stamp(stamp)}",
        f"DTSTART;VALUE=DATE:{ics.date_stamp(entry.first_day)}",
        f"DTEND;VALUE=DATE:{ics.date_stamp(entry.last_day_exclusive)}",
        ics.text_line("SUMMARY", entry.title),
    ]
    if entry.description:
        lines.append(ics.text_line("DESCRIPTION", entry.description))
    return [*lines, "TRANSP:TRANSPARENT", "END:VEVENT"]


def sort_key_all_day(entry: FeedAllDay) -> tuple[date, str]:
    """Order for whole-day entries: first day, then UID."""
    return entry.first_day, entry.uid
