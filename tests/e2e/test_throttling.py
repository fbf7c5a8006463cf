"""Throttling that holds across 4 gunicorn workers: counters shared in Redis, keys that are right.

Forty wrong passwords for one account arrive at once from one address, through one
proxy (``X-Forwarded-For``). Kept per worker, each of the 4 workers let its own
quota through (39 were accepted before the first 429); shared in Redis, exactly
the limit is answered 401 and the rest 429, while another account from another
address signs in untouched.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from app import create_app
from app.extensions import db
from tests.builders import PASSWORD, make_user
from tests.e2e.servers import gunicorn

pytestmark = pytest.mark.slow

ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20
API_LIMIT = 12
ATTEMPTS = 40


@pytest.fixture
def served(tmp_path, redis_url, key_prefix):
    url = f"sqlite:///{tmp_path / 'throttle.sqlite3'}"
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path),
                      "SECRET_KEY": "throttle-test-secret-0123456789"})
    with app.app_context():
        db.create_all()
        target = make_user(email="target@example.org").email
        bystander = make_user(email="bystander@example.org").email
        db.session.remove()
        db.engine.dispose()
    settings = {
        "RATELIMIT_ENABLED": "true", "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_KEY_PREFIX": key_prefix, "PROXY_COUNT": "1", "WTF_CSRF_ENABLED": "false",
        "RATELIMIT_SIGNIN": f"{ACCOUNT_LIMIT} per minute",
        "RATELIMIT_SIGNIN_ADDRESS": f"{ADDRESS_LIMIT} per minute",
        "RATELIMIT_API": f"{API_LIMIT} per minute",
    }
    with gunicorn(url, tmp_path, workers=4, **settings) as base:
        yield base, target, bystander


def sign_in(base: str, email: str, password: str, address: str) -> tuple[int, float]:
    """POST the form as the proxy would pass it on; the status and when it came back."""
    response = requests.post(f"{base}/signin", data={"email": email, "password": password},
                             headers={"X-Forwarded-For": address}, allow_redirects=False,
                             timeout=60)
    return response.status_code, time.monotonic()


def at_once(calls) -> list[tuple[int, float]]:
    with ThreadPoolExecutor(max_workers=16) as pool:
        return list(pool.map(lambda call: call(), calls))


def test_sign_in_limits_hold_across_four_workers(served):
    base, target, bystander = served
    started = time.monotonic()
    answers = at_once([lambda: sign_in(base, target, "wrong password", "203.0.113.5")] * ATTEMPTS)
    statuses = [status for status, _ in answers]
    by_time = sorted(answers, key=lambda answer: answer[1])
    first_429 = next(index for index, (status, _) in enumerate(by_time) if status == 429)
    print(f"\n4 workers, Redis: {statuses.count(401)} of {ATTEMPTS} wrong passwords answered "
          f"401 ({first_429} of them before the first 429, at "
          f"{by_time[first_429][1] - started:.2f} s); all {ATTEMPTS} answered in "
          f"{by_time[-1][1] - started:.2f} s")
    assert statuses.count(401) == ACCOUNT_LIMIT
    assert statuses.count(429) == ATTEMPTS - ACCOUNT_LIMIT

    # The account stays closed from any address, even to the right password...
    assert sign_in(base, target, PASSWORD, "198.51.100.7")[0] == 429
    # ...while another account from another address is not locked out.
    assert sign_in(base, bystander, "wrong password", "198.51.100.8")[0] == 401
    assert sign_in(base, bystander, PASSWORD, "198.51.100.8")[0] == 302


def test_one_address_spraying_many_accounts_is_stopped_across_four_workers(served):
    base, _target, bystander = served
    answers = at_once([
        (lambda n=n: sign_in(base, f"victim{n}@example.org", "password1234", "192.0.2.66"))
        for n in range(ATTEMPTS)])
    statuses = [status for status, _ in answers]
    assert statuses.count(401) == ADDRESS_LIMIT
    assert statuses.count(429) == ATTEMPTS - ADDRESS_LIMIT
    assert sign_in(base, bystander, PASSWORD, "198.51.100.9")[0] == 302


def test_the_api_limit_holds_across_four_workers(served):
    base, _target, _bystander = served

    def ping(address: str) -> tuple[int, float]:
        response = requests.get(f"{base}/api/v1/ping", headers={"X-Forwarded-For": address},
                                timeout=60)
        return response.status_code, time.monotonic()

    statuses = [status for status, _ in at_once([lambda: ping("203.0.113.77")] * 30)]
    assert statuses.count(200) == API_LIMIT
    assert statuses.count(429) == 30 - API_LIMIT
    assert ping("203.0.113.78")[0] == 200
