"""Rooms: read by everyone, written by staff; availability and search."""

from __future__ import annotations

import re
from datetime import date

from flask import jsonify, request
from flask_babel import gettext

from app.api import bp
from app.api.access import optional_user, staff_user
from app.api.openapi import (
    PAGE_PARAMS,
    Param,
    accepts,
    id_param,
    instant_param,
    integer_param,
    query,
    responds,
)
from app.api.present import room_json
from app.api.request import page, page_params, query_int
from app.api.responses import (
    Availability,
    Page,
    RoomAvailability,
    RoomChanged,
    RoomMatchOut,
    RoomOut,
    RoomPreview,
)
from app.api.schemas import RoomIn, RoomPatch
from app.services import availability, rooms
from app.services.branches import get_branch
from app.services.errors import BadInput
from calendars import InstantOutOfRange, get_zone, parse_instant, to_rfc3339

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@bp.get("/rooms")
@responds(Page[RoomOut])
@query(branch_id=id_param("only this branch"), **PAGE_PARAMS)
def list_rooms():
    """Rooms, optionally of one branch, by id, paginated."""
    limit, after = page_params()
    rows = rooms.list_rooms(limit + 1, after, branch_id=query_int("branch_id", minimum=1))
    return jsonify(page(rows, limit, room_json))


@bp.post("/rooms")
@responds(RoomOut, status=201)
@accepts(RoomIn, role="staff")
def create_room(body: RoomIn):
    """A new room (staff); its geometry is checked and the floor's cells rebuilt."""
    staff_user()
    branch = get_branch(body.branch_id)
    data = body.model_dump()
    data["rules"] = body.rules.model_dump(exclude_none=True)
    room = rooms.create_room(branch, data)
    return jsonify(room_json(room)), 201


@bp.get("/rooms/<int:room_id>")
@responds(RoomOut)
def get_room(room_id: int):
    """One room."""
    return jsonify(room_json(rooms.get_room(room_id)))


@bp.patch("/rooms/<int:room_id>")
@responds(RoomChanged)
@accepts(RoomPatch, role="staff")
def update_room(room_id: int, body: RoomPatch):
    """Change a room (staff); a geometry change reports what it breaks, and needs ``force``."""
    viewer = staff_user()
    room, report = rooms.update_room(rooms.get_room(room_id), _room_changes(body),
                                     force=body.force, viewer=viewer)
    return jsonify({**room_json(room), "report": report})


def _room_changes(body: RoomPatch) -> dict:
    """The fields a PATCH sets, without ``force``; rules without their unset members."""
    changes = body.model_dump(exclude_unset=True)
    changes.pop("force", None)
    if "rules" in changes:
        changes["rules"] = body.rules.model_dump(exclude_none=True) if body.rules else {}
    return changes


@bp.post("/rooms/<int:room_id>/preview")
@responds(RoomPreview)
@accepts(RoomPatch, role="staff")
def preview_room(room_id: int, body: RoomPatch):
    """What the same PATCH would do, nothing saved (staff): the same 422 for bad input, else
    the new area and capacity and the report of the layouts and future bookings it breaks."""
    viewer = staff_user()
    return jsonify(rooms.preview_update(rooms.get_room(room_id), _room_changes(body),
                                        viewer=viewer))


@bp.delete("/rooms/<int:room_id>")
@responds(status=204)
def delete_room(room_id: int):
    """Retire a room (staff): it stops being bookable; its history stays."""
    staff_user()
    rooms.retire_room(rooms.get_room(room_id))
    return "", 204


@bp.get("/rooms/<int:room_id>/availability")
@responds(Availability)
@query(start=instant_param("from", required=True),
       end=instant_param("until (at most 31 days after start)", required=True))
def room_availability(room_id: int):
    """Busy and free intervals of the room between ``start`` and ``end`` (at most 31 days),
    and the bookings in it: a public event by title, any other only as booked."""
    room = rooms.get_room(room_id)
    window = availability.check_window(_instant_arg("start"), _instant_arg("end"))
    found = availability.rooms_calendar([room], window)[room.id]
    return jsonify({"room_id": room.id, **_calendar_json(found, get_zone(room.branch.timezone))})


@bp.get("/branches/<int:branch_id>/availability")
@responds(Page[RoomAvailability])
@query(start=instant_param("from", required=True),
       end=instant_param("until (at most 31 days after start)", required=True))
def branch_availability(branch_id: int):
    """Busy and free intervals and the bookings of every bookable room of a branch, from one
    query of occurrences."""
    branch = get_branch(branch_id)
    window = availability.check_window(_instant_arg("start"), _instant_arg("end"))
    bookable = rooms.bookable_rooms(branch.id)
    zone = get_zone(branch.timezone)
    found = availability.rooms_calendar(bookable, window)
    return jsonify({"items": [
        {"room_id": room.id, "name": room.name, **_calendar_json(found[room.id], zone)}
        for room in bookable
    ], "next_cursor": None})


def _calendar_json(found: availability.RoomCalendar, zone) -> dict:
    return {
        "busy": [_span(i, zone) for i in found.availability.busy],
        "free": [_span(i, zone) for i in found.availability.free],
        "booked": [{**_span(b, zone), "status": "pending" if b.pending else "confirmed",
                    "title": b.title, "event_id": b.event_id} for b in found.booked],
    }


@bp.get("/search")
@responds(Page[RoomMatchOut])
@query(start=instant_param("free from", required=True),
       end=instant_param("free until", required=True),
       attendees=integer_param("people to hold (default 1)", 1, 100_000),
       amenities=Param("comma-separated amenities, all required"),
       branch_id=id_param("only this branch"),
       until=Param("also every week after start until this local date (at most 52 weeks)",
                   {"type": "string", "format": "date"}))
def search():
    """Rooms that hold ``attendees`` by a layout and are free, the best fit first.

    Each item is the room with ``fit`` (the smallest layout that holds them: ``layout_id``,
    ``layout_name``, ``capacity``) and ``dates`` (``total``, ``free``, and the ``taken``
    ones, when ``until`` asks for weekly dates). Rooms free on every date come first.
    """
    slot = availability.check_slot(availability.Slot(
        _instant_arg("start"), _instant_arg("end"), _date_arg("until")))
    attendees = query_int("attendees", minimum=1) or 1
    amenities = {a.strip() for a in request.args.get("amenities", "").split(",") if a.strip()}
    viewer = optional_user()
    found = availability.search_rooms(slot, attendees, amenities,
                                      query_int("branch_id", minimum=1),
                                      staff=viewer is not None and viewer.is_staff)
    return jsonify({"items": [_match_json(m) for m in found], "next_cursor": None})


def _match_json(match: availability.RoomMatch) -> dict:
    zone = get_zone(match.room.branch.timezone)
    return {
        **room_json(match.room),
        "fit": {"layout_id": match.layout.id if match.layout else None,
                "layout_name": match.layout.name if match.layout else None,
                "capacity": match.capacity},
        "dates": {"total": len(match.dates), "free": match.free_count,
                  "taken": [_span(i, zone) for i in match.taken]},
    }


def _date_arg(name: str) -> date | None:
    value = request.args.get(name)
    if not value:
        return None
    try:
        if _DATE.fullmatch(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise BadInput(gettext("The query parameter '%(name)s' must be a date (YYYY-MM-DD).",
                           name=name))


def _instant_arg(name: str):
    value = request.args.get(name)
    if not value:
        raise BadInput(gettext("The query parameter '%(name)s' is required (RFC 3339 with "
                               "offset).", name=name))

    try:
        return parse_instant(value.replace(" ", "+"), name)
    except InstantOutOfRange:
        raise
    except ValueError as error:
        raise BadInput(str(error)) from None


def _span(interval, zone) -> dict[str, str]:
    return {"start": to_rfc3339(interval.start, zone), "end": to_rfc3339(interval.end, zone)}
