"""Proposals: proposed by anyone signed in, supported with one click, hosted by staff."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request
from flask_babel import gettext

from app.api import bp
from app.api.access import optional_user, signed_in_user, staff_user
from app.api.openapi import (
    PAGE_PARAMS,
    accepts,
    choice_param,
    id_param,
    instant_param,
    query,
    responds,
)
from app.api.request import decode_cursor, encode_cursor, query_int
from app.api.responses import Page, ProposalOut, ProposalRooms
from app.api.schemas import (
    CoffeeIn,
    ProposalIn,
    ProposalPatch,
    ProposalStateIn,
    ScheduleIn,
    SupportIn,
)
from app.models import Proposal, User
from app.services import proposals
from app.services.availability import check_window
from app.services.errors import BadInput
from calendars import get_zone, parse_instant, to_rfc3339

DEFAULT_ZONE = "Europe/Copenhagen"


@bp.get("/proposals")
@responds(Page[ProposalOut])
@query(order=choice_param("newest (default) or most wanted first", *proposals.ORDERS),
       coffee=choice_param("only those whose proposer asked for coffee and waits for staff "
                           "to offer a time", "asked"),
       **PAGE_PARAMS)
def list_proposals():
    """Proposals, newest first or the most wanted first (anyone); ``coffee=asked``: those
    waiting for staff to offer a cup of coffee."""
    order = request.args.get("order", "newest")
    if order not in proposals.ORDERS:
        raise BadInput(gettext("'order' is 'newest' or 'wanted'."))
    coffee = request.args.get("coffee")
    if coffee not in (None, "asked"):
        raise BadInput(gettext("'coffee' is 'asked'."))
    limit = min(query_int("limit", minimum=1) or 50, 200)
    cursor = request.args.get("cursor")
    rows = proposals.list_proposals(order, limit + 1, decode_cursor(cursor) if cursor else None,
                                    coffee_asked=coffee == "asked")
    viewer = optional_user()
    items = [proposal_json(row, viewer) for row in rows[:limit]]
    next_cursor = encode_cursor(rows[limit - 1].proposal.id) if len(rows) > limit else None
    return jsonify({"items": items, "next_cursor": next_cursor})


@bp.post("/proposals")
@responds(ProposalOut, status=201)
@accepts(ProposalIn, role="member")
def create_proposal(body: ProposalIn):
    """Propose an activity (anyone signed in)."""
    user = signed_in_user()
    proposal = proposals.create_proposal(user, proposals.ProposalInput(**body.model_dump()))
    return jsonify(proposal_json(proposals.counted(proposal), user)), 201


@bp.get("/proposals/<int:proposal_id>")
@responds(ProposalOut)
def get_proposal(proposal_id: int):
    """One proposal (anyone)."""
    proposal = proposals.get_proposal(proposal_id)
    return jsonify(proposal_json(proposals.counted(proposal), optional_user()))


@bp.patch("/proposals/<int:proposal_id>")
@responds(ProposalOut)
@accepts(ProposalPatch, role="member")
def edit_proposal(proposal_id: int, body: ProposalPatch):
    """The proposer changes it while it is proposed or in dialogue; 409 ``proposal_state``
    once it is scheduled."""
    user = signed_in_user()
    proposal = proposals.get_proposal(proposal_id)
    proposals.edit_proposal(user, proposal, body.model_dump(exclude_unset=True))
    return jsonify(proposal_json(proposals.counted(proposal), user))


@bp.post("/proposals/<int:proposal_id>/support")
@responds(ProposalOut)
@accepts(SupportIn, role="member")
def add_support(proposal_id: int, body: SupportIn):
    """Say "I'd come" or "I can help"; ``notify`` asks to be told when it happens."""
    user = signed_in_user()
    proposal = proposals.get_proposal(proposal_id)
    proposals.add_support(user, proposal, body.kind, body.notify)
    return jsonify(proposal_json(proposals.counted(proposal), user))


@bp.delete("/proposals/<int:proposal_id>/support")
@responds(ProposalOut)
@query(kind=choice_param("what to take back", "come", "help"))
def remove_support(proposal_id: int):
    """Take back "I'd come" or "I can help" (``?kind=``)."""
    user = signed_in_user()
    proposal = proposals.get_proposal(proposal_id)
    proposals.remove_support(user, proposal, request.args.get("kind", ""))
    return jsonify(proposal_json(proposals.counted(proposal), user))


@bp.post("/proposals/<int:proposal_id>/coffee")
@responds(ProposalOut)
@accepts(CoffeeIn, role="member", required=False)
def coffee(proposal_id: int, body: CoffeeIn | None):
    """Without a body the proposer asks for a conversation over coffee; with one, staff offer
    its time and place, and both get an invitation (.ics)."""
    user = signed_in_user()
    proposal = proposals.get_proposal(proposal_id)
    if body is None:
        proposals.request_coffee(user, proposal)
    else:
        staff = staff_user()
        proposals.offer_coffee(staff, proposal, parse_instant(body.start, "start"),
                               parse_instant(body.end, "end"), body.branch_id, body.place)
    return jsonify(proposal_json(proposals.counted(proposal), user))


@bp.post("/proposals/<int:proposal_id>/state")
@responds(ProposalOut)
@accepts(ProposalStateIn, role="staff")
def change_state(proposal_id: int, body: ProposalStateIn):
    """Move the proposal (staff); 409 ``proposal_state`` where that move is not allowed."""
    user = staff_user()
    proposal = proposals.get_proposal(proposal_id)
    proposals.change_state(user, proposal, body.state, body.reason)
    return jsonify(proposal_json(proposals.counted(proposal), user))


@bp.get("/proposals/<int:proposal_id>/rooms")
@responds(ProposalRooms)
@query(start=instant_param("from", required=True), end=instant_param("until", required=True),
       branch_id=id_param("only this branch (default: the proposal's, if any)"))
def candidate_rooms(proposal_id: int):
    """Rooms free then that hold everyone who said "I'd come" (staff)."""
    staff_user()
    proposal = proposals.get_proposal(proposal_id)
    start, end = _window()
    found = proposals.candidate_rooms(proposal, start, end,
                                      query_int("branch_id", minimum=1))
    return jsonify({"people": proposals.expected_people(proposal), "items": [
        {"room": {"id": c.room.id, "name": c.room.name},
         "branch": {"id": c.room.branch.id, "name": c.room.branch.name},
         "layout": {"id": c.layout.id, "name": c.layout.name} if c.layout else None,
         "capacity": c.capacity, "arrange": c.arrange} for c in found]})


@bp.post("/proposals/<int:proposal_id>/schedule")
@responds(ProposalOut)
@accepts(ScheduleIn, role="staff")
def schedule(proposal_id: int, body: ScheduleIn):
    """Book a room for it as a public event with the proposer as co-host (staff); those who
    asked to be told get an e-mail with the .ics."""
    user = staff_user()
    proposal = proposals.get_proposal(proposal_id)
    proposals.schedule(user, proposal, body.room_id, parse_instant(body.start, "start"),
                       parse_instant(body.end, "end"), body.layout_id, body.arrange)
    return jsonify(proposal_json(proposals.counted(proposal), user))


def _window():
    raw_start, raw_end = request.args.get("start"), request.args.get("end")
    if not raw_start or not raw_end:
        raise BadInput(gettext("Give 'start' and 'end'."))
    start, end = parse_instant(raw_start, "start"), parse_instant(raw_end, "end")
    check_window(start, end)
    return start, end


def proposal_json(row: proposals.Counted, viewer: User | None) -> dict[str, Any]:
    """A proposal as the API shows it to ``viewer``."""
    proposal = row.proposal
    base_url = current_app.config["BASE_URL"].rstrip("/")
    mine = None
    if viewer is not None and viewer.is_authenticated:
        said = proposals.supports_of(viewer, proposal)
        mine = {"come": "come" in said, "help": "help" in said,
                "notify": bool(said.get("come") and said["come"].notify)}
    return {
        "id": proposal.id, "title": proposal.title, "for_whom": proposal.for_whom,
        "wants": proposal.wants,
        "needs": {"people_expected": proposal.people_expected, "room_kind": proposal.room_kind,
                  "furniture": proposal.furniture, "staff_help": proposal.staff_help},
        "timing": proposal.timing, "state": proposal.state,
        "not_now_reason": proposal.not_now_reason,
        "proposer": proposal.author.name,
        "association": _named(proposal.association),
        "branch": _named(proposal.branch),
        "come": row.come, "help": row.help,
        "created_at": _utc(proposal.created_at),
        "changed_at": _utc(changed_at(proposal)),
        "event_id": proposal.booking_id,
        "event_url": f"{base_url}/events/{proposal.booking_id}" if proposal.booking_id else None,
        "coffee": _coffee_json(proposal),
        "mine": mine,
    }


def changed_at(proposal: Proposal):
    """When the proposal entered its current state."""
    stamp = {"dialogue": proposal.dialogue_at, "scheduled": proposal.scheduled_at,
             "happened": proposal.happened_at, "not_now": proposal.not_now_at}
    return stamp.get(proposal.state) or proposal.created_at


def _coffee_json(proposal: Proposal) -> dict[str, Any] | None:
    if proposal.coffee_requested_at is None and proposal.coffee_start is None:
        return None
    branch = proposal.coffee_branch
    zone = get_zone(branch.timezone if branch else DEFAULT_ZONE)
    return {
        "requested_at": _utc(proposal.coffee_requested_at),
        "start": to_rfc3339(proposal.coffee_start, zone) if proposal.coffee_start else None,
        "end": to_rfc3339(proposal.coffee_end, zone) if proposal.coffee_end else None,
        "place": proposal.coffee_place, "branch": _named(branch),
    }


def _named(row: Any) -> dict[str, Any] | None:
    return None if row is None else {"id": row.id, "name": row.name}


def _utc(instant) -> str | None:
    return None if instant is None else to_rfc3339(instant, get_zone("UTC"))
