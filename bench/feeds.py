"""Feed benchmarks on a SQLite file holding a room with 1,000 bookings.

1. Building the room's feed in the app (query, mapping and serialisation) against
   icalendar's bare Calendar.to_ical() of the same 1,000 events (target <= 1.5x).
2. Requests per second of a 304 answer to If-None-Match against GET /api/v1/ping,
   both served by a real gunicorn with 2 workers that this script starts and stops
   (target >= 0.8x).

Run from the repository root: python bench/feeds.py
"""

from __future__ import annotations

import http.client
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from feeds_core import best_of, naive_calendar  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Booking, Occurrence  # noqa: E402
from app.services import branches, feeds, rooms  # noqa: E402
from app.services.booking_times import plan_series  # noqa: E402
from calendars import get_zone  # noqa: E402
from tests.e2e.servers import gunicorn  # noqa: E402

COUNT = 1000

WORKERS = 2
THREADS = 8
SECONDS = 3.0
ZONE = "Europe/Copenhagen"
BASE_URL = "https://rooms.library.example"
ALL_WEEK = {day: [["00:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
SECRET = "bench-secret-0123456789abcdef-0123456789"


def seed(app) -> int:
    """A branch, a room and 1,000 bookings over the coming year (every tenth a weekly series)."""
    with app.app_context():
        db.create_all()
        branch = branches.create_branch({"name": "Main Library", "timezone": ZONE,
                                         "opening_hours": ALL_WEEK})
        room = rooms.create_room(branch, {
            "name": "Hall A", "floor": "Ground floor",
            "outline": {"type": "Polygon",
                        "coordinates": [[[0, 0], [10, 0], [10, 8], [0, 8], [0, 0]]]},
            "doors": [{"geometry": {"type": "LineString", "coordinates": [[0, 1], [0, 2.2]]},
                       "width": 1.2}],
            "obstacles": [], "amenities": [], "max_attendees": 40,
            "rules": {"slot_minutes": 15, "min_minutes": 15, "max_minutes": 1440,
                      "buffer_minutes": 0, "lead_hours": 0, "horizon_days": 730},
        })
        tz = get_zone(ZONE)
        now = datetime.now(UTC)
        first = datetime.combine(now.astimezone(tz).date() + timedelta(days=1),
                                 datetime.min.time(), tz).replace(hour=8)
        for n in range(COUNT):
            start = first + timedelta(hours=(n * 7) % 8000)
            end = start + timedelta(hours=2)
            rule = "FREQ=WEEKLY;COUNT=10" if n % 10 == 0 else None
            booking = Booking(
                uid=str(uuid.uuid4()), room=room, title=f"Booking {n}: Chess club; øæå",
                description="Open to all members.\nBring a board.", attendees=10,
                public=n % 3 != 0, status="confirmed", start=start, end=end, rrule=rule,
                exdates=[], sequence=n % 3, created_at=now, updated_at=now,
            )
            for planned in plan_series(start, end, tz, rule, []):
                booking.occurrences.append(Occurrence(
                    room_id=room.id, start=planned.start, end=planned.end,
                    block_start=planned.start, block_end=planned.end,
                    original_start=planned.original_start, status="confirmed",
                ))
            db.session.add(booking)
        db.session.commit()
        return room.id


def build_timings(app, room_id: int) -> None:
    with app.app_context():
        now = datetime.now(UTC)
        spec = feeds.room_feed(room_id, BASE_URL)
        body = feeds.render_feed(spec, now, BASE_URL)
        bookings, _ = feeds._bookings_of(spec, feeds.Window.at(now))
        events = [feeds.feed_event(b, BASE_URL, full=False) for b in bookings]
        calendar = naive_calendar(events, get_zone(ZONE))

        def ours() -> None:
            db.session.expire_all()
            feeds.render_feed(spec, now, BASE_URL)

        ours_time = best_of(ours)
        bare_time = best_of(calendar.to_ical)
        version_time = best_of(lambda: feeds.feed_version("room", room_id, now, BASE_URL))
    print(f"feed of {len(events)} events: {len(body) / 1024:.0f} KiB")
    print(f"app feed build (query + map + serialise): {ours_time * 1000:8.1f} ms")
    print(f"icalendar Calendar.to_ical only:          {bare_time * 1000:8.1f} ms")
    print(f"ratio app build / to_ical (target <= 1.5):{ours_time / bare_time:8.2f}x")
    print(f"feed version (ETag) query:                {version_time * 1000:8.2f} ms")


def fetch(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status, dict(response.getheaders())
    finally:
        connection.close()


def requests_per_second(port: int, path: str, headers: dict[str, str], expect: int) -> float:
    """Requests answered per second by THREADS clients in a loop for SECONDS."""
    done = [0] * THREADS
    stop = time.monotonic() + SECONDS

    def client(index: int) -> None:
        while time.monotonic() < stop:
            status, _ = fetch(port, path, headers)
            if status != expect:
                raise RuntimeError(f"{path} answered {status}, not {expect}")
            done[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(THREADS)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.monotonic() - began)


def http_timings(database_url: str, instance: str, room_id: int) -> None:
    with gunicorn(database_url, Path(instance), workers=WORKERS, BASE_URL=BASE_URL) as base:
        port = int(base.rsplit(":", 1)[1])
        path = f"/calendars/rooms/{room_id}.ics"
        status, headers = fetch(port, path)
        assert status == 200, status
        conditional = {"If-None-Match": headers["ETag"]}
        requests_per_second(port, "/api/v1/ping", {}, 200)  # warm both workers up
        requests_per_second(port, path, conditional, 304)
        ping = requests_per_second(port, "/api/v1/ping", {}, 200)
        not_modified = requests_per_second(port, path, conditional, 304)
        full = requests_per_second(port, path, {}, 200)
    print(f"gunicorn -w {WORKERS}, {THREADS} client threads, {SECONDS:.0f} s each:")
    print(f"GET /api/v1/ping:                         {ping:8.0f} req/s")
    print(f"feed 304 (If-None-Match):                 {not_modified:8.0f} req/s")
    print(f"feed 200 (full 1,000-event feed):         {full:8.0f} req/s")
    print(f"ratio 304 / ping (target >= 0.8):         {not_modified / ping:8.2f}x")


def main() -> None:
    """Seed a SQLite file, time the build, then time the HTTP answers."""
    with tempfile.TemporaryDirectory() as folder:
        database_url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        app = create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": folder,
                          "SECRET_KEY": SECRET, "BASE_URL": BASE_URL, "TESTING": True})
        room_id = seed(app)
        build_timings(app, room_id)
        with app.app_context():
            for engine in db.engines.values():
                engine.dispose()
        http_timings(database_url, folder, room_id)


if __name__ == "__main__":
    main()
