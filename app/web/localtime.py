"""Times as people read them: every page shows an instant in its branch's zone."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from app.web import bp
from calendars import get_zone, local_text


def zone_of(where: Any) -> tzinfo:
    """The zone of a branch, of anything with a branch (a room, a booking's room), a zone
    name, or a zone."""
    if isinstance(where, tzinfo):
        return where
    if isinstance(where, str):
        return get_zone(where)
    for path in (("timezone",), ("branch", "timezone"), ("room", "branch", "timezone")):
        value: Any = where
        for name in path:
            value = getattr(value, name, None)
        if isinstance(value, str):
            return get_zone(value)
    raise TypeError(f"no time zone in {where!r}")


@bp.app_template_filter("local")
def local(instant: datetime | None, where: Any, style: str = "datetime") -> str:
    """``{{ booking.start|local(booking) }}``: the instant in the zone of the branch it
    happens at, as 'Tue 08 Dec 2026, 18:00' (``style`` 'date' or 'time' for less)."""
    if instant is None:
        return "—"
    return local_text(instant, zone_of(where), style)
