"""A worker's memory of public feed versions, so a 304 needs no database round trip.

Feeds already tell clients to cache for five minutes; remembering a version for two
seconds changes nothing they can see. Any commit in this process that wrote to the
database forgets everything at once, so a change made here shows immediately;
another worker's change shows within the two seconds. Private feeds are never
remembered: a revoked token must stop working at once.
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


def feed_version(kind: str, subject: int | str, now: datetime,
                 base_url: str, language: str = "") -> feeds.FeedVersion | None:
    """The feed's version in ``language``, from memory when it is fresh and the feed is
    public."""
    if kind == "private":
        return feeds.feed_version(kind, subject, now, base_url, language)
    key = (kind, subject, language)
    remembered = _remembered.get(key)
    if remembered is not None and remembered[0] > time.monotonic():
        return remembered[1]
    version = feeds.feed_version(kind, subject, now, base_url, language)

    if version is not None:
        if len(_remembered) >= MAX_ENTRIES:
            _remembered.clear()
        _remembered[key] = (time.monotonic() + TTL_SECONDS, version)
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
