"""The booking rules of a room, as pure functions over plain values.

Each rule returns the ``FieldError``s it finds; the booking service runs them all
for every occurrence, the same whether the request came from the API, a page or
the CLI.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from flask_babel import gettext, ngettext

from app.i18n import format_local
from app.services.errors import FieldError
from calendars import Interval, covers, open_intervals, overlaps

MAX_ERRORS_PER_CODE = 10


@dataclass(frozen=True)
class RoomRules:
    """A room's rules, as values."""

    slot_minutes: int
    min_minutes: int
    max_minutes: int
    buffer_minutes: int
    lead_hours: int
    horizon_days: int

    @classmethod
    def of(cls, room: Any) -> RoomRules:
        """The rules of a room model."""
        return cls(room.slot_minutes, room.min_minutes, room.max_minutes, room.buffer_minutes,
                   room.lead_hours, room.horizon_days)


@dataclass(frozen=True)
class BranchHours:
    """When a branch is open: weekly hours and closures, in its zone."""

    zone: tzinfo
    opening_hours: Mapping[str, list[list[str]]]
    closures: Sequence[tuple[Interval, str]]


def local_label(instant: datetime, zone: tzinfo) -> str:
    """A local time for messages, in the reader's language: 'Tue 2 Mar 2027, 18:00'."""
    return format_local(instant, zone)



def check_grid(occurrence: Interval, rules: RoomRules, zone: tzinfo) -> list[FieldError]:
    """Start and end lie on the room's slot grid (counted from local midnight)."""
    errors = []
    for name, instant in (("start", occurrence.start), ("end", occurrence.end)):
        local = instant.astimezone(zone)
        minutes = local.hour * 60 + local.minute
        if local.second or local.microsecond or minutes % rules.slot_minutes:
            clock = local.strftime("%H:%M:%S")
            errors.append(FieldError(
                name, "not_on_slot_grid",
                (gettext("The start %(time)s is not on this room's %(minutes)s-minute grid.",
                         time=clock, minutes=rules.slot_minutes)
                 if name == "start" else
                 gettext("The end %(time)s is not on this room's %(minutes)s-minute grid.",
                         time=clock, minutes=rules.slot_minutes)),
            ))
    return errors


def check_duration(occurrence: Interval, rules: RoomRules) -> list[FieldError]:
    """At least ``min_minutes``, at most ``max_minutes``."""
    minutes = occurrence.duration / timedelta(minutes=1)
    if minutes < rules.min_minutes:
        return [FieldError("end", "too_short", gettext(
            "Bookings of this room last at least %(minutes)s minutes.",
            minutes=rules.min_minutes))]
    if minutes > rules.max_minutes:
        return [FieldError("end", "too_long", gettext(
            "Bookings of this room last at most %(minutes)s minutes.",
            minutes=rules.max_minutes))]
    return []


def check_lead_and_horizon(
    occurrence: Interval, rules: RoomRules, now: datetime, zone: tzinfo, *, staff: bool
) -> list[FieldError]:
    """Not sooner than the lead time (members only) nor later than the horizon."""
    errors = []
    if not staff and occurrence.start < now + timedelta(hours=rules.lead_hours):
        errors.append(FieldError(
            "start", "too_late_to_book",
            gettext("%(when)s is less than %(hours)s hours away; "
                    "this room is booked at least that far ahead.",
                    when=local_label(occurrence.start, zone), hours=rules.lead_hours),
        ))
    if occurrence.start > now + timedelta(days=rules.horizon_days):
        errors.append(FieldError(
            "start", "beyond_horizon",
            gettext("%(when)s is more than %(days)s days ahead.",
                    when=local_label(occurrence.start, zone), days=rules.horizon_days),
        ))
    if occurrence.end <= now:
        errors.append(FieldError("start", "in_the_past", gettext("That time has already passed.")))
    return errors


def check_open(occurrence: Interval, hours: BranchHours) -> list[FieldError]:
    """Inside opening hours and outside every closure."""
    for closure, reason in hours.closures:
        if overlaps(closure, occurrence):
            when = local_label(occurrence.start, hours.zone)
            return [FieldError(
                "start", "branch_closed",
                gettext("The branch is closed on %(when)s (%(reason)s).", when=when,
                        reason=reason) if reason
                else gettext("The branch is closed on %(when)s.", when=when),
            )]
    spans = open_intervals(hours.opening_hours, [], hours.zone, occurrence.start, occurrence.end)
    if not covers(spans, occurrence):
        return [FieldError(
            "start", "outside_opening_hours",
            gettext("%(start)s–%(end)s is outside the branch's opening hours.",
                    start=local_label(occurrence.start, hours.zone),
                    end=format_local(occurrence.end, hours.zone, "time")),

        )]
    return []


def check_quota(
    new_occurrences: Iterable[Interval],
    existing: Iterable[Interval],
    zone: tzinfo,
    max_hours: int | None,
    max_bookings: int | None,
) -> list[FieldError]:
    """An association's hours and bookings per ISO week in a branch stay within the quota."""
    if max_hours is None and max_bookings is None:
        return []
    weeks: dict[tuple[int, int], list[Interval]] = {}
    for interval in existing:
        weeks.setdefault(_iso_week(interval.start, zone), []).append(interval)
    errors = []
    for interval in sorted(new_occurrences):
        week = _iso_week(interval.start, zone)
        weeks.setdefault(week, []).append(interval)
        used = weeks[week]
        hours = sum((i.duration for i in used), timedelta()) / timedelta(hours=1)
        if max_bookings is not None and len(used) > max_bookings:
            errors.append(_quota_error(week, ngettext(
                "%(num)s booking", "%(num)s bookings", max_bookings)))
        elif max_hours is not None and hours > max_hours:
            errors.append(_quota_error(week, gettext("%(hours)s hours", hours=max_hours)))
    return _dedupe(errors)


def _iso_week(instant: datetime, zone: tzinfo) -> tuple[int, int]:
    year, week, _ = instant.astimezone(zone).isocalendar()
    return year, week


def _quota_error(week: tuple[int, int], limit: str) -> FieldError:
    return FieldError(
        "association_id", "quota_exceeded",
        gettext("In week %(week)s of %(year)s this would take the association over its "
                "%(limit)s a week in this branch.", week=week[1], year=week[0], limit=limit),

    )


def _dedupe(errors: list[FieldError]) -> list[FieldError]:
    seen: set[FieldError] = set()
    return [e for e in errors if not (e in seen or seen.add(e))]


def check_occurrences(
    occurrences: Sequence[Interval],
    rules: RoomRules,
    hours: BranchHours,
    now: datetime,
    *,
    staff: bool,
) -> list[FieldError]:
    """Every time rule, for every occurrence; a series names the occurrences at fault."""
    errors: list[FieldError] = []
    counts: dict[str, int] = {}
    series = len(occurrences) > 1
    for index, occurrence in enumerate(occurrences):
        found = (
            check_grid(occurrence, rules, hours.zone)
            + check_duration(occurrence, rules)
            + check_lead_and_horizon(occurrence, rules, now, hours.zone, staff=staff)
            + check_open(occurrence, hours)
        )
        for error in found:
            counts[error.code] = counts.get(error.code, 0) + 1
            if counts[error.code] <= MAX_ERRORS_PER_CODE:
                field = f"occurrences[{index}].{error.field}" if series else error.field
                errors.append(FieldError(field, error.code, error.message))
        if not series and found:
            break
    return _dedupe(errors)
