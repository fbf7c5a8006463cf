"""Racing clients against a real gunicorn: the database, not luck, prevents double booking.

Eight client processes walk the same 100 slots in the same order, meeting at a
barrier before each slot, and each posts a different range that overlaps all the
others. Exactly one may win each slot. Served from ``tests/e2e/unsafe_entry.py``,
which breaks the guarantee from outside (no claims, a pause between check and
insert; production code has no switch for it), the same race must produce double
bookings, which shows the test can fail.
"""

from __future__ import annotations

import multiprocessing
from datetime import datetime, timedelta

import pytest
import requests
from sqlalchemy import text

from app import create_app
from app.extensions import db
from tests.builders import (
    door,
    future_day,
    local,
    make_branch,
    make_room,
    make_token,
    make_user,
    rect,
)
from tests.conftest import fresh_postgres_database
from tests.e2e.servers import gunicorn

CLIENTS = 8
SLOTS = 100
pytestmark = pytest.mark.slow


@pytest.fixture(params=["sqlite", "postgresql"])
def race_database(request, tmp_path, postgres_server_url):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'race.sqlite3'}"
        return
    if postgres_server_url is None:
        pytest.skip("set AGORA_TEST_DATABASE_URL to run the PostgreSQL tests")
    url, drop = fresh_postgres_database(postgres_server_url, "agora_race")
    yield url
    drop()


def prepare(url: str, instance) -> dict:
    """Schema, a hall with a half, and one staff token per client."""
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(instance),
                      "SECRET_KEY": "race-test-secret-0123456789"})
    with app.app_context():
        db.create_all()
        branch = make_branch()
        hall = make_room(branch, rect(0, 0, 18, 12), name="Hall", max_attendees=100)
        half = make_room(branch, rect(0, 0, 9, 12), name="Half", max_attendees=100,
                         doors=[door(0, 1, 0, 2.2)])
        tokens = [make_token(make_user("staff")) for _ in range(CLIENTS)]
        world = {"hall": hall.id, "half": half.id, "tokens": tokens}
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    return world


def client_walk(base: str, token: str, rooms: list[int], index: int, first: str,
                barrier, results) -> None:
    """One racing client: for every slot, wait for the others, then post its range."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    start0 = datetime.fromisoformat(first)
    statuses = []
    for slot in range(SLOTS):
        start = start0 + timedelta(hours=4 * slot, minutes=15 * index)
        body = {"room_id": rooms[index % len(rooms)], "title": f"c{index}s{slot}",
                "attendees": 5, "start": start.isoformat(),
                "end": (start + timedelta(hours=2)).isoformat()}
        barrier.wait(timeout=60)
        try:
            statuses.append(session.post(f"{base}/api/v1/bookings", json=body, timeout=60)
                            .status_code)
        except requests.RequestException:
            statuses.append(-1)
    results.put((index, statuses))


def race(base: str, tokens: list[str], rooms: list[int]) -> list[int]:
    """Run the clients; every status code they got."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(CLIENTS)
    results = context.Queue()
    first = local(future_day(3), 0).isoformat()
    processes = [
        context.Process(target=client_walk,
                        args=(base, tokens[i], rooms, i, first, barrier, results))
        for i in range(CLIENTS)
    ]
    for process in processes:
        process.start()
    collected = [results.get(timeout=600) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    return [status for _, statuses in collected for status in statuses]


def overlapping_active_pairs(url: str, instance) -> int:
    """Self-join: active occurrences of rooms that share a cell, overlapping in time."""
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(instance),
                      "SECRET_KEY": "race-test-secret-0123456789"})
    with app.app_context():
        count = db.session.execute(text("""
            SELECT count(*) FROM occurrence a
            JOIN occurrence b ON a.id < b.id
             AND a.start < b."end" AND b.start < a."end"
            JOIN cell_room ca ON ca.room_id = a.room_id
            JOIN cell_room cb ON cb.room_id = b.room_id AND cb.cell_id = ca.cell_id
            WHERE a.status IN ('pending', 'confirmed') AND b.status IN ('pending', 'confirmed')
        """)).scalar()
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    return count


@pytest.mark.parametrize("rooms", ["same_room", "hall_vs_half"])
def test_exactly_one_client_wins_each_slot(race_database, tmp_path, rooms):
    world = prepare(race_database, tmp_path / "instance")
    room_ids = [world["hall"]] if rooms == "same_room" else [world["hall"], world["half"]]
    with gunicorn(race_database, tmp_path / "instance", workers=4) as base:
        statuses = race(base, world["tokens"], room_ids)
    assert [s for s in statuses if s >= 500 or s < 0] == []
    assert statuses.count(201) == SLOTS
    assert statuses.count(409) == SLOTS * (CLIENTS - 1)
    assert overlapping_active_pairs(race_database, tmp_path / "instance") == 0


def test_without_the_database_guarantee_the_same_race_double_books(race_database, tmp_path):
    world = prepare(race_database, tmp_path / "instance")
    with gunicorn(race_database, tmp_path / "instance", workers=4,
                  entry="tests.e2e.unsafe_entry:create_app()") as base:
        statuses = race(base, world["tokens"], [world["hall"]])
    assert statuses.count(201) > SLOTS
    assert overlapping_active_pairs(race_database, tmp_path / "instance") > 0
