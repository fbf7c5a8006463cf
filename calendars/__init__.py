"""Agora's calendar core: time zones, intervals, opening hours, recurrence and iCalendar."""

from .feed import (
    FeedAllDay,
    FeedEvent,
    FeedMeta,
    FeedOccurrence,
    FeedOverride,
    build_feed,
    build_freebusy,
    build_invitation,
    feed_uid,
)
from .hours import HoursInputError, open_intervals, validate_opening_hours, within_opening_hours
from .importer import IcsImportError, ImportedClosure, parse_closures_ics
from .intervals import Interval, clip, covers, expand, intersection, merge, overlaps, subtract
from .recurrence import RecurrenceError, expand_series, parse_rrule
from .timeutil import (
    TimeInputError,
    get_zone,
    local_text,
    localize,
    parse_instant,
    to_rfc3339,
    to_utc,
)

__all__ = [
    "FeedAllDay",
    "FeedEvent",
    "FeedMeta",
    "FeedOccurrence",
    "FeedOverride",
    "HoursInputError",
    "IcsImportError",
    "ImportedClosure",
    "Interval",
    "RecurrenceError",
    "TimeInputError",
    "build_feed",
    "build_freebusy",
    "build_invitation",
    "clip",
    "covers",
    "expand",
    "expand_series",
    "feed_uid",
    "get_zone",
    "intersection",
    "local_text",
    "localize",
    "merge",
    "open_intervals",
    "overlaps",
    "parse_closures_ics",
    "parse_instant",
    "parse_rrule",
    "subtract",
    "to_rfc3339",
    "to_utc",
    "validate_opening_hours",
    "vtimezone_for",
    "within_opening_hours",
]
