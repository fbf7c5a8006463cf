"""The one place where errors become answers.

``/api/*`` gets RFC 9457 ``application/problem+json``; everything else a friendly
HTML page. Nothing ever shows a traceback.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Flask, Response, g, jsonify, render_template, request
from flask_babel import gettext
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from app.i18n import N_
from app.services import errors as domain
from calendars import HoursInputError, RecurrenceError, TimeInputError
from layouts import GeometryError, LayoutInputError

log = logging.getLogger(__name__)

PROBLEM_BASE = "urn:agora:problem:"
DOMAIN_STATUS: list[tuple[type[Exception], int]] = [
    (domain.NotFound, 404),
    (domain.Unauthenticated, 401),
    (domain.Forbidden, 403),
    (domain.BadInput, 400),
    (domain.AlreadyExists, 409),
    (domain.Conflict, 409),
    (domain.RuleViolation, 422),
]
RETRY_AFTER_SECONDS = 30
# Werkzeug's names and default descriptions of the errors Agora answers, in the catalogues
# so an answer is in the caller's language (the English is Werkzeug's own, unchanged).
HTTP_TEXTS = (
    N_("Bad Request"), N_("Unauthorized"), N_("Forbidden"), N_("Not Found"),
    N_("Method Not Allowed"), N_("Request Entity Too Large"), N_("Unsupported Media Type"),
    N_("Too Many Requests"), N_("Internal Server Error"), N_("Service Unavailable"),
    N_("Not Acceptable"), N_("Conflict"), N_("Unprocessable Entity"),
    N_("The browser (or proxy) sent a request that this server could not understand."),
    N_("The server could not verify that you are authorized to access the URL requested. "
       "You either supplied the wrong credentials (e.g. a bad password), or your browser "
       "doesn't understand how to supply the credentials required."),
    N_("You don't have the permission to access the requested resource. It is either "
       "read-protected or not readable by the server."),
    N_("The requested URL was not found on the server. If you entered the URL manually "
       "please check your spelling and try again."),
    N_("The method is not allowed for the requested URL."),
    N_("The data value transmitted exceeds the capacity limit."),
    N_("The server does not support the media type transmitted in the request."),
    N_("This user has exceeded an allotted request count. Try again later."),
)
# PostgreSQL SQLSTATE classes meaning the server cannot be reached or will not serve now:
# 08 connection exception, 53 insufficient resources (too many connections), 57P
# operator intervention (shutting down, starting up).
UNAVAILABLE_SQLSTATES = ("08", "53", "57P")
UNAVAILABLE_SQLITE_MESSAGES = ("unable to open database", "disk i/o error",
                               "database is locked")


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(CSRFError, _handle_csrf)
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(OperationalError, _handle_database_error)
    app.register_error_handler(IntegrityError, _handle_integrity_error)
    app.register_error_handler(InterfaceError, _handle_database_error)
    app.register_error_handler(domain.AgoraError, _handle_domain)
    for error in (GeometryError, LayoutInputError, TimeInputError, RecurrenceError,
                  HoursInputError):
        app.register_error_handler(error, _handle_pure_input)
    app.register_error_handler(Exception, _handle_unexpected)


def wants_problem_json() -> bool:
    """Whether the request is for the JSON API."""
    return request.path.startswith("/api/")


def problem(status: int, title: str, detail: str, slug: str = "", **extra: Any) -> Response:
    """An ``application/problem+json`` answer."""
    body = {
        "type": PROBLEM_BASE + slug if slug else "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        **extra,
    }
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def _page(status: int, title: str, detail: str) -> tuple[str, int]:
    return render_template("error.html", status=status, title=title, detail=detail), status


def _answer(status: int, title: str, detail: str, slug: str = "", **extra: Any):
    if wants_problem_json():
        return problem(status, title, detail, slug, **extra)
    return _page(status, title, detail)


def _handle_csrf(error: CSRFError):
    return _answer(400, gettext("Form expired or forged"), gettext(error.description), "csrf")


def _handle_http(error: HTTPException):
    status = error.code or 500
    # gettext leaves a text it does not know (a description given to abort) as it is.
    response = _answer(status, gettext(error.name), gettext(error.description or error.name))
    if status == 405 and error.get_response().headers.get("Allow"):
        response = _with_header(response, "Allow", error.get_response().headers["Allow"])
    if status == 401 and wants_problem_json():
        response = _with_header(response, "WWW-Authenticate", 'Bearer realm="agora"')
    return response


def _with_header(response: Any, name: str, value: str) -> Any:
    if isinstance(response, Response):
        response.headers[name] = value
        return response
    body, status = response
    return body, status, {name: value}


def _handle_domain(error: domain.AgoraError):
    status = next(code for cls, code in DOMAIN_STATUS if isinstance(error, cls))
    extra: dict[str, Any] = {}
    if isinstance(error, domain.RuleViolation):
        extra = {"errors": [e.to_json() for e in error.errors], **error.extra}
    elif isinstance(error, domain.Conflict):
        extra = {"conflicts": error.conflicts, "suggestions": error.suggestions, **error.extra}
    elif isinstance(error, domain.BadInput) and error.errors:
        extra = {"errors": [e.to_json() for e in error.errors]}
    elif isinstance(error, domain.AlreadyExists) and error.field:
        extra = {"errors": [{"field": error.field, "code": "already_exists",
                             "message": error.detail}]}
    slug = type(error).__name__.lower()
    # A default title or detail is a class's English; a raised detail is already translated.
    response = _answer(status, gettext(error.title), gettext(error.detail), slug, **extra)
    if status == 401 and wants_problem_json():
        response = _with_header(response, "WWW-Authenticate", 'Bearer realm="agora"')
    return response


def _handle_pure_input(error: Exception):
    """Input refused by layouts/ or calendars/: a broken rule on a field, 422."""
    errors = getattr(error, "errors", None) or [
        {
            "field": getattr(error, "field", ""),
            "code": getattr(error, "code", "invalid"),
            "message": getattr(error, "message", str(error)),
        }
    ]
    detail = "; ".join(e["message"] for e in errors)
    return _answer(422, gettext("A rule is broken"), detail, "ruleviolation", errors=errors)


def database_unreachable(error: OperationalError | InterfaceError) -> bool:
    """Whether a database error means the database cannot be reached, not a bad statement."""
    if isinstance(error, InterfaceError) or error.connection_invalidated:
        return True
    sqlstate = getattr(error.orig, "sqlstate", None)
    if sqlstate is not None:
        return sqlstate.startswith(UNAVAILABLE_SQLSTATES)
    message = str(error.orig).lower()
    if type(error.orig).__module__.startswith("sqlite3"):
        return any(text in message for text in UNAVAILABLE_SQLITE_MESSAGES)
    # psycopg raises connection failures (refused, timed out, no such host) without a state.
    return type(error.orig).__module__.startswith("psycopg")


def _handle_database_error(error: OperationalError | InterfaceError):
    if not database_unreachable(error):
        return _handle_unexpected(error)
    log.warning("Database unavailable on %s %s: %s", request.method, request.path, error.orig)
    _forget_the_session()
    # The page's navigation asks who is signed in; that would need the database again.
    g._login_user = AnonymousUserMixin()
    response = _answer(503, gettext("Service Unavailable"),
                       gettext("The database cannot be reached just now. Nothing was changed; "
                               "please try again in %(seconds)s seconds.",
                               seconds=RETRY_AFTER_SECONDS), "unavailable")
    return _with_header(response, "Retry-After", str(RETRY_AFTER_SECONDS))


def _forget_the_session() -> None:
    from app.extensions import db

    try:
        db.session.rollback()
    except (OperationalError, InterfaceError):
        db.session.close()


PG_UNIQUE_VIOLATION = "23505"
_SQLITE_UNIQUE = re.compile(r"^UNIQUE constraint failed: (?P<columns>.+)$")


def unique_violation(error: IntegrityError) -> tuple[str, str] | None:
    """The (table, field) a unique violation is about, or None for other integrity errors.

    The field is the constraint's last column, a ``name_key`` reported as ``name``: what
    the caller sent, not how it is stored.
    """
    orig = error.orig
    if getattr(orig, "sqlstate", None) is not None:
        if orig.sqlstate != PG_UNIQUE_VIOLATION:
            return None
        table, columns = _constraint_columns(orig.diag.table_name, orig.diag.constraint_name)
    else:
        match = _SQLITE_UNIQUE.match(str(orig))
        if match is None:
            return None
        pairs = [part.strip().split(".", 1) for part in match["columns"].split(",")]
        table, columns = pairs[-1][0], [column for _, column in pairs]
    if not columns:
        return None
    return table, columns[-1].removesuffix("_key")


def _constraint_columns(table: str | None, constraint: str | None) -> tuple[str, list[str]]:
    from app.models import Base

    found = Base.metadata.tables.get(table or "")
    if found is None:
        return table or "", []
    for candidate in [*found.constraints, *found.indexes]:
        if candidate.name == constraint:
            return found.name, [column.name for column in candidate.columns]
    return found.name, []


def _handle_integrity_error(error: IntegrityError):
    """Two requests raced to take the same unique value: the loser gets the 409 a check gives."""
    found = unique_violation(error)
    if found is None:
        return _handle_unexpected(error)
    table, field = found
    _forget_the_session()
    return _handle_domain(domain.AlreadyExists(
        gettext("Another %(thing)s already has that %(field)s.", thing=table,
                field=field.replace("_", " ")), field))


def _handle_unexpected(error: Exception):
    log.exception("Unhandled error on %s %s", request.method, request.path)
    return _answer(500, gettext("Internal Server Error"),
                   gettext("Something went wrong on our side. Nothing was changed."))
