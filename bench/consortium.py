"""Consortium scale: the same four requests on one library (200,000 occurrences) and on a
consortium of a hundred (20 million), on PostgreSQL.

The data sets are built inside PostgreSQL (see bench/consortium_data.py): 50 rooms a
branch, ten years of weekly series and single bookings, with their occurrences and
claims. Each is built in a database of its own on AGORA_BENCH_DATABASE_URL's server
(default postgresql+psycopg://postgres@127.0.0.1:5432/test), measured, and dropped.

On each, through the app's own code (the Flask test client, or the service for the
version query), warm, the median of ROUNDS rounds (the two data sets take turns within each round):

1. a branch's week of availability, GET /api/v1/branches/{id}/availability
2. a room feed's version query (app.services.feeds.feed_version, what answers a 304)
3. a free/busy feed, GET /calendars/rooms/{hall}/freebusy.ics (rendered, not a 304)
4. a booking create, POST /api/v1/bookings (staff, a free Friday, a new room each round)

and prints each ratio large / small against the target of 1.5. Then, on the large data
set, EXPLAIN (ANALYZE, BUFFERS) of every statement those four paths run (caught with a
before_cursor_execute listener), flagging any sequential scan of occurrences or claims.

Run from the repository root: ``python bench/consortium.py`` (``--branches 10`` for a
quicker, smaller consortium; ``--keep`` keeps the databases and prints their URLs;
``--reuse-small URL --reuse-large URL`` measures kept ones again, migrating them first).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, event, func, select  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.feeds import versions  # noqa: E402
from app.models import Booking, utcnow  # noqa: E402
from app.services import feeds  # noqa: E402
from bench.consortium_data import (  # noqa: E402
    HALL,
    JOBS,
    ZONE,
    Consortium,
    build,
    check_consistency,
    room_id,
)
from calendars import get_zone  # noqa: E402
from tests.builders import make_token, make_user  # noqa: E402
from tests.conftest import fresh_postgres_database  # noqa: E402

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SMALL_BRANCHES = 1
LARGE_BRANCHES = 100
YEARS = 10
ROUNDS = 21
TARGET = 1.5
BASE_URL = "http://agora.bench"
SEQUENTIAL = re.compile(r"Seq Scan on (occurrence_claim|occurrence)\b")


@dataclass
class World:
    """A built, migrated database and what the measurements need of it."""

    url: str
    consortium: Consortium
    app: Flask
    token: str
    branch: int

    @property
    def hall(self) -> int:
        """The measured branch's hall (it shares its cells with its two halves)."""
        return room_id(self.branch, HALL)

    def plain_room(self, n: int) -> int:
        """The measured branch's n-th plain room."""
        return room_id(self.branch, n % HALL)


def open_world(url: str, consortium: Consortium, instance: Path) -> World:
    """The app on ``url`` (migrated to head), with a staff token; the middle branch."""
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(instance),
                      "SECRET_KEY": "bench-secret-0123456789abcdef", "TESTING": True,
                      "RATELIMIT_ENABLED": False, "BASE_URL": BASE_URL,
                      "OUTBOX_DELIVERY": "off", "DEFAULT_LANGUAGE": "en"})
    with app.app_context():
        upgrade()
        token = make_token(make_user("staff", email=f"bench-{uuid.uuid4().hex}@example.org"))
        db.session.remove()
    return World(url, consortium, app, token, consortium.branches // 2 + 1)


def build_world(server: str, consortium: Consortium, instance: Path,
                label: str, jobs: int = JOBS) -> tuple[World, Callable[[], None]]:
    """A fresh database on ``server`` filled with ``consortium``; prints the build times."""
    url, drop = fresh_postgres_database(server, "agora_consortium")
    print(f"{label}: {consortium.branches} branches x 50 rooms x {consortium.years} years "
          f"= {consortium.occurrences:,} occurrences", flush=True)
    started = time.perf_counter()
    world = open_world(url, consortium, instance)
    engine = create_engine(url)
    report = build(engine, consortium, log=lambda line: print(line, flush=True), jobs=jobs,
                   wal_headroom=True)
    print(f"  built in {report.total:.0f} s (migrations included: "
          f"{time.perf_counter() - started:.0f} s)", flush=True)
    consistency = check_consistency(engine)
    engine.dispose()
    broken = {name: count for name, count in consistency.items() if count}
    print(f"  consistency: {broken or 'all zero'}", flush=True)
    if broken:
        raise SystemExit(f"the built data is inconsistent: {broken}")
    return world, drop


# ------------------------------------------------------------------ the four paths


class Paths:
    """The four measured requests on one world; each returns nothing and checks its answer."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.client = world.app.test_client()
        self.headers = {"Authorization": f"Bearer {world.token}"}
        zone = get_zone(ZONE)
        today = utcnow().astimezone(zone).date()
        monday = today + timedelta(days=14 - today.weekday())
        self.week_start = datetime(monday.year, monday.month, monday.day, tzinfo=zone)
        self.friday = monday - timedelta(days=3)  # free in the data: rooms are taken Mon-Thu
        # A kept database measured again already holds earlier runs' creates: go on after them.
        with world.app.app_context():
            self.created = db.session.scalar(
                select(func.count()).select_from(Booking)
                .where(Booking.title.like("Bench %"))) or 0
            db.session.remove()

    def availability(self) -> None:
        """A branch's week of availability."""
        start = self.week_start.isoformat()
        end = (self.week_start + timedelta(days=7)).isoformat()
        answer = self.client.get(f"/api/v1/branches/{self.world.branch}/availability",
                                 query_string={"start": start, "end": end})
        assert answer.status_code == 200, answer.get_data(as_text=True)
        assert len(answer.get_json()["items"]) == 50

    def feed_version(self) -> None:
        """A room feed's version, as a conditional request reads it."""
        with self.world.app.app_context():
            version = feeds.feed_version("room", self.world.plain_room(0), utcnow(), BASE_URL)
            assert version is not None
            db.session.remove()

    def freebusy(self) -> None:
        """A room's free/busy feed, built (the remembered version forgotten first)."""
        versions.forget_all()
        answer = self.client.get(f"/calendars/rooms/{self.world.hall}/freebusy.ics")
        assert answer.status_code == 200, answer.status_code
        assert b"FREEBUSY" in answer.data

    def create(self) -> None:
        """A booking in a free Friday slot, a different room and hour each time."""
        n = self.created
        self.created += 1
        day = self.friday + timedelta(weeks=1 + n // (HALL * 4))
        hour = 9 + 3 * (n // HALL % 4)
        zone = get_zone(ZONE)
        start = datetime(day.year, day.month, day.day, hour, tzinfo=zone)
        answer = self.client.post("/api/v1/bookings", headers=self.headers, json={
            "room_id": self.world.plain_room(n), "title": f"Bench {n}", "attendees": 5,
            "start": start.isoformat(), "end": (start + timedelta(hours=2)).isoformat()})
        assert answer.status_code == 201, answer.get_data(as_text=True)

    def all(self) -> dict[str, Callable[[], None]]:
        """The paths by the name the report gives them."""
        return {"branch week of availability": self.availability,
                "room feed version query": self.feed_version,
                "free/busy feed": self.freebusy,
                "booking create": self.create}


def measure(worlds: dict[str, World], rounds: int) -> dict[str, dict[str, float]]:
    """Per world, the median seconds of each path over ``rounds`` rounds, after a warm-up.

    The worlds take turns within each round, so a neighbour's load on this shared
    machine, or its end, weighs on both sides of a ratio alike.
    """
    paths = {label: Paths(world).all() for label, world in worlds.items()}
    for actions in paths.values():
        for action in actions.values():
            action()
    times: dict[str, dict[str, list[float]]] = {
        label: {name: [] for name in actions} for label, actions in paths.items()}
    for _ in range(rounds):
        for label, actions in paths.items():
            for name, action in actions.items():
                started = time.perf_counter()
                action()
                times[label][name].append(time.perf_counter() - started)
    return {label: {name: statistics.median(values) for name, values in by_path.items()}
            for label, by_path in times.items()}


# ------------------------------------------------------------------ query plans


def statements_of(world: World) -> dict[str, list[tuple[str, Any]]]:
    """Per path, the SQL statements it sends (first parameters of each distinct text)."""
    paths = Paths(world)
    paths.created += 1000  # weeks away from the measured creates
    found: dict[str, list[tuple[str, Any]]] = {}
    with world.app.app_context():
        engine = db.engine
    for name, action in paths.all().items():
        caught: dict[str, Any] = {}

        def catch(_conn, _cursor, statement, parameters, _context, executemany,
                  caught=caught) -> None:
            if not executemany and statement.lstrip().split(" ", 1)[0].upper() in (
                    "SELECT", "INSERT", "UPDATE", "DELETE", "WITH"):
                caught.setdefault(statement, parameters)

        event.listen(engine, "before_cursor_execute", catch)
        try:
            action()
        finally:
            event.remove(engine, "before_cursor_execute", catch)
        found[name] = list(caught.items())
    return found


def explain(world: World, statements: dict[str, list[tuple[str, Any]]]) -> list[str]:
    """Print EXPLAIN (ANALYZE, BUFFERS) of each statement (writes rolled back); returns the
    sequential scans of occurrences or claims found."""
    flagged = []
    engine = create_engine(world.url)
    with engine.connect() as connection:
        everything = connection.begin()
        for path, caught in statements.items():
            print(f"\n=== {path}: {len(caught)} statements")
            for statement, parameters in caught:
                _make_room_for(connection, statement, parameters)
                print("\n--- " + " ".join(statement.split())[:400])
                plan = _plan(connection, statement, parameters)
                for line in plan:
                    print("    " + line)
                flagged += [f"{path}: {line.strip()}" for line in plan if SEQUENTIAL.search(line)]
        everything.rollback()
    engine.dispose()
    return flagged


def _make_room_for(connection, statement: str, parameters: Any) -> None:
    """Before a booking's insert is replayed, move the booking the path itself wrote out
    of its way (inside the rolled-back transaction): another uid, its occurrences and
    claims a thousand years back. The replayed booking, occurrence and claim inserts then
    run for real, the claim's exclusion check included, instead of clashing with it."""
    if not statement.lstrip().startswith("INSERT INTO booking ") or "uid" not in parameters:
        return
    moved = connection.exec_driver_sql(
        "UPDATE booking SET uid = uid || '-replayed' WHERE uid = %(uid)s RETURNING id",
        {"uid": parameters["uid"]}).scalar()
    if moved is None:
        return
    connection.exec_driver_sql(
        "UPDATE occurrence SET original_start = original_start - interval '1000 years' "
        "WHERE booking_id = %(id)s", {"id": moved})
    connection.exec_driver_sql(
        "UPDATE occurrence_claim SET block_start = block_start - interval '1000 years', "
        "block_end = block_end - interval '1000 years' WHERE occurrence_id IN "
        "(SELECT id FROM occurrence WHERE booking_id = %(id)s)", {"id": moved})


def _plan(connection, statement: str, parameters: Any) -> list[str]:
    """The statement's plan, executed inside a savepoint that is rolled back."""
    savepoint = connection.begin_nested()
    try:
        rows = connection.exec_driver_sql(
            "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).scalars().all()
    except Exception as error:  # a replayed write may clash with what it wrote
        savepoint.rollback()
        savepoint = connection.begin_nested()
        plain = connection.exec_driver_sql("EXPLAIN " + statement, parameters).scalars().all()
        rows = [f"(not analysed: {type(error).__name__})", *plain]
    savepoint.rollback()
    return rows


# ------------------------------------------------------------------ main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--branches", type=int, default=LARGE_BRANCHES)
    parser.add_argument("--years", type=int, default=YEARS)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--jobs", type=int, default=JOBS,
                        help="connections building a data set side by side")
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument("--reuse-small", help="URL of a kept small database")
    parser.add_argument("--reuse-large", help="URL of a kept large database")
    arguments = parser.parse_args()
    server = os.environ.get("AGORA_BENCH_DATABASE_URL", DEFAULT_SERVER)
    today = utcnow().astimezone(get_zone(ZONE)).date()
    small = Consortium.around(today, SMALL_BRANCHES, arguments.years)
    large = Consortium.around(today, arguments.branches, arguments.years)
    with tempfile.TemporaryDirectory() as folder:
        worlds, drops = {}, []
        try:
            for label, consortium, reuse in (("small", small, arguments.reuse_small),
                                             ("large", large, arguments.reuse_large)):
                instance = Path(folder) / label
                if reuse:
                    print(f"{label}: reusing {reuse.split('@')[-1]}", flush=True)
                    worlds[label] = open_world(reuse, consortium, instance)
                else:
                    worlds[label], drop = build_world(server, consortium, instance, label,
                                                      arguments.jobs)
                    drops.append(drop)
                    if arguments.keep:
                        print(f"  kept: {worlds[label].url}", flush=True)
            # Measured in turns, once both are built, so both meet the same machine.
            figures = measure(worlds, arguments.rounds)
            flagged = explain(worlds["large"], statements_of(worlds["large"]))
        finally:
            if not arguments.keep:
                for drop in drops:
                    drop()
    print(f"\nmedian of {arguments.rounds} warm rounds; small = {small.occurrences:,} "
          f"occurrences, large = {large.occurrences:,}")
    print(f"{'path':32} {'small ms':>10} {'large ms':>10} {'ratio':>7}  target <= {TARGET}")
    for name in figures["small"]:
        before, after = figures["small"][name], figures["large"][name]
        verdict = "ok" if after / before <= TARGET else "OVER"
        print(f"{name:32} {before * 1000:10.2f} {after * 1000:10.2f} {after / before:7.2f}  "
              f"{verdict}")
    print("\nsequential scans of occurrence or occurrence_claim at the large size: "
          + ("none" if not flagged else ""))
    for line in flagged:
        print("  " + line)


if __name__ == "__main__":
    main()
