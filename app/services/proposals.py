"""Proposals: citizens propose activities, others say "I'd come" or "I can help", staff host.

A proposal moves through ``proposed``, ``dialogue`` (staff are talking with the
proposer, often over a cup of coffee), ``scheduled`` (a public booking exists) and
``happened``, or rests at ``not_now`` with a kind reason the proposer reads. Every
state change is decided here (``TRANSITIONS``); a change not allowed is a 409 with
the code ``proposal_state``. Scheduling books through the booking service, so every
booking rule and the double-booking guarantee hold for it as for any booking.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from app.db import write_transaction
from app.extensions import db
from app.models import (
    Association,
    Booking,
    Branch,
    Layout,
    Proposal,
    ProposalSupport,
    Room,
    User,
    utcnow,
)
from app.models.proposal import SUPPORT_KINDS
from app.services.associations import membership_of
from app.services.availability import best_fit, search_rooms
from app.services.bookings import BookingInput, create_booking
from app.services.capacity import capacity_of
from app.services.errors import Conflict, FieldError, Forbidden, NotFound, RuleViolation
from app.services.layouts import create_layout, propose
from app.services.proposal_mail import announce_proposal
from calendars import Interval

# Which state staff may move a proposal to from each state; ``scheduled`` is reached
# only by scheduling it (``schedule``), which books its room.
TRANSITIONS: dict[str, frozenset[str]] = {
    "proposed": frozenset({"dialogue", "not_now"}),
    "dialogue": frozenset({"proposed", "not_now"}),
    "not_now": frozenset({"proposed", "dialogue"}),
    "scheduled": frozenset({"happened"}),
    "happened": frozenset(),
}
OPEN_STATES = ("proposed", "dialogue")
SUPPORTABLE_STATES = ("proposed", "dialogue", "scheduled")
ORDERS = ("newest", "wanted")
ARRANGE_STYLES = ("theatre", "classroom", "boardroom", "u_shape", "banquet", "cabaret",
                  "standing")


@dataclass(frozen=True)
class ProposalInput:
    """A proposal as a page or the API gives it."""

    title: str
    for_whom: str = ""
    wants: str = ""
    people_expected: int = 10
    room_kind: str = ""
    furniture: str = ""
    staff_help: str = ""
    timing: str = ""
    association_id: int | None = None
    branch_id: int | None = None


@dataclass(frozen=True)
class Counted:
    """A proposal with how many said "I'd come" and "I can help"."""

    proposal: Proposal
    come: int
    help: int


@dataclass(frozen=True)
class Candidate:
    """A room free at the asked time for a proposal: the layout that holds the group, or
    none yet (``arrange``: the planner can arrange the room for them)."""

    room: Room
    layout: Layout | None
    capacity: int
    arrange: bool


# ------------------------------------------------------------------ reading


def get_proposal(proposal_id: int) -> Proposal:
    """The proposal (public to everyone), or NotFound."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFound(gettext("No proposal %(id)s.", id=proposal_id))
    return proposal


def _come_count():
    return (select(func.count(ProposalSupport.id))
            .where(ProposalSupport.proposal_id == Proposal.id, ProposalSupport.kind == "come")
            .correlate(Proposal).scalar_subquery())


def list_proposals(order: str = "newest", limit: int = 50,
                   after_id: int | None = None, coffee_asked: bool = False) -> list[Counted]:
    """Proposals, newest first or the most wanted (most "I'd come") first; a keyset page
    after the proposal ``after_id`` (in the same order); ``coffee_asked``: only those whose
    proposer asked for coffee and waits for staff to offer a time."""
    come = _come_count()
    query = select(Proposal, come).options(selectinload(Proposal.author),
                                           selectinload(Proposal.association))
    if coffee_asked:
        query = query.where(Proposal.coffee_requested_at.is_not(None),
                            Proposal.coffee_start.is_(None),
                            Proposal.state.in_(OPEN_STATES))
    if order == "wanted":
        if after_id is not None:
            last = db.session.scalar(select(come).select_from(Proposal)
                                     .where(Proposal.id == after_id)) or 0
            query = query.where(or_(come < last, and_(come == last, Proposal.id < after_id)))
        query = query.order_by(come.desc(), Proposal.id.desc())
    else:
        if after_id is not None:
            query = query.where(Proposal.id < after_id)
        query = query.order_by(Proposal.id.desc())
    rows = db.session.execute(query.limit(limit)).all()
    helps = _counts([proposal.id for proposal, _ in rows], "help")
    return [Counted(proposal, count, helps.get(proposal.id, 0)) for proposal, count in rows]


def _counts(proposal_ids: list[int], kind: str) -> dict[int, int]:
    if not proposal_ids:
        return {}
    return dict(db.session.execute(
        select(ProposalSupport.proposal_id, func.count(ProposalSupport.id))
        .where(ProposalSupport.proposal_id.in_(proposal_ids), ProposalSupport.kind == kind)
        .group_by(ProposalSupport.proposal_id)).all())


def counted(proposal: Proposal) -> Counted:
    """The proposal with its counts."""
    return Counted(proposal, _counts([proposal.id], "come").get(proposal.id, 0),
                   _counts([proposal.id], "help").get(proposal.id, 0))


def supports_of(user: User | None, proposal: Proposal) -> dict[str, ProposalSupport]:
    """What the user said about the proposal, by kind ('come', 'help')."""
    if user is None or not user.is_authenticated:
        return {}
    return {support.kind: support for support in db.session.scalars(
        select(ProposalSupport).where(ProposalSupport.proposal_id == proposal.id,
                                      ProposalSupport.user_id == user.id))}


def expected_people(proposal: Proposal) -> int:
    """How many people a room must hold: everyone who said "I'd come", and the proposer."""
    comers = set(db.session.scalars(
        select(ProposalSupport.user_id).where(ProposalSupport.proposal_id == proposal.id,
                                              ProposalSupport.kind == "come")))
    return len(comers | {proposal.author_id})


def to_be_told(proposal: Proposal, helpers: bool = False) -> list[User]:
    """Who hears its news: the proposer and those who said "I'd come" and asked to be
    told, and (``helpers``) everyone who said "I can help"; each once, by e-mail address."""
    people = {proposal.author_id: proposal.author}
    wanted = and_(ProposalSupport.kind == "come", ProposalSupport.notify.is_(True))
    if helpers:
        wanted = or_(wanted, ProposalSupport.kind == "help")
    for support in db.session.scalars(
            select(ProposalSupport).options(selectinload(ProposalSupport.user))
            .where(ProposalSupport.proposal_id == proposal.id, wanted)
            .order_by(ProposalSupport.id)):
        people.setdefault(support.user_id, support.user)
    return sorted(people.values(), key=lambda user: user.email.lower())


def staff_to_ask_for_coffee() -> list[User]:
    """The staff who hear that a proposer asks for coffee: those who opted in to the
    approvals digest (they already watch what waits for an answer), else every staff member,
    so in a small library without that habit the request never goes unread."""
    staff = list(db.session.scalars(
        select(User).where(User.role == "staff", User.active.is_(True)).order_by(User.id)))
    watchers = [user for user in staff if user.approvals_digest]
    return watchers or staff


def proposal_of_booking(booking_id: int) -> Proposal | None:
    """The proposal a booking was scheduled for, if any (its event page names the co-host)."""
    return db.session.scalar(select(Proposal).where(Proposal.booking_id == booking_id))


def is_proposer(user: User | None, proposal: Proposal) -> bool:
    """Whether the user proposed it."""
    return user is not None and user.is_authenticated and user.id == proposal.author_id


# ------------------------------------------------------------------ proposing


@write_transaction
def create_proposal(author: User, data: ProposalInput) -> Proposal:
    """A new proposal, ``proposed``; for the author's association if they name one."""
    association = _association_for(author, data.association_id)
    proposal = Proposal(
        author_id=author.id, association=association, branch_id=_branch_for(data.branch_id),
        title=data.title.strip(), for_whom=data.for_whom.strip(), wants=data.wants.strip(),
        people_expected=data.people_expected, room_kind=data.room_kind.strip(),
        furniture=data.furniture.strip(), staff_help=data.staff_help.strip(),
        timing=data.timing.strip(), state="proposed", created_at=utcnow(),
    )
    db.session.add(proposal)
    db.session.flush()
    return proposal


@write_transaction
def edit_proposal(author: User, proposal: Proposal, changes: dict[str, Any]) -> Proposal:
    """The proposer changes what they proposed (the fields of ``ProposalInput`` given in
    ``changes``), while it is proposed or in dialogue: once scheduled, its event stands."""
    if not is_proposer(author, proposal):
        raise Forbidden(gettext("Only the proposer changes the proposal."))
    _require_state(proposal, OPEN_STATES)
    unknown = set(changes) - set(ProposalInput.__dataclass_fields__)
    if unknown:
        raise ValueError(f"not fields of a proposal: {', '.join(sorted(unknown))}")
    if "association_id" in changes:
        proposal.association = _association_for(author, changes["association_id"])
    if "branch_id" in changes:
        proposal.branch_id = _branch_for(changes["branch_id"])
    for name in ("title", "for_whom", "wants", "room_kind", "furniture", "staff_help",
                 "timing"):
        if name in changes:
            setattr(proposal, name, (changes[name] or "").strip())
    if "people_expected" in changes:
        proposal.people_expected = changes["people_expected"]
    db.session.flush()
    return proposal


def _association_for(author: User, association_id: int | None) -> Association | None:
    if association_id is None:
        return None
    association = db.session.get(Association, association_id)
    if association is None:
        raise RuleViolation.single(
            "association_id", "unknown_association",
            gettext("There is no association %(id)s.", id=association_id))
    if not author.is_staff and membership_of(author, association) is None:
        raise Forbidden(gettext("You can only propose for associations you belong to."))
    return association


def _branch_for(branch_id: int | None) -> int | None:
    if branch_id is not None and db.session.get(Branch, branch_id) is None:
        raise RuleViolation.single("branch_id", "unknown_branch",
                                   gettext("There is no branch %(id)s.", id=branch_id))
    return branch_id


# ------------------------------------------------------------------ "I'd come", "I can help"


@write_transaction
def add_support(user: User, proposal: Proposal, kind: str,
                notify: bool | None = None) -> ProposalSupport:
    """Say "I'd come" or "I can help" (once each); ``notify`` asks to be told when it
    happens (for "I'd come"). Saying it again only changes ``notify``."""
    _check_kind(kind)
    _require_state(proposal, SUPPORTABLE_STATES)
    if notify and kind != "come":
        raise RuleViolation.single("notify", "notify_needs_come",
                                   gettext("Only those who would come can ask to be told."))
    support = supports_of(user, proposal).get(kind)
    if support is None:
        support = ProposalSupport(proposal_id=proposal.id, user_id=user.id, kind=kind,
                                  notify=bool(notify), created_at=utcnow())
        db.session.add(support)
    elif notify is not None:
        support.notify = notify
    db.session.flush()
    return support


@write_transaction
def remove_support(user: User, proposal: Proposal, kind: str) -> None:
    """Take back "I'd come" or "I can help" (nothing to take back is fine too)."""
    _check_kind(kind)
    support = supports_of(user, proposal).get(kind)
    if support is not None:
        db.session.delete(support)
        db.session.flush()


def _check_kind(kind: str) -> None:
    if kind not in SUPPORT_KINDS:
        raise RuleViolation.single("kind", "unknown_kind",
                                   gettext("Say 'come' or 'help'."))


# ------------------------------------------------------------------ coffee


@write_transaction
def request_coffee(user: User, proposal: Proposal) -> Proposal:
    """The proposer asks staff for a conversation over a cup of coffee."""
    if not is_proposer(user, proposal):
        raise Forbidden(gettext("Only the proposer asks for a conversation about it."))
    _require_state(proposal, OPEN_STATES)
    if proposal.coffee_requested_at is None:
        proposal.coffee_requested_at = utcnow()
        announce_proposal(proposal, "coffee_asked")
    db.session.flush()
    return proposal


@write_transaction
def offer_coffee(staff: User, proposal: Proposal, start: datetime, end: datetime,
                 branch_id: int, place: str = "") -> Proposal:
    """Staff offer a time and place for the conversation; the proposer and the staff member
    get an invitation (.ics). The proposal is then in dialogue."""
    _require_staff(staff)
    _require_state(proposal, OPEN_STATES)
    if end <= start:
        raise RuleViolation.single("end", "end_before_start",
                                   gettext("The end must come after the start."))
    if start <= utcnow():
        raise RuleViolation.single("start", "in_the_past",
                                   gettext("Offer a time that has not passed."))
    if db.session.get(Branch, branch_id) is None:
        raise RuleViolation.single("branch_id", "unknown_branch",
                                   gettext("There is no branch %(id)s.", id=branch_id))
    if proposal.coffee_start is not None:
        proposal.coffee_sequence += 1
    proposal.coffee_start, proposal.coffee_end = start, end
    proposal.coffee_branch_id = branch_id
    proposal.coffee_place = place.strip()
    proposal.coffee_staff_id = staff.id
    if proposal.coffee_requested_at is None:
        proposal.coffee_requested_at = utcnow()
    if proposal.state == "proposed":
        _enter(proposal, "dialogue")
    db.session.flush()
    db.session.refresh(proposal)
    announce_proposal(proposal, "coffee")
    return proposal


# ------------------------------------------------------------------ states


@write_transaction
def change_state(staff: User, proposal: Proposal, state: str, reason: str = "") -> Proposal:
    """Move the proposal (staff): to dialogue, back to proposed, to happened, or to
    "not now" with a kind reason, which the proposer reads on its page and by e-mail."""
    _require_staff(staff)
    if state not in TRANSITIONS.get(proposal.state, ()):
        raise _state_conflict(proposal, state)
    if state == "not_now":
        if not reason.strip():
            raise RuleViolation.single(
                "reason", "reason_required",
                gettext("Tell the proposer why not now, kindly: they will read it."))
        proposal.not_now_reason = reason.strip()
    _enter(proposal, state)
    db.session.flush()
    if state == "not_now":
        announce_proposal(proposal, "not_now")
    return proposal


def _enter(proposal: Proposal, state: str) -> None:
    proposal.state = state
    stamp = {"dialogue": "dialogue_at", "scheduled": "scheduled_at", "happened": "happened_at",
             "not_now": "not_now_at"}.get(state)
    if stamp:
        setattr(proposal, stamp, utcnow())
    if state != "not_now":
        proposal.not_now_reason = ""


def _require_state(proposal: Proposal, states: tuple[str, ...]) -> None:
    if proposal.state not in states:
        raise _state_conflict(proposal, None)


def _state_conflict(proposal: Proposal, wanted: str | None) -> Conflict:
    from app.i18n import proposal_state_name

    if wanted is None:
        message = gettext("Not while the proposal is %(state)s.",
                          state=proposal_state_name(proposal.state))
    else:
        message = gettext("A proposal that is %(state)s cannot become %(wanted)s.",
                          state=proposal_state_name(proposal.state),
                          wanted=proposal_state_name(wanted))
    return Conflict(detail=message, extra={"errors": [
        FieldError("state", "proposal_state", message).to_json()]})


def _require_staff(user: User) -> None:
    if not user.is_staff:
        raise Forbidden(gettext("Only library staff may do this."))


# ------------------------------------------------------------------ scheduling


def candidate_rooms(proposal: Proposal, start: datetime, end: datetime,
                    branch_id: int | None = None, now: datetime | None = None
                    ) -> list[Candidate]:
    """Rooms free from ``start`` to ``end`` (in ``branch_id``, else the proposal's branch if it
    names one, else any) that
    hold everyone who said "I'd come": by a saved layout (the snuggest), or else by one the
    planner can arrange in the room. Those with a saved layout first, then the snuggest."""
    attendees = expected_people(proposal)
    found = []
    for match in search_rooms(Interval(start, end), 1, set(), branch_id or proposal.branch_id,
                              now=now or utcnow(), staff=True):
        room = match.room
        saved = any(layout.valid for layout in room.layouts)
        fit = best_fit(room, attendees) if saved else None
        if fit is not None:
            found.append(Candidate(room, fit[0], fit[1], arrange=False))
        elif capacity_of(room, None) >= attendees:
            found.append(Candidate(room, None, capacity_of(room, None), arrange=True))
    found.sort(key=lambda c: (c.arrange, c.capacity, c.room.name))
    return found


@write_transaction
def schedule(staff: User, proposal: Proposal, room_id: int, start: datetime, end: datetime,
             layout_id: int | None = None, arrange_style: str | None = None,
             now: datetime | None = None) -> Proposal:
    """Book the room for the proposal as a public event (through the booking service: every
    rule, capacity and the double-booking guarantee), with the proposer's association as
    co-host (else the proposer, recorded here); with ``arrange_style`` the planner first
    arranges the room for everyone who said "I'd come" and saves that layout. Everyone who
    asked to be told, and the proposer, get an e-mail with the event's .ics."""
    _require_staff(staff)
    if proposal.state not in OPEN_STATES:
        raise _state_conflict(proposal, "scheduled")
    attendees = expected_people(proposal)
    if arrange_style is not None:
        layout_id = _arranged_layout(proposal, room_id, arrange_style, attendees).id
    association = proposal.association
    cohost = association.id if association is not None and association.verified else None
    result = create_booking(staff, BookingInput(
        room_id=room_id, title=proposal.title, attendees=attendees,
        start=start.isoformat(), end=end.isoformat(), layout_id=layout_id,
        description=proposal.wants, association_id=cohost, public=True,
    ), now)
    proposal.booking = result.booking
    _enter(proposal, "scheduled")
    db.session.flush()
    announce_proposal(proposal, "happening")
    return proposal


def booking_cancelled(booking: Booking) -> None:
    """The bookings service calls this, in its transaction, when a whole booking is
    cancelled: a proposal scheduled into it is back in dialogue (its page says the event
    was cancelled), and everyone who was told it was happening hears that it is off."""
    proposal = proposal_of_booking(booking.id)
    if proposal is None or proposal.state != "scheduled":
        return
    _enter(proposal, "dialogue")
    db.session.flush()
    announce_proposal(proposal, "off")


def _arranged_layout(proposal: Proposal, room_id: int, style: str, attendees: int) -> Layout:
    """The planner's arrangement of the room for the group, saved as a layout of the room."""
    if style not in ARRANGE_STYLES:
        raise RuleViolation.single("arrange", "unknown_style",
                                   gettext("Choose one of the planner's styles."))
    room = db.session.get(Room, room_id)
    if room is None or not room.bookable:
        raise RuleViolation.single("room_id", "unknown_room",
                                   gettext("There is no bookable room %(id)s.", id=room_id))
    arranged: dict[str, Any] = propose(room, style, attendees)
    if arranged["capacity"] < attendees:
        raise RuleViolation.single(
            "arrange", "capacity_exceeded",
            gettext("The planner fits only %(capacity)s people in %(room)s this way.",
                    capacity=arranged["capacity"], room=room.name))
    name = gettext("For %(title)s (%(people)s people)", title=proposal.title[:80],
                   people=attendees)
    taken = set(db.session.scalars(select(Layout.name).where(Layout.room_id == room.id)))
    unique = name if name not in taken else f"{name} #{proposal.id}"
    return create_layout(room, {"name": unique[:120], "style": style,
                                "items": arranged["items"]})
