"""Agora's settings, in layers.

1. The class defaults below (chosen by ``AGORA_ENV``: development, testing, production).
2. The environment: every ``AGORA_*`` variable (``AGORA_DATABASE_URL`` -> ``DATABASE_URL``).
3. ``instance/config.py``, which is never under version control.
4. The mapping given to ``create_app(config)``, for tests.

This is the only module that reads ``os.environ``.
"""

from __future__ import annotations

import os
from datetime import timedelta


class Default:
    """Settings shared by every environment."""

    ENV_NAME = "default"
    SECRET_KEY: str | None = None
    # Empty means "SQLite file in the instance folder".
    DATABASE_URL = ""
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # Public address used in feed links and e-mails, e.g. https://rooms.library.example
    BASE_URL = "http://127.0.0.1:5000"
    MAX_CONTENT_LENGTH = 1 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # "Keep me signed in" lasts a month, not Flask-Login's default year.
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)
    WTF_CSRF_TIME_LIMIT = None
    # Without a Strict-Transport-Security value no HSTS header is sent (see Production).
    STRICT_TRANSPORT_SECURITY = ""
    # Shared by every worker only with a shared store: redis://host:6379/0 in production.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_KEY_PREFIX = "agora"
    # If that store is unreachable, count per worker meanwhile rather than answer 500.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_ENABLED = True
    # Sign-in attempts per account (whatever the address) and per client address
    # (whatever the account): the first stops guessing one password from many
    # addresses, the second one address trying a password on many accounts.
    RATELIMIT_SIGNIN = "10 per minute"
    RATELIMIT_SIGNIN_ADDRESS = "30 per minute"
    RATELIMIT_SIGNUP = "5 per minute"
    RATELIMIT_API = "600 per minute"
    # Reverse proxies in front of the app that append to X-Forwarded-For (0: none, the
    # peer's address is the client's; 1: one nginx or load balancer; ...).
    PROXY_COUNT = 0
    # The language of a visitor whose browser asks for neither Danish nor English.
    DEFAULT_LANGUAGE = "da"
    MAIL_FROM = "Agora <rooms@library.invalid>"
    SMTP_HOST = ""
    SMTP_PORT = 25
    SMTP_USERNAME = ""
    SMTP_PASSWORD = ""
    SMTP_STARTTLS = False
    # How booking e-mails leave the outbox: "courier" (a thread per worker, in batches),
    # "after_response" (in the request's thread once its response is closed), or "off"
    # (only `flask --app app outbox send`, e.g. from cron).
    OUTBOX_DELIVERY = "courier"
    # Check every JSON API answer against the model its view declares (app/api/responses.py)
    # and raise on a mismatch: on in development and tests, off in production.
    API_CHECK_RESPONSES = True


class Development(Default):
    """Local development: the debugger may be on, cookies over plain HTTP."""

    ENV_NAME = "development"


class Testing(Default):
    """The test suite: no rate limits unless a test turns them on."""

    ENV_NAME = "testing"
    TESTING = True
    RATELIMIT_ENABLED = False
    OUTBOX_DELIVERY = "after_response"


class Production(Default):
    """Production: secure cookies, and a real secret or no start."""

    ENV_NAME = "production"
    API_CHECK_RESPONSES = False
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    # Browsers then refuse plain HTTP to this host for two years (behind TLS only).
    STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains"


ENVIRONMENTS: dict[str, type[Default]] = {
    "default": Default,
    "development": Development,
    "testing": Testing,
    "production": Production,
}


def environment_config() -> type[Default]:
    """The settings class named by ``AGORA_ENV`` (default: development)."""
    name = os.environ.get("AGORA_ENV", "development").strip().lower()
    try:
        return ENVIRONMENTS[name]
    except KeyError:
        known = ", ".join(sorted(ENVIRONMENTS))
        raise RuntimeError(f"AGORA_ENV={name!r} is not one of: {known}") from None


def instance_path_from_environment() -> str | None:
    """``AGORA_INSTANCE_PATH``: where the SQLite file, secret key and instance config live."""
    return os.environ.get("AGORA_INSTANCE_PATH") or None


def test_database_url() -> str | None:
    """The PostgreSQL URL the test suite should also run against, if any."""
    return os.environ.get("AGORA_TEST_DATABASE_URL") or None


def test_redis_url() -> str:
    """The Redis the throttling test shares its counters in (its own key prefix per run)."""
    return os.environ.get("AGORA_TEST_REDIS_URL") or "redis://127.0.0.1:6379/0"


def running_in_ci() -> bool:
    """Whether we run under CI, where a missing PostgreSQL or browser fails the run."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}
