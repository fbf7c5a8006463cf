"""Closures imported from an .ics file: all or nothing, identical ones only once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select

from app.db import core_connection, write_transaction
from app.extensions import db
from app.models import Closure, utcnow
from app.services.branches import get_branch
from app.services.errors import FieldError, RuleViolation
from calendars import IcsImportError, Interval, parse_closures_ics

IMPORT_BACK = timedelta(days=30)
IMPORT_AHEAD = timedelta(days=3 * 365)  # recurring closures are expanded this far
REASON_MAX = 500


_TOUCHING = (
    select(Closure.start, Closure.end, Closure.reason)
    .where(Closure.branch_id == bindparam("branch_id"),
           Closure.start < bindparam("until"),
           Closure.end > bindparam("since"))
    .order_by(Closure.start)
)


def closures_touching(branch_id: int, span: Interval) -> list[tuple[Interval, str]]:
    """The branch's closures that overlap ``span``, by start, with their reasons.

    Never all of them: a branch that imports three years of holidays pays only for
    the ones near the times asked about.
    """
    rows = core_connection().execute(_TOUCHING, {"branch_id": branch_id, "since": span.start,
                                          "until": span.end})
    return [(Interval(start, end), reason) for start, end, reason in rows]


@dataclass(frozen=True)
class ImportResult:
    """The closures written, and how many of the file's were already there."""

    created: list[Closure]
    duplicates: int


@write_transaction
def import_closures(branch_id: int, data: bytes, now: datetime | None = None) -> ImportResult:
    """Every event of the file becomes a closure of the branch (recurring ones expanded).

    A file that cannot be read is refused whole, with the line at fault when known.
    """
    branch = get_branch(branch_id)
    now = now or utcnow()
    try:
        found = parse_closures_ics(data, branch.timezone, now - IMPORT_BACK, now + IMPORT_AHEAD)
    except IcsImportError as error:
        raise RuleViolation([FieldError("file", "invalid_ics", str(error))]) from None
    seen = {(c.start, c.end, c.reason) for c in branch.closures}
    created = []
    for item in found:
        key = (item.start, item.end, item.reason.strip()[:REASON_MAX])
        if key in seen:
            continue
        seen.add(key)
        created.append(Closure(branch=branch, start=key[0], end=key[1], reason=key[2],
                               source="ics"))
    db.session.add_all(created)
    db.session.flush()
    return ImportResult(created, len(found) - len(created))
