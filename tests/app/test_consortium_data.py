"""The consortium bench's data builder, run small on PostgreSQL, writes what the engine
itself would: availability shows the sessions it made, and the engine refuses to book
over them (also through the hall's shared cells) while it books a free Friday."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine

from app import create_app
from app.extensions import db
from bench.consortium_data import (
    BUFFER_MINUTES,
    HALF_A,
    HALL,
    SESSION_HOURS,
    SLOTS,
    Consortium,
    build,
    check_consistency,
    is_cancelled,
    room_id,
    session_start,
    today_utc,
)
from tests.builders import ZONE, bearer, make_token, make_user
from tests.conftest import fresh_postgres_database

BLOCK = timedelta(hours=SESSION_HOURS, minutes=BUFFER_MINUTES)


@pytest.fixture(scope="module")
def consortium_url(postgres_server_url, tmp_path_factory):
    if postgres_server_url is None:
        pytest.skip("set AGORA_TEST_DATABASE_URL to run the PostgreSQL tests")
    url, drop = fresh_postgres_database(postgres_server_url, "agora_consortium_test")
    consortium = Consortium.around(today_utc(), branches=2, years=1)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "consortium-test-secret",
                      "INSTANCE_PATH": str(tmp_path_factory.mktemp("instance"))})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    engine = create_engine(url)
    build(engine, consortium)
    engine.dispose()
    yield url, consortium
    drop()


@pytest.fixture
def staff_client(consortium_url, tmp_path):
    url, consortium = consortium_url
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "consortium-test-secret",
                      "INSTANCE_PATH": str(tmp_path / "instance"), "TESTING": True,
                      "RATELIMIT_ENABLED": False, "OUTBOX_DELIVERY": "off",
                      "DEFAULT_LANGUAGE": "en"})
    with app.app_context():
        token = make_token(make_user("staff"))
        yield app.test_client(), bearer(token), consortium
        db.session.remove()
        db.engine.dispose()


def week_ahead(consortium: Consortium, weeks: int = 3) -> int:
    """The index of a week some weeks ahead, inside the data and the rooms' horizon."""
    today = today_utc()
    return (today - consortium.first_monday).days // 7 + weeks


def blocks_of(consortium: Consortium, position: int, week: int, branch: int = 2):
    """The blocked ranges the builder made for a room in a week, by start."""
    room = room_id(branch, position)
    if is_cancelled(room, week):
        return []
    starts = (session_start(consortium, position, week, slot) for slot in range(SLOTS))
    return sorted((start, start + BLOCK) for start in starts)


def busy_of(answer, room: int) -> list[tuple[datetime, datetime]]:
    item = next(item for item in answer.get_json()["items"] if item["room_id"] == room)
    return [(datetime.fromisoformat(b["start"]).astimezone(UTC),
             datetime.fromisoformat(b["end"]).astimezone(UTC)) for b in item["busy"]]


def test_built_data_is_consistent(consortium_url):
    url, consortium = consortium_url
    engine = create_engine(url)
    try:
        assert check_consistency(engine) == dict.fromkeys(check_consistency(engine), 0)
        with engine.connect() as connection:
            occurrences = connection.exec_driver_sql("SELECT count(*) FROM occurrence")
            assert occurrences.scalar_one() == consortium.occurrences
    finally:
        engine.dispose()


def test_availability_answers_the_sessions_the_builder_made(staff_client):
    client, _headers, consortium = staff_client
    week = week_ahead(consortium)
    monday = consortium.first_monday + timedelta(weeks=week)
    start = datetime(monday.year, monday.month, monday.day, tzinfo=ZONE)
    answer = client.get("/api/v1/branches/2/availability", query_string={
        "start": start.isoformat(), "end": (start + timedelta(days=7)).isoformat()})
    assert answer.status_code == 200
    plain, hall, half = room_id(2, 0), room_id(2, HALL), room_id(2, HALF_A)
    assert busy_of(answer, plain) == blocks_of(consortium, 0, week)
    # The halves meet at the same hours: their blocks merge into one busy range.
    assert busy_of(answer, hall) == sorted(set(
        blocks_of(consortium, HALL, week) + blocks_of(consortium, HALF_A, week)
        + blocks_of(consortium, HALF_A + 1, week)))
    assert busy_of(answer, half) == sorted(
        blocks_of(consortium, HALF_A, week) + blocks_of(consortium, HALL, week))


@pytest.mark.parametrize(("position", "taken_by"), [(0, 0), (HALF_A, HALL)],
                         ids=["same room", "half under the hall's session"])
def test_a_create_over_a_built_session_is_refused(staff_client, position, taken_by):
    client, headers, consortium = staff_client
    week = week_ahead(consortium)
    while is_cancelled(room_id(2, taken_by), week):
        week += 1
    start = session_start(consortium, taken_by, week, 0)
    answer = client.post("/api/v1/bookings", headers=headers, json={
        "room_id": room_id(2, position), "title": "Over a session", "attendees": 5,
        "start": start.isoformat(), "end": (start + timedelta(hours=1)).isoformat()})
    assert answer.status_code == 409, answer.get_json()
    assert answer.get_json()["conflicts"][0]["room_id"] == room_id(2, taken_by)


def test_a_create_on_a_free_friday_is_booked(staff_client):
    client, headers, consortium = staff_client
    friday = consortium.first_monday + timedelta(weeks=week_ahead(consortium), days=4)
    start = datetime(friday.year, friday.month, friday.day, 10, tzinfo=ZONE)
    answer = client.post("/api/v1/bookings", headers=headers, json={
        "room_id": room_id(2, HALL), "title": "Friday", "attendees": 5,
        "start": start.isoformat(), "end": (start + timedelta(hours=2)).isoformat()})
    assert answer.status_code == 201, answer.get_json()
