"""Who may call what: every endpoint, as anonymous, member and staff."""

from __future__ import annotations

import pytest

from tests.builders import (
    bearer,
    door,
    future_day,
    iso,
    local,
    make_association,
    make_branch,
    make_room,
    make_token,
    make_user,
    rect,
)

ROLES = ("anonymous", "member", "staff")


@pytest.fixture
def world(app):
    """A branch with a room, an association run by someone else, and a token per role."""
    branch = make_branch()
    room = make_room(branch)
    other_admin = make_user()
    association = make_association(other_admin)
    own_member = make_user()
    own = make_association(own_member)
    day = future_day(5)
    return {
        "branch": branch.id,
        "room": room.id,
        "assoc": association.id,
        "own": own.id,
        "start": iso(local(day, 10)),
        "end": iso(local(day, 12)),
        "tokens": {
            "anonymous": None,
            "member": make_token(own_member),
            "staff": make_token(make_user("staff")),
        },
    }


def room_body(w):
    return {"branch_id": w["branch"], "name": "New room", "outline": rect(20, 0, 26, 5),
            "doors": [door(20, 1, 20, 2.2)]}


def booking_body(w):
    return {"room_id": w["room"], "title": "Meeting", "attendees": 5, "start": w["start"],
            "end": w["end"], "association_id": w["own"]}


BRANCH = {"name": "Another branch", "timezone": "Europe/Copenhagen",
          "opening_hours": {"mon": [["09:00", "17:00"]]}}

# (method, path, body, {role: expected status})
TABLE = [
    ("GET", "/api/v1/ping", None, {"anonymous": 200, "member": 200, "staff": 200}),
    ("GET", "/api/v1/me", None, {"anonymous": 401, "member": 200, "staff": 200}),
    ("GET", "/api/v1/branches", None, {"anonymous": 200, "member": 200, "staff": 200}),
    ("GET", "/api/v1/branches/{branch}", None, {"anonymous": 200, "member": 200, "staff": 200}),
    ("POST", "/api/v1/branches", lambda w: BRANCH, {"anonymous": 401, "member": 403, "staff": 201}),
    ("GET", "/api/v1/rooms", None, {"anonymous": 200, "member": 200, "staff": 200}),
    ("GET", "/api/v1/rooms/{room}", None, {"anonymous": 200, "member": 200, "staff": 200}),
    ("POST", "/api/v1/rooms", room_body, {"anonymous": 401, "member": 403, "staff": 201}),
    ("PATCH", "/api/v1/rooms/{room}", lambda w: {"description": "Sunny"},
     {"anonymous": 401, "member": 403, "staff": 200}),
    ("DELETE", "/api/v1/rooms/{room}", None, {"anonymous": 401, "member": 403, "staff": 204}),
    ("GET", "/api/v1/furniture", None, {"anonymous": 200, "member": 200, "staff": 200}),
    ("GET", "/api/v1/rooms/{room}/layouts", None,
     {"anonymous": 200, "member": 200, "staff": 200}),
    ("POST", "/api/v1/rooms/{room}/layouts/arrange", lambda w: {"style": "theatre"},
     {"anonymous": 401, "member": 403, "staff": 200}),
    ("GET", "/api/v1/rooms/{room}/availability?start={start}&end={end}", None,
     {"anonymous": 200, "member": 200, "staff": 200}),
    ("GET", "/api/v1/search?start={start}&end={end}&attendees=3", None,
     {"anonymous": 200, "member": 200, "staff": 200}),
    ("GET", "/api/v1/associations", None, {"anonymous": 200, "member": 200, "staff": 200}),
    ("POST", "/api/v1/associations", lambda w: {"name": "Knitting circle"},
     {"anonymous": 401, "member": 201, "staff": 201}),
    ("GET", "/api/v1/associations/{assoc}", None,
     {"anonymous": 200, "member": 200, "staff": 200}),
    ("PATCH", "/api/v1/associations/{assoc}", lambda w: {"description": "Open to all"},
     {"anonymous": 401, "member": 403, "staff": 200}),
    ("PATCH", "/api/v1/associations/{assoc}", lambda w: {"verified": True},
     {"anonymous": 401, "member": 403, "staff": 200}),
    ("POST", "/api/v1/bookings", booking_body, {"anonymous": 401, "member": 201, "staff": 201}),
    ("POST", "/api/v1/bookings/check", booking_body,
     {"anonymous": 401, "member": 200, "staff": 200}),
    ("GET", "/api/v1/bookings", None, {"anonymous": 401, "member": 200, "staff": 200}),
    ("GET", "/api/v1/bookings/pending", None, {"anonymous": 401, "member": 403, "staff": 200}),
    ("GET", "/api/v1/branches/{branch}/setup-sheet?date=2027-01-04", None,
     {"anonymous": 401, "member": 403, "staff": 200}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path", "body", "expected"), TABLE,
                         ids=[f"{m} {p}" for m, p, _, _ in TABLE])
def test_access_rules(client, world, role, method, path, body, expected):
    token = world["tokens"][role]
    response = client.open(
        path.format(**world),
        method=method,
        json=body(world) if body else None,
        headers=bearer(token) if token else {},
    )
    assert response.status_code == expected[role], response.get_data(as_text=True)
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json"
