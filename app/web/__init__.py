"""The web pages: what's on, events, rooms, associations."""

from flask import Blueprint

bp = Blueprint("web", __name__, template_folder="templates")

from app.web import (  # noqa: E402,F401
    after_hours,
    approvals,
    bookings,
    closures,
    events,
    find,
    grids,
    language,
    localtime,
    planner,
    proposals,
    room_editor,
    views,
)
