"""Calendar feeds under /calendars: read-only iCalendar, cheap to poll, no cookies needed."""

from flask import Blueprint

bp = Blueprint("feeds", __name__, template_folder="templates")

from app.feeds import links, views  # noqa: E402,F401
