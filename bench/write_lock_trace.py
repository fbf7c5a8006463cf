"""A gunicorn config for the booking bench: Agora's own settings plus a trace of SQLite's
write lock, in every worker.

Each write transaction on a SQLite file queues for the writer slot (an flock, see
``app.db._queue_for_the_write_lock``) and holds it until it ends. This config wraps
those two functions, after the fork, so that each worker appends one line per write
transaction to ``$AGORA_BENCH_LOCK_TRACE/<pid>``: seconds waited for the slot, seconds
held. The bench reads them to tell waiting from working; the app's code is untouched.
Use: ``GUNICORN_CMD_ARGS="-c python:bench.write_lock_trace"``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

_settings = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
exec(compile(_settings.read_text(), str(_settings), "exec"))  # Agora's own settings

TRACE_FOLDER = "AGORA_BENCH_LOCK_TRACE"
_TIMES = "agora_bench_lock_times"


def post_fork(_server: Any, _worker: Any) -> None:
    """Wrap the writer slot's queue and release to time them (per worker process)."""
    from app import db as database

    folder = os.environ.get(TRACE_FOLDER)
    if not folder:
        return
    queue, release = database._queue_for_the_write_lock, database._release_writer_slot
    trace = Path(folder) / str(os.getpid())

    def timed_queue(session: Any) -> None:
        asked = time.perf_counter()
        queue(session)
        session.info[_TIMES] = (asked, time.perf_counter())

    def timed_release(session: Any, transaction: Any) -> None:
        times = session.info.get(_TIMES) if transaction.parent is None else None
        release(session, transaction)
        if times is not None and database.WRITER_FD not in session.info:
            session.info.pop(_TIMES)
            asked, got = times
            with trace.open("a") as lines:
                lines.write(f"{got - asked:.6f} {time.perf_counter() - got:.6f}\n")

    database._queue_for_the_write_lock = timed_queue
    # The release is an event listener, registered by reference on first use: patching
    # the module name is enough because it is looked up when the session is hooked.
    database._release_writer_slot = timed_release
