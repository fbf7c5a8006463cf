"""The feed endpoints: find the feed, answer 304 from its version, else build it.

No session, no CSRF (GET and HEAD only), and the same answer whatever the Accept header.
A feed's language is the one its address asks for (``?lang=da`` or ``?lang=en``), else
DEFAULT_LANGUAGE: never the browser's, so a calendar client always gets the same words.
"""

from __future__ import annotations

from flask import Response, current_app, request
from flask_babel import force_locale, gettext
from werkzeug.http import http_date

from app.feeds import bp, versions
from app.i18n import known_language
from app.models import utcnow
from app.services import feeds
from app.services.errors import NotFound

CALENDAR = "text/calendar; charset=utf-8"
PUBLIC_CACHE = "public, max-age=300"
PRIVATE_CACHE = "private, max-age=300"


@bp.get("/rooms/<int:room_id>.ics")
def room(room_id: int):
    """A room's bookings; private ones read "Booked"."""
    return _serve("room", room_id)


@bp.get("/rooms/<int:room_id>/freebusy.ics")
def room_freebusy(room_id: int):
    """A room's busy times as VFREEBUSY."""
    return _serve("freebusy", room_id)


@bp.get("/branches/<int:branch_id>/events.ics")
def branch_events(branch_id: int):
    """A branch's public events and closures."""
    return _serve("branch", branch_id)


@bp.get("/associations/<int:association_id>.ics")
def association(association_id: int):
    """An association's public bookings."""
    return _serve("association", association_id)


@bp.get("/private/<token>.ics")
def private(token: str):
    """One user's bookings in full; an unknown or revoked token is a 404."""
    return _serve("private", token)


def feed_language() -> str:
    """The language the feed's address asks for, else the library's default."""
    return known_language(request.args.get("lang"), current_app.config["DEFAULT_LANGUAGE"])


def _serve(kind: str, subject: int | str) -> Response:
    base_url = current_app.config["BASE_URL"].rstrip("/")
    now = utcnow()
    language = feed_language()
    with force_locale(language):
        remembered = versions.remembered_version(kind, subject, language)
        if remembered is not None and _not_modified(remembered):
            return _unchanged(kind, remembered, language)
        version = versions.feed_version(kind, subject, now, base_url, language)
        if version is None:
            return _not_found()
        if _not_modified(version):
            return _unchanged(kind, version, language)
        headers = _headers(kind == "private", version, language)
        try:
            spec = feeds.feed_spec(kind, subject, base_url)
        except NotFound:
            return _not_found()
        body = feeds.render_feed(spec, now, base_url)
    return Response(body, 200, headers=headers, content_type=CALENDAR)


def _unchanged(kind: str, version: feeds.FeedVersion, language: str) -> Response:
    return Response(status=304, headers=_headers(kind == "private", version, language),
                    content_type=CALENDAR)


def _not_found() -> Response:
    return Response(gettext("No such calendar.") + "\n", 404,
                    content_type="text/plain; charset=utf-8")


def _headers(private: bool, version: feeds.FeedVersion, language: str) -> dict[str, str]:
    headers = {
        "ETag": version.etag,
        "Last-Modified": http_date(version.last_modified),
        "Cache-Control": PRIVATE_CACHE if private else PUBLIC_CACHE,
        "Content-Language": language,
    }

    if private:
        headers["X-Robots-Tag"] = "noindex, nofollow"
        headers["Referrer-Policy"] = "no-referrer"
    return headers


def _not_modified(version: feeds.FeedVersion) -> bool:
    """If-None-Match decides when present (weak comparison, RFC 9110); else If-Modified-Since."""
    if "If-None-Match" in request.headers:
        return request.if_none_match.contains_weak(version.etag.strip('"'))
    since = request.if_modified_since
    return since is not None and version.last_modified <= since
