"""Time build_feed on 1,000 events against icalendar's bare Calendar.to_ical of the same events.

Run from the repository root: python bench/feeds_core.py
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from icalendar import Calendar, Event

from calendars.feed import FeedEvent, FeedMeta, build_feed, feed_uid

ZONE = "Europe/Copenhagen"
COUNT = 1000
ROUNDS = 7


def make_events() -> list[FeedEvent]:
    """1,000 bookings spread over a year, every tenth a weekly series."""
    tz, stamp = ZoneInfo(ZONE), datetime(2027, 1, 5, 12, tzinfo=UTC)
    first = datetime(2027, 1, 4, 8, tzinfo=tz)
    return [
        FeedEvent(
            uid=feed_uid("booking", n, "library.example"),
            sequence=n % 3,
            title=f"Booking {n}: Chess club, room A; øæå",
            description="Open to all members of the association.\nBring a board.",
            location="Main Library, Hall A",
            url=f"https://library.example/bookings/{n}",
            start=first + timedelta(hours=(n * 7) % 8760),
            end=first + timedelta(hours=(n * 7) % 8760 + 2),
            status="confirmed",
            created=stamp,
            last_modified=stamp,
            rrule="FREQ=WEEKLY;COUNT=10" if n % 10 == 0 else None,
        )
        for n in range(COUNT)
    ]


def naive_calendar(events: list[FeedEvent], zone: tzinfo | None = None) -> Calendar:
    """The same events put into icalendar components the obvious way (times in ``zone``)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Agora//Room booking//EN")
    calendar.add("version", "2.0")
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("sequence", item.sequence)
        event.add("dtstamp", item.last_modified)
        event.add("dtstart", item.start.astimezone(zone) if zone else item.start)
        event.add("dtend", item.end.astimezone(zone) if zone else item.end)
        event.add("summary", item.title)
        event.add("description", item.description)
        event.add("location", item.location)
        event.add("url", item.url)
        event.add("status", "CONFIRMED")
        if item.rrule:
            event.add("rrule", dict(part.split("=") for part in item.rrule.split(";")))
        calendar.add_component(event)
    return calendar


def best_of(action) -> float:
    """The fastest of several runs, in seconds."""
    timings = []
    for _ in range(ROUNDS):
        began = time.perf_counter()
        action()
        timings.append(time.perf_counter() - began)
    return min(timings)


def main() -> None:
    """Print both timings and their ratio."""
    events = make_events()
    meta = FeedMeta("Hall A", "Bookings of Hall A", ZONE, "https://library.example/rooms/1.ics")
    calendar = naive_calendar(events)
    ours = best_of(lambda: build_feed(meta, events))
    bare = best_of(calendar.to_ical)
    built_and_bare = best_of(lambda: naive_calendar(events).to_ical())
    print(f"build_feed, {COUNT} events:                 {ours * 1000:8.1f} ms")
    print(f"icalendar Calendar.to_ical only:            {bare * 1000:8.1f} ms")
    print(f"icalendar build components + to_ical:       {built_and_bare * 1000:8.1f} ms")
    print(f"ratio build_feed / to_ical (target <= 1.5): {ours / bare:8.2f}x")


if __name__ == "__main__":
    main()
