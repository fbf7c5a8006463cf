"""The JSON API under /api/v1 (contract: shared/API.md)."""

from flask import Blueprint, current_app

from app.extensions import limiter

bp = Blueprint("api", __name__)
limiter.limit(lambda: current_app.config["RATELIMIT_API"])(bp)

from app.api import (  # noqa: E402,F401
    after_hours,
    approvals,
    associations,
    bookings,
    branches,
    closures,
    events,
    layouts,
    meta,
    openapi,
    proposals,
    rooms,
)
