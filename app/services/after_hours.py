"""Trusted associations after hours, their access codes, and rules stretched on record.

Staff set a branch's terms and limits and trust an association there with a named
key-holder, who is told by e-mail; once the key-holder accepts the terms, the association
may book past the opening hours within those limits. Each after-hours date gets a random
access code, shown only to the booker and the key-holder. The booking engine asks this module how
far a booking may bend the rules (``allowances_for``) and to keep its codes in step
(``sync_access_codes``); the rules themselves stay in ``booking_rules``.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext
from sqlalchemy import select

from app.db import write_transaction
from app.extensions import db
from app.models import (
    AccessCode,
    AfterHoursTerms,
    Association,
    AssociationTrust,
    Booking,
    Branch,
    Occurrence,
    Room,
    RuleException,
    User,
    utcnow,
)
from app.models.after_hours import ACCESS_CODE_DIGITS, STRETCHABLE_RULES
from app.models.booking import ACTIVE_STATUSES
from app.services.accounts import find_user_by_email
from app.services.associations import membership_of
from app.services.booking_rules import (
    AfterHours,
    Allowances,
    BranchHours,
    check_evenings,
    is_after_hours,
)
from app.services.errors import AlreadyExists, FieldError, Forbidden, NotFound, RuleViolation
from app.services.trust_mail import announce_trust
from calendars import Interval, get_zone

CODE_OPENS_BEFORE = timedelta(minutes=30)
MAX_REASON = 2000


# ------------------------------------------------------------------ terms


@dataclass(frozen=True)
class TermsInput:
    """A branch's after-hours terms and limits, as a page or the API gives them."""

    terms: str
    latest_end: str
    room_ids: tuple[int, ...]
    evenings_per_month: int


def terms_of(branch_id: int) -> AfterHoursTerms | None:
    """The branch's after-hours terms, if staff have set them."""
    return db.session.scalar(select(AfterHoursTerms).where(AfterHoursTerms.branch_id == branch_id))


@write_transaction
def set_terms(actor: User, branch_id: int, data: TermsInput) -> AfterHoursTerms:
    """Set a branch's terms and limits (staff): latest end, which rooms, evenings a month."""
    _require_staff(actor)
    branch = _branch(branch_id)
    errors = []
    latest = _clock(data.latest_end)
    if latest is None:
        errors.append(FieldError("latest_end", "invalid_time", gettext(
            "Give the latest end as a time of day, such as 22:30.")))
    rooms_here = set(db.session.scalars(select(Room.id).where(Room.branch_id == branch.id)))
    strangers = sorted(set(data.room_ids) - rooms_here)
    if strangers:
        errors.append(FieldError("room_ids", "unknown_room", gettext(
            "Room %(id)s is not in this branch.", id=strangers[0])))
    if not data.terms.strip():
        errors.append(FieldError("terms", "terms_required", gettext(
            "Write the terms the key-holder accepts.")))
    if errors:
        raise RuleViolation(errors)
    terms = terms_of(branch.id) or AfterHoursTerms(branch_id=branch.id)
    terms.terms = data.terms.strip()
    terms.latest_end = data.latest_end.strip()
    terms.room_ids = sorted(set(data.room_ids))
    terms.evenings_per_month = data.evenings_per_month
    terms.updated_at = utcnow()
    terms.updated_by_id = actor.id
    db.session.add(terms)
    db.session.flush()
    return terms


def _clock(text: str) -> time | None:
    try:
        value = time.fromisoformat(text.strip())
    except ValueError:
        return None
    return value if len(text.strip()) == 5 else None


# ------------------------------------------------------------------ trust


def trusts_at(actor: User, branch_id: int) -> list[AssociationTrust]:
    """The live trusts of a branch (staff), by association name."""
    _require_staff(actor)
    _branch(branch_id)
    return list(db.session.scalars(
        select(AssociationTrust).join(AssociationTrust.association)
        .where(AssociationTrust.branch_id == branch_id, AssociationTrust.revoked_at.is_(None))
        .order_by(Association.name)))


def trusts_held_by(user: User) -> list[AssociationTrust]:
    """The live trusts whose key the user holds, accepted or waiting for them."""
    return list(db.session.scalars(
        select(AssociationTrust)
        .where(AssociationTrust.key_holder_id == user.id, AssociationTrust.revoked_at.is_(None))
        .order_by(AssociationTrust.id)))


@write_transaction
def trust_association(actor: User, branch_id: int, association_id: int,
                      key_holder_email: str) -> AssociationTrust:
    """Trust a verified association at a branch with a key-holder from among its members
    (staff). It counts once the key-holder accepts the branch's terms."""
    _require_staff(actor)
    branch = _branch(branch_id)
    if terms_of(branch.id) is None:
        raise RuleViolation.single("branch_id", "no_after_hours_terms", gettext(
            "Set this branch's after-hours terms first: the key-holder accepts them."))
    association = db.session.get(Association, association_id)
    if association is None:
        raise RuleViolation.single("association_id", "unknown_association",
                                   gettext("There is no association %(id)s.", id=association_id))
    if not association.verified:
        raise RuleViolation.single("association_id", "association_not_verified", gettext(
            "%(name)s is not verified yet; library staff verify new associations.",
            name=association.name))
    key_holder = find_user_by_email(key_holder_email)
    if key_holder is None or membership_of(key_holder, association) is None:
        raise RuleViolation.single("key_holder_email", "not_a_member", gettext(
            "The key-holder must be a member of %(name)s.", name=association.name))
    if _live_trust(association.id, branch.id) is not None:
        raise AlreadyExists(gettext("%(name)s is already trusted at this branch.",
                                    name=association.name), "association_id")
    trust = AssociationTrust(association=association, branch=branch, key_holder=key_holder,
                             granted_by_id=actor.id, granted_at=utcnow())
    db.session.add(trust)
    db.session.flush()
    announce_trust(trust)
    return trust


@write_transaction
def accept_terms(actor: User, trust_id: int) -> AssociationTrust:
    """The key-holder accepts the branch's terms: from now on the association may book late."""
    trust = db.session.get(AssociationTrust, trust_id)
    if trust is None or trust.revoked_at is not None or trust.key_holder_id != actor.id:
        raise NotFound(gettext("No trust %(id)s waits for you.", id=trust_id))
    if trust.terms_accepted_at is None:
        trust.terms_accepted_at = utcnow()
    return trust


@write_transaction
def revoke_trust(actor: User, trust_id: int) -> AssociationTrust:
    """End a trust (staff). Its bookings stay (staff decide on them), but the door codes of
    their dates not yet over are revoked: without a key-holder nobody answers for the room."""
    _require_staff(actor)
    trust = db.session.get(AssociationTrust, trust_id)
    if trust is None:
        raise NotFound(gettext("No trust %(id)s.", id=trust_id))
    if trust.revoked_at is None:
        now = utcnow()
        trust.revoked_at = now
        for code in _live_codes_of(trust.association_id, trust.branch_id, now):
            code.revoked_at = now
    return trust


def _live_codes_of(association_id: int, branch_id: int, now: datetime) -> Sequence[AccessCode]:
    """The unrevoked codes of an association's bookings at a branch whose dates are not over."""
    return db.session.scalars(
        select(AccessCode).join(Booking, AccessCode.booking_id == Booking.id)
        .join(Room, Booking.room_id == Room.id)
        .where(Booking.association_id == association_id, Room.branch_id == branch_id,
               AccessCode.revoked_at.is_(None), AccessCode.valid_until > now)).all()


def _live_trust(association_id: int, branch_id: int) -> AssociationTrust | None:
    return db.session.scalar(select(AssociationTrust).where(
        AssociationTrust.association_id == association_id,
        AssociationTrust.branch_id == branch_id,
        AssociationTrust.revoked_at.is_(None)))


# ------------------------------------------------------------ the booking engine's view


def allowances_for(booking: Booking, planned: Sequence[Interval],
                   hours: BranchHours) -> Allowances:
    """How far this booking may bend the time rules: its stretched rules, and the after-hours
    limits if its association is trusted (key-holder accepted) at the room's branch and any
    of the ``planned`` dates lies outside the opening hours (only then is trust looked up)."""
    stretched = frozenset(e.rule for e in booking.rule_exceptions)
    association = booking.association
    if association is None or not any(is_after_hours(i, hours) for i in planned):
        return Allowances(stretched)
    trust = _live_trust(association.id, booking.room.branch_id)
    terms = terms_of(booking.room.branch_id) if trust is not None and trust.active else None
    if terms is None:
        return Allowances(stretched)
    return Allowances(stretched, AfterHours(
        latest_end=time.fromisoformat(terms.latest_end),
        room_allowed=booking.room.id in terms.room_ids,
        evenings_per_month=terms.evenings_per_month))


def evening_errors(booking: Booking, planned: Sequence[Interval], hours: BranchHours,
                   allowances: Allowances) -> list[FieldError]:
    """A trusted association's after-hours evenings a month stay within the branch's limit."""
    if allowances.after_hours is None or booking.association is None:
        return []
    late = [i for i in planned if is_after_hours(i, hours)]
    if not late:
        return []
    window_start = min(i.start for i in late) - timedelta(days=32)
    window_end = max(i.end for i in late) + timedelta(days=32)
    rows = db.session.execute(
        select(Occurrence.start, Occurrence.end)
        .join(Booking, Booking.id == Occurrence.booking_id)
        .join(Room, Room.id == Occurrence.room_id)
        .where(Booking.association_id == booking.association.id,
               Room.branch_id == booking.room.branch_id,
               Occurrence.status.in_(ACTIVE_STATUSES),
               Occurrence.start >= window_start, Occurrence.start < window_end,
               Occurrence.booking_id != (booking.id or -1)))
    existing = [i for i in (Interval(s, e) for s, e in rows) if is_after_hours(i, hours)]
    return check_evenings(late, existing, hours.zone, allowances.after_hours.evenings_per_month)


def stretched_rules(actor: User, asked: Iterable[tuple[str, str]],
                    now: datetime) -> list[RuleException]:
    """The rule exceptions staff grant a new booking, each with its reason (members: 403)."""
    asked = list(asked)
    if not asked:
        return []
    if not actor.is_staff:
        raise Forbidden(gettext("Only library staff may stretch a rule."))
    errors = []
    seen: set[str] = set()
    for index, (rule, reason) in enumerate(asked):
        if rule not in STRETCHABLE_RULES:
            errors.append(FieldError(f"exceptions[{index}].rule", "unknown_rule", gettext(
                "%(rule)s is not a rule staff may stretch.", rule=rule)))
        elif rule in seen:
            errors.append(FieldError(f"exceptions[{index}].rule", "duplicate_rule", gettext(
                "Each rule is stretched once.")))
        if not reason.strip():
            errors.append(FieldError(f"exceptions[{index}].reason", "reason_required", gettext(
                "Say why the rule is stretched: it is kept on record.")))
        seen.add(rule)
    if errors:
        raise RuleViolation(errors)
    return [RuleException(rule=rule, reason=reason.strip()[:MAX_REASON],
                          granted_by_id=actor.id, granted_at=now) for rule, reason in asked]


@write_transaction
def grant_exception(actor: User, booking_id: int, rule: str, reason: str,
                    now: datetime | None = None) -> Booking:
    """Staff let an existing booking or request (a whole series) break one named rule from
    now on: its later changes are checked with the rule stretched. Granting a rule twice
    replaces the reason on record."""
    from app.services.bookings import get_booking

    now = now or utcnow()
    [granted] = stretched_rules(actor, [(rule, reason)], now)
    booking = get_booking(booking_id, actor, to_change=True)
    if booking.status not in ACTIVE_STATUSES:
        raise RuleViolation.single("status", "not_active", gettext(
            "Only a pending or confirmed booking can have a rule stretched."))
    for existing in booking.rule_exceptions:
        if existing.rule == rule:
            existing.reason, existing.granted_by_id = granted.reason, granted.granted_by_id
            existing.granted_at = granted.granted_at
            break
    else:
        booking.rule_exceptions.append(granted)
    db.session.flush()
    return booking


def sync_access_codes(booking: Booking, now: datetime) -> None:
    """Give every active after-hours date of the booking a code valid from 30 minutes before
    its start to its end; revoke the codes of dates cancelled, rejected, gone, or back within
    opening hours. A date that comes back after hours gets a fresh code."""
    zone = get_zone(booking.room.branch.timezone)
    hours = BranchHours(zone, booking.room.branch.opening_hours, [])
    live = {c.original_start: c for c in booking.access_codes if c.revoked_at is None}
    revoked = {c.original_start: c for c in booking.access_codes if c.revoked_at is not None}
    late_dates = set()
    may_hold: bool | None = None  # asked once, and only if a date is after hours
    for occurrence in booking.occurrences:
        late = (occurrence.status in ACTIVE_STATUSES and booking.status in ACTIVE_STATUSES
                and is_after_hours(Interval(occurrence.start, occurrence.end), hours))
        if late and may_hold is None:
            may_hold = _may_hold_codes(booking)
        if not late or not may_hold:
            continue
        late_dates.add(occurrence.original_start)
        code = live.get(occurrence.original_start)
        if code is None:
            if occurrence.original_start in revoked:
                booking.access_codes.remove(revoked[occurrence.original_start])
                db.session.flush()
            booking.access_codes.append(AccessCode(
                original_start=occurrence.original_start, code=_new_code(),
                valid_from=occurrence.start - CODE_OPENS_BEFORE, valid_until=occurrence.end,
                created_at=now))
        else:
            code.valid_from = occurrence.start - CODE_OPENS_BEFORE
            code.valid_until = occurrence.end
    for original_start, code in live.items():
        if original_start not in late_dates:
            code.revoked_at = now
    db.session.flush()


def _may_hold_codes(booking: Booking) -> bool:
    """A staff booking of the library's own, or an association trusted at its branch now:
    once staff end a trust, a later change to its bookings issues no new code."""
    return booking.association_id is None or _live_trust(
        booking.association_id, booking.room.branch_id) is not None


def _new_code() -> str:
    return f"{secrets.randbelow(10 ** ACCESS_CODE_DIGITS):0{ACCESS_CODE_DIGITS}d}"


# ------------------------------------------------------------------ who sees codes


def may_see_codes(viewer: User, booking: Booking) -> bool:
    """Only the booker and the key-holder of the booking's association at its branch."""
    if booking.booked_by_id == viewer.id:
        return True
    if booking.association_id is None:
        return False
    trust = _live_trust(booking.association_id, booking.room.branch_id)
    return trust is not None and trust.key_holder_id == viewer.id


def codes_for(viewer: User, booking: Booking, now: datetime | None = None) -> list[AccessCode]:
    """The live codes of the booking's dates to come, if the viewer may see them (else none)."""
    now = now or utcnow()
    if not may_see_codes(viewer, booking):
        return []
    return list(db.session.scalars(
        select(AccessCode).where(AccessCode.booking_id == booking.id,
                                 AccessCode.revoked_at.is_(None),
                                 AccessCode.valid_until > now)
        .order_by(AccessCode.valid_from)))


@dataclass(frozen=True)
class HeldCode:
    """A code the key-holder (or booker) holds, with what it opens and when."""

    booking: Booking
    code: AccessCode


def codes_held_by(user: User, now: datetime | None = None) -> list[HeldCode]:
    """The live codes to come of the bookings the user made or holds the key for."""
    now = now or utcnow()
    held = select(AssociationTrust.association_id, AssociationTrust.branch_id).where(
        AssociationTrust.key_holder_id == user.id, AssociationTrust.revoked_at.is_(None))
    pairs = {(a, b) for a, b in db.session.execute(held)}
    rows = db.session.execute(
        select(Booking, AccessCode).join(AccessCode, AccessCode.booking_id == Booking.id)
        .where(AccessCode.revoked_at.is_(None), AccessCode.valid_until > now)
        .order_by(AccessCode.valid_from))
    return [HeldCode(b, c) for b, c in rows
            if b.booked_by_id == user.id or (b.association_id, b.room.branch_id) in pairs]


# ------------------------------------------------------------------ tonight's list


@dataclass(frozen=True)
class LateBooking:
    """One after-hours date of a branch's day: who holds which room, with which key-holder."""

    booking: Booking
    start: datetime
    end: datetime
    key_holder: User | None


def after_hours_on(actor: User, branch_id: int, day: date) -> list[LateBooking]:
    """The branch's after-hours dates on a local day, by start (staff; never the codes)."""
    _require_staff(actor)
    branch = _branch(branch_id)
    zone = get_zone(branch.timezone)
    since = datetime.combine(day, time(0), zone)
    until = datetime.combine(day + timedelta(days=1), time(0), zone)
    rows = db.session.execute(
        select(Booking, Occurrence)
        .join(AccessCode, AccessCode.booking_id == Booking.id)
        .join(Occurrence, (Occurrence.booking_id == Booking.id)
              & (Occurrence.original_start == AccessCode.original_start))
        .join(Room, Room.id == Booking.room_id)
        .where(Room.branch_id == branch.id, AccessCode.revoked_at.is_(None),
               Occurrence.status.in_(ACTIVE_STATUSES),
               Occurrence.start < until, Occurrence.end > since)
        .order_by(Occurrence.start, Booking.id))
    found = []
    for booking, occurrence in rows:
        trust = (_live_trust(booking.association_id, branch.id)
                 if booking.association_id is not None else None)
        found.append(LateBooking(booking, occurrence.start, occurrence.end,
                                 trust.key_holder if trust is not None else None))
    return found


# ------------------------------------------------------------------ helpers


def exceptions_of(viewer: User, booking: Booking) -> list[RuleException]:
    """The rules stretched for the booking, for staff only (others see none)."""
    return list(booking.rule_exceptions) if viewer.is_staff else []


def _require_staff(actor: User) -> None:
    if not actor.is_staff:
        raise Forbidden(gettext("Only library staff manage after-hours trust."))


def _branch(branch_id: int) -> Branch:
    branch = db.session.get(Branch, branch_id)
    if branch is None:
        raise NotFound(gettext("No branch %(id)s.", id=branch_id))
    return branch
