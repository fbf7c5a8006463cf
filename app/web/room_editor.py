"""The room editor (staff): a room's outline, doors and obstacles, drawn or typed.

The page's script (``app/static/planner/room_editor.js``) draws the shape as SVG and asks
``POST /api/v1/rooms/{id}/preview`` about every change, then saves with the PATCH. The
form below the drawing is the same editor as text and works without the script: it
calls the same service, and shows the same report before it forces a change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user, login_required

from app.extensions import db
from app.models import Room
from app.services import rooms
from app.services.errors import Conflict
from app.web import bp
from app.web.forms import RoomShapeForm
from app.web.room_shape_text import (
    ShapeTextError,
    doors_from_text,
    doors_to_text,
    obstacles_from_text,
    obstacles_to_text,
    outline_from_text,
    outline_to_text,
)
from layouts import GeometryError


@bp.route("/rooms/<int:room_id>/outline", methods=["GET", "POST"])
@login_required
def room_outline(room_id: int):
    """Edit the room's shape (staff); a change that breaks layouts or bookings is shown
    with its report and saved only when asked again with "Save anyway"."""
    if not current_user.is_staff:
        abort(403)
    room = db.session.get(Room, room_id)
    if room is None:
        abort(404)
    form = RoomShapeForm()
    if not form.is_submitted():
        form.outline.data = outline_to_text(room.outline)
        form.doors.data = doors_to_text(room.doors)
        form.obstacles.data = obstacles_to_text(room.obstacles)
    report = None
    if form.validate_on_submit():
        try:
            changes = _changes(form)
            _, done = rooms.update_room(room, changes, force=form.force.data,
                                        viewer=current_user)
        except (ShapeTextError, GeometryError) as error:
            _field_of(form, error.field).errors.append(_where(error.field) + error.message)
        except Conflict as conflict:
            report = _readable(conflict.extra["report"])
        else:
            flash(_saved_message(done))
            return redirect(url_for("web.room", room_id=room_id))
    status = 409 if report else 422 if form.errors else 200
    return render_template("web/room_outline.html", room=room, form=form, report=report,
                           state=_state(room), strings=_strings(),
                           api_base=url_for("api.furniture").rsplit("/", 1)[0]), status


def _changes(form: RoomShapeForm) -> dict[str, Any]:
    return {"outline": outline_from_text(form.outline.data or ""),
            "doors": doors_from_text(form.doors.data or ""),
            "obstacles": obstacles_from_text(form.obstacles.data or "")}


def _field_of(form: RoomShapeForm, field: str):
    """The form field an error of the API's ``field`` ("doors[1].geometry") belongs to."""
    name = field.split("[", 1)[0].split(".", 1)[0]
    return getattr(form, name) if name in ("outline", "doors", "obstacles") else form.outline


def _where(field: str) -> str:
    """"Door 2: " for "doors[1]": which line of a field an error is about."""
    if "[" not in field:
        return ""
    name, rest = field.split("[", 1)
    number = int(rest.split("]", 1)[0]) + 1
    if name == "doors":
        return gettext("Door %(number)s: ", number=number)
    return gettext("Obstacle %(number)s: ", number=number)


def _readable(report: dict[str, Any]) -> dict[str, Any]:
    """The report with its times as datetimes, for the template to write the reader's way."""
    return {"layouts": report["layouts"], "bookings": [
        {**row, "start": datetime.fromisoformat(row["start"]),
         "end": datetime.fromisoformat(row["end"])} for row in report["bookings"]]}


def _saved_message(report: dict[str, Any]) -> str:
    cancelled = sum(1 for row in report["bookings"] if row["outcome"] == "cancel")
    flagged = len(report["bookings"]) - cancelled
    parts = [gettext("The room's shape is saved.")]
    if report["layouts"]:
        parts.append(ngettext("%(num)s layout no longer fits and was marked invalid.",
                              "%(num)s layouts no longer fit and were marked invalid.",
                              len(report["layouts"])))
    if cancelled:
        parts.append(ngettext("%(num)s date was cancelled.", "%(num)s dates were cancelled.",
                              cancelled))
    if flagged:
        parts.append(ngettext("%(num)s booking was flagged and its booker told.",
                              "%(num)s bookings were flagged and their bookers told.", flagged))
    return " ".join(parts)


def _state(room: Room) -> dict[str, Any]:
    return {"room_id": room.id, "timezone": room.branch.timezone,
            "room": {"outline": room.outline, "doors": room.doors,
                     "obstacles": room.obstacles},
            "room_url": url_for("web.room", room_id=room.id)}


def _strings() -> dict[str, Any]:
    """The words the script shows, in the viewer's language (%(name)s filled in by it)."""
    return {
        "vertex": gettext("Corner %(number)s at %(x)s m, %(y)s m"),
        "door": gettext("Door %(number)s, %(width)s m wide, from %(x1)s, %(y1)s to %(x2)s, "
                        "%(y2)s"),
        "obstacle": gettext("Obstacle %(number)s, %(width)s by %(depth)s m, at %(x)s m, "
                            "%(y)s m"),
        "edge": gettext("Wall %(number)s: add a corner in its middle"),
        "checking": gettext("Checking…"),
        "valid": gettext("The shape is valid: %(area)s m²."),
        "breaks": gettext("The shape is valid: %(area)s m², but saving it breaks what is "
                          "listed under Save."),
        "invalid": gettext("The server refuses this shape:"),
        "check_failed": gettext("The shape could not be checked: %(reason)s"),
        "outline": gettext("Outline: "),
        "door_at": gettext("Door %(number)s: "),
        "obstacle_at": gettext("Obstacle %(number)s: "),
        "drawing": gettext("Click the corners of the new outline one by one, then Finish "
                           "(or Enter). Escape gives up."),
        "drawn_too_few": gettext("An outline needs at least three corners."),
        "door_hint": gettext("Click the wall where the door goes (or Tab to a wall and "
                             "press the button again)."),
        "saving": gettext("Saving…"),
        "saved": gettext("Saved."),
        "not_saved": gettext("Not saved: %(reason)s"),
        "unchanged": gettext("Nothing was saved; the room is as it was."),
        "needs_force": gettext("Not saved yet: this change breaks what is listed below."),
        "nothing_selected": gettext("Nothing selected"),
        "cancel_outcome": gettext("It overlaps an earlier booking of a room sharing its "
                                  "floor: saving anyway cancels this date."),
        "flag_outcome": gettext("%(attendees)s people, where there is then room for "
                                "%(capacity)s. Saving anyway flags the booking and tells the "
                                "booker."),
        "layout_broken": gettext("%(name)s no longer fits the room: saving anyway marks it "
                                 "invalid."),
        "booked": gettext("Booked"),
        "layouts": gettext("Layouts"),
        "bookings": gettext("Future bookings"),
        "breaks_heading": gettext("What saving this change breaks"),
        "invalidated_heading": gettext("What the change invalidated"),
        "saved_invalidated": gettext("Saved anyway. What it invalidated is listed below."),
        "view_room": gettext("See the room"),
    }
