"""Engine set-up per database, and the write transaction the booking rules rely on.

SQLite: WAL, a busy timeout, foreign keys, and transactions we begin ourselves so
that a write can take the database's write lock *before* it checks for conflicts
(``BEGIN IMMEDIATE``); reads stay ``BEGIN`` (deferred) and never block writers.
"""

from __future__ import annotations

import fcntl
import functools
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import ApiToken, User

IMMEDIATE = "agora_sqlite_immediate"
IN_UNIT_OF_WORK = "agora_in_unit_of_work"
SQLITE_BUSY_TIMEOUT_MS = 30_000


def configure_engines(engines: Iterable[Engine]) -> None:
    """Install the per-dialect hooks on every engine of the app."""
    for engine in engines:
        if engine.dialect.name == "sqlite":
            _configure_sqlite(engine)


def _configure_sqlite(engine: Engine) -> None:
    if getattr(engine, "_agora_configured", False):
        return
    engine._agora_configured = True  # type: ignore[attr-defined]

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN instead of pysqlite's own logic.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if not _is_memory_database(engine):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get(IMMEDIATE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def core_connection() -> Connection:
    """The session's connection, for a Core query whose rows are plain columns.

    ``db.session.execute`` passes every statement through the ORM's execution layers
    (events, result set-up), a fair share of a booking create's CPU; such a read does not
    need them. What the session holds pending is flushed first, as ``session.execute``
    would (unless autoflush is off). Writes still go through the session, where
    ``watch_for_writes_outside_units`` sees them.
    """
    session = db.session
    if session.autoflush:
        session.flush()  # returns at once when nothing is pending
    return session.connection()


def _is_memory_database(engine: Engine) -> bool:
    return engine.url.database in (None, "", ":memory:")


def begin_write(session: Session | None = None, *, keep_reads: bool = False) -> None:
    """Start the session's transaction as a write transaction.

    Call it first in a service that checks and then writes. On SQLite it takes the
    write lock at BEGIN, so no other writer can slip in between check and insert; a
    read-only transaction already open (loading the signed-in user, say) is ended
    first. On PostgreSQL it does nothing: the exclusion constraint and row locks guard.

    ``keep_reads``: what the read-only transaction loaded stays loaded; the caller
    makes sure, under the lock, that it still holds (see ``forget_reads``).
    """
    session = session or db.session()
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.in_transaction():
        connection = session.connection()
        if connection.get_execution_options().get(IMMEDIATE):
            return
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("begin_write() must come before the service changes anything")
        _end_reads(session)
        if not keep_reads:
            forget_reads(session)
    _queue_for_the_write_lock(session)
    session.connection(execution_options={IMMEDIATE: True})


def _end_reads(session: Session) -> None:
    """Commit a read-only transaction, keeping what it loaded loaded."""
    expire_on_commit = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire_on_commit


def forget_reads(session: Session | None = None) -> None:
    """Expire all the session loaded but the signed-in user, to be read again.

    The user (and their token), read a moment ago to authenticate the request, stays
    usable without a second load; everything else is read again under the write lock,
    so no rule ever decides on a row another writer changed in between.
    """
    session = session or db.session()
    for instance in list(session.identity_map.values()):
        if not isinstance(instance, User | ApiToken):
            session.expire(instance)


WRITER_FD = "agora_writer_fd"


def _queue_for_the_write_lock(session: Session) -> None:
    """Wait in the kernel's queue for the database's writer slot before BEGIN IMMEDIATE.

    SQLite's own busy handler polls with growing sleeps, which wastes most of the
    time when workers contend; an flock on a file beside the database wakes the
    next writer the moment the slot frees. Correctness still rests on BEGIN
    IMMEDIATE; this only makes the wait short. The lock goes with the transaction.
    """
    path = session.get_bind().url.database
    if not path or path == ":memory:":
        return
    descriptor = os.open(f"{path}.writer-lock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    session.info[WRITER_FD] = descriptor
    if not session.info.get("agora_release_hooked"):
        event.listen(session, "after_transaction_end", _release_writer_slot)
        session.info["agora_release_hooked"] = True


def _release_writer_slot(session: Session, transaction: Any) -> None:
    if transaction.parent is not None:
        return
    descriptor = session.info.pop(WRITER_FD, None)
    if descriptor is not None:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        os.close(descriptor)


P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def unit_of_work(session: Session | None = None, *, keep_loaded: bool = False,
                 keep_reads: bool = False) -> Iterator[Session]:
    """One writing use case: take the write lock, commit at the end, roll back on any error.

    A unit entered inside another joins it, so a service that calls another writing
    service still commits once, at the outermost end. Whether a request succeeded
    never decides a commit: only leaving this block without an exception does.

    ``keep_loaded``: what the unit read and wrote stays loaded after the commit instead
    of being read again when the answer is rendered. It is what the unit committed,
    read under its write lock; the request's session ends with the request.
    ``keep_reads``: see :func:`begin_write`.
    """
    session = session or db.session()
    if session.info.get(IN_UNIT_OF_WORK):
        yield session
        return
    begin_write(session, keep_reads=keep_reads)
    session.info[IN_UNIT_OF_WORK] = True
    try:
        yield session
        _commit(session, keep_loaded=keep_loaded)
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info.pop(IN_UNIT_OF_WORK, None)


@contextmanager
def dry_run(session: Session | None = None) -> Iterator[Session]:
    """Run writing use cases to see what they would do, then roll every bit of it back.

    It takes the write lock as a unit of work does, so the services inside decide on what
    a real change would see; the units they open join it and commit nothing, and the
    rollback at its end also drops any e-mail they announced.
    """
    session = session or db.session()
    if session.info.get(IN_UNIT_OF_WORK):
        raise RuntimeError("dry_run() cannot run inside a unit of work: it would undo it")
    begin_write(session)
    session.info[IN_UNIT_OF_WORK] = True
    try:
        yield session
    finally:
        session.info.pop(IN_UNIT_OF_WORK, None)
        session.rollback()


def _commit(session: Session, *, keep_loaded: bool) -> None:
    expire_on_commit = session.expire_on_commit
    session.expire_on_commit = expire_on_commit and not keep_loaded
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire_on_commit


def in_unit_of_work(session: Session | None = None) -> bool:
    """Whether the session is inside a :func:`unit_of_work` right now."""
    session = session or db.session()
    return bool(session.info.get(IN_UNIT_OF_WORK))


WROTE_OUTSIDE_A_UNIT = "agora_wrote_outside_a_unit"


def watch_for_writes_outside_units(session_class: type[Session]) -> None:
    """Remember, per session, any write flushed or executed outside a unit of work.

    Such a write would be committed by nobody (the request only rolls back at its end),
    so it is a forgotten unit; :func:`wrote_outside_a_unit` tells the request.
    """
    if event.contains(session_class, "after_flush", _flushed):
        return
    event.listen(session_class, "after_flush", _flushed)
    event.listen(session_class, "do_orm_execute", _executed)
    event.listen(session_class, "after_transaction_end", _forget_stray_writes)


def wrote_outside_a_unit(session: Session | None = None) -> bool:
    """Whether the session holds changes, flushed or not, that no unit of work will commit."""
    session = session or db.session()
    if session.info.get(IN_UNIT_OF_WORK):
        return False
    pending = bool(session.new or session.deleted) or any(
        session.is_modified(instance) for instance in session.dirty)
    return pending or bool(session.info.get(WROTE_OUTSIDE_A_UNIT))


def _flushed(session: Session, _context: Any) -> None:
    if not session.info.get(IN_UNIT_OF_WORK):
        session.info[WROTE_OUTSIDE_A_UNIT] = True


def _executed(state: Any) -> None:
    if (state.is_insert or state.is_update or state.is_delete) and not state.session.info.get(
            IN_UNIT_OF_WORK):
        state.session.info[WROTE_OUTSIDE_A_UNIT] = True


def _forget_stray_writes(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(WROTE_OUTSIDE_A_UNIT, None)


def write_transaction(function: Callable[P, R] | None = None, *,
                      keep_loaded: bool = False) -> Any:
    """Run the decorated service function as one :func:`unit_of_work`.

    ``@write_transaction`` or ``@write_transaction(keep_loaded=True)`` (see there).
    """
    if function is None:
        return functools.partial(write_transaction, keep_loaded=keep_loaded)

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with unit_of_work(keep_loaded=keep_loaded):
            return function(*args, **kwargs)

    return wrapper
