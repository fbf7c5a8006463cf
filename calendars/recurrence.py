"""Validation and local-time expansion of RFC 5545 recurrence rules.

Expansion runs in the branch's wall time, so a weekly 18:00 meeting stays at
18:00 local across DST. An occurrence whose wall time falls in a spring-forward
gap moves forward by the length of the gap (02:30 becomes 03:30), as RFC 5545
section 3.3.5 prescribes; one that falls in an autumn fold takes the first of
the two instants. Each occurrence lasts the exact `duration` given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo

from dateutil import rrule as du

_FREQS = {"DAILY": du.DAILY, "WEEKLY": du.WEEKLY, "MONTHLY": du.MONTHLY}
_WEEKDAYS = {
    "MO": du.MO,
    "TU": du.TU,
    "WE": du.WE,
    "TH": du.TH,
    "FR": du.FR,
    "SA": du.SA,
    "SU": du.SU,
}
_BYDAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_INT = re.compile(r"^[+-]?\d{1,4}$")
_UNTIL = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z)?$")
_ORDER = ("FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "WKST", "COUNT", "UNTIL")

MAX_COUNT = 200
MAX_SPAN = timedelta(days=731)


class RecurrenceError(ValueError):
    """A recurrence rule that is malformed or makes too long a series."""

    field = "recurrence.rrule"

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Rule:
    """A validated recurrence rule, part by part."""

    freq: str
    interval: int = 1
    byday: tuple[tuple[int | None, str], ...] = ()
    bymonthday: tuple[int, ...] = ()
    wkst: str | None = None
    count: int | None = None
    until: datetime | None = None
    until_is_date: bool = False

    def to_text(self) -> str:
        """The rule written back as a canonical RRULE value."""
        parts = [f"FREQ={self.freq}"]
        if self.interval != 1:
            parts.append(f"INTERVAL={self.interval}")
        if self.byday:
            parts.append("BYDAY=" + ",".join(f"{n or ''}{day}" for n, day in self.byday))
        if self.bymonthday:
            parts.append("BYMONTHDAY=" + ",".join(str(d) for d in self.bymonthday))
        if self.wkst:
            parts.append(f"WKST={self.wkst}")
        if self.count is not None:
            parts.append(f"COUNT={self.count}")
        if self.until is not None:
            fmt = "%Y%m%d" if self.until_is_date else "%Y%m%dT%H%M%SZ"
            parts.append(f"UNTIL={self.until.strftime(fmt)}")
        return ";".join(parts)


def _fail(message: str) -> RecurrenceError:
    return RecurrenceError("invalid_rrule", message)


def parse_rule(text: str) -> Rule:
    """Parse and check an RRULE value, returning its parts."""
    parts = _split_parts(text)
    if "FREQ" not in parts:
        raise _fail("the rule needs a FREQ (DAILY, WEEKLY or MONTHLY)")
    freq = parts["FREQ"]
    if freq not in _FREQS:
        raise _fail(f"FREQ={freq} is not supported; use DAILY, WEEKLY or MONTHLY")
    if "COUNT" in parts and "UNTIL" in parts:
        raise _fail("use COUNT or UNTIL, not both")
    if "COUNT" not in parts and "UNTIL" not in parts:
        raise _fail("the rule needs COUNT or UNTIL so the series ends")
    until, until_is_date = _parse_until(parts["UNTIL"]) if "UNTIL" in parts else (None, False)
    return Rule(
        freq=freq,
        interval=_positive(parts, "INTERVAL", 1),
        byday=_parse_byday(parts.get("BYDAY"), freq),
        bymonthday=_parse_bymonthday(parts.get("BYMONTHDAY"), freq),
        wkst=_parse_wkst(parts.get("WKST")),
        count=_positive(parts, "COUNT", None),
        until=until,
        until_is_date=until_is_date,
    )


def parse_rrule(text: str) -> str:
    """Validate an RRULE value (an "RRULE:" prefix is tolerated) and return it normalised."""
    return parse_rule(text).to_text()


def _split_parts(text: str) -> dict[str, str]:
    if not isinstance(text, str) or not text.strip():
        raise _fail("the rule is empty")
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[len("RRULE:") :]
    parts: dict[str, str] = {}
    for chunk in body.split(";"):
        name, sep, value = chunk.partition("=")
        name, value = name.strip().upper(), value.strip().upper()
        if not sep or not name or not value:
            raise _fail(f"{chunk!r} is not a NAME=VALUE part")
        if name not in _ORDER:
            raise _fail(f"{name} is not supported in a rule here")
        if name in parts:
            raise _fail(f"{name} is given twice")
        parts[name] = value
    return parts


def _positive(parts: dict[str, str], name: str, default: int | None) -> int | None:
    if name not in parts:
        return default
    value = parts[name]
    if not value.isdigit() or int(value) < 1 or int(value) > 9999:
        raise _fail(f"{name} must be a whole number from 1 to 9999, not {value!r}")
    return int(value)


def _parse_byday(value: str | None, freq: str) -> tuple[tuple[int | None, str], ...]:
    if value is None:
        return ()
    days = []
    for item in value.split(","):
        match = _BYDAY.match(item)
        if match is None:
            raise _fail(f"BYDAY value {item!r} is not a weekday such as TU or 2TU")
        ordinal = int(match.group(1)) if match.group(1) else None
        if ordinal is not None and (freq != "MONTHLY" or not 1 <= abs(ordinal) <= 5):
            raise _fail(f"BYDAY {item}: a numbered weekday needs FREQ=MONTHLY and 1..5 or -5..-1")
        days.append((ordinal, match.group(2)))
    return tuple(days)


def _parse_bymonthday(value: str | None, freq: str) -> tuple[int, ...]:
    if value is None:
        return ()
    if freq == "WEEKLY":
        raise _fail("BYMONTHDAY cannot be used with FREQ=WEEKLY")
    days = []
    for item in value.split(","):
        if not _INT.match(item) or not 1 <= abs(int(item)) <= 31:
            raise _fail(f"BYMONTHDAY value {item!r} must be 1..31 or -31..-1")
        days.append(int(item))
    return tuple(days)


def _parse_wkst(value: str | None) -> str | None:
    if value is not None and value not in _WEEKDAYS:
        raise _fail(f"WKST value {value!r} is not a weekday")
    return value


def _parse_until(value: str) -> tuple[datetime, bool]:
    match = _UNTIL.match(value)
    if match is None:
        raise _fail(f"UNTIL={value} must be a date (YYYYMMDD) or a UTC time (YYYYMMDDTHHMMSSZ)")
    numbers = [int(group) for group in match.groups() if group is not None]
    try:
        return datetime(*numbers, tzinfo=UTC), match.group(4) is None
    except ValueError:
        raise _fail(f"UNTIL={value} is not a real date") from None


def expand_series(
    first_start_local: datetime,
    duration: timedelta,
    rrule: str,
    zone: tzinfo,
    exdates: Iterable[datetime] = (),
    max_count: int = MAX_COUNT,
    max_span: timedelta = MAX_SPAN,
) -> list[tuple[datetime, datetime]]:
    """Expand a series in the zone's wall time into UTC (start, end) pairs, exdates removed."""
    if first_start_local.tzinfo is None:
        raise ValueError("first_start_local must be an aware datetime")
    rule = parse_rule(rrule)
    if rule.count is not None and rule.count > max_count:
        raise RecurrenceError(
            "series_too_long", f"COUNT={rule.count} is more than {max_count} occurrences"
        )
    wall_start = first_start_local.astimezone(zone).replace(tzinfo=None)
    starts = _wall_starts(rule, wall_start, zone, max_count, max_span)
    if not starts or starts[0] != wall_start:
        raise _fail("the first occurrence does not follow the rule (check BYDAY / BYMONTHDAY)")
    instants = [_instant(wall, zone) for wall in starts]
    if instants[-1] - instants[0] > max_span:
        raise RecurrenceError(
            "series_too_long", f"the series runs longer than {max_span.days} days"
        )
    excluded = {to_exclude.astimezone(UTC) for to_exclude in exdates}
    return [(start, start + duration) for start in instants if start not in excluded]


def _wall_starts(
    rule: Rule, wall_start: datetime, zone: tzinfo, max_count: int, max_span: timedelta
) -> list[datetime]:
    generator = du.rrule(
        _FREQS[rule.freq],
        dtstart=wall_start,
        interval=rule.interval,
        wkst=_WEEKDAYS[rule.wkst] if rule.wkst else None,
        count=rule.count,
        until=_wall_until(rule, zone),
        byweekday=[_WEEKDAYS[day](n) if n else _WEEKDAYS[day] for n, day in rule.byday] or None,
        bymonthday=rule.bymonthday or None,
        cache=False,
    )
    starts = []
    for wall in generator:
        starts.append(wall)
        if len(starts) > max_count:
            raise RecurrenceError(
                "series_too_long", f"the rule makes more than {max_count} occurrences"
            )
        if wall - wall_start > max_span + timedelta(days=1):
            break  # already too long; the exact check on instants reports it
    return starts


def _wall_until(rule: Rule, zone: tzinfo) -> datetime | None:
    """UNTIL as a naive wall time: a date includes its whole local day."""
    if rule.until is None:
        return None
    if rule.until_is_date:
        return datetime.combine(rule.until.date(), time(23, 59, 59))
    return rule.until.astimezone(zone).replace(tzinfo=None)


def _instant(wall: datetime, zone: tzinfo) -> datetime:
    # fold=0 takes the first instant in a fold and, in a gap, reads the wall
    # time with the offset before the gap, which lands just after the gap.
    return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
