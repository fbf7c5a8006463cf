"""Public event pages: anyone, signed in or not, reads a public event and takes it home."""

from __future__ import annotations

from flask import Response, current_app, render_template

from app.models import utcnow
from app.services import proposals, whats_on
from app.web import bp
from app.web.query import date_arg

CALENDAR = "text/calendar; charset=utf-8"


@bp.route("/events/<int:booking_id>")
def event(booking_id: int):
    """A public event: what, who, where, its next dates; ``?date=`` picks one date of a series."""
    on = date_arg("date")
    found = whats_on.public_event(booking_id, utcnow(), on)
    return render_template("web/event.html", event=found, on=on,
                           proposal=proposals.proposal_of_booking(booking_id))


@bp.route("/events/<int:booking_id>.ics")
def event_ics(booking_id: int):
    """The event alone as a calendar file (a series with its rule), to add to any calendar."""
    base_url = current_app.config["BASE_URL"].rstrip("/")
    body = whats_on.event_calendar(booking_id, base_url)
    return Response(body, 200, content_type=CALENDAR, headers={
        "Content-Disposition": f'attachment; filename="event-{booking_id}.ics"',
        "Cache-Control": "public, max-age=300",
    })
