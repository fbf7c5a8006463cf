"""After hours: a branch's terms, trusted associations, key-holders, access codes, the
night's list; and the rules stretched for a booking (staff)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from flask import jsonify, request
from flask_babel import gettext

from app.api import bp
from app.api.access import signed_in_user, staff_user
from app.api.openapi import Param, accepts, query, responds
from app.api.responses import (
    AccessCodes,
    AfterHoursDay,
    AfterHoursTermsOut,
    MyAfterHours,
    RuleExceptions,
    TrustList,
    TrustOut,
)
from app.api.schemas import AfterHoursTermsIn, ExceptionIn, TrustIn
from app.models import AccessCode, AfterHoursTerms, AssociationTrust, Booking
from app.services import after_hours, bookings
from app.services.branches import get_branch
from app.services.errors import BadInput, Forbidden, NotFound
from app.web.query import iso_date
from calendars import check_in_range, get_zone, to_rfc3339


@bp.get("/branches/<int:branch_id>/after-hours/terms")
@responds(AfterHoursTermsOut)
def get_after_hours_terms(branch_id: int):
    """The branch's after-hours terms and limits (anyone signed in; 404 if none are set)."""
    signed_in_user()
    branch = get_branch(branch_id)
    terms = after_hours.terms_of(branch.id)
    if terms is None:
        raise NotFound(gettext("This branch takes no after-hours bookings."))
    return jsonify(terms_json(terms))


@bp.put("/branches/<int:branch_id>/after-hours/terms")
@responds(AfterHoursTermsOut)
@accepts(AfterHoursTermsIn, role="staff")
def put_after_hours_terms(branch_id: int, body: AfterHoursTermsIn):
    """Set the branch's terms, latest end, rooms and evenings a month (staff)."""
    user = staff_user()
    terms = after_hours.set_terms(user, branch_id, after_hours.TermsInput(
        body.terms, body.latest_end, tuple(body.room_ids), body.evenings_per_month))
    return jsonify(terms_json(terms))


@bp.get("/branches/<int:branch_id>/after-hours/trusts")
@responds(TrustList)
def list_trusts(branch_id: int):
    """The associations trusted at the branch and their key-holders (staff)."""
    user = staff_user()
    return jsonify({"items": [trust_json(t) for t in after_hours.trusts_at(user, branch_id)]})


@bp.post("/branches/<int:branch_id>/after-hours/trusts")
@responds(TrustOut, status=201)
@accepts(TrustIn, role="staff")
def create_trust(branch_id: int, body: TrustIn):
    """Trust an association at the branch with a key-holder (staff); it counts once the
    key-holder accepts the terms."""
    user = staff_user()
    trust = after_hours.trust_association(user, branch_id, body.association_id,
                                          body.key_holder_email)
    return jsonify(trust_json(trust)), 201


@bp.delete("/after-hours/trusts/<int:trust_id>")
@responds(TrustOut)
def revoke_trust(trust_id: int):
    """End a trust (staff); the answer is the trust, with ``revoked_at``."""
    user = staff_user()
    return jsonify(trust_json(after_hours.revoke_trust(user, trust_id)))


@bp.post("/after-hours/trusts/<int:trust_id>/accept")
@responds(TrustOut)
def accept_terms(trust_id: int):
    """The key-holder accepts the branch's terms (only the key-holder named in the trust)."""
    user = signed_in_user()
    return jsonify(trust_json(after_hours.accept_terms(user, trust_id)))


@bp.get("/after-hours/mine")
@responds(MyAfterHours)
def my_after_hours():
    """The trusts whose key the caller holds, and the codes of the dates to come they hold
    (as key-holder or booker)."""
    user = signed_in_user()
    return jsonify({
        "trusts": [trust_json(t) for t in after_hours.trusts_held_by(user)],
        "codes": [held_code_json(h.booking, h.code) for h in after_hours.codes_held_by(user)],
    })


@bp.get("/branches/<int:branch_id>/after-hours")
@responds(AfterHoursDay)
@query(date=Param("the local day, YYYY-MM-DD", {"type": "string", "format": "date"},
                  required=True))
def after_hours_day(branch_id: int):
    """Who holds which room after hours that day, with which key-holder (staff; no codes)."""
    user = staff_user()
    raw = request.args.get("date", "")
    try:
        day = iso_date(raw)
    except ValueError:
        raise BadInput(gettext("Give ?date=YYYY-MM-DD.")) from None
    check_in_range(datetime.combine(day, time(12), UTC), "date")
    rows = after_hours.after_hours_on(user, branch_id, day)
    zone = get_zone(get_branch(branch_id).timezone)
    return jsonify({"date": day.isoformat(), "items": [
        {"booking_id": r.booking.id, "title": r.booking.title,
         "association": r.booking.association.name if r.booking.association else None,
         "room_id": r.booking.room_id, "room": r.booking.room.name,
         "key_holder": _person(r.key_holder) if r.key_holder else None,
         "start": to_rfc3339(r.start, zone), "end": to_rfc3339(r.end, zone)}
        for r in rows]})


@bp.get("/bookings/<int:booking_id>/access-codes")
@responds(AccessCodes)
def booking_access_codes(booking_id: int):
    """The live codes of the booking's after-hours dates to come: for its booker and its
    association's key-holder only (anyone else: 403, or 404 if they may not see it)."""
    user = signed_in_user()
    booking = bookings.get_booking(booking_id, user)
    if not after_hours.may_see_codes(user, booking):
        raise Forbidden(gettext("Only the booker and the key-holder see the access codes."))
    return jsonify({"items": [code_json(booking, c)
                              for c in after_hours.codes_for(user, booking)]})


@bp.get("/bookings/<int:booking_id>/exceptions")
@responds(RuleExceptions)
def booking_exceptions(booking_id: int):
    """The rules stretched for the booking, with reason, who and when (staff)."""
    user = staff_user()
    return jsonify(_exceptions_json(user, bookings.get_booking(booking_id, user)))


@bp.post("/bookings/<int:booking_id>/exceptions")
@responds(RuleExceptions, status=201)
@accepts(ExceptionIn, role="staff")
def grant_exception(booking_id: int, body: ExceptionIn):
    """Stretch one named rule for a pending or confirmed booking or series (staff): its later
    changes are checked with the rule stretched. Answers every rule stretched for it."""
    user = staff_user()
    booking = after_hours.grant_exception(user, booking_id, body.rule, body.reason)
    return jsonify(_exceptions_json(user, booking)), 201


def _exceptions_json(user: Any, booking: Booking) -> dict[str, Any]:
    zone = get_zone(booking.room.branch.timezone)
    return {"items": [
        {"rule": e.rule, "reason": e.reason, "granted_by_id": e.granted_by_id,
         "granted_at": to_rfc3339(e.granted_at, zone)}
        for e in after_hours.exceptions_of(user, booking)]}


def terms_json(terms: AfterHoursTerms) -> dict[str, Any]:
    """A branch's after-hours terms."""
    zone = get_zone(terms.branch.timezone)
    return {"branch_id": terms.branch_id, "terms": terms.terms, "latest_end": terms.latest_end,
            "room_ids": list(terms.room_ids), "evenings_per_month": terms.evenings_per_month,
            "updated_at": to_rfc3339(terms.updated_at, zone)}


def trust_json(trust: AssociationTrust) -> dict[str, Any]:
    """A trust, in the branch's zone."""
    zone = get_zone(trust.branch.timezone)

    def when(value: datetime | None) -> str | None:
        return to_rfc3339(value, zone) if value is not None else None

    return {"id": trust.id, "association_id": trust.association_id,
            "association": trust.association.name, "branch_id": trust.branch_id,
            "key_holder_id": trust.key_holder_id, "key_holder": _person(trust.key_holder),
            "granted_at": when(trust.granted_at),
            "terms_accepted_at": when(trust.terms_accepted_at),
            "revoked_at": when(trust.revoked_at), "active": trust.active}


def code_json(booking: Booking, code: AccessCode) -> dict[str, Any]:
    """One access code, in the branch's zone."""
    zone = get_zone(booking.room.branch.timezone)
    return {"booking_id": booking.id, "code": code.code,
            "valid_from": to_rfc3339(code.valid_from, zone),
            "valid_until": to_rfc3339(code.valid_until, zone)}


def held_code_json(booking: Booking, code: AccessCode) -> dict[str, Any]:
    """An access code with the booking it opens."""
    return {**code_json(booking, code), "title": booking.title, "room_id": booking.room_id,
            "room": booking.room.name}


def _person(user: Any) -> str:
    return user.name or user.email
