"""Calendar pages: a room's week grid and a branch's day, busy and free at a glance."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from app.extensions import db
from app.models import Branch, Room, utcnow
from app.services import calendar_grid, floor_plans
from app.services import layouts as layout_service
from app.web import bp
from app.web.query import date_arg


@bp.route("/rooms/<int:room_id>")
def room(room_id: int):
    """One room: what it is, what it holds, and its week, busy and free (``?week=`` any day)."""
    room = db.session.get(Room, room_id)
    if room is None:
        abort(404)
    week = calendar_grid.room_week(room, date_arg("week"), utcnow(), staff=_staff())
    return render_template("web/room.html", room=room, week=week,
                           layouts=layout_service.layout_summaries(room))


@bp.route("/branches/<int:branch_id>/day")
def branch_day(branch_id: int):
    """Every bookable room of a branch on one day (``?day=``), hour by hour."""
    branch = db.session.get(Branch, branch_id)
    if branch is None:
        abort(404)
    now = utcnow()
    found = calendar_grid.branch_day(branch, date_arg("day"), now, staff=_staff())
    # The plans show the state now, so only today's page has them.
    plans = floor_plans.floor_plans([branch], now)[branch.id] if found.day == found.today else None
    return render_template("web/branch_day.html", branch=branch, grid=found, plans=plans)


def _staff() -> bool:
    return current_user.is_authenticated and current_user.is_staff
