"""Accounts: sign-up, sign-in, sign-out, profile and tokens; who is asking, for every request."""

from __future__ import annotations

import logging
import re

from flask import Blueprint, Flask, Response, current_app, g, request
from flask_babel import gettext
from flask_login import current_user
from flask_sqlalchemy.session import Session

from app.db import watch_for_writes_outside_units, wrote_outside_a_unit
from app.extensions import csrf, db, login_manager
from app.i18n import N_
from app.models import User
from app.services.tokens import user_for_authorization_header

bp = Blueprint("auth", __name__, template_folder="templates")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
STRICT_ENVIRONMENTS = frozenset({"testing", "development"})

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Wire Flask-Login, bearer tokens, CSRF and the end of each request's transaction."""
    login_manager.login_view = "auth.signin"
    login_manager.login_message = N_("Please sign in to continue.")
    login_manager.localize_callback = gettext  # flashed in the visitor's language

    login_manager.user_loader(_load_user)
    app.before_request(_authenticate_bearer)
    app.before_request(_check_csrf)
    watch_for_writes_outside_units(Session)
    app.after_request(_finish_transaction)


_SESSION_ID = re.compile(r"([0-9]{1,10}):([0-9]{1,10})")
_MAX_ID = 2**31 - 1


def _load_user(session_id: str) -> User | None:
    """The user a session or remember cookie names, if the cookie's generation is current.

    ``User.get_id`` writes ``id:generation``; a cookie from before a sign-out,
    password change or "sign out everywhere" carries an older generation and
    signs nobody in. Cookies of the old plain-id form sign nobody in either.
    """
    match = _SESSION_ID.fullmatch(session_id)
    if match is None or int(match[1]) > _MAX_ID:
        return None
    user = db.session.get(User, int(match[1]))
    if user is None or not user.active or user.session_generation != int(match[2]):
        return None
    return user


def _authenticate_bearer() -> None:
    """A request with ``Authorization`` is the token's user, or a 401; never the cookie's."""
    g.pop("_login_user", None)
    g.pop("authenticated_by_token", None)
    header = request.headers.get("Authorization")
    if header is None:
        return
    # Flask-Login reads the request's user from g._login_user.
    g._login_user = user_for_authorization_header(header)
    g.authenticated_by_token = True


def _check_csrf() -> None:
    """Every state-changing request made with the session cookie carries a CSRF token.

    Token-authenticated API calls carry no ambient authority and are exempt, and so
    are anonymous API calls (they will be answered 401 where it matters).
    """
    if request.method in SAFE_METHODS or g.get("authenticated_by_token"):
        return
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    if request.path.startswith("/api/") and not current_user.is_authenticated:
        return
    csrf.protect()


def _finish_transaction(response: Response) -> Response:
    """Roll back what the request leaves open: reads only, whatever its status.

    Every write commits in its service's unit of work, so nothing is committed here.
    A write left outside any unit is a forgotten unit: it fails the request in testing
    and development, and is logged (and never committed) in production.
    """
    stray = wrote_outside_a_unit()
    db.session.rollback()
    if stray:
        message = f"{request.method} {request.path} left writes outside a unit of work"
        if current_app.config.get("ENV_NAME") in STRICT_ENVIRONMENTS:
            raise RuntimeError(message)
        log.error("%s; they were rolled back", message)
    return response


from app.auth import views  # noqa: E402,F401  (registers the routes on bp)
