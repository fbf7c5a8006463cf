"""Languages: Danish and English, chosen by a remembered switch or the browser.

The language of a request is, in order: the ``agora_lang`` cookie the switcher sets,
the best match of the browser's ``Accept-Language``, then ``DEFAULT_LANGUAGE``.
Outside a request (the command line) it is English. Every string people read goes
through ``gettext`` (``_`` in templates); the catalogues live in ``app/translations``
(``flask --app app translations update``, see the README). E-mails are written in
their recipient's language (``User.language``), feeds in the one their address asks
for (``?lang=da``).
"""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo

from babel import dates as babel_dates
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import Babel, get_locale, gettext

LANGUAGES: dict[str, str] = {"da": "Dansk", "en": "English"}
LANGUAGE_COOKIE = "agora_lang"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
FALLBACK_LANGUAGE = "en"

babel = Babel()


def select_language() -> str:
    """The language of the current request (see the module's docstring)."""
    if not has_request_context():
        return FALLBACK_LANGUAGE
    chosen = request.cookies.get(LANGUAGE_COOKIE, "")
    if chosen in LANGUAGES:
        return chosen
    best = request.accept_languages.best_match(list(LANGUAGES))
    return best or current_app.config["DEFAULT_LANGUAGE"]


def current_language() -> str:
    """The language code the current request is answered in ('da' or 'en')."""
    locale = get_locale()
    return locale.language if locale is not None else FALLBACK_LANGUAGE


def N_(message: str) -> str:
    """Mark ``message`` for the catalogues without translating it (it is translated where
    it is shown, in the language of that moment)."""
    return message


def known_language(code: str | None, default: str) -> str:
    """``code`` if Agora speaks it, else ``default``."""
    return code if code in LANGUAGES else default


def forget_language() -> None:
    """Choose the language afresh for each request.

    Flask-Babel remembers the choice on ``g``, which belongs to the app context; a
    request inside a longer-lived app context (tests, a command) must not inherit it.
    """
    g.pop("_flask_babel", None)


def init_app(app: Flask) -> None:

    """Attach Flask-Babel with Agora's language choice."""
    babel.init_app(app, locale_selector=select_language)
    app.before_request(forget_language)

    @app.context_processor
    def languages() -> dict[str, object]:
        return {"LANGUAGES": LANGUAGES, "get_locale": get_locale}


STATUS_NAMES = {
    "pending": N_("pending"),
    "confirmed": N_("confirmed"),
    "rejected": N_("rejected"),
    "cancelled": N_("cancelled"),
}


def status_name(status: str) -> str:
    """A booking's or occurrence's status as the reader says it ('afventer', 'pending')."""
    return gettext(STATUS_NAMES.get(status, status))


PROPOSAL_STATE_NAMES = {
    "proposed": N_("proposed"),
    "dialogue": N_("in dialogue"),
    "scheduled": N_("scheduled"),
    "happened": N_("happened"),
    "not_now": N_("not now"),
}


def proposal_state_name(state: str) -> str:
    """A proposal's state as the reader says it ('i dialog', 'in dialogue')."""
    return gettext(PROPOSAL_STATE_NAMES.get(state, state))


# How an instant reads, by style, in Babel's patterns: "Tue 8 Dec 2026, 18:00" in English,
# "tir. 8. dec. 2026 18.00" in Danish.
DATE_PATTERNS: dict[str, dict[str, str]] = {
    "en": {"datetime": "EEE d MMM y, HH:mm", "date": "EEE d MMM y", "time": "HH:mm",
           "day": "EEEE d MMMM y", "short_date": "EEE d MMM"},
    "da": {"datetime": "EEE d. MMM y HH.mm", "date": "EEE d. MMM y", "time": "HH.mm",
           "day": "EEEE d. MMMM y", "short_date": "EEE d. MMM"},
}


def format_local(instant: datetime | date | time, zone: tzinfo | None = None,
                 style: str = "datetime", language: str | None = None) -> str:
    """An instant (or a local date or time) as the reader reads it, in ``zone``.

    ``style`` is 'datetime', 'date', 'time', 'day' (the weekday and month in full) or
    'short_date'; the language is the request's (English outside a request).
    """
    language = language or current_language()
    patterns = DATE_PATTERNS.get(language, DATE_PATTERNS[FALLBACK_LANGUAGE])
    pattern = patterns[style]
    if isinstance(instant, datetime):
        if zone is not None:
            instant = instant.astimezone(zone)
        return babel_dates.format_datetime(instant, pattern, locale=language)
    if isinstance(instant, date):
        return babel_dates.format_date(instant, pattern, locale=language)
    return babel_dates.format_time(instant, pattern, locale=language)


AMENITY_NAMES = {
    "projector": N_("projector"),
    "screen": N_("screen"),
    "sound_system": N_("sound system"),
    "stage": N_("stage"),
    "step_free": N_("step free"),
    "whiteboard": N_("whiteboard"),
    "play_mats": N_("play mats"),
    "wifi": N_("wifi"),
    "kitchen": N_("kitchen"),
    "hearing_loop": N_("hearing loop"),
}


def amenity_name(amenity: str) -> str:
    """An amenity as the reader says it; one Agora has no word for, as it is stored."""
    known = AMENITY_NAMES.get(amenity)
    return gettext(known) if known else amenity.replace("_", " ")
