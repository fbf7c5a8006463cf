"""The language switcher: a choice remembered in a cookie for a year."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from app.i18n import LANGUAGE_COOKIE, LANGUAGE_COOKIE_AGE, LANGUAGES
from app.services import accounts
from app.web import bp


def local_target(target: str | None) -> str:
    """``target`` if it is a path on this site, else the home page (no open redirect)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") \
                and not target.startswith("//") and "\\" not in target:
            return target
    return url_for("web.index")


@bp.post("/language")
def choose_language() -> Response:
    """Remember the chosen language and go back to the page it was chosen on.

    A signed-in user's choice is remembered on their account too: their e-mails come in it.
    """
    language = request.form.get("language", "")
    if language not in LANGUAGES:
        abort(400, description=gettext("Choose one of: %(languages)s.",
                                       languages=", ".join(LANGUAGES)))
    if current_user.is_authenticated and current_user.language != language:
        accounts.set_language(current_user._get_current_object(), language)

    response = redirect(local_target(request.form.get("next")), code=303)
    response.set_cookie(LANGUAGE_COOKIE, language, max_age=LANGUAGE_COOKIE_AGE,
                        samesite="Lax", httponly=True,
                        secure=request.is_secure)
    return response
