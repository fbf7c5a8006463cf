"""Bad booking input: a clear 4xx, and nothing written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Booking, Occurrence
from tests.booking_helpers import make_booker
from tests.builders import future_day, local, make_branch, make_room


@pytest.fixture
def posted(app, client):
    room = make_room(make_branch())
    booker = make_booker()
    day = future_day(10)

    def post(raw: str | None = None, **changes):
        body = {"room_id": room.id, "title": "Meeting", "attendees": 5,
                "start": local(day, 10).isoformat(), "end": local(day, 12).isoformat(),
                "association_id": booker.association.id, **changes}
        if raw is not None:
            return client.post("/api/v1/bookings", data=raw, headers={
                **booker.headers, "Content-Type": "application/json"})
        return client.post("/api/v1/bookings", json=body, headers=booker.headers)

    yield post
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 0
    assert db.session.scalar(select(func.count()).select_from(Occurrence)) == 0


@pytest.mark.parametrize(("changes", "status", "code"), [
    ({"room_id": 99999}, 422, "unknown_room"),
    ({"attendees": 0}, 400, "greater_than_equal"),
    ({"attendees": -3}, 400, "greater_than_equal"),
    ({"attendees": "5"}, 400, "int_type"),
    ({"title": ""}, 400, "string_too_short"),
    ({"start": "2027-03-02T12:00:00+01:00", "end": "2027-03-02T10:00:00+01:00"}, 422,
     "end_before_start"),
    ({"start": "2027-03-02T10:00:00", "end": "2027-03-02T12:00:00"}, 422, "naive_datetime"),
    ({"start": "2027-03-28T02:30:00", "end": "2027-03-28T04:00:00"}, 422,
     "nonexistent_local_time"),
    ({"start": "2027-03-28T02:30:00+01:00", "end": "2027-03-28T04:00:00+02:00"}, 422,
     "nonexistent_local_time"),
    ({"start": "2027-10-31T02:30:00", "end": "2027-10-31T04:00:00+01:00"}, 422,
     "ambiguous_local_time"),
    ({"start": "next tuesday"}, 422, "invalid_datetime"),
    ({"colour": "red"}, 400, "extra_forbidden"),
])
def test_bad_fields_get_a_clear_error(posted, changes, status, code):
    response = posted(**changes)
    assert response.status_code == status, response.get_json()
    assert code in [e["code"] for e in response.get_json()["errors"]]


@pytest.mark.parametrize("raw", [
    "{", "[]", '"text"', '{"attendees": NaN}', '{"attendees": Infinity}',
    '{"attendees": 1e400}', '{"attendees": 123456789012345678901234567890}',
])
def test_malformed_json_is_400(posted, raw):
    response = posted(raw=raw)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"


def test_a_body_over_the_limit_is_413(posted):
    response = posted(raw='{"title": "' + "x" * 2_000_000 + '"}')
    assert response.status_code == 413
