"""Reading booking times in the context of the branch's zone, and planning occurrences."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, tzinfo

from flask_babel import gettext

from calendars import TimeInputError, check_in_range, expand_series, parse_instant, parse_rrule

_NAIVE = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$")


def parse_booking_time(text: str, zone: tzinfo, field: str) -> datetime:
    """An RFC 3339 instant; a local time without offset is refused with the precise reason.

    A wall time that falls in the branch's spring-forward gap is refused even with an
    offset, unless the offset is the zone's own at that instant (or UTC).
    """
    if isinstance(text, str) and _NAIVE.match(text.strip()):
        wall = datetime.fromisoformat(text.strip().replace(" ", "T"))
        check_in_range(wall.replace(tzinfo=UTC), field)
        raise TimeInputError(_naive_code(wall, zone), field, _naive_message(text, wall, zone))
    instant = parse_instant(text, field)
    given = datetime.fromisoformat(_iso(text))
    if given.utcoffset() not in (timedelta(0), instant.astimezone(zone).utcoffset()):
        wall = given.replace(tzinfo=None)
        if _naive_code(wall, zone) == "nonexistent_local_time":
            raise TimeInputError(
                "nonexistent_local_time", field,
                gettext("%(time)s does not exist in %(zone)s: the clocks skip that hour.",
                        time=text, zone=zone),
            )
    return instant


def _iso(text: str) -> str:
    text = text.strip()
    return text[:-1] + "+00:00" if text[-1] in "Zz" else text


def _naive_code(wall: datetime, zone: tzinfo) -> str:
    early = wall.replace(tzinfo=zone, fold=0)
    late = wall.replace(tzinfo=zone, fold=1)
    if early.utcoffset() == late.utcoffset():
        return "naive_datetime"
    round_trip = early.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    return "ambiguous_local_time" if round_trip == wall else "nonexistent_local_time"


def _naive_message(text: str, wall: datetime, zone: tzinfo) -> str:
    code = _naive_code(wall, zone)
    if code == "ambiguous_local_time":
        return gettext("%(time)s happens twice in %(zone)s (clocks go back): add the UTC offset.",
                       time=text, zone=zone)
    if code == "nonexistent_local_time":
        return gettext("%(time)s does not exist in %(zone)s: the clocks skip that hour.",
                       time=text, zone=zone)
    return gettext("%(time)s has no UTC offset: add one, e.g. %(time)s+01:00 or %(time)sZ.",
                   time=text)


@dataclass(frozen=True)
class Planned:
    """One occurrence a booking should have: where the rule put it, and where it is."""

    original_start: datetime
    start: datetime
    end: datetime
    status: str = "active"
    modified: bool = False

    def moved(self, start: datetime, end: datetime) -> Planned:
        """The same occurrence at another time."""
        return replace(self, start=start, end=end, modified=True)


def plan_series(
    start: datetime,
    end: datetime,
    zone: tzinfo,
    rrule: str | None,
    exdates: list[datetime],
) -> list[Planned]:
    """The occurrences of a single booking or a series (expanded in local time)."""
    if rrule is None:
        return [Planned(start, start, end)]
    rule = parse_rrule(rrule)
    pairs = expand_series(start.astimezone(zone), end - start, rule, zone, exdates)
    if not pairs:
        raise TimeInputError("invalid_rrule", "recurrence.rrule",
                             gettext("The rule and exdates leave no occurrence."))

    return [Planned(s, s, e) for s, e in pairs]


def rrule_until(rrule: str, until: datetime) -> str:
    """The same rule ending at ``until`` (UTC), whatever COUNT or UNTIL it had."""
    parts = [p for p in parse_rrule(rrule).split(";")
             if p.split("=")[0].upper() not in ("COUNT", "UNTIL")]
    return ";".join([*parts, f"UNTIL={until.astimezone(UTC):%Y%m%dT%H%M%SZ}"])


REPEATS = ("none", "weekly", "fortnightly", "monthly")
_WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def repeat_rule(repeat: str, first_day: date, count: int | None = None,
                until: date | None = None) -> str | None:
    """The recurrence rule of a form's plain choice, from the first date; None for once.

    Monthly keeps the weekday of the month ("the 2nd Tuesday"); a fifth weekday becomes
    "the last" so that the series has one every month. The series ends after ``count``
    times or on ``until`` (a local date, its whole day included).
    """
    if repeat == "none":
        return None
    if repeat not in REPEATS:
        raise ValueError(f"unknown repeat {repeat!r}")
    if repeat == "monthly":
        nth = (first_day.day - 1) // 7 + 1
        head = f"FREQ=MONTHLY;BYDAY={-1 if nth == 5 else nth}{_WEEKDAY_CODES[first_day.weekday()]}"
    else:
        head = "FREQ=WEEKLY;INTERVAL=2" if repeat == "fortnightly" else "FREQ=WEEKLY"
    return f"{head};UNTIL={until:%Y%m%d}" if until is not None else f"{head};COUNT={count or 1}"
