"""What a booking create costs the database, and that the shortcuts keep every answer right.

A create reads the token with its user in one query, leaves the clash check to the
exclusion constraint on PostgreSQL (retrying with the check when it refuses), answers
from what it committed, and remembers a bare room's capacity by its geometry.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from app.extensions import db
from app.models import Booking, Room
from app.services.capacity import capacity_of
from tests.builders import (
    bearer,
    future_day,
    local,
    make_branch,
    make_room,
    make_token,
    make_user,
    rect,
)

# Statements sent per create of one date (BEGINs included on SQLite, where the driver
# sends them as statements): the token and user, the room and branch, the closures, the
# cells and the rooms sharing them, the clash query (SQLite only), the booking, its
# occurrence, its claims and its e-mail.
STATEMENTS_PER_CREATE = {"sqlite": 11, "postgresql": 8}


@pytest.fixture
def statements(app):
    """Every SQL statement the app sends while the test runs."""
    sent: list[str] = []

    def record(_connection, _cursor, statement, *_args) -> None:
        sent.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", record)
    yield sent
    event.remove(db.engine, "before_cursor_execute", record)


def _body(room_id: int, day, start: int, end: int, title: str = "Chess") -> dict:
    return {"room_id": room_id, "title": title, "attendees": 4,
            "start": local(day, start).isoformat(), "end": local(day, end).isoformat()}


def test_a_create_sends_no_more_statements_than_its_budget(app, client, statements):
    room_id = make_room().id
    headers = bearer(make_token(make_user("staff")))
    day = future_day(5)
    client.post("/api/v1/bookings", json=_body(room_id, day, 8, 9), headers=headers)
    statements.clear()

    answer = client.post("/api/v1/bookings", json=_body(room_id, day, 10, 12), headers=headers)

    assert answer.status_code == 201, answer.get_json()
    budget = STATEMENTS_PER_CREATE[db.engine.dialect.name]
    assert len(statements) <= budget, "\n".join(statements)
    assert not any(s.startswith("SELECT") for s in statements[-4:]), \
        "the answer read again what the create had just written"


def test_the_answer_of_a_create_is_what_was_committed(app, client):
    room_id = make_room().id
    headers = bearer(make_token(make_user("staff")))
    day = future_day(6)

    created = client.post("/api/v1/bookings", json=_body(room_id, day, 10, 12), headers=headers)

    assert created.status_code == 201, created.get_json()
    stored = client.get(f"/api/v1/bookings/{created.get_json()['id']}", headers=headers)
    assert stored.status_code == 200
    answer = created.get_json()
    assert answer.pop("skipped") == []
    assert answer.pop("access_codes") == []  # a create alone answers codes (after hours)
    assert answer == stored.get_json()
    assert [o["start"] for o in answer["occurrences"]] == [local(day, 10).isoformat()]


def test_a_clash_in_an_overlapping_room_answers_409_with_what_is_in_the_way(app, client):
    """On PostgreSQL the first attempt leaves the check to the exclusion constraint: its
    refusal is retried with the check, which names the hall's booking."""
    branch = make_branch()
    hall = make_room(branch, rect(0, 0, 10, 8), name="Hall")
    half = make_room(branch, rect(0, 0, 5, 8), name="Half")
    hall_id, half_id = hall.id, half.id
    headers = bearer(make_token(make_user("staff")))
    day = future_day(8)
    assert client.post("/api/v1/bookings", json=_body(hall_id, day, 10, 12, "Hall event"),
                       headers=headers).status_code == 201

    clash = client.post("/api/v1/bookings", json=_body(half_id, day, 11, 13), headers=headers)

    assert clash.status_code == 409, clash.get_json()
    problem = clash.get_json()
    assert [(c["room_id"], c["title"]) for c in problem["conflicts"]] == [(hall_id, "Hall event")]
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 1


def test_a_bare_room_capacity_follows_a_changed_outline(app):
    room = make_room(outline=rect(0, 0, 10, 8), max_attendees=None)
    before = capacity_of(room, None)
    assert capacity_of(room, None) == before  # remembered, the same

    room.outline = rect(0, 0, 4, 3)
    smaller = capacity_of(room, None)

    assert 0 < smaller < before
    db.session.rollback()
    assert capacity_of(db.session.get(Room, room.id), None) == before
