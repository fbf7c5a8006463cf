"""The web pages: home, rooms, associations."""

from flask import Blueprint

bp = Blueprint("web", __name__, template_folder="templates")

from app.web import bookings, closures, find, views  # noqa: E402,F401
