"""What a booking create costs the database, and that the shortcuts keep every answer right.

A create reads the token with its user in one query, leaves the clash check to the
exclusion constraint on PostgreSQL (retrying with the check when it refuses), answers
from what it committed, and remembers a bare room's capacity by its geometry.
"""

from __future__ import annotations

from unittest.mock import patch

import pytest
from sqlalchemy import bindparam, create_engine, event, func, select, text

from app.extensions import db
from app.models import Booking, OccurrenceClaim, Room
from app.models.base import UTCDateTime
from app.services import conflicts
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
# occurrence and its claims (on PostgreSQL in one statement) and its e-mail; on SQLite
# the rules version twice (before and under the writer slot).
STATEMENTS_PER_CREATE = {"sqlite": 13, "postgresql": 6}
# On SQLite, under the writer slot: BEGIN IMMEDIATE, the rules version, the clash query,
# the booking, its occurrence, its claims and its e-mail. Everything else is read before.
STATEMENTS_IN_THE_WRITER_SLOT = 7


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
    first_write = next(i for i, s in enumerate(statements) if s.startswith(("INSERT", "WITH")))
    assert not any(s.startswith("SELECT") for s in statements[first_write:]), \
        "the answer read again what the create had just written"
    if db.engine.dialect.name == "sqlite":
        in_the_slot = statements[statements.index("BEGIN IMMEDIATE"):]
        assert len(in_the_slot) <= STATEMENTS_IN_THE_WRITER_SLOT, "\n".join(in_the_slot)


@pytest.mark.parametrize("change", [
    "UPDATE room SET max_minutes = 60",
    "UPDATE room SET bookable = false",
    "INSERT INTO closure (branch_id, start, \"end\", reason, source) "
    "SELECT branch_id, :start, :end, 'Flood', 'manual' FROM room",
    "DELETE FROM cell_room",
])
def test_a_rule_changed_while_a_create_reads_ahead_decides_it(app, client, change):
    """On SQLite a create checks its rules before it queues for the writer slot; a change
    committed in between (here: by another connection, just after the create read the
    room's floor) is seen under the slot, and the create is decided on the new rules."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL reads and writes a create in one transaction: no reading ahead")
    room_id = make_room().id
    headers = bearer(make_token(make_user("staff")))
    day = future_day(9)
    other = create_engine(db.engine.url)
    share_of_floor = conflicts.share_of_floor

    def read_then_change(*args, **kwargs):
        found = share_of_floor(*args, **kwargs)
        if not kwargs.get("lock"):
            with other.begin() as connection:
                statement, values = text(change), {}
                if ":start" in change:
                    statement = statement.bindparams(bindparam("start", type_=UTCDateTime),
                                                     bindparam("end", type_=UTCDateTime))
                    values = {"start": local(day, 0), "end": local(day, 23)}
                connection.execute(statement, values)
        return found

    try:
        with patch.object(conflicts, "share_of_floor", read_then_change):
            answer = client.post("/api/v1/bookings", json=_body(room_id, day, 10, 12),
                                 headers=headers)
    finally:
        other.dispose()

    if change.startswith("DELETE FROM cell_room"):  # no cells: booked, claiming none
        assert answer.status_code == 201, answer.get_json()
        assert db.session.scalar(select(func.count()).select_from(OccurrenceClaim)) == 0
    else:
        assert answer.status_code == 422, answer.get_json()
        assert db.session.scalar(select(func.count()).select_from(Booking)) == 0


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


def test_the_core_insert_of_a_new_booking_sets_or_reads_back_every_column():
    """The create writes a booking by one Core statement, not the ORM's flush; a column
    added to the model and forgotten there would silently take its default."""
    from app.services.bookings import _INSERT_BOOKING, _new_booking_values

    booking = Booking(room=Room(id=1), title="Chess", attendees=4, public=True)
    given = set(_new_booking_values(booking))
    read_back = {column.name for column in _INSERT_BOOKING.exported_columns}
    assert given | read_back == {column.name for column in Booking.__table__.columns}
    assert not given & read_back
