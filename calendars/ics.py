"""The bytes of iCalendar (RFC 5545): content lines, TEXT escaping, folding, values.

We write content lines ourselves rather than through icalendar's serialiser:
icalendar 7 escapes TEXT by first turning a literal backslash-N into a line
break (so a title "C:\\New" would come back as "C:" and "ew"), and owning the
writer keeps the output byte-for-byte deterministic and quick.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, tzinfo

CRLF = "\r\n"
LIMIT = 75
_ESCAPE = str.maketrans({"\\": "\\\\", ";": "\\;", ",": "\\,", "\n": "\\n"})
_UNITS = re.compile(r"\\.|.", re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_UNSAFE_URI = re.compile(r"[\x00-\x20\x7f\"<>\\^`{|}]")
_PARAM_UNSAFE = re.compile(r"[\x00-\x1f\x7f\"]")


def escape_text(text: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and every line break."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).translate(_ESCAPE)


def fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a character or an escape."""
    if len(line) <= LIMIT // 4 or len(line.encode()) <= LIMIT:
        return line
    pieces: list[str] = []
    current: list[str] = []
    size, limit = 0, LIMIT
    for unit in _UNITS.findall(line):
        width = len(unit.encode())
        if size + width > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, LIMIT - 1  # the continuation's leading space
        current.append(unit)
        size += width
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


def param(name: str, value: str) -> str:
    """A property parameter, quoted when its value holds ; : or ,."""
    if _PARAM_UNSAFE.search(value):
        raise ValueError(f"parameter {name} cannot hold {value!r}")
    if any(char in value for char in ";:,"):
        return f'{name}="{value}"'
    return f"{name}={value}"


def line(name: str, value: str, *params: str) -> str:
    """A folded content line without its line break."""
    head = ";".join((name, *params))
    return fold(f"{head}:{value}")


def text_line(name: str, value: str, *params: str) -> str:
    """A content line whose value is TEXT, escaped."""
    return line(name, escape_text(value), *params)


def uri(value: str) -> str:
    """Check a URI value: no spaces, controls or characters that could end a line."""
    if not value or _UNSAFE_URI.search(value):
        raise ValueError(f"{value!r} is not a usable URI")
    return value


def utc_stamp(value: datetime) -> str:
    """A date-time in UTC form, e.g. 20270302T170000Z."""
    return _require_aware(value).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def local_stamp(value: datetime, zone: tzinfo) -> str:
    """A date-time as local wall time in `zone`, for use with TZID."""
    return _require_aware(value).astimezone(zone).strftime("%Y%m%dT%H%M%S")


def date_stamp(value: date) -> str:
    """A DATE value, e.g. 20271224."""
    return value.strftime("%Y%m%d")


def local_line(name: str, value: datetime, zone_name: str, zone: tzinfo) -> str:
    """A date-time property in the zone's local time with its TZID."""
    return line(name, local_stamp(value, zone), param("TZID", zone_name))


def local_list_line(name: str, values: Iterable[datetime], zone_name: str, zone: tzinfo) -> str:
    """A multi-valued date-time property (such as EXDATE) in local time with its TZID."""
    stamps = ",".join(local_stamp(value, zone) for value in sorted(values))
    return line(name, stamps, param("TZID", zone_name))


def duration(minutes: int) -> str:
    """A DURATION value for a whole number of minutes, e.g. PT1H or PT90M."""
    if minutes <= 0:
        raise ValueError("a refresh interval must be positive")
    return f"PT{minutes // 60}H" if minutes % 60 == 0 else f"PT{minutes}M"


def _require_aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{value!r} is a naive datetime")
    return value


def join(lines: Iterable[str]) -> bytes:
    """Join content lines with CRLF, ending with one, as UTF-8 bytes."""
    return (CRLF.join(lines) + CRLF).encode()
