"""Accounts: creating users, checking and changing passwords (Argon2id), ending sessions."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext
from sqlalchemy import func, select

from app.db import unit_of_work, write_transaction
from app.extensions import db
from app.i18n import LANGUAGES
from app.models import User
from app.services.errors import AlreadyExists, NotFound, RuleViolation

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
# A real hash verified when the e-mail is unknown, so both paths take the same time.
_DUMMY_HASH = _hasher.hash("agora-timing-equaliser")


def normalise_email(email: str) -> str:
    """E-mail addresses compare case-insensitively and without surrounding space."""
    return email.strip().lower()


def validate_email(email: str) -> str:
    """The normalised address, or a 422 on field ``email``."""
    email = normalise_email(email)
    local, _, domain = email.partition("@")
    if not local or "." not in domain or len(email) > 254 or any(c.isspace() for c in email):
        raise RuleViolation.single("email", "invalid_email",
                                   gettext("Enter a valid e-mail address."))
    return email


def validate_password(password: str) -> None:
    """Long enough to resist guessing, short enough not to be a denial of service."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise RuleViolation.single(
            "password", "password_too_short",
            gettext("Use at least %(count)s characters.", count=MIN_PASSWORD_LENGTH),
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise RuleViolation.single("password", "password_too_long",
                                   gettext("That password is too long."))


def find_user_by_email(email: str) -> User | None:
    """The user with that address, compared case-insensitively."""
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


@write_transaction
def create_user(email: str, password: str | None, role: str = "member", name: str = "",
                language: str | None = None) -> User:
    """A new user; a password of None makes an account that cannot sign in yet.

    ``language`` ('da' or 'en') is the one their e-mails are written in."""
    email = validate_email(email)
    if role not in ("staff", "member"):
        raise RuleViolation.single("role", "invalid_role", gettext("Role is staff or member."))
    if password is not None:
        validate_password(password)
    if find_user_by_email(email) is not None:
        raise AlreadyExists(gettext("An account with that e-mail address already exists."),
                            "email")
    user = User(
        email=email,
        name=name.strip()[:120],
        role=role,
        password_hash=_hasher.hash(password) if password is not None else None,
        language=language if language in LANGUAGES else None,
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user whose password matches, else None (the caller says nothing more)."""
    user = find_user_by_email(email)
    stored = user.password_hash if user is not None else None
    try:
        _hasher.verify(stored or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or stored is None or not user.active:
        return None
    if _hasher.check_needs_rehash(stored):
        rehashed = _hasher.hash(password)
        with unit_of_work():
            user.password_hash = rehashed
    return user


def _password_matches(user: User, password: str) -> bool:
    try:
        return user.password_hash is not None and _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Set a new password once the current one is given; every other session ends.

    The slow Argon2 work (checking the old password, hashing the new one) is done
    before the write transaction, so the write lock is held only for the update.
    """
    if not _password_matches(user, current_password):
        raise RuleViolation.single("current_password", "wrong_password",
                                   gettext("That is not your current password."))
    validate_password(new_password)
    new_hash = _hasher.hash(new_password)
    with unit_of_work():
        user.password_hash = new_hash
        user.session_generation = User.session_generation + 1


@write_transaction
def set_language(user: User, language: str) -> None:
    """Remember the language the user reads Agora in (their e-mails come in it)."""
    if language not in LANGUAGES:
        raise RuleViolation.single("language", "invalid_language",
                                   gettext("Choose Danish or English."))
    user.language = language


@write_transaction
def end_sessions(user: User) -> None:
    """Void every session and remember cookie the user has, on every device."""
    # Counted up in SQL, so two concurrent calls never write the same generation.
    user.session_generation = User.session_generation + 1


def end_sessions_of(email: str) -> User:
    """End every session of the user with that e-mail (for administrators)."""
    user = find_user_by_email(email)
    if user is None:
        raise NotFound(gettext("No user with e-mail %(email)s.", email=email))

    end_sessions(user)
    return user
