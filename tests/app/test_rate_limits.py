"""Too many sign-in attempts get a 429: per account, and per client address, each on its own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app import create_app
from app.extensions import db
from tests.builders import PASSWORD, make_user


@pytest.fixture
def limited(tmp_path) -> Iterator:
    """Build an app with rate limits on (memory storage; the 4-worker test uses Redis)."""
    engines = []

    def build(**settings):
        app = create_app({
            "DATABASE_URL": f"sqlite:///{tmp_path / 'limits.sqlite3'}",
            "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "limits-secret-0123456789",
            "RATELIMIT_ENABLED": True, "WTF_CSRF_ENABLED": False,
            "RATELIMIT_SIGNIN": "3 per minute", "RATELIMIT_SIGNIN_ADDRESS": "5 per minute",
            **settings})
        context = app.app_context()
        context.push()
        db.create_all()
        engines.append((context, db.engine))
        return app

    yield build
    for context, engine in engines:
        engine.dispose()
        context.pop()


def attempt(client, email: str, password: str = "wrong password", address: str | None = None):
    headers = {"X-Forwarded-For": address} if address else {}
    return client.post("/signin", data={"email": email, "password": password},
                       headers=headers).status_code


def test_sign_in_attempts_are_limited_and_the_api_is_not_touched(limited):
    client = limited().test_client()
    statuses = [attempt(client, "x@example.org") for _ in range(4)]
    api = [client.get("/api/v1/ping").status_code for _ in range(2)]
    assert statuses == [401, 401, 401, 429]
    assert api == [200, 200]


def test_one_account_is_limited_whatever_the_address_and_its_spelling(limited):
    client = limited(PROXY_COUNT=1).test_client()
    make_user(email="ann@example.org")
    other = make_user(email="bo@example.org")
    spellings = ["ann@example.org", " ANN@example.org", "Ann@Example.org"]
    guesses = [attempt(client, email, address=f"203.0.113.{n}")
               for n, email in enumerate(spellings)]
    assert guesses == [401, 401, 401]
    assert attempt(client, "ann@example.org", PASSWORD, address="198.51.100.1") == 429
    assert attempt(client, other.email, PASSWORD, address="203.0.113.0") == 302


def test_one_address_is_limited_across_accounts_and_locks_out_no_other_address(limited):
    client = limited(PROXY_COUNT=1).test_client()
    user = make_user(email="cy@example.org")
    spray = [attempt(client, f"victim{n}@example.org", address="203.0.113.9") for n in range(6)]
    assert spray == [401] * 5 + [429]
    assert attempt(client, "someone@example.org", address="203.0.113.9") == 429
    assert attempt(client, user.email, PASSWORD, address="198.51.100.2") == 302


def test_without_a_proxy_a_forged_forwarded_for_does_not_reset_the_count(limited):
    client = limited().test_client()
    spray = [attempt(client, f"victim{n}@example.org", address=f"192.0.2.{n}") for n in range(6)]
    assert spray == [401] * 5 + [429]


def test_behind_one_proxy_only_the_address_it_appended_counts(limited):
    client = limited(PROXY_COUNT=1).test_client()
    spray = [attempt(client, f"victim{n}@example.org", address=f"192.0.2.{n}, 203.0.113.50")
             for n in range(6)]
    assert spray == [401] * 5 + [429]


def test_a_proxy_count_that_is_not_a_number_stops_the_start(tmp_path):
    with pytest.raises(RuntimeError, match="PROXY_COUNT"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
                    "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "limits-secret-0123456789",
                    "PROXY_COUNT": "one"})


def test_guessing_the_current_password_on_the_profile_is_limited_per_user(limited):
    client = limited().test_client()
    user = make_user(email="dee@example.org")
    assert attempt(client, user.email, PASSWORD) == 302
    new = "a brand new passphrase"
    statuses = [client.post("/profile/password", data={
        "current_password": f"guess {n}", "password": new, "confirm": new}).status_code
        for n in range(4)]
    assert statuses == [422, 422, 422, 429]


def test_an_unreachable_limit_store_still_limits_and_never_answers_500(limited):
    client = limited(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0").test_client()
    statuses = [attempt(client, "x@example.org") for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
