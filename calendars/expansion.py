"""Expanding the VEVENTs of an imported file into concrete time ranges, with dateutil.

recurring-ical-events does this too, but it is only a test dependency: the
calendars package must run on the standard library, icalendar and dateutil.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from dateutil import rrule as du
from icalendar import Event

MAX_STEPS = 100_000  # a runaway rule (FREQ=MINUTELY since 1970) stops here


class ExpansionError(ValueError):
    """A recurring event that cannot be expanded."""


def occurrences(
    events: list[Event], zone: tzinfo, start: datetime, end: datetime
) -> Iterator[tuple[datetime, datetime, str]]:
    """UTC (start, end, summary) of every occurrence overlapping [start, end)."""
    moved = {
        (str(e.get("UID")), _instant(e["RECURRENCE-ID"].dt, zone)): e
        for e in events
        if "RECURRENCE-ID" in e
    }
    for event in events:
        if "RECURRENCE-ID" in event or "DTSTART" not in event:
            continue
        uid = str(event.get("UID"))
        for first in _starts(event, zone, start, end):
            replacement = moved.get((uid, _instant(first, zone)), event)
            yield _range(replacement, first if replacement is event else None, zone)


def _range(event: Event, first: date | datetime | None, zone: tzinfo) -> tuple:
    own_start = event["DTSTART"].dt
    begin = own_start if first is None else first
    finish = begin + (_end(event, own_start) - own_start)
    return _instant(begin, zone), _instant(finish, zone), str(event.get("SUMMARY") or "Closed")


def _end(event: Event, start: date | datetime) -> date | datetime:
    """DTEND, else DTSTART plus DURATION, else one day for a DATE event (RFC 5545 3.6.1)."""
    if "DTEND" in event:
        return event["DTEND"].dt
    if "DURATION" in event:
        return start + event["DURATION"].dt
    return start if isinstance(start, datetime) else start + timedelta(days=1)


def _starts(event: Event, zone: tzinfo, start: datetime, end: datetime) -> Iterator:
    first = event["DTSTART"].dt
    if "RRULE" not in event and "RDATE" not in event:
        yield first
        return
    length = _instant(_end(event, first), zone) - _instant(first, zone)
    for steps, moment in enumerate(_ruleset(event, first)):
        if steps > MAX_STEPS:
            raise ExpansionError(f"event {event.get('UID')} repeats too often to expand")
        instant = _instant(moment if isinstance(first, datetime) else moment.date(), zone)
        if instant >= end:
            return
        if instant + length > start:
            yield moment if isinstance(first, datetime) else moment.date()


def _ruleset(event: Event, first: date | datetime) -> du.rruleset:
    dtstart = first if isinstance(first, datetime) else datetime.combine(first, time())
    rules = event.get("RRULE")
    rules = rules if isinstance(rules, list) else [rules] if rules else []
    lines = [f"RRULE:{rule.to_ical().decode()}" for rule in rules]
    try:
        ruleset = du.rrulestr("\n".join(lines), dtstart=dtstart, forceset=True)
    except ValueError:  # e.g. a DATE UNTIL with a zoned DTSTART: read the rule in wall time
        naive = "\n".join(lines)
        ruleset = du.rrulestr(
            naive, dtstart=dtstart.replace(tzinfo=None), forceset=True, ignoretz=True
        )
        dtstart = dtstart.replace(tzinfo=None)
    for name, add in (("RDATE", ruleset.rdate), ("EXDATE", ruleset.exdate)):
        for value in _dates(event, name):
            add(_like(value, dtstart))
    return ruleset


def _dates(event: Event, name: str) -> list[date | datetime]:
    values = event.get(name)
    values = values if isinstance(values, list) else [values] if values else []
    return [leaf.dt for value in values for leaf in value.dts]


def _like(value: date | datetime, dtstart: datetime) -> datetime:
    """A date or date-time made comparable with the rule's DTSTART."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, dtstart.time())
    if dtstart.tzinfo is None:
        return value.replace(tzinfo=None)
    return value if value.tzinfo else value.replace(tzinfo=dtstart.tzinfo)


def _instant(value: date | datetime, zone: tzinfo) -> datetime:
    """A UTC instant: a DATE is the start of that local day; a floating time is local."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone, fold=0)
    return value.astimezone(UTC)
