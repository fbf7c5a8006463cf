"""Builders for calendar tests: each fills in what a test does not care about."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from calendars.feed import FeedEvent, FeedMeta, feed_uid

CPH = ZoneInfo("Europe/Copenhagen")
STAMP = datetime(2027, 1, 5, 12, 0, tzinfo=UTC)


def make_event(**changes) -> FeedEvent:
    """A one-off confirmed booking; each test states only what matters to it."""
    start = changes.pop("start", datetime(2027, 3, 2, 18, tzinfo=CPH))
    event = FeedEvent(
        uid=feed_uid("booking", 1, "library.example"),
        sequence=0,
        title="Chess club",
        description="Open to all",
        location="Main Library, Hall A",
        url="https://library.example/bookings/1",
        start=start,
        end=start + timedelta(hours=2),
        status="confirmed",
        created=STAMP,
        last_modified=STAMP,
    )
    return replace(event, **changes)


def make_meta(**changes) -> FeedMeta:
    """The feed of one room."""
    meta = FeedMeta(
        "Hall A",
        "Bookings of Hall A",
        "Europe/Copenhagen",
        "https://library.example/calendars/rooms/1.ics",
    )
    return replace(meta, **changes)
