"""The booking rules of a room, as pure functions over plain values.

Each rule returns the ``FieldError``s it finds; the booking service runs them all
for every occurrence, the same whether the request came from the API, a page or
the CLI.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
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


@dataclass(frozen=True)
class AfterHours:
    """What a trusted association may do outside opening hours at a branch, for one room."""

    latest_end: time
    room_allowed: bool
    evenings_per_month: int


@dataclass(frozen=True)
class Allowances:
    """How far a booking may bend the rules: the rules staff stretched for it on record
    (``STRETCHABLE_RULES`` names) and, for a trusted association, its after-hours limits.

    Neither touches the guarantee against double booking nor a layout's capacity: those
    are checked elsewhere and never take allowances.
    """

    stretched: frozenset[str] = frozenset()
    after_hours: AfterHours | None = None


NO_ALLOWANCES = Allowances()


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


def check_duration(occurrence: Interval, rules: RoomRules,
                   stretched: frozenset[str] = frozenset()) -> list[FieldError]:
    """At least ``min_minutes``, at most ``max_minutes`` (unless ``max_duration`` is stretched)."""
    minutes = occurrence.duration / timedelta(minutes=1)
    if minutes < rules.min_minutes:
        return [FieldError("end", "too_short", gettext(
            "Bookings of this room last at least %(minutes)s minutes.",
            minutes=rules.min_minutes))]
    if minutes > rules.max_minutes and "max_duration" not in stretched:
        return [FieldError("end", "too_long", gettext(
            "Bookings of this room last at most %(minutes)s minutes.",
            minutes=rules.max_minutes))]
    return []


def check_lead_and_horizon(
    occurrence: Interval, rules: RoomRules, now: datetime, zone: tzinfo, *, staff: bool,
    stretched: frozenset[str] = frozenset(),
) -> list[FieldError]:
    """Not sooner than the lead time (members only) nor later than the horizon, unless
    ``lead_time`` or ``horizon`` is stretched."""
    errors = []
    if (not staff and "lead_time" not in stretched
            and occurrence.start < now + timedelta(hours=rules.lead_hours)):
        errors.append(FieldError(
            "start", "too_late_to_book",
            gettext("%(when)s is less than %(hours)s hours away; "
                    "this room is booked at least that far ahead.",
                    when=local_label(occurrence.start, zone), hours=rules.lead_hours),
        ))
    if (occurrence.start > now + timedelta(days=rules.horizon_days)
            and "horizon" not in stretched):
        errors.append(FieldError(
            "start", "beyond_horizon",
            gettext("%(when)s is more than %(days)s days ahead.",
                    when=local_label(occurrence.start, zone), days=rules.horizon_days),
        ))
    if occurrence.end <= now:
        errors.append(FieldError("start", "in_the_past", gettext("That time has already passed.")))
    return errors


def check_open(occurrence: Interval, hours: BranchHours,
               after_hours: AfterHours | None = None) -> list[FieldError]:
    """Inside opening hours and outside every closure; a trusted association (``after_hours``)
    may go past the opening hours within its branch's limits, never into a closure."""
    for closure, reason in hours.closures:
        if overlaps(closure, occurrence):
            when = local_label(occurrence.start, hours.zone)
            return [FieldError(
                "start", "branch_closed",
                gettext("The branch is closed on %(when)s (%(reason)s).", when=when,
                        reason=reason) if reason
                else gettext("The branch is closed on %(when)s.", when=when),
            )]
    if is_after_hours(occurrence, hours):
        if after_hours is not None:
            return check_after_hours(occurrence, hours.zone, after_hours)
        return [FieldError(
            "start", "outside_opening_hours",
            gettext("%(start)s–%(end)s is outside the branch's opening hours.",
                    start=local_label(occurrence.start, hours.zone),
                    end=format_local(occurrence.end, hours.zone, "time")),

        )]
    return []


def is_after_hours(occurrence: Interval, hours: BranchHours) -> bool:
    """Whether any of the occurrence lies outside the branch's weekly opening hours."""
    spans = open_intervals(hours.opening_hours, [], hours.zone, occurrence.start, occurrence.end)
    return not covers(spans, occurrence)


def check_after_hours(occurrence: Interval, zone: tzinfo,
                      after_hours: AfterHours) -> list[FieldError]:
    """An after-hours booking is in a room the branch opens after hours, and ends by the
    branch's latest end on the local day it starts."""
    if not after_hours.room_allowed:
        return [FieldError("room_id", "after_hours_limit", gettext(
            "This room is not open to after-hours bookings at this branch."))]
    start_day = occurrence.start.astimezone(zone).date()
    latest = datetime.combine(start_day, after_hours.latest_end, zone)
    if occurrence.end > latest:
        return [FieldError("end", "after_hours_limit", gettext(
            "After hours, bookings at this branch end by %(time)s.",
            time=after_hours.latest_end.strftime("%H:%M")))]
    return []


def check_evenings(
    new_after_hours: Iterable[Interval],
    existing_after_hours: Iterable[Interval],
    zone: tzinfo,
    evenings_per_month: int,
) -> list[FieldError]:
    """A trusted association uses at most its evenings a month after hours in a branch
    (an evening: a local day with an after-hours booking)."""
    months: dict[tuple[int, int], set[date]] = {}
    for interval in existing_after_hours:
        day = interval.start.astimezone(zone).date()
        months.setdefault((day.year, day.month), set()).add(day)
    errors = []
    for interval in sorted(new_after_hours):
        day = interval.start.astimezone(zone).date()
        evenings = months.setdefault((day.year, day.month), set())
        evenings.add(day)
        if len(evenings) > evenings_per_month:
            errors.append(FieldError("start", "after_hours_limit", gettext(
                "On %(when)s this would take the association over its %(num)s after-hours "
                "evenings a month in this branch.",
                when=format_local(interval.start, zone, "date"), num=evenings_per_month)))
    return _dedupe(errors)


def check_quota(
    new_occurrences: Iterable[Interval],
    existing: Iterable[Interval],
    zone: tzinfo,
    max_hours: int | None,
    max_bookings: int | None,
    stretched: frozenset[str] = frozenset(),
) -> list[FieldError]:
    """An association's hours and bookings per ISO week in a branch stay within the quota,
    unless ``quota`` is stretched."""
    if (max_hours is None and max_bookings is None) or "quota" in stretched:
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
    allowances: Allowances = NO_ALLOWANCES,
) -> list[FieldError]:
    """Every time rule, for every occurrence, bent only as far as ``allowances`` say;
    a series names the occurrences at fault."""
    errors: list[FieldError] = []
    counts: dict[str, int] = {}
    series = len(occurrences) > 1
    for index, occurrence in enumerate(occurrences):
        found = (
            check_grid(occurrence, rules, hours.zone)
            + check_duration(occurrence, rules, allowances.stretched)
            + check_lead_and_horizon(occurrence, rules, now, hours.zone, staff=staff,
                                     stretched=allowances.stretched)
            + check_open(occurrence, hours, allowances.after_hours)
        )
        for error in found:
            counts[error.code] = counts.get(error.code, 0) + 1
            if counts[error.code] <= MAX_ERRORS_PER_CODE:
                field = f"occurrences[{index}].{error.field}" if series else error.field
                errors.append(FieldError(field, error.code, error.message))
        if not series and found:
            break
    return _dedupe(errors)
