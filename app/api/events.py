"""Public events: what's on, for anyone, in the branch's zone."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, jsonify, request
from flask_babel import gettext

from app.api import bp
from app.api.openapi import PAGE_PARAMS, id_param, instant_param, query, responds
from app.api.present import event_occurrence_json, public_event_json
from app.api.request import page, page_params, query_int
from app.api.responses import EventDate, Page, PublicEventOut
from app.models import utcnow
from app.services import whats_on
from app.services.errors import BadInput
from calendars import parse_instant

DEFAULT_SPAN = timedelta(days=whats_on.DAYS_AHEAD)


@bp.get("/events")
@responds(Page[EventDate])
@query(start=instant_param("from this instant (default now)"),
       end=instant_param(f"until this instant (default start + {whats_on.DAYS_AHEAD} days, "
                         f"at most {whats_on.MAX_WINDOW.days} days after start)"),
       branch_id=id_param("only this branch"), **PAGE_PARAMS)
def list_events():
    """The public events' dates in a window, by start time (anyone)."""
    limit, after = page_params()
    raw_start, raw_end = request.args.get("start"), request.args.get("end")
    start = parse_instant(raw_start, "start") if raw_start else utcnow()
    try:
        end = parse_instant(raw_end, "end") if raw_end else start + DEFAULT_SPAN
    except OverflowError:
        raise BadInput(gettext("'start' is too far in the future.")) from None

    rows = whats_on.public_occurrences(
        start, end, branch_id=query_int("branch_id", minimum=1),
        limit=limit + 1, after_id=after,
    )
    base_url = _base_url()
    return jsonify(page(rows, limit, lambda row: event_occurrence_json(row, base_url)))


@bp.get("/events/<int:event_id>")
@responds(PublicEventOut)
def get_event(event_id: int):
    """One public event with its next dates (anyone); 404 for any other booking."""
    found = whats_on.public_event(event_id, utcnow())
    return jsonify(public_event_json(found, _base_url()))


def _base_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/")
