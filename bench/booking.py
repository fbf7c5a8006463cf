"""Booking engine benchmark: creates per second and availability, each against a baseline
measured in the same run.

1. Requests per second of booking creates (no conflicts) against a real gunicorn with
   2 workers, versus a bare JSON endpoint of the same app (GET /api/v1/ping, with the same
   bearer token), in alternating rounds; the ratio is the median of the rounds' ratios.
   A create round ends when its e-mails are delivered too (the workers' couriers send
   them in the background), so that work never lands on the next ping round.
   Target: creates >= 25 % of the bare endpoint.
2. Availability of 50 rooms for one week with 200,000 stored occurrences, versus the
   raw indexed SQL overlap query (the engine's own SQL text, run on the bare driver
   cursor: the room's cells, the rooms on them, their occurrences) for the same rooms
   and week. Target: <= 3x.

Run from the repository root: ``python bench/booking.py`` (SQLite file in a temporary
folder; set AGORA_BENCH_DATABASE_URL to a PostgreSQL server to measure that instead: the
bench creates a database of its own there and drops it afterwards).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from sqlalchemy import Engine, create_engine, insert, text  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Booking, Occurrence, Room  # noqa: E402
from app.services import availability, conflicts  # noqa: E402
from calendars import Interval  # noqa: E402
from tests.builders import make_branch, make_room, make_token, make_user, rect  # noqa: E402
from tests.conftest import fresh_postgres_database  # noqa: E402
from tests.e2e.servers import gunicorn  # noqa: E402

ROOMS = 50
OCCURRENCES = 200_000
CLIENT_THREADS = 4
REQUESTS = 400
PINGS = 1000
CREATE_ROUNDS = 7
AVAILABILITY_ROUNDS = 21


def build(url: str, instance: Path) -> dict:
    """50 rooms side by side, 200,000 occurrences spread over two years, a staff token."""
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(instance),
                      "SECRET_KEY": "bench-secret-0123456789abcdef"})
    with app.app_context():
        db.create_all()
        branch = make_branch()
        rooms = [make_room(branch, rect(10 * i, 0, 10 * i + 8, 6), name=f"Room {i}",
                           max_attendees=50) for i in range(ROOMS)]
        staff = make_user("staff")
        token = make_token(staff)
        today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        first = today - timedelta(days=300)
        per_room = OCCURRENCES // ROOMS
        for room in rooms:
            _fill(room, staff.id, first, per_room)
        db.session.commit()
        ids = [r.id for r in rooms]
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    return {"app": app, "rooms": ids, "token": token, "first": first}


def _fill(room: Room, user_id: int, first: datetime, count: int) -> None:
    booking = Booking(uid=str(uuid.uuid4()), room_id=room.id, title="Stored", attendees=5,
                      booked_by_id=user_id, start=first, end=first + timedelta(hours=1))
    db.session.add(booking)
    db.session.flush()
    rows = []
    for n in range(count):
        start = first + timedelta(hours=3 * (n % 4), days=n // 4)  # 00, 03, 06, 09 UTC
        end = start + timedelta(hours=2)
        rows.append({"booking_id": booking.id, "room_id": room.id, "start": start, "end": end,
                     "block_start": start, "block_end": end, "status": "confirmed",
                     "original_start": start, "modified": False, "updated_at": start})
    db.session.execute(insert(Occurrence.__table__), rows)


def rate(url_for_index, method: str, body_for_index, headers: dict, total: int,
         settle=lambda: None) -> float:
    """Requests per second with CLIENT_THREADS threads sending ``total`` requests.

    The clock stops once ``settle()`` returns after the last answer: work the requests
    left behind (their e-mails) counts against them, not against the next round.
    """
    counter = iter(range(total))
    lock = threading.Lock()
    failures = []

    def worker() -> None:
        session = requests.Session()
        session.headers.update(headers)
        while True:
            with lock:
                index = next(counter, None)
            if index is None:
                return
            response = session.request(method, url_for_index(index),
                                       json=body_for_index(index), timeout=30)
            if response.status_code >= 300:
                failures.append(response.status_code)

    threads = [threading.Thread(target=worker) for _ in range(CLIENT_THREADS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    settle()
    elapsed = time.perf_counter() - started
    if failures:
        raise SystemExit(f"{len(failures)} requests failed, e.g. {failures[:5]}")
    return total / elapsed


def bench_creates(url: str, instance: Path, world: dict) -> tuple[float, float, float]:
    """Median bare and create rates, and the median of the rounds' ratios.

    Rounds alternate a burst of pings and a burst of creates, so that a neighbour's load
    on this shared machine hits both sides of each ratio alike.
    """
    rooms, token = world["rooms"], world["token"]
    start0 = world["first"] + timedelta(days=340, hours=14)  # after the availability week

    def booking(index: int) -> dict:
        start = start0 + timedelta(days=index // len(rooms))
        return {"room_id": rooms[index % len(rooms)], "title": f"Bench {index}", "attendees": 5,
                "start": start.isoformat(), "end": (start + timedelta(hours=2)).isoformat()}

    headers = {"Authorization": f"Bearer {token}"}
    outbox = create_engine(url)
    bares, creates = [], []
    with gunicorn(url, instance, workers=2, OUTBOX_DELIVERY="courier") as base:
        rate(lambda i: f"{base}/api/v1/ping", "GET", lambda i: None, headers, 100)
        for round_ in range(CREATE_ROUNDS):
            bares.append(rate(lambda i: f"{base}/api/v1/ping", "GET", lambda i: None,
                              headers, PINGS))
            creates.append(rate(lambda i: f"{base}/api/v1/bookings", "POST",
                                lambda i, first=round_ * REQUESTS: booking(first + i),
                                headers, REQUESTS, settle=lambda: _until_delivered(outbox)))
    outbox.dispose()
    ratios = [c / b for c, b in zip(creates, bares, strict=True)]
    return statistics.median(bares), statistics.median(creates), statistics.median(ratios)


def _until_delivered(engine: Engine, seconds: float = 60.0) -> None:
    """Wait until the workers' couriers have sent every booking e-mail."""
    deadline = time.monotonic() + seconds
    with engine.connect() as connection:
        while time.monotonic() < deadline:
            unsent = connection.execute(text(
                "SELECT count(*) FROM outbox_message WHERE sent_at IS NULL")).scalar_one()
            connection.rollback()
            if not unsent:
                return
            time.sleep(0.01)
    raise SystemExit(f"{unsent} e-mails still unsent after {seconds:.0f} s")


def bench_availability(world: dict) -> tuple[float, float]:
    app = world["app"]
    week = Interval(world["first"] + timedelta(days=320), world["first"] + timedelta(days=327))
    with app.app_context():
        rooms = [db.session.get(Room, i) for i in world["rooms"]]
        dialect = db.engine.dialect.name
        raw_sql = raw_statement(dialect, len(rooms))

        def raw_parameters(room_ids: list[int]) -> dict:
            values = {"window_start": week.start, "window_end": week.end,
                      "window_floor": week.start - timedelta(days=15)}
            values |= {f"room_{n}": room_id for n, room_id in enumerate(room_ids)}
            if dialect == "sqlite":
                values = {k: v.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
                          if isinstance(v, datetime) else v for k, v in values.items()}
            return values

        connection = db.session.connection().connection.driver_connection

        def raw_query() -> None:
            cursor = connection.cursor()
            cursor.execute(raw_sql, raw_parameters([room.id for room in rooms]))
            cursor.fetchall()
            cursor.close()

        def service() -> None:
            availability.rooms_availability(rooms, week)

        service()
        raw_query()
        raw_times, service_times = [], []
        for _ in range(AVAILABILITY_ROUNDS):  # alternating, so a noisy moment hits both
            raw_times.append(_timed(raw_query))
            service_times.append(_timed(service))
        raw_time, service_time = min(raw_times), min(service_times)
        found = sum(len(a.busy) for a in availability.rooms_availability(rooms, week).values())
        cursor = connection.cursor()
        cursor.execute(raw_sql, raw_parameters([room.id for room in rooms]))
        print(f"raw query rows: {len(cursor.fetchall())}")
        cursor.close()
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    return raw_time, service_time, found


def raw_statement(dialect: str, rooms: int) -> str:
    """The engine's overlap query as plain driver SQL (the same text, the driver's style)."""
    style = "%({})s" if dialect == "postgresql" else ":{}"
    listed = ", ".join(style.format(f"room_{n}") for n in range(rooms))
    sql = conflicts.BUSY_AROUND_ROOMS_SQL.replace(":room_ids", f"({listed})")
    for name in ("window_start", "window_end", "window_floor"):
        sql = sql.replace(f":{name}", style.format(name))
    return sql


def _timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    server = os.environ.get("AGORA_BENCH_DATABASE_URL")
    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder)
        if server:
            url, drop = fresh_postgres_database(server, "agora_bench")
        else:
            url, drop = f"sqlite:///{instance / 'bench.sqlite3'}", lambda: None
        try:
            run(url, instance)
        finally:
            drop()


def run(url: str, instance: Path) -> None:
    """Build the world on ``url``, then measure and print."""
    print(f"database: {url.split('@')[-1]}")
    started = time.perf_counter()
    world = build(url, instance)
    print(f"setup: {ROOMS} rooms, {OCCURRENCES:,} occurrences in "
          f"{time.perf_counter() - started:.1f} s")
    bare, creates, ratio = bench_creates(url, instance, world)
    rounds = f"(median of {CREATE_ROUNDS} rounds)"
    print(f"bare JSON endpoint:        {bare:8.1f} requests/s {rounds}")
    print(f"booking create (no clash): {creates:8.1f} requests/s {rounds}")
    print(f"ratio create / bare:       {ratio:8.1%}   (median of the rounds; target >= 25 %)")
    raw, service, found = bench_availability(world)
    print(f"raw indexed SQL, 50 rooms x 1 week:   {raw * 1000:8.2f} ms")
    print(f"availability of the 50 rooms, 1 week:  {service * 1000:8.2f} ms "
          f"({found} busy intervals)")
    print(f"ratio availability / raw:             {service / raw:8.2f}x  (target <= 3x)")


if __name__ == "__main__":
    main()
