"""Test builders: make what a test needs, with defaults for everything it does not care about."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from app.extensions import db
from app.models import Association, Branch, Membership, Room, User, utcnow
from app.services import accounts, branches, rooms, tokens

ZONE = ZoneInfo("Europe/Copenhagen")
PASSWORD = "correct horse battery staple"
ALL_WEEK = {day: [["00:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
_counter = itertools.count(1)


def make_user(role: str = "member", email: str | None = None, password: str = PASSWORD) -> User:
    """A user with a known password."""
    email = email or f"{role}{next(_counter)}@example.org"
    user = accounts.create_user(email, password, role, f"Test {role}")
    db.session.commit()
    return user


def make_token(user: User) -> str:
    """A live API token of the user (plain text)."""
    _, plain = tokens.create_token(user, "api", "test")
    db.session.commit()
    return plain


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for a token."""
    return {"Authorization": f"Bearer {token}"}


def make_branch(**overrides: Any) -> Branch:
    """A branch in Copenhagen, open around the clock unless told otherwise."""
    data = {
        "name": f"Branch {next(_counter)}",
        "timezone": "Europe/Copenhagen",
        "opening_hours": ALL_WEEK,
        "closures": [],
        **overrides,
    }
    branch = branches.create_branch(data)
    db.session.commit()
    return branch


def rect(x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
    """A rectangular GeoJSON polygon."""
    return {"type": "Polygon",
            "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def door(x0: float, y0: float, x1: float, y1: float, width: float = 1.2) -> dict[str, Any]:
    """A door on a wall."""
    return {"geometry": {"type": "LineString", "coordinates": [[x0, y0], [x1, y1]]},
            "width": width}


def make_room(branch: Branch | None = None, outline: dict | None = None, **overrides: Any) -> Room:
    """A 10 x 8 m room with a door, lenient rules (no lead time, no buffer)."""
    branch = branch or make_branch()
    rules = {"slot_minutes": 15, "min_minutes": 15, "max_minutes": 24 * 60,
             "buffer_minutes": 0, "lead_hours": 0, "horizon_days": 3 * 365,
             **overrides.pop("rules", {})}
    outline = outline or rect(0, 0, 10, 8)
    xs = [p[0] for p in outline["coordinates"][0]]
    ys = [p[1] for p in outline["coordinates"][0]]
    data = {
        "name": f"Room {next(_counter)}",
        "floor": "Ground floor",
        "outline": outline,
        "doors": [door(min(xs), min(ys) + 0.5, min(xs), min(ys) + 1.7)],
        "obstacles": [],
        "amenities": [],
        "max_attendees": 40,
        "rules": rules,
        **overrides,
    }
    room = rooms.create_room(branch, data)
    db.session.commit()
    return room


def make_association(admin: User | None = None, verified: bool = True,
                     members: list[User] = ()) -> Association:
    """An association with an admin (and members); verified unless told otherwise."""
    admin = admin or make_user()
    association = Association(name=f"Club {next(_counter)}", created_by_id=admin.id,
                              verified_at=utcnow() if verified else None)
    association.memberships.append(Membership(user=admin, role="admin"))
    for member in members:
        association.memberships.append(Membership(user=member, role="member"))
    db.session.add(association)
    db.session.commit()
    return association


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """An aware Copenhagen wall time."""
    return datetime.combine(day, time(hour, minute), ZONE)


def iso(value: datetime) -> str:
    """RFC 3339 with offset."""
    return value.isoformat()


def future_day(days: int = 10, weekday: int | None = None) -> date:
    """A local date some days ahead (optionally moved to a weekday, 0 = Monday)."""
    day = utcnow().astimezone(ZONE).date() + timedelta(days=days)
    if weekday is not None:
        day += timedelta(days=(weekday - day.weekday()) % 7)
    return day


def utcnow_local() -> datetime:
    """Now, in Copenhagen."""
    return utcnow().astimezone(ZONE)


def tonight() -> tuple[datetime, datetime]:
    """A Copenhagen time range today that has not ended: 19-21, or from now if later.

    After 19:00 it starts on the quarter hour already begun, so only staff (whom no lead
    time binds) may book it.
    """
    now = utcnow_local()
    if now.hour < 19:
        start = now.replace(hour=19, minute=0, second=0, microsecond=0)
        return start, start + timedelta(hours=2)
    start = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
    return start, start + timedelta(minutes=30)
