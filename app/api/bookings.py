"""Bookings: create, read, change, cancel, approve."""

from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext

from app.api import bp
from app.api.access import signed_in_user, staff_user
from app.api.after_hours import code_json
from app.api.openapi import (
    PAGE_PARAMS,
    accepts,
    choice_param,
    id_param,
    instant_param,
    query,
    responds,
)
from app.api.present import booking_check_json, booking_json
from app.api.request import page, page_params, query_int
from app.api.responses import BookingCheckOut, BookingCreated, BookingOut, Page
from app.api.schemas import BookingIn, BookingPatch, DecisionIn
from app.services import bookings
from app.services.bookings import BookingChanges, BookingInput
from app.services.errors import BadInput
from calendars import parse_instant


@bp.post("/bookings")
@responds(BookingCreated, status=201)
@accepts(BookingIn, role="member")
def create_booking(body: BookingIn):
    """Book a room (once or as a series): 201 confirmed or pending, 409 clash, 422 rule."""
    user = signed_in_user()
    result = bookings.create_booking(user, _booking_input(body))
    answer = booking_json(result.booking)
    answer["skipped"] = result.skipped
    # The caller booked it: the codes of its after-hours dates are theirs to see.
    answer["access_codes"] = [code_json(result.booking, c) for c in result.access_codes]
    return jsonify(answer), 201


def _booking_input(body: BookingIn) -> BookingInput:
    return BookingInput(
        room_id=body.room_id,
        layout_id=body.layout_id,
        title=body.title,
        description=body.description,
        attendees=body.attendees,
        start=body.start,
        end=body.end,
        association_id=body.association_id,
        public=body.public,
        rrule=body.recurrence.rrule if body.recurrence else None,
        exdates=tuple(body.recurrence.exdates) if body.recurrence else (),
        skip_conflicts=body.skip_conflicts,
        exceptions=tuple((e.rule, e.reason) for e in body.exceptions),
    )


@bp.post("/bookings/check")
@responds(BookingCheckOut)
@accepts(BookingIn, role="member")
def check_booking(body: BookingIn):
    """Dry run of a create (the same body): which dates are free, which clash and with
    what, which rules fail, the layout's capacity; nothing is booked. 403/422 as create."""
    user = signed_in_user()
    return jsonify(booking_check_json(bookings.check_booking(user, _booking_input(body))))


@bp.get("/bookings")
@responds(Page[BookingOut])
@query(room_id=id_param("only this room"), association_id=id_param("only this association"),
       start=instant_param("occurring after"), end=instant_param("occurring before"),
       **PAGE_PARAMS)
def list_bookings():
    """Bookings the caller may see (staff: all; members: their own and their associations')."""
    user = signed_in_user()
    limit, after = page_params()
    start, end = request.args.get("start"), request.args.get("end")
    filters = bookings.BookingFilter(
        room_id=query_int("room_id", minimum=1),
        association_id=query_int("association_id", minimum=1),
        occurring_after=parse_instant(start, "start") if start else None,
        occurring_before=parse_instant(end, "end") if end else None,
    )
    rows = bookings.list_bookings(user, filters, limit + 1, after)
    return jsonify(page(rows, limit, booking_json))


@bp.get("/bookings/pending")
@responds(Page[BookingOut])
@query(**PAGE_PARAMS)
def pending_bookings():
    """The approval queue, oldest request first (staff)."""
    user = staff_user()
    limit, after = page_params()
    return jsonify(page(bookings.pending_queue(user, limit + 1, after), limit, booking_json))


@bp.get("/bookings/<int:booking_id>")
@responds(BookingOut)
def get_booking(booking_id: int):
    """One booking with its occurrences."""
    user = signed_in_user()
    return jsonify(booking_json(bookings.get_booking(booking_id, user)))


@bp.patch("/bookings/<int:booking_id>")
@responds(BookingOut)
@accepts(BookingPatch, role="member")
def update_booking(booking_id: int, body: BookingPatch):
    """Move, resize, or change attendees, layout or details: the same checks as create."""
    user = signed_in_user()
    booking = bookings.update_booking(user, booking_id, _changes(body))
    return jsonify(booking_json(booking))


@bp.delete("/bookings/<int:booking_id>")
@responds(BookingOut)
def cancel_booking(booking_id: int):
    """Cancel a booking or whole series; it is kept, with status cancelled."""
    user = signed_in_user()
    booking = bookings.cancel_booking(user, booking_id)
    return jsonify(booking_json(booking))


@bp.patch("/bookings/<int:booking_id>/occurrences/<path:start>")
@responds(BookingOut)
@query(scope=choice_param("this (default) or following (split the series here)",
                          "this", "following"))
@accepts(BookingPatch, role="member")
def change_occurrence(booking_id: int, start: str, body: BookingPatch):
    """Change one occurrence (``?scope=this``) or this and the following (``scope=following``)."""
    user = signed_in_user()
    booking = bookings.change_occurrence(
        user, booking_id, start, _changes(body), following=_scope() == "following"
    )
    return jsonify(booking_json(booking))


@bp.delete("/bookings/<int:booking_id>/occurrences/<path:start>")
@responds(BookingOut)
@query(scope=choice_param("this (default) or following (this date and every later one)",
                          "this", "following"))
def cancel_occurrence(booking_id: int, start: str):
    """Cancel one occurrence (``?scope=this``) or this and the following (``scope=following``).

    The dates stay, with status cancelled; the series keeps its UID and its SEQUENCE rises.
    """
    user = signed_in_user()
    booking = bookings.cancel_occurrence(user, booking_id, start,
                                         following=_scope() == "following")
    return jsonify(booking_json(booking))


@bp.post("/bookings/<int:booking_id>/approve")
@responds(BookingOut)
@accepts(DecisionIn, role="staff", required=False)
def approve_booking(booking_id: int, body: DecisionIn | None):
    """Confirm a pending booking or series (staff); the body with a reason is optional."""
    user = staff_user()
    reason = body.reason if body is not None else ""
    booking = bookings.decide(user, booking_id, approve=True, reason=reason)
    return jsonify(booking_json(booking))


@bp.post("/bookings/<int:booking_id>/reject")
@responds(BookingOut)
@accepts(DecisionIn, role="staff")
def reject_booking(booking_id: int, body: DecisionIn):
    """Reject a pending booking or series with a reason (staff)."""
    user = staff_user()
    booking = bookings.decide(user, booking_id, approve=False, reason=body.reason)
    return jsonify(booking_json(booking))


def _scope() -> str:
    """The ``scope`` of a change or cancellation of one date: 'this' or 'following'."""
    scope = request.args.get("scope", "this")
    if scope not in ("this", "following"):
        raise BadInput(gettext("scope is 'this' or 'following'."))
    return scope


def _changes(body: BookingPatch) -> BookingChanges:
    given = body.model_fields_set
    return BookingChanges(
        title=body.title,
        description=body.description,
        public=body.public,
        attendees=body.attendees,
        layout_id=body.layout_id,
        clear_layout="layout_id" in given and body.layout_id is None,
        start=body.start,
        end=body.end,
    )
