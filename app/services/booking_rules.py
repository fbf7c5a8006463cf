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
    """A short local time for messages: 'Tue 2027-03-02 18:00'."""
    return instant.astimezone(zone).strftime("%a %Y-%m-%d %H:%M")


def check_grid(occurrence: Interval, rules: RoomRules, zone: tzinfo) -> list[FieldError]:
    """Start and end lie on the room's slot grid (counted from local midnight)."""
    errors = []
    for name, instant in (("start", occurrence.start), ("end", occurrence.end)):
        local = instant.astimezone(zone)
        minutes = local.hour * 60 + local.minute
        if local.second or local.microsecond or minutes % rules.slot_minutes:
            errors.append(FieldError(
                name, "not_on_slot_grid",
                f"The {name} {local:%H:%M:%S} is not on this room's "
                f"{rules.slot_minutes}-minute grid.",
            ))
    return errors


def check_duration(occurrence: Interval, rules: RoomRules) -> list[FieldError]:
    """At least ``min_minutes``, at most ``max_minutes``."""
    minutes = occurrence.duration / timedelta(minutes=1)
    if minutes < rules.min_minutes:
        return [FieldError("end", "too_short",
                           f"Bookings of this room last at least {rules.min_minutes} minutes.")]
    if minutes > rules.max_minutes:
        return [FieldError("end", "too_long",
                           f"Bookings of this room last at most {rules.max_minutes} minutes.")]
    return []


def check_lead_and_horizon(
    occurrence: Interval, rules: RoomRules, now: datetime, zone: tzinfo, *, staff: bool
) -> list[FieldError]:
    """Not sooner than the lead time (members only) nor later than the horizon."""
    errors = []
    if not staff and occurrence.start < now + timedelta(hours=rules.lead_hours):
        errors.append(FieldError(
            "start", "too_late_to_book",
            f"{local_label(occurrence.start, zone)} is less than {rules.lead_hours} hours away; "
            "this room is booked at least that far ahead.",
        ))
    if occurrence.start > now + timedelta(days=rules.horizon_days):
        errors.append(FieldError(
            "start", "beyond_horizon",
            f"{local_label(occurrence.start, zone)} is more than {rules.horizon_days} days ahead.",
        ))
    if occurrence.end <= now:
        errors.append(FieldError("start", "in_the_past", "That time has already passed."))
    return errors


def check_open(occurrence: Interval, hours: BranchHours) -> list[FieldError]:
    """Inside opening hours and outside every closure."""
    for closure, reason in hours.closures:
        if overlaps(closure, occurrence):
            why = f" ({reason})" if reason else ""
            return [FieldError(
                "start", "branch_closed",
                f"The branch is closed on {local_label(occurrence.start, hours.zone)}{why}.",
            )]
    spans = open_intervals(hours.opening_hours, [], hours.zone, occurrence.start, occurrence.end)
    if not covers(spans, occurrence):
        return [FieldError(
            "start", "outside_opening_hours",
            f"{local_label(occurrence.start, hours.zone)}–"
            f"{occurrence.end.astimezone(hours.zone):%H:%M} is outside the branch's opening hours.",
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
            errors.append(_quota_error(week, f"{max_bookings} bookings"))
        elif max_hours is not None and hours > max_hours:
            errors.append(_quota_error(week, f"{max_hours} hours"))
    return _dedupe(errors)


def _iso_week(instant: datetime, zone: tzinfo) -> tuple[int, int]:
    year, week, _ = instant.astimezone(zone).isocalendar()
    return year, week


def _quota_error(week: tuple[int, int], limit: str) -> FieldError:
    return FieldError(
        "association_id", "quota_exceeded",
        f"In week {week[1]} of {week[0]} this would take the association over its "
        f"{limit} a week in this branch.",
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
