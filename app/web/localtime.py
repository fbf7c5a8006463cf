"""Times as people read them: every page shows an instant in its branch's zone."""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo
from typing import Any

from flask_babel import format_decimal, gettext

from app.i18n import amenity_name, format_local
from app.web import bp
from calendars import get_zone


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
    happens at, in the reader's language: 'Tue 8 Dec 2026, 18:00', 'tirs. 8. dec. 2026
    18.00' (``style`` 'date', 'time', 'day' or 'short_date' for less)."""
    if instant is None:
        return "—"
    return format_local(instant, zone_of(where), style)


@bp.app_template_filter("day")
def day(value: date | datetime | None, style: str = "day") -> str:
    """``{{ day.date|day }}``: a local date (or a wall-clock datetime's date) as the reader
    reads it: 'Tuesday 8 December 2026', 'tirsdag 8. december 2026'."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.date()
    return format_local(value, None, style)


@bp.app_template_filter("clock")
def clock(value: datetime | time | None) -> str:
    """``{{ start|clock }}``: a wall-clock time as the reader writes it: '18:00', '18.00'."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.time()  # the wall clock it already shows

    return format_local(value, None, "time")


@bp.app_template_filter("amenity")
def amenity(name: str) -> str:
    """``{{ a|amenity }}``: an amenity as the reader says it."""
    return amenity_name(name)


@bp.app_template_filter("area")
def area(square_metres: float, decimals: int = 1) -> str:
    """``{{ room.area_m2|area }}``: '216.0 m²' in English, '216,0 m²' in Danish."""
    number = format_decimal(square_metres, format="#,##0." + "0" * decimals if decimals
                            else "#,##0")
    return gettext("%(area)s m²", area=number)
