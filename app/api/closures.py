"""Closures imported from an iCalendar file (staff)."""

from flask import jsonify, request
from flask_babel import gettext

from app.api import bp
from app.api.access import staff_user
from app.api.openapi import accepts_media, responds
from app.api.responses import ClosuresImported
from app.services import closures
from app.services.errors import BadInput
from calendars import get_zone, to_rfc3339

ICS_TYPES = ("text/calendar", "application/ics")


@bp.post("/branches/<int:branch_id>/closures/import")
@responds(ClosuresImported, status=201, description="Closures were added.")
@responds(ClosuresImported, description="Nothing new: every event was already a closure.")
@accepts_media("text/calendar", "An iCalendar (.ics) file whose events are closures.")
def import_closures(branch_id: int):
    """Turn the events of the .ics body (Content-Type: text/calendar) into closures."""
    staff_user()
    if request.mimetype not in ICS_TYPES:
        raise BadInput(gettext(
            "Send the .ics file as the body, with 'Content-Type: text/calendar'."))

    result = closures.import_closures(branch_id, request.get_data(cache=False))
    created = result.created
    zone = get_zone(created[0].branch.timezone) if created else None
    body = {
        "imported": len(created),
        "duplicates": result.duplicates,
        "closures": [
            {"id": c.id, "start": to_rfc3339(c.start, zone), "end": to_rfc3339(c.end, zone),
             "reason": c.reason}
            for c in created
        ],
    }
    return jsonify(body), 201 if created else 200
