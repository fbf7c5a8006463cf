"""No setting can turn off the double-booking guarantee: production code has no such switch."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

import app.services.conflicts as conflicts_module
from app import create_app
from app.db import IMMEDIATE
from app.extensions import db
from app.models import Occurrence, OccurrenceClaim
from tests.builders import bearer, future_day, local, make_room, make_token, make_user
from tests.conftest import _test_config

ROOT = Path(__file__).resolve().parents[2]
SWITCHES = {
    "UNSAFE_DISABLE_BOOKING_GUARANTEE": "true",
    "UNSAFE_CHECK_PAUSE_SECONDS": "0.05",
}


@pytest.fixture
def app_told_to_be_unsafe(database_url, tmp_path, monkeypatch):
    """The app with every old switch set, in the environment and in its configuration."""
    for name, value in SWITCHES.items():
        monkeypatch.setenv(f"AGORA_{name}", value)
    app = create_app({**_test_config(database_url, tmp_path / "instance"),
                      "UNSAFE_DISABLE_BOOKING_GUARANTEE": True,
                      "UNSAFE_CHECK_PAUSE_SECONDS": 0.05})
    with app.app_context():
        yield app
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
        for engine in db.engines.values():
            engine.dispose()


def test_an_app_told_to_drop_the_guarantee_still_keeps_it(app_told_to_be_unsafe, monkeypatch):
    """The booking is claimed for the database's own check, the check runs under the
    write lock on SQLite, and the second overlapping booking is refused."""
    app = app_told_to_be_unsafe
    assert app.config["UNSAFE_DISABLE_BOOKING_GUARANTEE"]  # the setting is there, and ignored
    room_id = make_room().id
    headers = bearer(make_token(make_user("staff")))
    locked_during_check: list[bool] = []
    find_clashes = conflicts_module.find_clashes

    def spying_find_clashes(*args, **kwargs):
        connection = db.session.connection()
        locked_during_check.append(bool(connection.get_execution_options().get(IMMEDIATE)))
        return find_clashes(*args, **kwargs)

    monkeypatch.setattr(conflicts_module, "find_clashes", spying_find_clashes)
    day = future_day(7)
    body = {"room_id": room_id, "title": "First", "attendees": 5,
            "start": local(day, 10).isoformat(), "end": local(day, 12).isoformat()}
    client = app.test_client()

    first = client.post("/api/v1/bookings", json=body, headers=headers)
    assert first.status_code == 201, first.get_json()
    claims = db.session.scalar(
        select(func.count()).select_from(OccurrenceClaim).join(Occurrence)
        .where(Occurrence.booking_id == first.get_json()["id"]))
    assert claims > 0, "the booking was written without the claims the database checks"
    if db.engine.dialect.name == "sqlite":
        assert locked_during_check == [True], "the conflict check ran without the write lock"

    overlapping = {**body, "title": "Second", "start": local(day, 11).isoformat(),
                   "end": local(day, 13).isoformat()}
    assert client.post("/api/v1/bookings", json=overlapping, headers=headers).status_code == 409


def test_no_production_module_has_an_unsafe_switch():
    sources = [ROOT / "config.py", *sorted((ROOT / "app").rglob("*.py"))]
    mentions = [f"{path.relative_to(ROOT)}:{number}"
                for path in sources
                for number, line in enumerate(path.read_text().splitlines(), 1)
                if re.search(r"unsafe_|UNSAFE", line)]
    assert mentions == []
