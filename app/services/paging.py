"""Keyset pages: rows in id order after the last id a client saw, never OFFSET."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select

from app.extensions import db


def keyset_page(query: Select[Any], id_column: Any, count: int,
                after_id: int | None = None) -> list[Any]:
    """Up to ``count`` rows of ``query`` in ``id_column`` order, after ``after_id``.

    Callers that render pages ask for one row more than they show, to know whether a
    next page exists.
    """
    if after_id is not None:
        query = query.where(id_column > after_id)
    return list(db.session.scalars(query.order_by(id_column).limit(count)))
