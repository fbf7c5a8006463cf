"""A consortium's data set built inside PostgreSQL: branches, rooms, cells, bookings,
occurrences and claims from ``generate_series``, the way the engine itself writes them.

Each branch has one floor of 50 rooms: 47 rooms side by side, and a hall that splits
into two halves (the hall covers both halves' cells, so it competes with each half).
Every room is booked on Monday to Thursday, two sessions a day in the branch's local
time (the hall at other hours than its halves, so nothing overlaps): seven weekly
series a year (``FREQ=WEEKLY;COUNT=52``, expanded in Europe/Copenhagen so they keep
their wall time across DST) and one single booking a week. About one occurrence in 53
is cancelled (kept, without claims). Per room and year that is 416 occurrences, so a
branch over ten years holds 208,000 and a hundred branches 20.8 million.

The rows are what a booking through the API writes: the booking, its occurrences with
blocks widened by the room's 15 minute buffer, one claim per active occurrence and
cell of its room. Branches are written by several connections side by side. The
exclusion constraint stays on while the claims go in (in its key order), so it proves
as they are written that no two claims overlap; the other secondary indexes are dropped
around the bulk insert and rebuilt after it; foreign key triggers are off while loading
(``session_replication_role``), and :func:`check_consistency` counts orphans afterwards
instead.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, text

ZONE = "Europe/Copenhagen"
ROOMS_PER_BRANCH = 50
PLAIN_ROOMS = 47  # positions 0..46; 47 is the hall, 48 and 49 its halves
HALL, HALF_A, HALF_B = 47, 48, 49
CELLS_PER_BRANCH = 49  # one per plain room, one per half
WEEKS_PER_YEAR = 52
SERIES_SLOTS = 7  # weekly slots per room filled by yearly series; the 8th by single bookings
SLOTS = 8
BUFFER_MINUTES = 15
ASSOCIATIONS_PER_BRANCH = 10
OPENING_HOURS = ('{"fri":[["08:00","21:00"]],"mon":[["08:00","21:00"]],'
                 '"sat":[["10:00","16:00"]],"sun":[],"thu":[["08:00","21:00"]],'
                 '"tue":[["08:00","21:00"]],"wed":[["08:00","21:00"]]}')
# A slot k (0..7) is weekday k // 2 (Monday..Thursday) at one of two local hours.
PLAIN_HOURS = (9, 15)
HALL_HOURS = (12, 18)
SESSION_HOURS = 2

BULK_TABLES = ("booking", "occurrence", "occurrence_claim")
JOBS = 2  # connections writing branches and building indexes side by side (2 cores here)
MAINTENANCE_WORK_MEM = "2GB"  # per connection, for the index builds
BUILD_WAL = ("32GB", "1h")  # max_wal_size and checkpoint_timeout while building


@dataclass(frozen=True)
class Consortium:
    """What to build: how many branches and years, from which Monday."""

    branches: int
    years: int
    first_monday: date

    @property
    def weeks(self) -> int:
        """How many weeks of bookings each room has."""
        return self.years * WEEKS_PER_YEAR

    @property
    def occurrences(self) -> int:
        """How many occurrences the builder writes."""
        return self.branches * ROOMS_PER_BRANCH * self.weeks * SLOTS

    @classmethod
    def around(cls, today: date, branches: int, years: int) -> Consortium:
        """``years`` of bookings, half of them behind ``today`` and half ahead."""
        start = today - timedelta(days=years * WEEKS_PER_YEAR * 7 // 2)
        return cls(branches, years, start - timedelta(days=start.weekday()))


@dataclass
class BuildReport:
    """Seconds per step of the build, and the rows written."""

    steps: dict[str, float] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> float:
        """Seconds for the whole build."""
        return sum(self.steps.values())


def room_id(branch: int, position: int) -> int:
    """The id the builder gives room ``position`` (0..49) of branch ``branch`` (1..)."""
    return (branch - 1) * ROOMS_PER_BRANCH + position + 1


def session_start(consortium: Consortium, position: int, week: int, slot: int) -> datetime:
    """When the builder's occurrence of room ``position`` starts in ``week`` and ``slot``,
    an aware instant (the local wall time in Europe/Copenhagen)."""
    hours = HALL_HOURS if position == HALL else PLAIN_HOURS
    day = consortium.first_monday + timedelta(weeks=week, days=slot // 2)
    local = datetime(day.year, day.month, day.day, hours[slot % 2], tzinfo=ZoneInfo(ZONE))
    return local.astimezone(UTC)


def is_cancelled(room: int, week: int) -> bool:
    """Whether the builder cancelled that room's occurrences of that week (the same rule
    as the SQL below)."""
    return (room + week) % 53 == 0


def build(engine: Engine, consortium: Consortium,
          log: Callable[[str], None] = lambda _line: None, jobs: int = JOBS,
          wal_headroom: bool = False) -> BuildReport:
    """Fill an empty, migrated database with the consortium; returns the timings.

    ``wal_headroom`` raises the server's checkpoint distance while building (a server
    setting: only for a bench that has the server to itself, not for tests).

    The branches are written by ``jobs`` connections side by side, each branch in one
    statement (its bookings, their occurrences, their claims). The exclusion
    constraint stays on while they go in: PostgreSQL 15 cannot build its GiST index by
    sorting, so adding it afterwards inserts every claim into it, then searches it once
    per claim, all in one process. Written live, in key order, that work is shared by the
    connections and stays the same per branch (17 to 19 CPU seconds from the first
    branch to the hundredth); it costs about a tenth more CPU than adding the constraint
    afterwards (WAL for each insert), which one connection alone would not win back.
    The other indexes are dropped and rebuilt after, ``jobs`` at a time.
    """
    report = BuildReport()
    headroom = _wal_headroom(engine, log) if wal_headroom else nullcontext()
    with headroom, engine.connect() as connection:
        _tune(connection)

        def step(name: str, run: Callable[[], str]) -> None:
            started = time.perf_counter()
            detail = run()
            report.steps[name] = time.perf_counter() - started
            log(f"  {name}: {report.steps[name]:.1f} s" + (f" ({detail})" if detail else ""))

        rebuild = _drop_bulk_indexes(connection)
        params = {"branches": consortium.branches, "years": consortium.years,
                  "weeks": consortium.weeks, "first": consortium.first_monday,
                  "zone": ZONE, "buffer": timedelta(minutes=BUFFER_MINUTES),
                  "hours": timedelta(hours=SESSION_HOURS)}

        def small_tables() -> str:
            for _name, sql in _FILL:
                connection.execute(text(sql), {k: v for k, v in params.items()
                                               if f":{k}" in sql})
            connection.commit()
            return f"{consortium.branches} branches, their rooms, cells and associations"

        def branches() -> str:
            counts = [0, 0, 0]

            def one(branch_connection: Connection, branch: int) -> str:
                row = branch_connection.execute(text(_BRANCH), {
                    **{k: v for k, v in params.items() if f":{k}" in _BRANCH},
                    "branch": branch}).one()
                for n, count in enumerate(row):
                    counts[n] += count
                return f"branch {branch}: {row[1]:,} occurrences, {row[2]:,} claims"

            wall = _in_parallel(engine, jobs, [
                (f"branch {b}", partial(one, branch=b))
                for b in range(1, consortium.branches + 1)], log, quiet=True)
            report.rows.update(zip(BULK_TABLES, counts, strict=True))
            return (f"{counts[0]:,} bookings, {counts[1]:,} occurrences, {counts[2]:,} claims; "
                    f"{jobs} connections, {wall:.0f} connection-seconds")

        def indexes() -> str:
            wall = _in_parallel(engine, jobs, [
                (f"index {name}", partial(_execute, sql=sql)) for name, sql in rebuild], log)
            return f"{len(rebuild)} indexes, {jobs} at a time, {wall:.0f} connection-seconds"

        def vacuum() -> str:
            # Hint bits, the visibility map and statistics now, rather than an autovacuum
            # of twenty million rows in the middle of a measurement.
            wall = _in_parallel(engine, jobs, [
                (f"vacuum {table}", partial(_execute, sql=f"VACUUM (ANALYZE) {table}"))
                for table in reversed(BULK_TABLES)], log)
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
            return f"{jobs} at a time, {wall:.0f} connection-seconds; then ANALYZE"

        step("small tables", small_tables)
        step("branches: bookings, occurrences, claims", branches)
        step("indexes", indexes)
        for sql in _SEQUENCES:
            connection.exec_driver_sql(sql)
        connection.commit()
        step("vacuum analyze", vacuum)
        # Written out now, rather than by a checkpoint in the middle of a measurement.
        step("checkpoint", lambda: _execute(connection, "CHECKPOINT"))
    return report


def _tune(connection: Connection) -> None:
    """Session settings for bulk writing: memory for sorts and index builds, no waiting
    for WAL flushes, no foreign key triggers (checked afterwards by counts)."""
    connection.exec_driver_sql(f"SET maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
    connection.exec_driver_sql("SET work_mem = '256MB'")
    connection.exec_driver_sql("SET synchronous_commit = off")
    connection.exec_driver_sql("SET session_replication_role = replica")


def _execute(connection: Connection, sql: str) -> str:
    connection.exec_driver_sql(sql)
    return ""


def _in_parallel(engine: Engine, jobs: int,
                 tasks: list[tuple[str, Callable[[Connection], str]]],
                 log: Callable[[str], None], quiet: bool = False) -> float:
    """Run the tasks on ``jobs`` autocommit connections, each taking the next task when
    it is done; logs each task's seconds (or, ``quiet``, every tenth); returns the
    connection-seconds spent."""
    pending: queue.SimpleQueue = queue.SimpleQueue()
    for task in tasks:
        pending.put(task)
    spent: list[float] = []
    failures: list[BaseException] = []

    def work() -> None:
        with engine.connect() as connection:
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            _tune(connection)
            while not failures:
                try:
                    name, task = pending.get_nowait()
                except queue.Empty:
                    return
                started = time.perf_counter()
                try:
                    detail = task(connection)
                except BaseException as error:
                    failures.append(error)
                    raise
                seconds = time.perf_counter() - started
                spent.append(seconds)
                if not quiet or len(spent) % 10 == 0 or len(spent) == len(tasks):
                    log(f"    {detail or name}: {seconds:.1f} s "
                        f"({len(spent)}/{len(tasks)} done)")

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for future in [pool.submit(work) for _ in range(jobs)]:
            future.result()
    return sum(spent)


@contextmanager
def _wal_headroom(engine: Engine, log: Callable[[str], None]) -> Iterator[None]:
    """Raise max_wal_size and checkpoint_timeout server-wide (ALTER SYSTEM, reload) while
    the build runs, so that a bulk load is not cut into checkpoints every gigabyte of
    WAL, each followed by full page images of every page touched again; restored after."""
    names = ("max_wal_size", "checkpoint_timeout")
    admin = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    before: dict[str, Any] = {}
    try:
        before |= {name: admin.execute(text(
            "SELECT setting || coalesce(unit, ''), sourcefile LIKE '%postgresql.auto.conf' "
            "FROM pg_settings WHERE name = :name"), {"name": name}).one()
            for name in names}
        for name, value in zip(names, BUILD_WAL, strict=True):
            admin.exec_driver_sql(f"ALTER SYSTEM SET {name} = '{value}'")
        admin.exec_driver_sql("SELECT pg_reload_conf()")
        log("  server: " + ", ".join(f"{name} {before[name][0]} -> {value}"
                                     for name, value in zip(names, BUILD_WAL, strict=True))
            + " (ALTER SYSTEM, restored after the build)")
        yield
    finally:
        for name in before:
            value, altered = before[name]
            admin.exec_driver_sql(f"ALTER SYSTEM SET {name} = '{value}'" if altered
                                  else f"ALTER SYSTEM RESET {name}")
        admin.exec_driver_sql("SELECT pg_reload_conf()")
        admin.close()
        log("  server: " + ", ".join(f"{name} back to {before[name][0]}" for name in before))


def _drop_bulk_indexes(connection: Connection) -> list[tuple[str, str]]:
    """Drop the secondary indexes and unique constraints of the bulk tables (primary keys
    and the exclusion constraint stay); returns the statements that recreate them,
    exactly as they were."""
    constraints = connection.execute(text(
        "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
        "FROM pg_constraint c WHERE c.conrelid::regclass::text = ANY(:tables) "
        "AND c.contype = 'u'"), {"tables": list(BULK_TABLES)}).all()
    indexes = connection.execute(text(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
        "FROM pg_index i WHERE i.indrelid::regclass::text = ANY(:tables) "
        "AND NOT i.indisprimary AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"),
        {"tables": list(BULK_TABLES)}).all()
    rebuild = []
    for table, name, definition in constraints:
        connection.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        rebuild.append((name, f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'))
    for name, definition in indexes:
        connection.exec_driver_sql(f"DROP INDEX {name}")
        rebuild.append((name, definition))
    connection.commit()
    return rebuild


def check_consistency(engine: Engine) -> dict[str, int]:
    """Counts that must all be zero: rows pointing nowhere, active occurrences without a
    claim per cell of their room, claims that do not match their occurrence's block."""
    queries = {
        "occurrences without booking": "SELECT count(*) FROM occurrence o "
            "WHERE NOT EXISTS (SELECT 1 FROM booking b WHERE b.id = o.booking_id)",
        "occurrences in another room than their booking": "SELECT count(*) FROM occurrence o "
            "JOIN booking b ON b.id = o.booking_id WHERE b.room_id <> o.room_id",
        "claims without active occurrence": "SELECT count(*) FROM occurrence_claim c "
            "WHERE NOT EXISTS (SELECT 1 FROM occurrence o WHERE o.id = c.occurrence_id "
            "AND o.status IN ('pending', 'confirmed') AND o.block_start = c.block_start "
            "AND o.block_end = c.block_end)",
        "missing claims": "SELECT (SELECT count(*) FROM occurrence o JOIN cell_room r "
            "ON r.room_id = o.room_id WHERE o.status IN ('pending', 'confirmed')) "
            "- (SELECT count(*) FROM occurrence_claim)",
        "bookings without room": "SELECT count(*) FROM booking b "
            "WHERE NOT EXISTS (SELECT 1 FROM room r WHERE r.id = b.room_id)",
    }
    with engine.connect() as connection:
        return {name: connection.exec_driver_sql(sql).scalar_one()
                for name, sql in queries.items()}


_FILL: list[tuple[str, str]] = [
    ("branches", f"""
        INSERT INTO branch (id, name, name_key, address, timezone, rule_pack, opening_hours,
                            created_at)
        SELECT b, 'Library ' || b, 'library ' || b, b || ' High Street', :zone, 'dk-br18',
               '{OPENING_HOURS}', now()
          FROM generate_series(1, :branches) b"""),
    ("floors", """
        INSERT INTO floor (id, branch_id, name, level)
        SELECT b, b, 'Ground floor', 0 FROM generate_series(1, :branches) b"""),
    ("rooms", f"""
        INSERT INTO room (id, branch_id, floor_id, name, description, outline, doors,
                          obstacles, amenities, area_m2, max_attendees, slot_minutes,
                          min_minutes, max_minutes, buffer_minutes, lead_hours, horizon_days,
                          requires_approval, changeover_minutes, bookable, revision,
                          created_at, updated_at)
        SELECT (b - 1) * {ROOMS_PER_BRANCH} + p + 1, b, b,
               CASE p WHEN {HALL} THEN 'Hall' WHEN {HALF_A} THEN 'Hall A'
                      WHEN {HALF_B} THEN 'Hall B' ELSE 'Room ' || (p + 1) END,
               '', g.outline,
               '[{{"geometry":{{"coordinates":[[' || g.x0 || ',' || (g.y0 + 1) || '],['
                 || g.x0 || ',' || (g.y0 + 2.2) || ']],"type":"LineString"}},"width"\\:1.2}}]',
               '[]', '[]', g.area, CASE WHEN p = {HALL} THEN 120 ELSE 30 END,
               15, 30, 480, {BUFFER_MINUTES}, 24, 180, false, 0, true, 1,
               now() - interval '3 years', now() - interval '3 years'
          FROM generate_series(1, :branches) b
         CROSS JOIN generate_series(0, {ROOMS_PER_BRANCH - 1}) p
         CROSS JOIN LATERAL (
               SELECT x0, y0, (x1 - x0) * (y1 - y0) AS area,
                      '{{"coordinates":[[[' || x0 || ',' || y0 || '],[' || x1 || ',' || y0
                      || '],[' || x1 || ',' || y1 || '],[' || x0 || ',' || y1 || '],['
                      || x0 || ',' || y0 || ']]],"type":"Polygon"}}' AS outline
                 FROM (SELECT CASE WHEN p < {PLAIN_ROOMS} THEN 10 * p
                                   WHEN p = {HALF_B} THEN 8 ELSE 0 END AS x0,
                              CASE WHEN p < {PLAIN_ROOMS} THEN 0 ELSE 20 END AS y0,
                              CASE WHEN p < {PLAIN_ROOMS} THEN 10 * p + 8
                                   WHEN p = {HALF_A} THEN 8 ELSE 16 END AS x1,
                              CASE WHEN p < {PLAIN_ROOMS} THEN 6 ELSE 30 END AS y1) corners
               ) g"""),
    # One cell per plain room and one per half: the faces of the floor's overlay.
    ("floor cells", f"""
        INSERT INTO floor_cell (id, floor_id, area_m2, geometry)
        SELECT (r.branch_id - 1) * {CELLS_PER_BRANCH} + ((r.id - 1) % {ROOMS_PER_BRANCH})
               - CASE WHEN (r.id - 1) % {ROOMS_PER_BRANCH} > {HALL} THEN 1 ELSE 0 END + 1,
               r.floor_id, r.area_m2, r.outline
          FROM room r WHERE (r.id - 1) % {ROOMS_PER_BRANCH} <> {HALL}"""),
    ("cells of rooms", f"""
        INSERT INTO cell_room (cell_id, room_id)
        SELECT (r.branch_id - 1) * {CELLS_PER_BRANCH} + ((r.id - 1) % {ROOMS_PER_BRANCH})
               - CASE WHEN (r.id - 1) % {ROOMS_PER_BRANCH} > {HALL} THEN 1 ELSE 0 END + 1,
               r.id
          FROM room r WHERE (r.id - 1) % {ROOMS_PER_BRANCH} <> {HALL}
        UNION ALL
        SELECT (r.branch_id - 1) * {CELLS_PER_BRANCH} + {HALL} + half, r.id
          FROM room r CROSS JOIN generate_series(0, 1) half
         WHERE (r.id - 1) % {ROOMS_PER_BRANCH} = {HALL}"""),
    # Each association's admin is its only member; ids match: association a, user a + 1.
    ("users", f"""
        INSERT INTO "user" (id, email, name, password_hash, role, active, created_at,
                            session_generation, approvals_digest)
        SELECT a + 1, 'admin' || a || '@clubs.example.org', 'Admin ' || a, NULL, 'member',
               true, now(), 0, false
          FROM generate_series(1, :branches * {ASSOCIATIONS_PER_BRANCH}) a"""),
    ("associations", f"""
        INSERT INTO association (id, name, name_key, description, contact_email, website,
                                 created_by_id, created_at, verified_at)
        SELECT a, 'Club ' || a, 'club ' || a, '', 'admin' || a || '@clubs.example.org', '',
               a + 1, now(), now()
          FROM generate_series(1, :branches * {ASSOCIATIONS_PER_BRANCH}) a"""),
    ("memberships", f"""
        INSERT INTO membership (association_id, user_id, role, created_at)
        SELECT a, a + 1, 'admin', now()
          FROM generate_series(1, :branches * {ASSOCIATIONS_PER_BRANCH}) a"""),
]

# One branch in one statement: its rooms' bookings (seven yearly weekly series per room,
# then one single booking per room and week), their occurrences (a series' dates are its
# first one's local wall time, week after week), and a claim per active occurrence and
# cell, written in the exclusion constraint's key order so that its GiST index grows
# page by page and each check finds its neighbours in memory.
_BRANCH = f"""
    WITH b AS (
        INSERT INTO booking (uid, room_id, title, description, attendees, booked_by_id,
                             association_id, public, status, status_reason, start, "end",
                             rrule, exdates, sequence, created_at, updated_at)
        SELECT 'consortium-' || s.room || '-' || s.week || '-' || s.slot,
               s.room, CASE WHEN s.public THEN 'Public event ' ELSE 'Meeting ' END || s.room,
               '', 10, s.club + 1, s.club, s.public, 'confirmed', '',
               s.first, s.first + :hours, s.rrule, '[]', 0,
               least(now(), s.first - interval '60 days'),
               least(now(), s.first - interval '60 days')
          FROM (
            SELECT r.id AS room, w.week, k.slot,
                   (r.branch_id - 1) * {ASSOCIATIONS_PER_BRANCH}
                     + (r.id + w.week + k.slot) % {ASSOCIATIONS_PER_BRANCH} + 1 AS club,
                   (r.id + w.week + k.slot) % 5 = 0 AS public,
                   CASE WHEN k.slot < {SERIES_SLOTS} THEN 'FREQ=WEEKLY;COUNT={WEEKS_PER_YEAR}'
                   END AS rrule,
                   ((CAST(:first AS date) + w.week * 7 + k.slot / 2)
                     + make_interval(hours => CASE WHEN (r.id - 1) % {ROOMS_PER_BRANCH} = {HALL}
                                                   THEN {HALL_HOURS[0]} ELSE {PLAIN_HOURS[0]}
                                              END + {PLAIN_HOURS[1] - PLAIN_HOURS[0]}
                                                    * (k.slot % 2)))
                     AT TIME ZONE :zone AS first
              FROM room r
             CROSS JOIN generate_series(0, {SLOTS - 1}) k(slot)
             CROSS JOIN generate_series(0, :weeks - 1) w(week)
             WHERE r.branch_id = :branch
               AND (k.slot = {SERIES_SLOTS} OR w.week % {WEEKS_PER_YEAR} = 0)
          ) s
         ORDER BY s.room, s.first
        RETURNING id, room_id, start, rrule, updated_at
    ), o AS (
        INSERT INTO occurrence (booking_id, room_id, start, "end", block_start, block_end,
                                status, original_start, modified, updated_at)
        SELECT b.id, b.room_id, d.start, d.start + :hours, d.start,
               d.start + :hours + :buffer,
               CASE WHEN (b.room_id + d.week) % 53 = 0 THEN 'cancelled' ELSE 'confirmed' END,
               d.start, false, b.updated_at
          FROM b
         CROSS JOIN LATERAL (
               SELECT ((b.start AT TIME ZONE :zone) + make_interval(weeks => n))
                        AT TIME ZONE :zone AS start,
                      (b.start AT TIME ZONE :zone)::date - CAST(:first AS date) AS days, n
                 FROM generate_series(0, CASE WHEN b.rrule IS NULL THEN 0
                                              ELSE {WEEKS_PER_YEAR - 1} END) n
               ) d0
         CROSS JOIN LATERAL (SELECT d0.start, d0.days / 7 + d0.n AS week) d
         ORDER BY b.room_id, d.start
        RETURNING id, room_id, block_start, block_end, status
    ), c AS (
        INSERT INTO occurrence_claim (occurrence_id, cell_id, block_start, block_end)
        SELECT o.id, c.cell_id, o.block_start, o.block_end
          FROM o JOIN cell_room c ON c.room_id = o.room_id
         WHERE o.status IN ('pending', 'confirmed')
         ORDER BY c.cell_id, o.block_start
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM b), (SELECT count(*) FROM o), (SELECT count(*) FROM c)"""

_SEQUENCES = [
    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
    for table in ("branch", "floor", "room", "floor_cell", '"user"', "association")]


def today_utc() -> date:
    """Today's date in UTC."""
    return datetime.now(UTC).date()
