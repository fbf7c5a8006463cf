"""Helpers for feed tests: read a feed with three libraries and check its bytes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import recurring_ical_events
import vobject
from icalendar import Calendar

from app.extensions import db
from app.models import Layout

LINE_LIMIT = 75


def check_bytes(body: bytes) -> None:
    """CRLF line ends only, no line over 75 octets, no bare CR or LF."""
    assert body.endswith(b"\r\n")
    for line in body[:-2].split(b"\r\n"):
        assert b"\r" not in line and b"\n" not in line, line
        assert len(line) <= LINE_LIMIT, line
    body.decode("utf-8")


def read(body: bytes) -> Calendar:
    """The feed as icalendar reads it, after vobject has read it too."""
    check_bytes(body)
    parsed = vobject.readOne(body.decode("utf-8"))
    assert parsed.name == "VCALENDAR"
    return Calendar.from_ical(body)


def expanded(body: bytes, start: datetime, end: datetime) -> set[tuple[datetime, datetime, str]]:
    """Every instance in [start, end) as (start UTC, end UTC, STATUS), by recurring-ical-events."""
    calendar = Calendar.from_ical(body)
    instances = recurring_ical_events.of(calendar).between(start, end)
    return {
        (
            _utc(event["DTSTART"].dt),
            _utc(event["DTEND"].dt),
            str(event.get("STATUS", "CONFIRMED")),
        )
        for event in instances
        if isinstance(event["DTSTART"].dt, datetime)
    }


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def vevents(body: bytes) -> list:
    """The VEVENT components of a feed."""
    return Calendar.from_ical(body).walk("VEVENT")


def window_of(today: date | None = None) -> tuple[datetime, datetime]:
    """The feeds' window: 30 days back to 12 months ahead (whole UTC days)."""
    today = today or datetime.now(UTC).date()
    midnight = datetime(today.year, today.month, today.day, tzinfo=UTC)
    return midnight - timedelta(days=30), midnight + timedelta(days=365)


def make_layout(room, name: str = "Theatre 30", capacity: int = 30) -> Layout:
    """A layout row for the room (its geometry does not matter to feeds)."""
    layout = Layout(room=room, name=name, style="theatre", items=[], capacity=capacity)
    db.session.add(layout)
    db.session.commit()
    return layout
