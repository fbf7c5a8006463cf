"""Too many sign-in attempts get a 429."""

from __future__ import annotations

from app import create_app
from app.extensions import db


def test_sign_in_attempts_are_limited_per_address(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'limits.sqlite3'}",
                      "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "limits-secret-0123456789",
                      "RATELIMIT_ENABLED": True, "RATELIMIT_SIGNIN": "3 per minute",
                      "WTF_CSRF_ENABLED": False})
    with app.app_context():
        db.create_all()
        client = app.test_client()
        statuses = [client.post("/signin", data={"email": "x@example.org", "password": "wrong"})
                    .status_code for _ in range(4)]
        api = [client.get("/api/v1/ping").status_code for _ in range(2)]
        db.engine.dispose()
    assert statuses == [401, 401, 401, 429]
    assert api == [200, 200]
