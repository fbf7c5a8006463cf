"""With the database unreachable: 503 with Retry-After, problem+json or a friendly page."""

from __future__ import annotations

import secrets
import socket
import uuid

import pytest

from app import create_app
from app.services.tokens import TOKEN_PREFIX


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


UNREACHABLE = {
    "postgresql": lambda tmp_path: f"postgresql+psycopg://postgres@127.0.0.1:{_unused_port()}/agora",
    "sqlite": lambda tmp_path: f"sqlite:///{tmp_path / 'no-such-directory' / 'agora.sqlite3'}",
}


@pytest.fixture(params=sorted(UNREACHABLE))
def unreachable_client(request, tmp_path):
    app = create_app({
        "TESTING": True, "ENV_NAME": "testing", "RATELIMIT_ENABLED": False,
        "DATABASE_URL": UNREACHABLE[request.param](tmp_path),
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "test-secret-" + uuid.uuid4().hex, "DEFAULT_LANGUAGE": "en",
        "PROPAGATE_EXCEPTIONS": False,
    })
    yield app.test_client()


@pytest.mark.parametrize("path", ["/api/v1/branches", "/api/v1/rooms/1", "/api/v1/search"
                                  "?start=2027-03-02T10:00:00Z&end=2027-03-02T11:00:00Z"])
def test_an_api_call_is_503_problem_json_with_retry_after(unreachable_client, path):
    response = unreachable_client.get(path)
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert int(response.headers["Retry-After"]) > 0
    body = response.get_json()
    assert body["status"] == 503 and "try again" in body["detail"]


@pytest.mark.parametrize("path", ["/", "/rooms/1", "/associations"])
def test_a_page_is_a_friendly_503_with_retry_after(unreachable_client, path):
    response = unreachable_client.get(path)
    assert response.status_code == 503
    assert response.mimetype == "text/html"
    assert int(response.headers["Retry-After"]) > 0
    text = response.get_data(as_text=True)
    assert "cannot be reached" in text and "Traceback" not in text


def test_a_token_that_cannot_be_checked_is_503_not_401(unreachable_client):
    token = TOKEN_PREFIX["api"] + secrets.token_urlsafe(32)
    response = unreachable_client.post("/api/v1/associations", json={"name": "x"},
                                       headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"


def test_a_database_error_that_is_not_an_outage_stays_a_500(tmp_path):
    app = create_app({
        "TESTING": True, "ENV_NAME": "testing", "RATELIMIT_ENABLED": False,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "INSTANCE_PATH": str(tmp_path / "instance"), "PROPAGATE_EXCEPTIONS": False,
        "SECRET_KEY": "test-secret-" + uuid.uuid4().hex, "DEFAULT_LANGUAGE": "en",
    })
    response = app.test_client().get("/api/v1/branches")
    assert response.status_code == 500
    assert "Retry-After" not in response.headers
