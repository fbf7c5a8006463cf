"""The base of every form: WTForms' own messages in the reader's language.

WTForms carries no Danish catalogue, so its built-in messages (a required field, a
number out of range, a date it cannot read) are in Agora's catalogues, marked below,
and every form looks them up there.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context
from flask_babel import get_translations
from flask_wtf import FlaskForm

from app.i18n import N_

# The WTForms and Flask-WTF messages Agora's forms can show (their English is theirs).
BUILT_IN_MESSAGES = (
    N_("This field is required."),
    N_("Field must be equal to %(other_name)s."),
    N_("Field must be between %(min)d and %(max)d characters long."),
    N_("Number must be at least %(min)s."),
    N_("Number must be at most %(max)s."),
    N_("Number must be between %(min)s and %(max)s."),
    N_("Invalid input."),
    N_("Invalid email address."),
    N_("Invalid URL."),
    N_("Not a valid choice."),
    N_("Invalid Choice: could not coerce."),
    N_("Invalid choice(s): one or more data inputs could not be coerced."),
    N_("Not a valid datetime value."),
    N_("Not a valid date value."),
    N_("Not a valid time value."),
    N_("Not a valid integer value."),
    N_("Not a valid decimal value."),
    N_("Not a valid float value."),
    N_("The CSRF token is missing."),
    N_("The CSRF session token is missing."),
    N_("The CSRF token has expired."),
    N_("The CSRF token is invalid."),
    N_("The CSRF tokens do not match."),
)


def _plural_markers() -> None:
    """Never called: marks WTForms' plural messages for the catalogues."""
    from flask_babel import ngettext

    ngettext("Field must be at least %(min)d character long.",
             "Field must be at least %(min)d characters long.", 1)
    ngettext("Field cannot be longer than %(max)d character.",
             "Field cannot be longer than %(max)d characters.", 1)
    ngettext("Field must be exactly %(max)d character long.",
             "Field must be exactly %(max)d characters long.", 1)
    ngettext("'%(value)s' is not a valid choice for this field.",
             "'%(value)s' are not valid choices for this field.", 1)


class _CatalogueTranslations:
    """WTForms' translations interface over Agora's catalogues (WTForms formats the result
    itself, so nothing is interpolated here)."""

    def gettext(self, string: str) -> str:
        if not has_request_context():
            return string
        return get_translations().gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if not has_request_context():
            return singular if n == 1 else plural
        return get_translations().ngettext(singular, plural, n)


CATALOGUE_TRANSLATIONS = _CatalogueTranslations()


class AgoraForm(FlaskForm):
    """A Flask-WTF form whose built-in messages come in the reader's language."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form: Any) -> _CatalogueTranslations:
            return CATALOGUE_TRANSLATIONS
