"""Who a rate limit counts: the client's address, or the account a sign-in names.

The counters live in Flask-Limiter's storage (``RATELIMIT_STORAGE_URI``): Redis in
production, so every gunicorn worker counts against the same numbers. The client's
address is ``request.remote_addr``, which :func:`trust_proxies` corrects behind a
reverse proxy; without one, ``X-Forwarded-For`` is ignored, so a client cannot
pick a new address per request.
"""

from __future__ import annotations

import hashlib

from flask import Flask, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from app.services.accounts import normalise_email


def trust_proxies(app: Flask) -> None:
    """Read the client's address and scheme from the ``PROXY_COUNT`` proxies in front.

    Each proxy appends the address it received the request from to
    ``X-Forwarded-For``; only the last ``PROXY_COUNT`` values were written by our
    proxies, anything before them by the client, so those are never trusted.
    """
    count = app.config.get("PROXY_COUNT") or 0
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise RuntimeError(f"PROXY_COUNT must be a whole number of proxies, not {count!r}")
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]


def address_key() -> str:
    """The limit's key for the client's address (one address, every account)."""
    return f"address:{request.remote_addr or 'unknown'}"


def signin_account_key() -> str:
    """The limit's key for the account a sign-in names (one account, every address).

    The e-mail is normalised the way sign-in compares it, so ``Ann@X`` and ``ann@x``
    share a counter, and hashed, so the key has a fixed size whatever is posted.
    """
    email = normalise_email(request.form.get("email", ""))
    return "account:" + hashlib.sha256(email.encode()).hexdigest()


def user_key() -> str:
    """The limit's key for the signed-in user (for checks of their password once in)."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return address_key()
