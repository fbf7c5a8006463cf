"""Bearer tokens for scripts and private feed tokens: shown once, stored as SHA-256."""

from __future__ import annotations

import hashlib
import re
import secrets

from flask_babel import gettext
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from app.db import write_transaction
from app.extensions import db
from app.models import ApiToken, User, utcnow
from app.services.errors import NotFound, Unauthenticated

TOKEN_PREFIX = {"api": "agora_", "feed": "feed_"}
_TOKEN_SHAPE = re.compile(r"^(agora|feed)_[A-Za-z0-9_-]{43}$")


def hash_token(token: str) -> str:
    """The stored form: tokens carry 256 random bits, so a fast hash suffices."""
    return hashlib.sha256(token.encode()).hexdigest()


@write_transaction
def create_token(user: User, purpose: str = "api", name: str = "") -> tuple[ApiToken, str]:
    """A new token for the user, and its plain text (the only time it is seen)."""
    plain = TOKEN_PREFIX[purpose] + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        purpose=purpose,
        name=name.strip()[:80],
        token_hash=hash_token(plain),
        prefix=plain[: len(TOKEN_PREFIX[purpose]) + 4],
    )
    db.session.add(token)
    db.session.flush()
    return token, plain


@write_transaction
def revoke_token(token_id: int, owner: User | None = None) -> ApiToken:
    """Revoke a token (an owner may only revoke their own); revoking twice is harmless."""
    token = db.session.get(ApiToken, token_id)
    if token is None or (owner is not None and token.user_id != owner.id):
        raise NotFound(gettext("No token %(id)s.", id=token_id))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    return token


# The token and its user in one query: every API request reads both.
_TOKEN_BY_HASH = (select(ApiToken).options(joinedload(ApiToken.user))
                  .where(ApiToken.token_hash == bindparam("token_hash")))


def find_active_token(plain: str, purpose: str) -> ApiToken | None:
    """The live token with that text and purpose, or None."""
    if not _TOKEN_SHAPE.match(plain) or not plain.startswith(TOKEN_PREFIX[purpose]):
        return None
    token = db.session.scalar(_TOKEN_BY_HASH, {"token_hash": hash_token(plain)})
    if token is None or token.purpose != purpose or token.is_revoked or not token.user.active:
        return None
    return token


def user_for_authorization_header(header: str) -> User:
    """The user an ``Authorization: Bearer`` header stands for; 401 when it is not valid."""
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise Unauthenticated(gettext("Use 'Authorization: Bearer <token>'."))
    token = find_active_token(value.strip(), "api")
    if token is None:
        raise Unauthenticated(gettext("The token is not valid or has been revoked."))

    return token.user


def tokens_of(user: User, purpose: str) -> list[ApiToken]:
    """The user's tokens of one purpose, newest first."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.purpose == purpose)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )
