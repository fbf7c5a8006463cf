"""What staff weigh before approving a request: its context (staff)."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from app.api import bp
from app.api.access import staff_user
from app.api.openapi import responds
from app.api.responses import BookingContext
from app.services import approvals, bookings
from app.services.approvals import RequestContext
from calendars import get_zone, to_rfc3339


@bp.get("/bookings/<int:booking_id>/context")
@responds(BookingContext)
def booking_context(booking_id: int):
    """What the request would clash with, whether the group fits, who is asking (staff)."""
    user = staff_user()
    booking = bookings.get_booking(booking_id, user)
    return jsonify(context_json(approvals.request_context(user, booking)))


def context_json(context: RequestContext) -> dict[str, Any]:
    """A request's context as the API writes it, times in the branch's zone."""
    booking = context.booking
    zone = get_zone(booking.room.branch.timezone)
    history = context.history
    return {
        "booking_id": booking.id,
        "status": booking.status,
        "dates": context.dates,
        "association": context.association,
        "verified": context.verified,
        "fit": {"attendees": context.fit.attendees, "capacity": context.fit.capacity,
                "layout": context.fit.layout, "fits": context.fit.fits,
                "capacity_flag": context.fit.capacity_flag},
        "closures": [{"start": to_rfc3339(c.start, zone), "end": to_rfc3339(c.end, zone),
                      "reason": c.reason} for c in context.closures],
        "competitors": [{"booking_id": c.booking_id, "title": c.title, "room": c.room,
                         "association": c.association, "start": to_rfc3339(c.start, zone),
                         "end": to_rfc3339(c.end, zone), "overlaps": c.overlaps}
                        for c in context.competitors],
        "history": None if history is None else {
            "days": history.days, "counts": history.counts,
            "recent": [{"booking_id": p.booking_id, "title": p.title, "room": p.room,
                        "status": p.status, "created_at": to_rfc3339(p.created_at, zone)}
                       for p in history.recent]},
        "clear": context.clear,
    }
