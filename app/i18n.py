"""Languages: Danish and English, chosen by a remembered switch or the browser.

The language of a request is, in order: the ``agora_lang`` cookie the switcher sets,
the best match of the browser's ``Accept-Language``, then ``DEFAULT_LANGUAGE``.
Every string people read goes through ``gettext`` (``_`` in templates); the catalogues
live in ``app/translations`` (``pybabel`` with ``babel.cfg``, see the README).
"""

from __future__ import annotations

from flask import Flask, request
from flask_babel import Babel, get_locale

LANGUAGES: dict[str, str] = {"da": "Dansk", "en": "English"}
LANGUAGE_COOKIE = "agora_lang"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

babel = Babel()


def select_language() -> str:
    """The language of the current request (see the module's docstring)."""
    from flask import current_app

    chosen = request.cookies.get(LANGUAGE_COOKIE, "")
    if chosen in LANGUAGES:
        return chosen
    best = request.accept_languages.best_match(list(LANGUAGES))
    return best or current_app.config["DEFAULT_LANGUAGE"]


def init_app(app: Flask) -> None:
    """Attach Flask-Babel with Agora's language choice."""
    babel.init_app(app, locale_selector=select_language)

    @app.context_processor
    def languages() -> dict[str, object]:
        return {"LANGUAGES": LANGUAGES, "get_locale": get_locale}
