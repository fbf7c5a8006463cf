"""Time zones, RFC 3339 instants and DST-safe localisation."""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_ZONE_NAME = re.compile(r"^[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*$")
_RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?"
    r"(?P<offset>[Zz]|[+-]\d{2}:\d{2})?$"
)


class TimeInputError(ValueError):
    """A time or time zone given by a caller that cannot be used."""

    def __init__(self, code: str, field: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.field = field
        self.message = message


class InstantOutOfRange(TimeInputError):
    """A well-formed instant outside the years Agora schedules in."""


# Bookings, windows, closures and exdates all lie in these years: a booking system has no
# use for year 1 or 9999, and arithmetic near datetime's own limits overflows.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def check_in_range(instant: datetime, field: str) -> datetime:
    """``instant`` if it lies in [EARLIEST, LATEST); InstantOutOfRange (code out_of_range) if not.

    The local year is looked at first, so converting a year-1 or year-9999 time to UTC,
    which may overflow, never happens.
    """
    if not EARLIEST.year - 1 <= instant.year <= LATEST.year or not (
        EARLIEST <= instant.astimezone(UTC) < LATEST
    ):
        raise InstantOutOfRange(
            "out_of_range", field,
            f"{instant.isoformat()} is outside the range Agora schedules in "
            f"({EARLIEST:%Y-%m-%d} to {LATEST:%Y-%m-%d} UTC)",
        )
    return instant


def get_zone(name: str, field: str = "timezone") -> ZoneInfo:
    """Return the IANA zone called `name`, or raise invalid_timezone."""
    if not isinstance(name, str) or not _valid_zone_name(name):
        raise TimeInputError("invalid_timezone", field, f"{name!r} is not a time zone name")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise TimeInputError("invalid_timezone", field, f"unknown time zone {name!r}") from None


def _valid_zone_name(name: str) -> bool:
    return (
        0 < len(name) <= 64
        and ".." not in name
        and not name.startswith("/")
        and _ZONE_NAME.match(name) is not None
    )


def parse_instant(text: str, field: str) -> datetime:
    """Parse an RFC 3339 date-time with an offset into an aware UTC datetime."""
    if not isinstance(text, str):
        raise TimeInputError("invalid_datetime", field, "expected an RFC 3339 date-time string")
    match = _RFC3339.match(text.strip())
    if match is None:
        raise TimeInputError("invalid_datetime", field, f"{text!r} is not an RFC 3339 date-time")
    if match.group("offset") is None:
        raise TimeInputError(
            "naive_datetime", field, f"{text!r} has no UTC offset (add Z or +hh:mm)"
        )
    try:
        parsed = datetime.fromisoformat(_normalise_rfc3339(text.strip()))
    except ValueError as exc:
        raise TimeInputError("invalid_datetime", field, f"{text!r}: {exc}") from None
    return check_in_range(parsed, field).astimezone(UTC)


def _normalise_rfc3339(text: str) -> str:
    text = text[:10] + "T" + text[11:]
    if text[-1] in "Zz":
        text = text[:-1] + "+00:00"
    fraction = re.search(r"\.(\d+)", text)
    if fraction and len(fraction.group(1)) > 6:
        text = text.replace(fraction.group(0), "." + fraction.group(1)[:6])
    return text


def localize(naive: datetime, zone: tzinfo, field: str = "start") -> datetime:
    """Attach `zone` to a naive wall time, refusing times in a DST gap or fold."""
    if naive.tzinfo is not None:
        naive = naive.replace(tzinfo=None)
    early = naive.replace(tzinfo=zone, fold=0)
    late = naive.replace(tzinfo=zone, fold=1)
    if early.utcoffset() != late.utcoffset():
        if _round_trips(early):
            raise TimeInputError(
                "ambiguous_local_time",
                field,
                f"{naive.isoformat()} happens twice in {zone} (clocks go back)",
            )
        raise TimeInputError(
            "nonexistent_local_time",
            field,
            f"{naive.isoformat()} does not exist in {zone} (clocks go forward)",
        )
    return early


def _round_trips(aware: datetime) -> bool:
    back = aware.astimezone(UTC).astimezone(aware.tzinfo)
    return back.replace(tzinfo=None) == aware.replace(tzinfo=None)


def require_aware(value: datetime, field: str) -> datetime:
    """Return `value` if it carries a UTC offset, else raise naive_datetime."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise TimeInputError("naive_datetime", field, f"{field} has no UTC offset")
    return value


def to_rfc3339(dt: datetime, zone: tzinfo) -> str:
    """Format an aware instant in `zone` as RFC 3339 with seconds and offset.

    RFC 3339 offsets are whole minutes. Before standard time a zone keeps its local
    mean time (Copenhagen: +00:50:20 until 1894), which ``isoformat`` would write with
    seconds; such an instant is written in UTC instead, the same instant exactly.
    """
    local = require_aware(dt, "datetime").astimezone(zone).replace(microsecond=0)
    offset = local.utcoffset()
    if offset is not None and offset.total_seconds() % 60:
        local = local.astimezone(UTC)
    return local.isoformat()


LOCAL_FORMATS = {
    "datetime": "%a %d %b %Y, %H:%M",
    "date": "%a %d %b %Y",
    "time": "%H:%M",
}


def local_text(dt: datetime, zone: tzinfo, style: str = "datetime") -> str:
    """An aware instant as a person reads it in `zone`: 'Tue 08 Dec 2026, 18:00' (or only
    its date or time with `style` 'date' or 'time')."""
    return require_aware(dt, "datetime").astimezone(zone).strftime(LOCAL_FORMATS[style])


def to_utc(dt: datetime) -> datetime:
    """Convert an aware datetime to UTC."""
    return require_aware(dt, "datetime").astimezone(UTC)
