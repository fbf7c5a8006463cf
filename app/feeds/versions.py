"""A worker's memory of public feed versions, so a 304 needs no database round trip.

Feeds already tell clients to cache for five minutes; remembering a version for two
seconds changes nothing they can see. The memory only ever answers "not modified":
when a client's ETag differs from the remembered one, the version is read again
from the database, so a 200 always carries the ETag of the body it sends, and a
client that already saw a newer version (from another worker or host) is answered
304 rather than sent the feed again.

Any commit in this process that wrote to the database forgets everything at once, so
a change made here shows immediately; a change made by another worker, or another
host, shows within ``TTL_SECONDS`` (the feeds' documented maximum staleness). Private
feeds are never remembered: a revoked token must stop working at once.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.services import feeds

TTL_SECONDS = 2.0
MAX_ENTRIES = 10_000
_remembered: dict[tuple[str, int | str, str], tuple[float, feeds.FeedVersion]] = {}


def remembered_version(kind: str, subject: int | str,
                       language: str = "") -> feeds.FeedVersion | None:
    """The public feed's version in ``language`` if this worker read it under
    ``TTL_SECONDS`` ago; only fit to answer "not modified"."""
    if kind == "private":
        return None
    remembered = _remembered.get((kind, subject, language))
    if remembered is not None and remembered[0] > time.monotonic():
        return remembered[1]
    return None


def feed_version(kind: str, subject: int | str, now: datetime,
                 base_url: str, language: str = "") -> feeds.FeedVersion | None:
    """The feed's version in ``language``, read from the database (and remembered, for a
    public feed)."""
    version = feeds.feed_version(kind, subject, now, base_url, language)
    if version is not None and kind != "private":
        if len(_remembered) >= MAX_ENTRIES:
            _remembered.clear()
        _remembered[(kind, subject, language)] = (time.monotonic() + TTL_SECONDS, version)
    return version


def forget_all() -> None:
    """Drop every remembered version."""
    _remembered.clear()


@event.listens_for(Session, "after_flush")
def _note_write(session: Session, _context: Any) -> None:
    session.info["agora_wrote"] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state: Any) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info["agora_wrote"] = True


@event.listens_for(Session, "after_commit")
def _forget_after_write(session: Session) -> None:
    if session.info.pop("agora_wrote", False):
        forget_all()


@event.listens_for(Session, "after_rollback")
def _clear_mark(session: Session) -> None:
    session.info.pop("agora_wrote", None)
