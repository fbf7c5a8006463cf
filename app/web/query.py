"""Query parameters of the pages, read one way everywhere."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from flask import abort, request
from flask_babel import gettext


def iso_date(raw: str) -> date:
    """A date written exactly as YYYY-MM-DD (``date.fromisoformat`` alone would also take
    '20261203' or '2026-W49-4'); ValueError for anything else."""
    if len(raw) != len("YYYY-MM-DD"):
        raise ValueError(raw)
    return date.fromisoformat(raw)


def date_arg(name: str) -> date | None:
    """An optional YYYY-MM-DD query parameter; a 400 page that says so for anything else."""
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        return iso_date(raw)
    except ValueError:
        abort(400, description=gettext("'%(name)s' must be a date written as YYYY-MM-DD.",
                                       name=name))


def day_or_today(zone: tzinfo, name: str = "day") -> tuple[date, str | None]:
    """An optional YYYY-MM-DD day, today in ``zone`` by default; for a page that shows its
    form again with the error (and today) rather than a bare 400 page."""
    raw = request.args.get(name, "")
    today = datetime.now(zone).date()
    try:
        return (iso_date(raw) if raw else today), None
    except ValueError:
        return today, gettext("Give the day as YYYY-MM-DD.")
