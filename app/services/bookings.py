"""The booking engine: create, change, cancel, approve. One transaction per call.

Every path that puts an occurrence on the calendar goes through ``_place``: the
rules, the capacity, the quota, the conflict check and the claims that let the
database itself refuse a double booking.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from itertools import pairwise
from typing import Any, TypeVar

from flask_babel import gettext
from sqlalchemy import ColumnElement, bindparam, or_, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import joinedload, make_transient_to_detached, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app.db import forget_reads, in_unit_of_work, unit_of_work, write_transaction
from app.extensions import db
from app.i18n import status_name
from app.models import (
    AccessCode,
    Association,
    Booking,
    Branch,
    Layout,
    Membership,
    Occurrence,
    Room,
    RuleException,
    RulesVersion,
    User,
    utcnow,
)
from app.models.base import JSONText
from app.models.booking import ACTIVE_STATUSES
from app.services import after_hours, conflicts
from app.services.associations import is_admin, membership_of
from app.services.booking_rules import (
    Allowances,
    BranchHours,
    RoomRules,
    check_occurrences,
    check_quota,
)
from app.services.booking_times import Planned, parse_booking_time, plan_series, rrule_until
from app.services.capacity import capacity_of, check_attendees
from app.services.closures import closures_touching
from app.services.errors import Conflict, FieldError, Forbidden, NotFound, RuleViolation
from app.services.mail import announce
from app.services.paging import keyset_page
from calendars import Interval, TimeInputError, get_zone

T = TypeVar("T")


@dataclass(frozen=True)
class BookingInput:
    """A booking request as the API, a page or the CLI gives it (times still text)."""

    room_id: int
    title: str
    attendees: int
    start: str
    end: str
    layout_id: int | None = None
    description: str = ""
    association_id: int | None = None
    public: bool = False
    rrule: str | None = None
    exdates: tuple[str, ...] = ()
    skip_conflicts: bool = False
    # (rule, reason): rules staff let this booking break, on record (see after_hours).
    exceptions: tuple[tuple[str, str], ...] = ()


@dataclass
class BookingResult:
    """The booking, the occurrences skipped because they clashed, and its access codes."""

    booking: Booking
    skipped: list[dict[str, Any]] = field(default_factory=list)
    # The live access codes of its after-hours dates (for the booker: see after_hours).
    access_codes: list[AccessCode] = field(default_factory=list)


# --------------------------------------------------------------------- create


def create_booking(actor: User, data: BookingInput, now: datetime | None = None) -> BookingResult:
    """Book a room once or as a series: whole or not at all (unless skip_conflicts).

    On PostgreSQL the first attempt may leave the clash check to the database (see
    ``_place``); if the database refuses, the retry checks and answers 409 with what is
    in the way. On SQLite the rules are checked before the writer slot is taken (see
    ``_create_checked_first``). Inside a caller's unit of work there is no retry and no
    reading ahead: there it checks everything first, under the caller's lock.
    """
    now = now or utcnow()
    if in_unit_of_work():
        return _create(actor, data, now)
    if db.session.get_bind().dialect.name == "sqlite":
        return _create_checked_first(actor, data, now)
    first_attempt = iter([True])
    return _retrying_lost_race(
        lambda: _create(actor, data, now, trust_constraint=next(first_attempt, False)))


@write_transaction(keep_loaded=True)
def _create(actor: User, data: BookingInput, now: datetime, *,
            trust_constraint: bool = False) -> BookingResult:
    return _create_in_unit(actor, data, now, trust_constraint=trust_constraint)


def _create_in_unit(actor: User, data: BookingInput, now: datetime, *,
                    trust_constraint: bool = False) -> BookingResult:
    booking, plan = _prepare(actor, data, now)
    skipped = _place(booking, plan, actor, now, skip_conflicts=data.skip_conflicts,
                     trust_constraint=trust_constraint)
    return _created(booking, skipped)


def _created(booking: Booking, skipped: list[dict[str, Any]]) -> BookingResult:
    announce(booking, "created")
    return BookingResult(booking, skipped,
                         [c for c in booking.access_codes if c.revoked_at is None])


_RULES_VERSION = select(RulesVersion.__table__.c.n).where(RulesVersion.__table__.c.id == 1)


def _rules_version() -> int | None:
    """The rules version (see ``app.models.rules_version``), read without the ORM's layers."""
    return db.session.connection().scalar(_RULES_VERSION)


def _create_checked_first(actor: User, data: BookingInput, now: datetime) -> BookingResult:
    """SQLite: read and check before queueing for the writer slot; under it, only what
    other writers can have changed.

    SQLite has one writer at a time, so every millisecond a create holds the slot is a
    millisecond no other create can write. The request's read-only transaction (one
    snapshot) loads the room, its branch, closures, layout, association and floor cells
    and checks the time rules and the capacity; under the slot one read of the rules
    version (bumped by triggers on every change to those tables) tells whether all of
    that still holds. If it does, the slot holds only what depends on other bookings
    (the clash check, quotas, evenings) and the writes; if not, the create starts over
    under the slot, as inside a caller's unit of work.
    """
    version = _rules_version()
    booking, plan = _prepare(actor, data, now)
    checked = _check_rules(booking, plan, actor, now)
    if checked.errors:
        raise RuleViolation(_all_rule_errors(booking, checked, actor))
    floor = conflicts.share_of_floor_at(booking.room.id, version)
    with unit_of_work(keep_loaded=True, keep_reads=True):
        if _rules_version() != version:
            forget_reads()
            return _create_in_unit(actor, data, now)
        skipped = _place(booking, plan, actor, now, skip_conflicts=data.skip_conflicts,
                         checked=checked, floor=floor)
        return _created(booking, skipped)


def _prepare(actor: User, data: BookingInput, now: datetime) -> tuple[Booking, list[Planned]]:
    """The booking a request asks for (not yet in the session) and its planned occurrences."""
    room = _room_for_request(data.room_id)
    zone = get_zone(room.branch.timezone)
    association = _authorise_booker(actor, data.association_id)
    layout = _layout_of(room, data.layout_id)
    start = parse_booking_time(data.start, zone, "start")
    end = parse_booking_time(data.end, zone, "end")
    _check_order(start, end)
    exdates = [parse_booking_time(t, zone, f"recurrence.exdates[{i}]")
               for i, t in enumerate(data.exdates)]
    plan = _without_exdates(plan_series(start, end, zone, data.rrule, []), exdates, zone,
                            series=data.rrule is not None)
    booking = Booking(
        uid=str(uuid.uuid4()),
        room=room,
        layout=layout,
        title=data.title,
        description=data.description,
        attendees=data.attendees,
        booked_by_id=actor.id,
        association=association,
        public=data.public,
        status="pending" if room.requires_approval and not actor.is_staff else "confirmed",
        start=plan[0].start,
        end=plan[0].end,
        rrule=data.rrule and _normalised_rrule(data.rrule),
        exdates=[e.isoformat() for e in exdates],
        created_at=now,
        updated_at=now,
    )
    booking.rule_exceptions = after_hours.stretched_rules(actor, data.exceptions, now)
    booking.access_codes = []  # known empty: no query for it when its codes are synced
    return booking, plan


# ---------------------------------------------------------------------- check


@dataclass(frozen=True)
class DateCheck:
    """One planned date of a request: free, or what is in its way (clashes, broken rules)."""

    start: datetime
    end: datetime
    clashes: tuple[str | None, ...] = ()
    problems: tuple[str, ...] = ()

    @property
    def free(self) -> bool:
        """Nothing clashes and no time rule refuses it."""
        return not self.clashes and not self.problems


@dataclass(frozen=True)
class BookingCheck:
    """What a create would answer, without booking: per date, the booking-wide rules,
    the layout's capacity, and alternatives when something is in the way."""

    room: Room
    dates: list[DateCheck]
    errors: list[FieldError]
    capacity: int
    attendees: int
    suggestions: list[Any]
    smaller_rooms: list[Any]

    @property
    def ok(self) -> bool:
        """A create with this request would succeed now."""
        return not self.errors and all(d.free for d in self.dates)

    @property
    def small_group(self) -> bool:
        """The group is small for the room (see ``is_small_group``)."""
        return is_small_group(self.attendees, self.capacity)

    @property
    def first_clash(self) -> DateCheck | None:
        """The first date something is booked in the way (the suggestions replace it)."""
        return next((d for d in self.dates if d.clashes), None)

    @property
    def taken(self) -> list[DateCheck]:
        """The dates that are not free."""
        return [d for d in self.dates if not d.free]


_OCCURRENCE_FIELD = re.compile(r"^occurrences\[(\d+)\]\.")


def check_booking(actor: User, data: BookingInput, now: datetime | None = None) -> BookingCheck:
    """Dry run of ``create_booking``: the same rules and clash checks, nothing written.

    Unknown rooms, layouts or associations, unreadable times and rules still raise
    (as on create); the rules a booking can break date by date, and the clashes, are
    reported per date. Read-only: no lock is taken, so the answer may be stale by
    the time the booking is sent, and the create checks again.
    """
    from app.services.availability import alternatives, smaller_free_rooms

    now = now or utcnow()
    booking, plan = _prepare(actor, data, now)
    room = booking.room
    zone = get_zone(room.branch.timezone)
    series = data.rrule is not None
    problems: dict[int, list[str]] = {}
    errors: list[FieldError] = []
    hours = _hours_of(room.branch, zone, plan)
    intervals = [Interval(p.start, p.end) for p in plan]
    allowances = after_hours.allowances_for(booking, intervals, hours)
    for error in check_occurrences(intervals, RoomRules.of(room), hours, now,
                                   staff=actor.is_staff, allowances=allowances) + (
            after_hours.evening_errors(booking, intervals, hours, allowances)):
        match = _OCCURRENCE_FIELD.match(error.field)
        if match:
            problems.setdefault(int(match[1]), []).append(error.message)
        elif not series and error.field in ("start", "end"):
            problems.setdefault(0, []).append(error.message)
        else:
            errors.append(error)
    errors += check_attendees(booking.attendees, room, booking.layout)
    if booking.association is not None and not actor.is_staff:
        errors += _quota_errors(booking, plan, zone, allowances)
    clashes = _clashes(booking, plan, room, conflicts.share_of_floor(room.id).room_ids)
    dates = [
        DateCheck(p.start, p.end,
                  tuple(c.title if _may_see_title(actor, c) else None
                        for c in clashes.get(p.original_start, ())),
                  tuple(problems.get(index, ())))
        for index, p in enumerate(plan)
    ]
    capacity = capacity_of(room, booking.layout)
    first_clash = next((d for d in dates if d.clashes), None)
    suggestions = (alternatives(room, first_clash.start, first_clash.end, booking.attendees,
                                actor, now) if first_clash else [])
    smaller = (smaller_free_rooms(room, capacity, plan[0].start, plan[0].end,
                                  booking.attendees, actor, now)
               if is_small_group(booking.attendees, capacity) else [])
    return BookingCheck(room, dates, errors, capacity, booking.attendees, suggestions, smaller)


def is_small_group(attendees: int, capacity: int) -> bool:
    """A group under a third of what the room holds: a smaller room would serve it better."""
    return attendees * 3 < capacity


def _normalised_rrule(rrule: str) -> str:
    from calendars import parse_rrule

    return parse_rrule(rrule)


_WITH_BRANCH = (joinedload(Room.branch),)


def _room_for_request(room_id: int) -> Room:
    room = db.session.get(Room, room_id, options=_WITH_BRANCH)
    if room is None or not room.bookable:
        raise RuleViolation.single(
            "room_id", "unknown_room", gettext("There is no bookable room %(id)s.", id=room_id)
        )
    return room


def _authorise_booker(actor: User, association_id: int | None) -> Association | None:
    """Members book for a verified association they belong to; staff may book for none."""
    if association_id is None:
        if actor.is_staff:
            return None
        raise RuleViolation.single(
            "association_id", "association_required",
            gettext("Choose the association you are booking for."),
        )
    association = db.session.get(Association, association_id)
    if association is None:
        raise RuleViolation.single("association_id", "unknown_association",
                                   gettext("There is no association %(id)s.", id=association_id))
    if not actor.is_staff and membership_of(actor, association) is None:
        raise Forbidden(gettext("You can only book for associations you belong to."))
    if not association.verified:
        raise RuleViolation.single(
            "association_id", "association_not_verified",
            gettext("%(name)s is not verified yet; library staff verify new associations.",
                    name=association.name),
        )
    return association


def _layout_of(room: Room, layout_id: int | None) -> Layout | None:
    if layout_id is None:
        return None
    layout = db.session.get(Layout, layout_id)
    if layout is None or layout.room_id != room.id:
        raise RuleViolation.single("layout_id", "unknown_layout",
                                   gettext("Room %(room)s has no layout %(id)s.",
                                           room=room.name, id=layout_id))
    return layout


def _check_order(start: datetime, end: datetime) -> None:
    if end <= start:
        raise RuleViolation.single("end", "end_before_start",
                                   gettext("The end must come after the start."))


def _without_exdates(plan: list[Planned], exdates: list[datetime], zone: tzinfo, *,
                     series: bool) -> list[Planned]:
    """The series less its exdates; each exdate must be one of its occurrences."""
    if not exdates:
        return plan
    if not series:
        raise RuleViolation.single("recurrence.exdates", "invalid_exdate",
                                   gettext("Exdates need a recurrence rule."))
    starts = {p.start for p in plan}
    for index, exdate in enumerate(exdates):
        if exdate not in starts:
            raise RuleViolation.single(
                f"recurrence.exdates[{index}]", "invalid_exdate",
                gettext("%(when)s is not an occurrence of the series.",
                        when=exdate.astimezone(zone).isoformat()),
            )
    excluded = set(exdates)
    remaining = [p for p in plan if p.start not in excluded]
    if not remaining:
        raise TimeInputError("invalid_rrule", "recurrence.rrule",
                             gettext("The rule and exdates leave no occurrence."))
    return remaining


# ------------------------------------------------------------------ placement


@dataclass(frozen=True)
class _RulesChecked:
    """What the rules that read no other booking found: the time rules' errors and the
    capacity's, and what the rules that do read other bookings need."""

    active: list[Planned]
    intervals: list[Interval]
    hours: BranchHours
    allowances: Allowances
    time_errors: list[FieldError]
    capacity_errors: list[FieldError]

    @property
    def errors(self) -> list[FieldError]:
        """Every error found so far."""
        return self.time_errors + self.capacity_errors


def _check_rules(booking: Booking, plan: Sequence[Planned], actor: User, now: datetime,
                 check_times: Sequence[Planned] | None = None) -> _RulesChecked:
    """The time rules of ``check_times`` (default: every active planned occurrence) and
    the capacity: what the room, branch, closures, layout and association decide."""
    room = booking.room
    branch = room.branch
    active = [p for p in plan if p.status == "active"]
    to_check = active if check_times is None else list(check_times)
    hours = _hours_of(branch, get_zone(branch.timezone), to_check)
    intervals = [Interval(p.start, p.end) for p in to_check]
    allowances = after_hours.allowances_for(booking, intervals, hours)
    return _RulesChecked(
        active, intervals, hours, allowances,
        check_occurrences(intervals, RoomRules.of(room), hours, now, staff=actor.is_staff,
                          allowances=allowances),
        check_attendees(booking.attendees, room, booking.layout))


def _all_rule_errors(booking: Booking, checked: _RulesChecked, actor: User) -> list[FieldError]:
    """``checked``'s errors with those of the rules that read the association's other
    bookings (after-hours evenings, quotas), in the order of the answer."""
    errors = checked.time_errors + after_hours.evening_errors(
        booking, checked.intervals, checked.hours, checked.allowances)
    errors += checked.capacity_errors
    if booking.association is not None and not actor.is_staff:
        errors += _quota_errors(booking, checked.active, checked.hours.zone, checked.allowances)
    return errors


def _place(
    booking: Booking,
    plan: Sequence[Planned],
    actor: User,
    now: datetime,
    *,
    skip_conflicts: bool = False,
    check_times: Sequence[Planned] | None = None,
    trust_constraint: bool = False,
    checked: _RulesChecked | None = None,
    floor: conflicts.FloorShare | None = None,
) -> list[dict[str, Any]]:
    """Check ``plan`` for ``booking`` and write its occurrences and claims.

    ``check_times`` (default: every active planned occurrence) are the ones whose
    time rules are checked; capacity and conflicts are checked for all of them.
    ``trust_constraint``: skip the clash query where the database's exclusion
    constraint alone refuses every clash it would find (``_constraint_decides``); the
    caller must then retry a refused attempt with the check, for the 409's details.
    ``checked`` and ``floor``: what ``_check_rules`` and ``conflicts.share_of_floor``
    found before the write lock, known to hold still (``_create_checked_first``).
    """
    room = booking.room
    zone = get_zone(room.branch.timezone)
    checked = checked or _check_rules(booking, plan, actor, now, check_times)
    active = checked.active
    errors = _all_rule_errors(booking, checked, actor)
    if errors:
        raise RuleViolation(errors)
    booking.capacity_flag = None  # the room holds them again
    booking.capacity_flagged_at = None

    _refuse_self_overlap(active, room, zone)
    floor = floor or conflicts.share_of_floor(room.id, lock=True)
    if trust_constraint and _constraint_decides(room, floor, skip_conflicts=skip_conflicts):
        clashes_by_start = {}
    else:
        clashes_by_start = _clashes(booking, active, room, floor.room_ids)
    skipped: list[dict[str, Any]] = []
    if clashes_by_start:
        if not skip_conflicts or len(clashes_by_start) == len(active):
            raise _conflict(booking, clashes_by_start, actor, zone, now)
        skipped = [_span_json(room.id, p.start, p.end, zone) for p in active
                   if p.original_start in clashes_by_start]
        plan = [p for p in plan if p.original_start not in clashes_by_start]

    _write_occurrences(booking, plan, room, floor.cell_ids)
    after_hours.sync_access_codes(booking, now)
    return skipped


def _constraint_decides(room: Room, floor: conflicts.FloorShare, *, skip_conflicts: bool) -> bool:
    """Whether the exclusion constraint refuses exactly the clashes ``_clashes`` finds.

    On PostgreSQL it does for a room with cells (its claims overlap another active
    occurrence's claims on a shared cell exactly when their blocks, buffers included,
    overlap), unless the room has a changeover time (a rule between layouts, not in the
    claims) or the request skips clashing dates (it must know which ones they are).
    """
    return (db.session.get_bind().dialect.name == "postgresql" and bool(floor.cell_ids)
            and not room.changeover_minutes and not skip_conflicts)


def _refuse_self_overlap(active: Sequence[Planned], room: Room, zone: tzinfo) -> None:
    """Two occurrences of one booking (a moved one, say) must not overlap either."""
    buffer = timedelta(minutes=room.buffer_minutes)
    ordered = sorted(active, key=lambda p: p.start)
    for earlier, later in pairwise(ordered):
        if later.start < earlier.end + buffer:
            raise Conflict(
                conflicts=[_span_json(room.id, earlier.start, earlier.end, zone)],
                detail=gettext("Two occurrences of this booking would overlap."),
            )


def _hours_of(branch: Branch, zone: tzinfo, planned: Sequence[Planned]) -> BranchHours:
    """The branch's hours with the closures that touch the planned times (not all of them)."""
    closures = closures_touching(branch.id, Interval(
        min(p.start for p in planned), max(p.end for p in planned))) if planned else []
    return BranchHours(zone, branch.opening_hours, closures)


def _quota_errors(booking: Booking, active: Sequence[Planned], zone: tzinfo,
                  allowances: Allowances) -> list[FieldError]:
    branch = booking.room.branch
    if branch.quota_hours_per_week is None and branch.quota_bookings_per_week is None:
        return []
    new = [Interval(p.start, p.end) for p in active]
    window_start = min(i.start for i in new) - timedelta(days=8)
    window_end = max(i.end for i in new) + timedelta(days=8)
    rows = db.session.execute(
        select(Occurrence.start, Occurrence.end)
        .join(Booking, Booking.id == Occurrence.booking_id)
        .join(Room, Room.id == Occurrence.room_id)
        .where(
            Booking.association_id == booking.association.id,
            Room.branch_id == branch.id,
            Occurrence.status.in_(ACTIVE_STATUSES),
            Occurrence.start >= window_start,
            Occurrence.start < window_end,
            Occurrence.booking_id != (booking.id or -1),
        )
    )
    existing = [Interval(s, e) for s, e in rows]
    return check_quota(new, existing, zone, branch.quota_hours_per_week,
                       branch.quota_bookings_per_week, allowances.stretched)


def _clashes(
    booking: Booking, active: Sequence[Planned], room: Room, room_ids: Sequence[int]
) -> dict[datetime, list[conflicts.Clash]]:
    """Planned original start -> what is in its way in ``room_ids`` (the rooms sharing
    floor with it), buffers and changeover included."""
    buffer = timedelta(minutes=room.buffer_minutes)
    blocks = {p.original_start: Interval(p.start, p.end + buffer) for p in active}
    found = conflicts.find_clashes(room_ids, list(blocks.values()), booking.id)
    result: dict[datetime, list[conflicts.Clash]] = {}
    for key, block in blocks.items():
        hits = [c for c in found if _clash_overlaps(c, block, room)]
        if hits:
            result[key] = hits
    if room.changeover_minutes:
        _add_changeover_clashes(result, booking, active, room)
    return result


def _clash_overlaps(clash: conflicts.Clash, block: Interval, room: Room) -> bool:
    return clash.block_start < block.end and block.start < clash.block_end


def _add_changeover_clashes(
    result: dict[datetime, list[conflicts.Clash]],
    booking: Booking,
    active: Sequence[Planned],
    room: Room,
) -> None:
    """Consecutive bookings with different layouts need the room's changeover time between."""
    gap = timedelta(minutes=room.changeover_minutes)
    windows = {p.original_start: Interval(p.start - gap, p.end + gap) for p in active}
    nearby = conflicts.find_clashes([room.id], list(windows.values()), booking.id)
    layout_id = booking.layout.id if booking.layout is not None else None
    for key, window in windows.items():
        for clash in nearby:
            different = clash.layout_id != layout_id and None not in (clash.layout_id, layout_id)
            if different and clash.start < window.end and window.start < clash.end:
                hits = result.setdefault(key, [])
                if clash not in hits:
                    hits.append(clash)


def _conflict(
    booking: Booking,
    clashes: dict[datetime, list[conflicts.Clash]],
    actor: User,
    zone: tzinfo,
    now: datetime,
) -> Conflict:
    from app.services.availability import suggestions_for

    listed: list[dict[str, Any]] = []
    for clash in sorted({c for cs in clashes.values() for c in cs}, key=lambda c: c.start):
        item = _span_json(clash.room_id, clash.start, clash.end, zone)
        if _may_see_title(actor, clash):
            item["title"] = clash.title
        listed.append(item)
    first = min(clashes)
    duration = booking.end - booking.start
    clashing = [_span_json(booking.room.id, s, s + duration, zone) for s in sorted(clashes)]
    suggestions = suggestions_for(booking.room, first, first + duration, booking.attendees,
                                  actor, now, exclude_booking_id=booking.id)
    detail = (gettext("%(count)s of the requested occurrences clash with other bookings.",
                      count=len(clashes))
              if len(clashes) > 1 or booking.rrule else
              gettext("The room (or a room sharing its floor) is booked at that time."))
    return Conflict(conflicts=listed, suggestions=suggestions, detail=detail,
                    extra={"clashing_occurrences": clashing})


def _may_see_title(actor: User, clash: conflicts.Clash) -> bool:
    if actor.is_staff or clash.booked_by_id == actor.id:
        return True
    if clash.association_id is None:
        return False
    association = db.session.get(Association, clash.association_id)
    return association is not None and membership_of(actor, association) is not None


def _span_json(room_id: int, start: datetime, end: datetime, zone: tzinfo) -> dict[str, Any]:
    from calendars import to_rfc3339

    return {"room_id": room_id, "start": to_rfc3339(start, zone), "end": to_rfc3339(end, zone)}


_OCCURRENCE = Occurrence.__table__
_INSERT_OCCURRENCES = _OCCURRENCE.insert().returning(_OCCURRENCE.c.id,
                                                      sort_by_parameter_order=True)
_BOOKING = Booking.__table__
# The columns a new booking leaves to the model's defaults: the Core insert reads them
# back; PostgreSQL's one statement passes the same defaults.
_LEFT_TO_DEFAULTS = ("status_reason", "series_parent_id", "sequence")
_INSERT_BOOKING = _BOOKING.insert().returning(
    _BOOKING.c.id, *(_BOOKING.c[name] for name in _LEFT_TO_DEFAULTS))
_NEW_BOOKING_DEFAULTS = {
    name: None if _BOOKING.c[name].default is None else _BOOKING.c[name].default.arg
    for name in _LEFT_TO_DEFAULTS}


def _new_booking_values(booking: Booking) -> dict[str, Any]:
    """The column values of a new booking, as the insert takes them."""
    return {
        "uid": booking.uid, "room_id": booking.room.id,
        "layout_id": booking.layout.id if booking.layout is not None else None,
        "title": booking.title, "description": booking.description,
        "attendees": booking.attendees, "booked_by_id": booking.booked_by_id,
        "association_id": booking.association.id if booking.association is not None else None,
        "public": booking.public, "status": booking.status,
        "capacity_flag": booking.capacity_flag,
        "capacity_flagged_at": booking.capacity_flagged_at,
        "start": booking.start, "end": booking.end, "rrule": booking.rrule,
        "exdates": booking.exdates, "created_at": booking.created_at,
        "updated_at": booking.updated_at,
    }


def _insert_new_booking(booking: Booking) -> None:
    """Insert a new booking (with no stretched rules or codes) by one Core statement, and
    make the object persistent as the ORM's flush would leave it, for less work per create."""
    values = _new_booking_values(booking)
    row = db.session.execute(_INSERT_BOOKING, values).one()
    _persist_booking(booking, values | row._asdict())


def _persist_booking(booking: Booking, columns: dict[str, Any]) -> None:
    """Make the new ``booking`` the persistent object of the row just inserted with ``columns``."""
    for key, value in columns.items():
        set_committed_value(booking, key, value)
    make_transient_to_detached(booking)
    db.session.add(booking)


def _persist_occurrences(ids: Sequence[int], values: list[dict[str, Any]]) -> list[Occurrence]:
    """The persistent objects of occurrence rows just inserted (``ids`` in ``values``' order)."""
    occurrences = []
    for occurrence_id, row in zip(ids, values, strict=True):
        occurrence = Occurrence(id=occurrence_id, **row)
        make_transient_to_detached(occurrence)
        occurrences.append(occurrence)
    db.session.add_all(occurrences)
    return occurrences


def _insert_occurrences(values: list[dict[str, Any]]) -> list[Occurrence]:
    """Insert occurrence rows by one Core statement; the objects standing for them, persistent."""
    ids = db.session.execute(_INSERT_OCCURRENCES, values).scalars().all()
    return _persist_occurrences(ids, values)


# PostgreSQL: a new booking, its occurrences and their claims in one statement, one round
# trip; the exclusion constraint checks the claims as in three (a refusal is a lost race).
_CREATE_IN_ONE_STATEMENT = text("""
WITH new_booking AS (
    INSERT INTO booking (uid, room_id, layout_id, title, description, attendees, booked_by_id,
                         association_id, public, status, status_reason, capacity_flag,
                         capacity_flagged_at, start, "end", rrule, exdates, sequence,
                         created_at, updated_at)
    VALUES (:uid, :room_id, :layout_id, :title, :description, :attendees, :booked_by_id,
            :association_id, :public, :status, :status_reason, :capacity_flag,
            :capacity_flagged_at, :start, :end, :rrule, :exdates, :sequence, :created_at,
            :updated_at)
    RETURNING id
), new_occurrence AS (
    INSERT INTO occurrence (booking_id, room_id, start, "end", block_start, block_end, status,
                            original_start, modified, updated_at)
    SELECT new_booking.id, :room_id, o.start, o.finish, o.block_start, o.block_end, o.status,
           o.original_start, o.modified, :stamp
      FROM new_booking,
           unnest(CAST(:starts AS timestamptz[]), CAST(:ends AS timestamptz[]),
                  CAST(:block_starts AS timestamptz[]), CAST(:block_ends AS timestamptz[]),
                  CAST(:statuses AS text[]), CAST(:original_starts AS timestamptz[]),
                  CAST(:modifieds AS boolean[]))
           AS o(start, finish, block_start, block_end, status, original_start, modified)
    RETURNING id, original_start, block_start, block_end, status
), new_claim AS (
    INSERT INTO occurrence_claim (occurrence_id, cell_id, block_start, block_end)
    SELECT new_occurrence.id, cell.id, new_occurrence.block_start, new_occurrence.block_end
      FROM new_occurrence, unnest(CAST(:cells AS integer[])) AS cell(id)
     WHERE new_occurrence.status IN ('pending', 'confirmed')
)
SELECT (SELECT id FROM new_booking), id, original_start FROM new_occurrence
""").bindparams(bindparam("exdates", type_=JSONText))


def _insert_in_one_statement(booking: Booking, values: list[dict[str, Any]],
                             cells: Sequence[int]) -> list[Occurrence] | None:
    """PostgreSQL: insert a new booking (no stretched rules or codes) with its occurrences and
    their claims on ``cells`` in one round trip; None where it does not apply (elsewhere,
    or nothing to claim), for the statements one by one."""
    if db.session.get_bind().dialect.name != "postgresql" or not cells or not values:
        return None
    stamp = utcnow()
    booking_values = _new_booking_values(booking)
    rows = db.session.execute(_CREATE_IN_ONE_STATEMENT, booking_values | _NEW_BOOKING_DEFAULTS | {
        "stamp": stamp, "cells": list(cells),
        **{plural: [v[key] for v in values] for key, plural in (
            ("start", "starts"), ("end", "ends"), ("block_start", "block_starts"),
            ("block_end", "block_ends"), ("status", "statuses"),
            ("original_start", "original_starts"), ("modified", "modifieds"))},
    }).all()
    booking_id = rows[0][0]
    _persist_booking(booking, booking_values | _NEW_BOOKING_DEFAULTS | {"id": booking_id})
    ids = {original_start: occurrence_id for _, occurrence_id, original_start in rows}
    for row in values:
        row["booking_id"], row["updated_at"] = booking_id, stamp
    return _persist_occurrences([ids[v["original_start"]] for v in values], values)


def _write_occurrences(
    booking: Booking, plan: Sequence[Planned], room: Room, cells: Sequence[int]
) -> None:
    """Insert the booking if new, its planned occurrences and their claims: in one statement
    on PostgreSQL (a new booking), else one statement each."""
    buffer = timedelta(minutes=room.buffer_minutes)
    occurrence_status = booking.status if booking.status in ACTIVE_STATUSES else "cancelled"
    values = [
        {
            "room_id": room.id,
            "start": p.start,
            "end": p.end,
            "block_start": p.start,
            "block_end": p.end + buffer,
            "original_start": p.original_start,
            "modified": p.modified,
            "status": occurrence_status if p.status == "active" else "cancelled",
        }
        for p in plan
    ]
    plain_new = (booking.id is None and not booking.rule_exceptions
                 and not booking.access_codes)
    rows = _insert_in_one_statement(booking, values, cells) if plain_new else None
    if rows is None:
        if plain_new:
            _insert_new_booking(booking)
        else:
            db.session.add(booking)
            db.session.flush()
        stamp = utcnow()
        for row in values:
            row["booking_id"], row["updated_at"] = booking.id, stamp
        rows = _insert_occurrences(values) if values else []
        conflicts.claim([r for r in rows if r.status in ACTIVE_STATUSES], {room.id: cells})
    kept = list(booking.occurrences) if "occurrences" in booking.__dict__ else []
    set_committed_value(booking, "occurrences", sorted(kept + rows, key=lambda o: o.start))


def _retrying_lost_race(action: Callable[[], T]) -> T:
    """Run ``action``; if the database refused it as a lost race, run it once more.

    The second run sees the winner's booking and answers 409 like any conflict. The
    retry stays outside the unit of work so that it runs in a fresh transaction;
    inside a caller's unit there is no fresh transaction to be had, so it does not retry.
    """
    if in_unit_of_work():
        return action()
    for _attempt in range(2):
        try:
            return action()
        except DBAPIError as error:
            if not conflicts.is_lost_race(error):
                raise
            db.session.rollback()
    raise Conflict(detail=gettext("Another booking took this time a moment ago."))


# --------------------------------------------------------------------- access


def get_booking(booking_id: int, viewer: User, *, to_change: bool = False) -> Booking:
    """The booking if the viewer may see it (booker, its association, staff); else NotFound.

    ``to_change``: read it afresh and row-lock it until the commit, so that two changes of
    one booking (an approval and a cancellation, say) queue instead of both deciding on
    what they read before the other committed. (On SQLite the write lock taken by
    the unit of work already holds off every other writer.)
    """
    booking = db.session.get(Booking, booking_id, with_for_update=to_change or None,
                             populate_existing=to_change)
    if booking is None or not may_view(viewer, booking):
        raise NotFound(gettext("No booking %(id)s.", id=booking_id))
    return booking


def visible_to(member: User) -> ColumnElement[bool]:
    """Which bookings a member sees: those they made and those of their associations."""
    theirs = select(Membership.association_id).where(Membership.user_id == member.id)
    return or_(Booking.booked_by_id == member.id, Booking.association_id.in_(theirs))


def may_view(viewer: User, booking: Booking) -> bool:
    """Staff, the booker, and members of the booking's association see it in full."""
    if viewer.is_staff or booking.booked_by_id == viewer.id:
        return True
    association = booking.association
    return association is not None and membership_of(viewer, association) is not None


def may_change(actor: User, booking: Booking) -> bool:
    """Staff, the booker and admins of the booking's association may change or cancel it."""
    if actor.is_staff or booking.booked_by_id == actor.id:
        return True
    return booking.association is not None and is_admin(actor, booking.association)


def _changeable(booking_id: int, actor: User) -> Booking:
    booking = get_booking(booking_id, actor, to_change=True)
    if not may_change(actor, booking):
        raise Forbidden(gettext(
            "Only the booker, the association's admins and staff may change it."))
    return booking


def _touch(booking: Booking, now: datetime) -> None:
    booking.sequence += 1
    booking.updated_at = now


# -------------------------------------------------------------------- changes


@dataclass(frozen=True)
class BookingChanges:
    """What a PATCH may change; None leaves a field as it is."""

    title: str | None = None
    description: str | None = None
    public: bool | None = None
    attendees: int | None = None
    layout_id: int | None = None
    clear_layout: bool = False
    start: str | None = None
    end: str | None = None


def update_booking(
    actor: User, booking_id: int, changes: BookingChanges, now: datetime | None = None
) -> Booking:
    """Change a booking (a whole series); times and capacity are checked as on create."""
    now = now or utcnow()
    return _retrying_lost_race(lambda: _update(actor, booking_id, changes, now))


@write_transaction
def _update(actor: User, booking_id: int, changes: BookingChanges, now: datetime) -> Booking:
    booking = _changeable(booking_id, actor)
    _require_active(booking)
    zone = get_zone(booking.room.branch.timezone)
    _apply_details(booking, changes)
    if changes.start is None and changes.end is None:
        plan = _current_plan(booking)
        _replace_occurrences(booking, plan, actor, now, check_times=[])
    else:
        start = parse_booking_time(changes.start, zone, "start") if changes.start else booking.start
        end = parse_booking_time(changes.end, zone, "end") if changes.end else (
            start + (booking.end - booking.start))
        _check_order(start, end)
        if booking.rrule and any(o.start <= now for o in booking.occurrences):
            raise RuleViolation.single(
                "start", "series_started",
                gettext("This series has begun: change one occurrence, "
                        "or this and the following ones."),
            )
        exdates = [datetime.fromisoformat(e) for e in booking.exdates]
        plan = _carry_exceptions(plan_series(start, end, zone, booking.rrule, exdates),
                                 _exceptions_of(booking.occurrences), zone)
        booking.start, booking.end = start, end
        _replace_occurrences(booking, plan, actor, now)
    _touch(booking, now)
    announce(booking, "changed")
    return booking


def _apply_details(booking: Booking, changes: BookingChanges) -> None:
    for name in ("title", "description", "public", "attendees"):
        value = getattr(changes, name)
        if value is not None:
            setattr(booking, name, value)
    if changes.clear_layout:
        booking.layout = None
    elif changes.layout_id is not None:
        booking.layout = _layout_of(booking.room, changes.layout_id)


def _require_active(booking: Booking) -> None:
    if booking.status not in ACTIVE_STATUSES:
        raise RuleViolation.single("status", "not_active", gettext(
            "This booking is %(status)s.", status=status_name(booking.status)))


def _current_plan(booking: Booking) -> list[Planned]:
    return [
        Planned(o.original_start, o.start, o.end,
                "active" if o.status in ACTIVE_STATUSES else "cancelled", o.modified)
        for o in booking.occurrences
        if o.status != "rejected"
    ]


def _carry_exceptions(plan: list[Planned], exceptions: Sequence[Occurrence], zone: tzinfo,
                      shift: timedelta = timedelta(0)) -> list[Planned]:
    """Cancelled and individually moved occurrences stay so when the series is edited.

    They are matched by the local date the rule first put them on (``shift`` later,
    when the edit moves the series).
    """
    by_date = {(o.original_start + shift).astimezone(zone).date(): o for o in exceptions}
    result = []
    for planned in plan:
        old = by_date.get(planned.original_start.astimezone(zone).date())
        if old is None:
            result.append(planned)
        elif old.status == "cancelled":
            result.append(Planned(planned.original_start, planned.start, planned.end,
                                  "cancelled", old.modified))
        else:
            result.append(planned.moved(old.start, old.end))
    return result


def _exceptions_of(occurrences: Sequence[Occurrence]) -> list[Occurrence]:
    """The occurrences changed or cancelled on their own."""
    return [o for o in occurrences if o.modified or o.status == "cancelled"]


def _replace_occurrences(
    booking: Booking,
    plan: list[Planned],
    actor: User,
    now: datetime,
    check_times: Sequence[Planned] | None = None,
) -> None:
    """Swap the booking's occurrences for ``plan`` after the same checks as a new booking.

    Past occurrences are history: they are kept as they are.
    """
    past = [o for o in booking.occurrences if o.end <= now]
    past_keys = {o.original_start for o in past}
    future_plan = [p for p in plan if p.original_start not in past_keys and p.end > now]
    _delete_occurrences([o for o in booking.occurrences if o not in past])
    if check_times is None:
        check_times = [p for p in future_plan if p.status == "active"]
    _place(booking, future_plan, actor, now, check_times=check_times)


def _delete_occurrences(rows: Sequence[Occurrence]) -> None:
    """Remove occurrence rows (and their claims) before their replacements are written."""
    conflicts.release([o.id for o in rows if o.id is not None])
    for row in rows:
        row.booking.occurrences.remove(row)
    db.session.flush()


def find_occurrence(booking: Booking, start_text: str) -> Occurrence:
    """The booking's occurrence at that start (current or original); NotFound otherwise."""
    zone = get_zone(booking.room.branch.timezone)
    try:
        instant = parse_booking_time(start_text.replace(" ", "+"), zone, "start")
    except ValueError:
        raise NotFound(gettext("No occurrence starts then.")) from None
    for occurrence in booking.occurrences:
        if instant in (occurrence.start, occurrence.original_start):
            return occurrence
    raise NotFound(gettext("No occurrence of this booking starts then."))


def change_occurrence(
    actor: User, booking_id: int, start_text: str, changes: BookingChanges,
    *, following: bool = False, now: datetime | None = None,
) -> Booking:
    """Move one occurrence, or (``following``) split the series there and change the rest."""
    now = now or utcnow()
    action = _change_following if following else _change_one
    return _retrying_lost_race(lambda: action(actor, booking_id, start_text, changes, now))


@write_transaction
def _change_one(
    actor: User, booking_id: int, start_text: str, changes: BookingChanges, now: datetime
) -> Booking:
    booking = _changeable(booking_id, actor)
    _require_active(booking)
    occurrence = find_occurrence(booking, start_text)
    if occurrence.status not in ACTIVE_STATUSES or occurrence.end <= now:
        raise RuleViolation.single("start", "not_active",
                                   gettext("That occurrence cannot be changed."))
    zone = get_zone(booking.room.branch.timezone)
    start = parse_booking_time(changes.start, zone, "start") if changes.start else occurrence.start
    end = parse_booking_time(changes.end, zone, "end") if changes.end else (
        start + (occurrence.end - occurrence.start))
    _check_order(start, end)
    plan = []
    moved = None
    for p in _current_plan(booking):
        if p.original_start == occurrence.original_start:
            moved = p.moved(start, end)
            plan.append(moved)
        else:
            plan.append(p)
    if changes.attendees is not None and not booking.rrule:
        booking.attendees = changes.attendees
    _replace_occurrences(booking, plan, actor, now, check_times=[moved] if moved else [])
    _touch(booking, now)
    announce(booking, "changed")
    return booking


@write_transaction
def _change_following(
    actor: User, booking_id: int, start_text: str, changes: BookingChanges, now: datetime
) -> Booking:
    """End the series before this occurrence; a new series carries it and what follows."""
    booking = _changeable(booking_id, actor)
    _require_active(booking)
    if not booking.rrule:
        raise RuleViolation.single("scope", "not_a_series",
                                   gettext("Only a series can be split."))
    pivot = find_occurrence(booking, start_text)
    zone = get_zone(booking.room.branch.timezone)
    first = booking.occurrences[0]
    if pivot.original_start == first.original_start:
        return _update(actor, booking_id, changes, now)
    shift = timedelta(0)
    new_start = parse_booking_time(changes.start, zone, "start") if changes.start else None
    duration = booking.end - booking.start
    if new_start is not None:
        shift = new_start - pivot.original_start
    if changes.end:
        new_end = parse_booking_time(changes.end, zone, "end")
        duration = new_end - (new_start or pivot.original_start)
    tail = [o for o in booking.occurrences if o.original_start >= pivot.original_start]
    last_original = max(o.original_start for o in booking.occurrences)
    exceptions = _exceptions_of(tail)
    successor = Booking(
        uid=str(uuid.uuid4()),
        room=booking.room,
        layout=booking.layout,
        title=booking.title,
        description=booking.description,
        attendees=booking.attendees,
        booked_by_id=booking.booked_by_id,
        association=booking.association,
        public=booking.public,
        status=booking.status,
        start=pivot.original_start + shift,
        end=pivot.original_start + shift + duration,
        rrule=rrule_until(booking.rrule, last_original + shift),
        exdates=[e for e in booking.exdates
                 if datetime.fromisoformat(e) >= pivot.original_start],
        series_parent_id=booking.id,
        created_at=now,
        updated_at=now,
    )
    successor.rule_exceptions = [
        RuleException(rule=e.rule, reason=e.reason, granted_by_id=e.granted_by_id,
                      granted_at=e.granted_at) for e in booking.rule_exceptions]
    _apply_details(successor, changes)
    head_exdates = [e for e in booking.exdates if datetime.fromisoformat(e) < pivot.original_start]
    booking.rrule = rrule_until(booking.rrule, pivot.original_start - timedelta(seconds=1))
    booking.exdates = head_exdates
    _delete_occurrences(tail)
    _touch(booking, now)
    exdates = [datetime.fromisoformat(e) for e in successor.exdates]
    plan = plan_series(successor.start, successor.end, zone, successor.rrule, exdates)
    plan = _carry_exceptions(plan, exceptions, zone, shift)
    _place(successor, plan, actor, now)
    after_hours.sync_access_codes(booking, now)
    announce(booking, "changed")
    announce(successor, "changed")
    return successor


# ---------------------------------------------------------------- cancelling


@write_transaction
def cancel_booking(actor: User, booking_id: int, reason: str = "",
                   now: datetime | None = None) -> Booking:
    """Cancel a booking or a whole series; the rows stay, marked cancelled."""
    now = now or utcnow()
    booking = _changeable(booking_id, actor)
    if booking.status == "cancelled":
        return booking
    _set_status(dates_to_cancel(booking, "all", now=now), "cancelled", now)
    booking.status = "cancelled"
    booking.status_reason = reason
    _touch(booking, now)
    db.session.flush()
    after_hours.sync_access_codes(booking, now)
    announce(booking, "cancelled")
    whole_booking_cancelled(booking)
    return booking


@write_transaction
def cancel_occurrence(actor: User, booking_id: int, start_text: str, *,
                      following: bool = False, now: datetime | None = None) -> Booking:
    """Cancel one date of a booking, or (``following``) that date and every later one.

    The rows stay, marked cancelled, so the feeds announce them; the series keeps its UID.
    """
    now = now or utcnow()
    booking = _changeable(booking_id, actor)
    rows = dates_to_cancel(booking, "following" if following else "this", start_text, now=now)
    if rows:
        _set_status(rows, "cancelled", now)
        if all(o.status not in ACTIVE_STATUSES for o in booking.occurrences):
            booking.status = "cancelled"
        _touch(booking, now)
        db.session.flush()
        after_hours.sync_access_codes(booking, now)
        announce(booking, "cancelled" if booking.status == "cancelled" else "changed")
        if booking.status == "cancelled":
            whole_booking_cancelled(booking)
    db.session.flush()
    return booking


def whole_booking_cancelled(booking: Booking) -> None:
    """What follows, in the same transaction, once every date of a booking is cancelled:
    a proposal scheduled into it is no longer happening."""
    from app.services.proposals import booking_cancelled  # proposals book through here

    booking_cancelled(booking)


CANCEL_SCOPES = ("this", "following", "all")


def dates_to_cancel(booking: Booking, scope: str, start_text: str | None = None, *,
                    now: datetime | None = None) -> list[Occurrence]:
    """The dates a cancellation of ``scope`` cancels: what it does, and what a confirmation lists.

    ``this``: the date starting at ``start_text`` (current or original start), if active;
    ``following``: that date and every active date that starts after it and has not ended;
    ``all``: every active date that has not ended (past dates are history).
    """
    now = now or utcnow()
    if scope not in CANCEL_SCOPES:
        raise ValueError(f"scope must be one of {', '.join(CANCEL_SCOPES)}")
    active = [o for o in booking.occurrences if o.status in ACTIVE_STATUSES]
    if scope == "all":
        return [o for o in active if o.end > now]
    pivot = find_occurrence(booking, start_text or "")
    if scope == "this":
        return [pivot] if pivot in active else []
    return [o for o in active
            if o is pivot or (o.start >= pivot.start and o.end > now)]


def _set_status(rows: Sequence[Occurrence], status: str, now: datetime) -> None:
    for row in rows:
        row.status = status
        row.updated_at = now
    if status not in ACTIVE_STATUSES:
        conflicts.release([r.id for r in rows])


# ------------------------------------------------------------------- approval


@write_transaction
def decide(actor: User, booking_id: int, approve: bool, reason: str = "",
           now: datetime | None = None) -> Booking:
    """Staff approve (confirm) or reject a pending booking or whole series."""
    now = now or utcnow()
    if not actor.is_staff:
        raise Forbidden(gettext("Only library staff approve bookings."))
    booking = get_booking(booking_id, actor, to_change=True)
    if booking.status != "pending":
        raise RuleViolation.single("status", "not_pending", gettext(
            "This booking is %(status)s.", status=status_name(booking.status)))
    if not approve and not reason.strip():
        raise RuleViolation.single("reason", "reason_required",
                                   gettext("Say why, so the association knows what to change."))
    pending = [o for o in booking.occurrences if o.status == "pending"]
    _set_status(pending, "confirmed" if approve else "rejected", now)
    booking.status = "confirmed" if approve else "rejected"
    booking.status_reason = reason.strip()
    _touch(booking, now)
    db.session.flush()
    after_hours.sync_access_codes(booking, now)
    announce(booking, "approved" if approve else "rejected")
    return booking


def pending_queue(actor: User, limit: int = 50, after_id: int | None = None) -> list[Booking]:
    """Pending bookings, oldest request first (staff)."""
    if not actor.is_staff:
        raise Forbidden(gettext("Only library staff see the approval queue."))
    return keyset_page(select(Booking).where(Booking.status == "pending"), Booking.id,
                       limit, after_id)


def over_capacity_queue(actor: User, limit: int = 200) -> list[Booking]:
    """Active bookings flagged as holding more people than their room now allows (staff)."""
    if not actor.is_staff:
        raise Forbidden(gettext("Only library staff see the bookings over capacity."))

    return list(db.session.scalars(
        select(Booking)
        .where(Booking.capacity_flag.is_not(None), Booking.status.in_(ACTIVE_STATUSES))
        .order_by(Booking.capacity_flagged_at, Booking.id).limit(limit)))


@dataclass(frozen=True)
class BookingFilter:
    """Which bookings a list shows; None leaves a criterion out."""

    room_id: int | None = None
    association_id: int | None = None
    occurring_after: datetime | None = None
    occurring_before: datetime | None = None


def list_bookings(viewer: User, filters: BookingFilter, limit: int,
                  after_id: int | None = None) -> list[Booking]:
    """Bookings the viewer may see (staff: all), by id, with an occurrence in the range."""
    query = select(Booking)
    if not viewer.is_staff:
        query = query.where(visible_to(viewer))
    if filters.room_id is not None:
        query = query.where(Booking.room_id == filters.room_id)
    if filters.association_id is not None:
        query = query.where(Booking.association_id == filters.association_id)
    if filters.occurring_after is not None or filters.occurring_before is not None:
        occurring = select(Occurrence.booking_id)
        if filters.occurring_after is not None:
            occurring = occurring.where(
                Occurrence.end > filters.occurring_after,
                # bounded below as well, so the (start, end) index serves it
                Occurrence.start > filters.occurring_after - conflicts.MAX_BLOCK,
            )
        if filters.occurring_before is not None:
            occurring = occurring.where(Occurrence.start < filters.occurring_before)
        query = query.where(Booking.id.in_(occurring))
    return keyset_page(query, Booking.id, limit, after_id)


@dataclass(frozen=True)
class Upcoming:
    """A booking with dates still to come, and those dates, soonest first."""

    booking: Booking
    dates: list[Occurrence]


def upcoming_of(member: User, now: datetime | None = None, limit: int = 200) -> list[Upcoming]:
    """The member's bookings and their associations' that have active dates to come,
    the soonest next date first."""
    now = now or utcnow()
    rows = db.session.scalars(
        select(Booking)
        .where(visible_to(member), Booking.id.in_(_with_dates_after(now)))
        .options(selectinload(Booking.occurrences))
        .order_by(Booking.id.desc()).limit(limit))
    found = [Upcoming(b, [o for o in b.occurrences
                          if o.status in ACTIVE_STATUSES and o.end > now]) for b in rows]
    return sorted((u for u in found if u.dates), key=lambda u: (u.dates[0].start, u.booking.id))


def past_of(member: User, now: datetime | None = None, limit: int = 50) -> list[Booking]:
    """The member's bookings and their associations' with nothing active to come, latest first."""
    now = now or utcnow()
    return list(db.session.scalars(
        select(Booking)
        .where(visible_to(member), Booking.id.not_in(_with_dates_after(now)))
        .order_by(Booking.start.desc(), Booking.id.desc()).limit(limit)))


def _with_dates_after(now: datetime):
    return select(Occurrence.booking_id).where(
        Occurrence.end > now, Occurrence.status.in_(ACTIVE_STATUSES))


def latest_bookings_of(member: User, limit: int = 200) -> list[Booking]:
    """The member's bookings and their associations', latest start first."""
    return list(db.session.scalars(
        select(Booking).where(visible_to(member)).order_by(Booking.start.desc()).limit(limit)))
