"""Who may call what: small guards the API views call first."""

from __future__ import annotations

from flask_babel import gettext
from flask_login import current_user

from app.models import User
from app.services.errors import Forbidden, Unauthenticated


def signed_in_user() -> User:
    """The caller, or a 401."""
    if not current_user.is_authenticated:
        raise Unauthenticated(gettext("Sign in, or send 'Authorization: Bearer <token>'."))
    return current_user._get_current_object()  # type: ignore[attr-defined]


def staff_user() -> User:
    """The caller if they are staff; 401 when anonymous, 403 when a member."""
    user = signed_in_user()
    if not user.is_staff:
        raise Forbidden(gettext("Only library staff may do this."))

    return user


def optional_user() -> User | None:
    """The caller, or None when anonymous."""
    if current_user.is_authenticated:
        return current_user._get_current_object()  # type: ignore[attr-defined]
    return None
