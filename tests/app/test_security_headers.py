"""Every answer carries the security headers: pages, API, feeds, drawings, static files, errors."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest

import config
from app import create_app
from app.extensions import db
from tests.booking_helpers import make_staff_headers
from tests.builders import door, make_branch, make_room, rect

EXPECTED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
TEMPLATES = Path(__file__).resolve().parents[2] / "app"


@pytest.fixture
def paths(app, client) -> dict[str, tuple[str, str, int]]:
    """(method, path, expected status) for every kind of answer the app gives."""
    @app.get("/api/v1/explode")
    def explode():
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    room = make_room(make_branch(), rect(0, 0, 12, 9), name="Hall",
                     doors=[door(0, 1, 0, 2.2)], max_attendees=None)
    layout = client.post(f"/api/v1/rooms/{room.id}/layouts", headers=make_staff_headers(),
                         json={"name": "Row", "style": "theatre",
                               "items": [{"kind": "chair", "x": 5, "y": 5, "rotation": 0}]})
    assert layout.status_code == 201
    return {
        "page": ("GET", "/", 200),
        "sign-in page": ("GET", "/signin", 200),
        "api": ("GET", "/api/v1/branches", 200),
        "feed": ("GET", f"/calendars/rooms/{room.id}.ics", 200),
        "svg": ("GET", f"/api/v1/rooms/{room.id}/layouts/{layout.get_json()['id']}.svg", 200),
        "static css": ("GET", "/static/agora.css", 200),
        "page 404": ("GET", "/no-such-page", 404),
        "api 404": ("GET", "/api/v1/no-such-thing", 404),
        "csrf error": ("POST", "/signin", 400),
        "api 500": ("GET", "/api/v1/explode", 500),
    }


KINDS = ["page", "sign-in page", "api", "feed", "svg", "static css", "page 404", "api 404",
         "csrf error", "api 500"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_answer_carries_the_security_headers(client, paths, kind):
    method, path, status = paths[kind]
    response = client.open(path, method=method)
    response.close()
    assert response.status_code == status
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, name
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["frame-ancestors"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy
    assert "Strict-Transport-Security" not in response.headers


@pytest.mark.parametrize("kind", ["page", "api", "static css", "page 404"])
def test_production_adds_hsts(tmp_path, monkeypatch, kind):
    monkeypatch.setenv("AGORA_SECRET_KEY", "production-test-secret-" + uuid.uuid4().hex)
    monkeypatch.setenv("AGORA_DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite3'}")
    monkeypatch.setenv("AGORA_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(config.Production)
    path = {"page": "/", "api": "/api/v1/ping", "static css": "/static/agora.css",
            "page 404": "/no-such-page"}[kind]
    with app.app_context():
        db.create_all()
        response = app.test_client().get(path, base_url="https://agora.test")
        response.close()
        db.engine.dispose()
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert response.headers["X-Frame-Options"] == "DENY"


def test_templates_have_no_inline_script_handler_or_style():
    """The policy refuses inline code and styles, so the templates must not rely on them."""
    inline = re.compile(r"<script(?![^>]*\bsrc=)|\son[a-z]+\s*=|\sstyle\s*=|<style", re.I)
    offenders = [f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
                 for path in TEMPLATES.rglob("*.html")
                 for match in [inline.search(path.read_text())] if match]
    assert offenders == []
