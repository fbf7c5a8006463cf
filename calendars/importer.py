"""Import closures (holidays, works, events) from an .ics file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from icalendar import Calendar

from .expansion import ExpansionError, occurrences
from .intervals import Interval
from .timeutil import get_zone

MAX_BYTES = 2 * 1024 * 1024
MAX_EVENTS = 5000
_PARAM_VALUE = r'("[^"]*"|[^";:,]*)'
_CONTENT_LINE = re.compile(rf"^[A-Za-z0-9-]+(;[A-Za-z0-9-]+={_PARAM_VALUE}(,{_PARAM_VALUE})*)*:")
_DATE_VALUE = re.compile(r"^\d{8}(T\d{6}Z?)?$")
_DATE_PROPERTIES = ("DTSTART", "DTEND", "RECURRENCE-ID")


class IcsImportError(ValueError):
    """An .ics file that cannot be imported; `line` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(f"line {line}: {message}" if line else message)
        self.message = message
        self.line = line


@dataclass(frozen=True, order=True)
class ImportedClosure:
    """One closure read from a file, in UTC."""

    start: datetime
    end: datetime
    reason: str


def parse_closures_ics(
    data: bytes, zone: str, window_start: datetime, window_end: datetime
) -> list[ImportedClosure]:
    """Every VEVENT of the file as a closure, recurring ones expanded within the window."""
    tz = get_zone(zone)
    text = _decode(data)
    _check_lines(text)
    calendar = _parse(text)
    events = calendar.walk("VEVENT")
    if not events:
        raise IcsImportError("the file holds no events (VEVENT)")
    if len(events) > MAX_EVENTS:
        raise IcsImportError(f"the file holds {len(events)} events; at most {MAX_EVENTS} are read")
    try:
        found = set(occurrences(events, tz, window_start, window_end))
    except (ExpansionError, ValueError, TypeError, OverflowError) as exc:
        # OverflowError: an event in year 1 or 9999 moved into UTC or by its length.
        raise IcsImportError(f"the events cannot be expanded: {exc}") from None
    inside = (item for item in found if window_start < item[1] and item[0] < window_end)
    return sorted(ImportedClosure(*item) for item in inside if item[0] < item[1])


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise IcsImportError(f"the file is over {MAX_BYTES // (1024 * 1024)} MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise IcsImportError("the file is not UTF-8 text", line) from None
    if not text.lstrip().upper().startswith("BEGIN:VCALENDAR"):
        raise IcsImportError(
            "this is not an iCalendar file (it does not begin with BEGIN:VCALENDAR)", 1
        )
    return text


def _check_lines(text: str) -> None:
    """Find the first malformed line, so the error can name it."""
    stack: list[str] = []
    for number, content in _logical_lines(text):
        if not _CONTENT_LINE.match(content):
            raise IcsImportError(f"cannot read {content[:40]!r} as NAME:VALUE", number)
        name, value = _name(content), content.split(":", 1)[1] if ":" in content else ""
        _check_structure(stack, name, value.strip().upper(), number)
        if name in _DATE_PROPERTIES and not _valid_dates(value):
            raise IcsImportError(f"{name} value {value[:30]!r} is not a date or date-time", number)
    if stack:
        raise IcsImportError(f"BEGIN:{stack[-1]} is never closed")


def _name(content: str) -> str:
    return re.split(r"[;:]", content, maxsplit=1)[0].upper()


def _check_structure(stack: list[str], name: str, value: str, number: int) -> None:
    if name == "BEGIN":
        stack.append(value)
    elif name == "END":
        if not stack or stack[-1] != value:
            expected = f"END:{stack[-1]}" if stack else "nothing"
            raise IcsImportError(f"END:{value} found where {expected} was expected", number)
        stack.pop()


def _valid_dates(value: str) -> bool:
    return all(_DATE_VALUE.match(part.strip()) and _real_date(part) for part in value.split(","))


def _real_date(part: str) -> bool:
    try:
        date(int(part[0:4]), int(part[4:6]), int(part[6:8]))
    except ValueError:
        return False
    return True


def _logical_lines(text: str):
    """Unfolded content lines with the 1-based number of the physical line each starts on."""
    number, start, current = 0, 0, None
    for number, physical in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        if physical[:1] in (" ", "\t") and current is not None:
            current += physical[1:]
            continue
        if current:
            yield start, current
        start, current = number, physical
    if current:
        yield start, current


def _parse(text: str) -> Calendar:
    try:
        return Calendar.from_ical(text)
    except ValueError as exc:
        raise IcsImportError(f"the calendar cannot be read: {exc}") from None


def as_intervals(closures: list[ImportedClosure]) -> list[Interval]:
    """The closures as intervals, for opening-hours arithmetic."""
    return [Interval(closure.start, closure.end) for closure in closures]
