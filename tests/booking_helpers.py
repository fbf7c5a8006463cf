"""Helpers for booking tests: a hall that splits in two, and posting bookings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.builders import bearer, door, make_association, make_room, make_token, make_user, rect


@dataclass
class Hall:
    """A hall of 18 x 12 m, its halves, and a room that only touches it."""

    hall: Any
    half_a: Any
    half_b: Any
    beside: Any


def make_hall(branch, **rules) -> Hall:
    """Four rooms on one floor: hall = half A + half B; 'beside' shares the hall's east wall."""
    options = {"rules": rules, "max_attendees": 100}
    hall = make_room(branch, rect(0, 0, 18, 12), name="Hall", **options)
    half_a = make_room(branch, rect(0, 0, 9, 12), name="Hall A", **options)
    half_b = make_room(branch, rect(9, 0, 18, 12), name="Hall B",
                       doors=[door(9.5, 0, 10.7, 0)], **options)
    beside = make_room(branch, rect(18, 0, 24, 5), name="Beside",
                       doors=[door(19, 5, 20, 5, 0.9)], **options)
    return Hall(hall, half_a, half_b, beside)


@dataclass
class Booker:
    """A member of a verified association, with a token."""

    user: Any
    association: Any
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.token)


def make_booker(verified: bool = True) -> Booker:
    """A member who can book for their association."""
    user = make_user()
    association = make_association(user, verified=verified)
    return Booker(user, association, make_token(user))


def make_staff_headers() -> dict[str, str]:
    """Headers of a staff member's token."""
    return bearer(make_token(make_user("staff")))


def book(client, booker: Booker, room, start, end, **extra: Any):
    """POST a booking; returns the response. ``headers`` posts as someone else (staff)."""
    headers = extra.pop("headers", booker.headers)
    body = {
        "room_id": room.id,
        "title": extra.pop("title", "Club evening"),
        "attendees": extra.pop("attendees", 10),
        "start": start.isoformat() if hasattr(start, "isoformat") else start,
        "end": end.isoformat() if hasattr(end, "isoformat") else end,
        "association_id": booker.association.id,
        **extra,
    }
    return client.post("/api/v1/bookings", json=body, headers=headers)


def error_codes(response) -> list[str]:
    """The codes of a 422's errors."""
    return [e["code"] for e in response.get_json().get("errors", [])]
