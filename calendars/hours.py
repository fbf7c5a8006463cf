"""Weekly opening hours and closures, turned into UTC intervals."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from .intervals import Interval, clip, covers, subtract

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HHMM = re.compile(r"^(\d{2}):(\d{2})$")

OpeningHours = dict[str, list[list[str]]]


class HoursInputError(ValueError):
    """Opening hours given by a caller that cannot be used."""

    def __init__(self, code: str, field: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.field = field
        self.message = message


def validate_opening_hours(obj: object) -> OpeningHours:
    """Check opening hours and return them with every day present and spans sorted."""
    if not isinstance(obj, Mapping):
        raise HoursInputError(
            "invalid_opening_hours", "opening_hours", "expected an object keyed mon..sun"
        )
    unknown = sorted(str(key) for key in obj if key not in DAYS)
    if unknown:
        raise HoursInputError(
            "invalid_opening_hours",
            f"opening_hours.{unknown[0]}",
            f"unknown day {unknown[0]!r}; use mon, tue, wed, thu, fri, sat, sun",
        )
    return {day: _validate_day(day, obj.get(day) or []) for day in DAYS}


def _validate_day(day: str, spans: object) -> list[list[str]]:
    field = f"opening_hours.{day}"
    if not isinstance(spans, list):
        raise HoursInputError(
            "invalid_opening_hours", field, "expected a list of [open, close] pairs"
        )
    parsed = sorted(_validate_span(field, index, span) for index, span in enumerate(spans))
    for (_, first_close), (second_open, _) in itertools.pairwise(parsed):
        if second_open < first_close:
            raise HoursInputError("overlapping_hours", field, f"opening spans on {day} overlap")
    return [[_format_minutes(open_), _format_minutes(close)] for open_, close in parsed]


def _validate_span(field: str, index: int, span: object) -> tuple[int, int]:
    field = f"{field}[{index}]"
    if not (isinstance(span, (list, tuple)) and len(span) == 2):
        raise HoursInputError("invalid_opening_hours", field, "expected a pair [open, close]")
    open_ = _parse_minutes(field, span[0], allow_midnight_end=False)
    close = _parse_minutes(field, span[1], allow_midnight_end=True)
    if open_ >= close:
        raise HoursInputError(
            "invalid_opening_hours", field, f"opens at {span[0]} but closes at {span[1]}"
        )
    return open_, close


def _parse_minutes(field: str, text: object, allow_midnight_end: bool) -> int:
    match = _HHMM.match(text) if isinstance(text, str) else None
    if match is None:
        raise HoursInputError("invalid_time", field, f"{text!r} is not a time written HH:MM")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if allow_midnight_end and (hours, minutes) == (24, 0):
        return 24 * 60
    if hours > 23 or minutes > 59:
        raise HoursInputError("invalid_time", field, f"{text!r} is not a time of day")
    return hours * 60 + minutes


def _format_minutes(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def open_intervals(
    opening_hours: Mapping[str, list[list[str]]],
    closures: Iterable[Interval],
    zone: tzinfo,
    start: datetime,
    end: datetime,
) -> list[Interval]:
    """UTC intervals in [start, end) when the branch is open, closures removed."""
    if start >= end:
        return []
    minutes = _minutes_of(opening_hours)
    window = Interval(start, end)
    spans: list[Interval] = []
    for day in _local_dates(start, end, zone):
        spans.extend(_day_spans(minutes[DAYS[day.weekday()]], day, zone))
    return subtract(clip(spans, window), closures)


DayMinutes = tuple[tuple[int, int], ...]


def _minutes_of(opening_hours: object) -> dict[str, DayMinutes]:
    """Validated opening hours as minutes after midnight per day, remembered per value:
    a branch's hours are checked for every date of every booking, and rarely change."""
    lists = (list, tuple)
    if not (isinstance(opening_hours, Mapping) and all(
            isinstance(spans, lists) and all(isinstance(span, lists) for span in spans)
            for spans in opening_hours.values())):
        return _as_minutes(validate_opening_hours(opening_hours))  # it says what is wrong
    key = tuple((day, tuple(tuple(span) for span in spans))
                for day, spans in opening_hours.items())
    try:
        hash(key)
    except TypeError:  # something unhashable where a time should be
        return _as_minutes(validate_opening_hours(opening_hours))
    return _remembered_minutes(key)


@functools.lru_cache(maxsize=256)
def _remembered_minutes(key: tuple[tuple[object, tuple[tuple[object, ...], ...]], ...],
                        ) -> dict[str, DayMinutes]:
    return _as_minutes(validate_opening_hours({day: [list(span) for span in spans]
                                               for day, spans in key}))


def _as_minutes(hours: OpeningHours) -> dict[str, DayMinutes]:
    return {day: tuple((_parse_minutes("", open_, False), _parse_minutes("", close, True))
                       for open_, close in spans) for day, spans in hours.items()}


def _local_dates(start: datetime, end: datetime, zone: tzinfo) -> list[date]:
    first = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _day_spans(spans: DayMinutes, day: date, zone: tzinfo) -> list[Interval]:
    result = []
    for open_minutes, close_minutes in spans:
        opens = _wall_instant(day, open_minutes, zone)
        closes = _wall_instant(day, close_minutes, zone)
        if opens < closes:
            result.append(Interval(opens, closes))
    return result


def _wall_instant(day: date, minutes: int, zone: tzinfo) -> datetime:
    """The UTC instant of a local wall time; times in a DST gap move forward by the gap."""
    wall = datetime.combine(day, time()) + timedelta(minutes=minutes)
    # fold=0 in a gap reads the wall time with the pre-gap offset, which lands
    # after the gap once converted: 02:30 in a spring-forward becomes 03:30.
    return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)


def within_opening_hours(
    opening_hours: Mapping[str, list[list[str]]],
    closures: Iterable[Interval],
    zone: tzinfo,
    start: datetime,
    end: datetime,
) -> bool:
    """Whether the branch is open for the whole of [start, end)."""
    if start >= end:
        return False
    open_ = open_intervals(opening_hours, closures, zone, start, end)
    return covers(open_, Interval(start, end))
