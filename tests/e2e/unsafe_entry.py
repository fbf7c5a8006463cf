"""A deliberately broken Agora, served only by the concurrency test's "can fail" half.

Production code has no switch that turns the double-booking guarantee off; this entry
point breaks the real code from outside instead. Occurrences are written without
their claims (so PostgreSQL's exclusion constraint never sees them), and the check's
transaction ends before a pause, so neither the write lock (SQLite) nor the cell locks
(PostgreSQL) cover the check and the insert together any more. Gunicorn serves it as
``tests.e2e.unsafe_entry:create_app()``.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask

from app import create_app as create_agora
from app.db import begin_write
from app.extensions import db
from app.services import bookings, conflicts

PAUSE_SECONDS = 0.05


def create_app() -> Flask:
    """Agora with the guarantee broken, for proving that the race test can fail."""
    _break_the_guarantee()
    return create_agora()


def _break_the_guarantee() -> None:
    write_occurrences = bookings._write_occurrences

    def write_after_a_pause(*args: Any, **kwargs: Any) -> None:
        # End the checked transaction (and its locks) and let the others check too.
        db.session.commit()
        time.sleep(PAUSE_SECONDS)
        begin_write()
        write_occurrences(*args, **kwargs)

    def claim_nothing(*_args: Any, **_kwargs: Any) -> None:
        return None

    bookings._write_occurrences = write_after_a_pause
    # PostgreSQL writes a new booking with its claims in one statement: not here.
    bookings._insert_in_one_statement = claim_nothing
    conflicts.claim = claim_nothing
