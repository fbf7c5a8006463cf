"""Booking engine benchmark: creates per second and availability, each against a baseline
measured in the same run.

1. Requests per second of booking creates (no conflicts) against a real gunicorn with
   2 workers, versus a bare JSON endpoint of the same app (GET /api/v1/ping, with the same
   bearer token), in alternating rounds; the ratio is the median of the rounds' ratios.
   The load comes from wrk (C, 2 threads, 8 connections; ``bench/wrk/*.lua`` give each
   create its own room and slot and count every answer: anything but a 201 stops the
   bench). A create round ends when its e-mails are delivered too (the workers'
   couriers send them in the background), so that work never lands on the next ping
   round. Evidence that the client is not the limit: wrk's CPU time against the
   server's, and wrk's rate on a WSGI app that does nothing, on the same gunicorn.
   On SQLite, where the time of a create goes: per write transaction, the time it
   waited for the writer slot and the time it held it (``bench/write_lock_trace.py``).
   ``--gunicorn`` passes settings to gunicorn (``--threads 1``, ``--worker-class sync``)
   to compare worker kinds. Target: creates >= 25 % of the bare endpoint.
2. Availability of 50 rooms for one week with 200,000 stored occurrences, versus the
   raw indexed SQL overlap query (the engine's own SQL text, run on the bare driver
   cursor: the room's cells, the rooms on them, their occurrences) for the same rooms
   and week. Target: <= 3x.

Run from the repository root: ``python bench/booking.py`` (SQLite file in a temporary
folder; set AGORA_BENCH_DATABASE_URL to a PostgreSQL server to measure that instead: the
bench creates a database of its own there and drops it afterwards; ``--both`` measures
SQLite and then that server; ``--creates-only`` skips part 2). Needs ``wrk``
(``apt-get install wrk``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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
WRK = "/usr/bin/wrk"
WRK_SCRIPTS = ROOT / "bench" / "wrk"
WRK_THREADS = 2
WRK_CONNECTIONS = 8
ROUND_SECONDS = 3
round_seconds = ROUND_SECONDS  # --seconds
gunicorn_arguments = ""  # --gunicorn
CREATE_ROUNDS = 7
AVAILABILITY_ROUNDS = 21


def build(url: str, instance: Path, occurrences: int = OCCURRENCES) -> dict:
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
        per_room = occurrences // ROOMS
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


@dataclass(frozen=True)
class Round:
    """One wrk run: its good answers per second, and the CPU time of client and server."""

    rate: float
    answers: int
    seconds: float
    client_cpu: float
    server_cpu: float
    settle_seconds: float = 0.0


def wrk(base: str, script: str, headers: dict, arguments: Sequence[str] = (),
        settle: Callable[[], None] = lambda: None) -> tuple[Round, dict]:
    """Run wrk (WRK_THREADS threads, WRK_CONNECTIONS connections, ``round_seconds``) on ``base``.

    The script counts the answers in its ``response`` callback; any answer other than the
    one expected (201 for creates, 200 for pings) or any socket error stops the bench.
    The clock runs until ``settle()`` returns: work the requests left behind (their
    e-mails) counts against them, not against the next round. CPU seconds are wrk's own
    (from the kernel, when it exits) and the gunicorn processes' (from /proc).
    """
    command = [WRK, "-t", str(WRK_THREADS), "-c", str(WRK_CONNECTIONS),
               "-d", f"{round_seconds}s", "--timeout", "30s", "-s", str(WRK_SCRIPTS / script),
               *(f"-H{name}: {value}" for name, value in headers.items()),
               base, "--", *arguments, str(WRK_THREADS)]
    server_before = _server_cpu(base)
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = process.stdout.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wrk_seconds = time.perf_counter() - started
    settle()
    elapsed = time.perf_counter() - started
    server_cpu = _server_cpu(base) - server_before
    if process.returncode != 0:
        raise SystemExit(f"wrk failed ({process.returncode}):\n{output}")
    counted = json.loads(output.strip().splitlines()[-1])
    if counted["other"] or counted["socket_errors"]:
        raise SystemExit(
            f"{script}: {counted['other']} unexpected answers (first: HTTP "
            f"{counted['first_other_status']} {counted['first_other_body']!r}) and "
            f"{counted['socket_errors']} socket errors\n{output}")
    if not counted["ok"]:
        raise SystemExit(f"{script}: no answer within the round; is the machine that busy?"
                         f" (try --seconds 10)\n{output}")
    seconds = counted["duration_us"] / 1e6 + (elapsed - wrk_seconds)
    return Round(counted["ok"] / seconds, counted["ok"], seconds,
                 usage.ru_utime + usage.ru_stime, server_cpu, elapsed - wrk_seconds), counted


def _server_cpu(base: str) -> float:
    """CPU seconds (user + system) used so far by the gunicorn serving ``base``, all workers.

    Its processes are those holding the listening socket (gunicorn renames them, so their
    command lines do not tell).
    """
    ticks = 0
    for pid in _listening_processes(urlsplit(base).port):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while we looked
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _listening_processes(port: int) -> list[str]:
    """The ids of the processes holding the socket that listens on 127.0.0.1:``port``."""
    wanted = f"0100007F:{port:04X}"
    inodes = {f"socket:[{fields[9]}]" for fields in
              (line.split() for line in Path("/proc/net/tcp").read_text().splitlines()[1:])
              if fields[1] == wanted and fields[3] == "0A"}  # 0A: LISTEN
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if any(os.readlink(fd) in inodes for fd in (entry / "fd").iterdir()):
                found.append(entry.name)
        except OSError:
            continue
    return found


def bench_creates(url: str, instance: Path, world: dict) -> dict[str, Any]:
    """Bare and create rounds, alternating, against gunicorn with 2 workers; medians.

    Rounds alternate a burst of pings and a burst of creates, so that a neighbour's load
    on this shared machine hits both sides of each ratio alike. The medians are of the
    rounds' rates and of each round pair's ratio.
    """
    headers = {"Authorization": f"Bearer {world['token']}"}
    first_day = world["first"] + timedelta(days=340)  # after the availability week
    rooms = ",".join(str(room) for room in world["rooms"])
    outbox = create_engine(url)
    trace = Path(tempfile.mkdtemp(prefix="agora-lock-trace-"))
    os.environ["AGORA_BENCH_LOCK_TRACE"] = str(trace)
    os.environ["GUNICORN_CMD_ARGS"] = f"-c python:bench.write_lock_trace {gunicorn_arguments}"
    bares: list[Round] = []
    creates: list[Round] = []
    offset = 0
    with gunicorn(url, instance, workers=2, OUTBOX_DELIVERY="courier",
                  API_CHECK_RESPONSES="false") as base:
        wrk(f"{base}/api/v1/ping", "ping.lua", headers)  # warm up both workers
        for _round in range(CREATE_ROUNDS):
            bares.append(wrk(f"{base}/api/v1/ping", "ping.lua", headers)[0])
            created, counted = wrk(f"{base}/api/v1/bookings", "create.lua", headers,
                                   [str(offset), str(int(first_day.timestamp())), rooms],
                                   settle=lambda: _until_delivered(outbox))
            creates.append(created)
            offset = counted["next_offset"]
    outbox.dispose()
    _check_every_create_stored(url, sum(c.answers for c in creates))
    ratios = [c.rate / b.rate for c, b in zip(creates, bares, strict=True)]
    return {"bare": bares, "create": creates, "ratio": statistics.median(ratios),
            "write_lock": _read_lock_trace(trace)}


def _read_lock_trace(folder: Path) -> list[tuple[float, float]]:
    """(waited, held) seconds of every write transaction the workers traced, then cleaned up."""
    found = [tuple(float(v) for v in line.split())
             for path in folder.iterdir() for line in path.read_text().splitlines()]
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    return found


def _check_every_create_stored(url: str, created: int) -> None:
    """Each 201 counted by wrk is a booking in the database (besides the stored ones)."""
    engine = create_engine(url)
    with engine.connect() as connection:
        stored = connection.execute(text(
            "SELECT count(*) FROM booking WHERE title LIKE 'Bench %'")).scalar_one()
    engine.dispose()
    if stored < created:
        raise SystemExit(f"wrk counted {created} bookings created, the database holds {stored}")


def bench_trivial(instance: Path) -> Round:
    """wrk against a WSGI app that does nothing, on the same gunicorn: the client's reach."""
    with gunicorn("sqlite://", instance, workers=2, entry="bench.trivial_wsgi:app") as base:
        wrk(f"{base}/", "ping.lua", {})
        rounds = sorted((wrk(f"{base}/", "ping.lua", {})[0] for _ in range(3)),
                        key=lambda r: r.rate)
        return rounds[1]


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
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--both", action="store_true",
                        help="SQLite, then the PostgreSQL server of AGORA_BENCH_DATABASE_URL")
    parser.add_argument("--creates-only", action="store_true", help="skip part 2")
    parser.add_argument("--seconds", type=int, default=ROUND_SECONDS,
                        help="length of each wrk round (longer on a busy machine)")
    parser.add_argument("--occurrences", type=int, default=OCCURRENCES,
                        help="stored occurrences (fewer: a quicker, less realistic set-up)")
    parser.add_argument("--gunicorn", default="",
                        help="more gunicorn settings, e.g. '--threads 1' or '--worker-class sync'")
    options = parser.parse_args()
    global round_seconds, gunicorn_arguments
    round_seconds = options.seconds
    gunicorn_arguments = options.gunicorn
    server = os.environ.get("AGORA_BENCH_DATABASE_URL")
    if options.both and not server:
        raise SystemExit("--both needs AGORA_BENCH_DATABASE_URL (a PostgreSQL server)")
    servers = [None, server] if options.both else [server]
    with tempfile.TemporaryDirectory() as folder:
        trivial = bench_trivial(Path(folder))
    for server in servers:
        with tempfile.TemporaryDirectory() as folder:
            instance = Path(folder)
            if server:
                url, drop = fresh_postgres_database(server, "agora_bench")
            else:
                url, drop = f"sqlite:///{instance / 'bench.sqlite3'}", lambda: None
            try:
                run(url, instance, trivial, creates_only=options.creates_only,
                    occurrences=options.occurrences)
            finally:
                drop()


def run(url: str, instance: Path, trivial: Round, *, creates_only: bool = False,
        occurrences: int = OCCURRENCES) -> None:
    """Build the world on ``url``, then measure and print."""
    print(f"database: {url.split('@')[-1]}")
    started = time.perf_counter()
    world = build(url, instance, occurrences)
    print(f"setup: {ROOMS} rooms, {occurrences:,} occurrences in "
          f"{time.perf_counter() - started:.1f} s")
    measured = bench_creates(url, instance, world)
    bare = statistics.median(r.rate for r in measured["bare"])
    creates = statistics.median(r.rate for r in measured["create"])
    rounds = f"(median of {CREATE_ROUNDS} rounds of {round_seconds} s)"
    client = f"wrk {WRK_THREADS} threads, {WRK_CONNECTIONS} connections"
    print(f"bare JSON endpoint:        {bare:8.1f} requests/s {rounds}, {client}")
    print(f"booking create (no clash): {creates:8.1f} requests/s {rounds}; "
          f"{sum(r.answers for r in measured['create'])} creates, every answer a 201")
    print(f"ratio create / bare:       {measured['ratio']:8.1%}   "
          f"(median of the rounds; target >= 25 %)")
    settle = statistics.median(r.settle_seconds for r in measured["create"])
    print(f"  (each create round's clock includes sending its e-mails: median {settle:.2f} s "
          f"after wrk's {round_seconds} s)")
    print("is the client the limit? CPU seconds per second of wall clock (2 cores):")
    for name, kind in (("ping", "bare"), ("create", "create")):
        got = measured[kind]
        wall = sum(r.seconds for r in got)
        print(f"  {name:6}  wrk {sum(r.client_cpu for r in got) / wall:5.2f}   "
              f"gunicorn {sum(r.server_cpu for r in got) / wall:5.2f}   "
              f"(wrk CPU per request {_per_request(got, 'client_cpu'):6.1f} µs, "
              f"server {_per_request(got, 'server_cpu'):7.1f} µs)")
    print(f"  wrk on a WSGI app doing nothing (same gunicorn, 2 workers): {trivial.rate:8.1f} "
          f"requests/s = {trivial.rate / bare:.1f}x the bare endpoint")
    _print_write_lock(measured["write_lock"])
    if creates_only:
        return
    raw, service, found = bench_availability(world)
    print(f"raw indexed SQL, 50 rooms x 1 week:   {raw * 1000:8.2f} ms")
    print(f"availability of the 50 rooms, 1 week:  {service * 1000:8.2f} ms "
          f"({found} busy intervals)")
    print(f"ratio availability / raw:             {service / raw:8.2f}x  (target <= 3x)")


def _print_write_lock(traced: list[tuple[float, float]]) -> None:
    """SQLite: how long write transactions (creates and the couriers') waited and held the lock."""
    if not traced:
        return
    waited = sorted(w for w, _ in traced)
    held = sorted(h for _, h in traced)
    mean_held = statistics.fmean(held)
    print(f"SQLite writer slot, {len(traced)} write transactions (creates and couriers): "
          f"waited median {statistics.median(waited) * 1000:.1f} ms "
          f"(p90 {waited[len(waited) * 9 // 10] * 1000:.1f}), held median "
          f"{statistics.median(held) * 1000:.1f} ms (p90 {held[len(held) * 9 // 10] * 1000:.1f}, "
          f"mean {mean_held * 1000:.1f}): one writer at a time allows at most "
          f"{1 / mean_held:.0f} write transactions/s")


def _per_request(rounds: Sequence[Round], field: str) -> float:
    """CPU microseconds per good answer, over ``rounds``."""
    return sum(getattr(r, field) for r in rounds) / sum(r.answers for r in rounds) * 1e6


if __name__ == "__main__":
    main()
