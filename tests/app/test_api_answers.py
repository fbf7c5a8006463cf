"""Every JSON answer is checked against the model its view declares, so the description holds."""

from __future__ import annotations

import functools
import json

import pytest
from flask import Flask, Response, jsonify

from app.api import present
from app.api.openapi import Answer, ResponseMismatch, check_answer, responds
from app.api.responses import BookingOut, UserOut
from tests.booking_helpers import book, make_booker, make_staff_headers
from tests.builders import future_day, local, make_branch, make_room


def _json(body, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


USER = {"id": 1, "email": "a@example.org", "name": "A", "role": "member"}


def test_an_answer_its_model_describes_passes():
    check_answer((Answer(200, UserOut),), _json(USER))


@pytest.mark.parametrize(("body", "status", "answers"), [
    ({**USER, "password": "x"}, 200, (Answer(200, UserOut),)),
    ({**USER, "id": "1"}, 200, (Answer(200, UserOut),)),
    ({**USER, "id": 1.5}, 200, (Answer(200, UserOut),)),
    ({k: v for k, v in USER.items() if k != "email"}, 200, (Answer(200, UserOut),)),
    (USER, 201, (Answer(200, UserOut),)),
    (USER, 204, (Answer(204),)),
])
def test_an_answer_its_model_does_not_describe_is_refused(body, status, answers):
    with pytest.raises(ResponseMismatch):
        check_answer(answers, _json(body, status))


def test_a_json_answer_where_svg_is_declared_is_refused():
    with pytest.raises(ResponseMismatch):
        check_answer((Answer(200, media_type="image/svg+xml"),), _json(USER))


def test_stacked_answers_are_all_checked_whatever_lies_between():
    def between(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            return view(*args, **kwargs)
        return wrapper

    @responds(UserOut, status=201)
    @between
    @responds(UserOut)
    def view(status: int):
        """A view answering a user with the status it is given."""
        return jsonify(USER), status

    app = Flask(__name__)
    app.config["API_CHECK_RESPONSES"] = True
    with app.test_request_context():
        assert view(201).status_code == 201
        assert view(200).status_code == 200
        with pytest.raises(ResponseMismatch):
            view(202)
    assert sorted(a.status for a in view.answers) == [200, 201]


def test_a_field_added_to_a_booking_without_describing_it_fails(app, client, monkeypatch,
                                                                caplog):
    room = make_room(make_branch())
    booker = make_booker()
    day = future_day(12)
    created = book(client, booker, room, local(day, 10), local(day, 12))
    assert created.status_code == 201, created.get_json()
    answer = client.get(f"/api/v1/bookings/{created.get_json()['id']}", headers=booker.headers)
    assert answer.status_code == 200
    BookingOut.model_validate_json(answer.get_data())

    drifted = present.booking_json
    monkeypatch.setattr("app.api.bookings.booking_json",
                        lambda booking: {**drifted(booking), "colour": "red"})
    answer = client.get(f"/api/v1/bookings/{created.get_json()['id']}", headers=booker.headers)
    assert answer.status_code == 500
    mismatches = [r.exc_info[1] for r in caplog.records
                  if r.exc_info and isinstance(r.exc_info[1], ResponseMismatch)]
    assert mismatches and "colour" in str(mismatches[0])


def test_the_answers_of_the_staff_pages_of_bookings_match_their_models(app, client):
    room = make_room(make_branch(), rules={"requires_approval": True})
    booker = make_booker()
    day = future_day(15)
    created = book(client, booker, room, local(day, 9), local(day, 10),
                   recurrence={"rrule": "FREQ=DAILY;COUNT=3"})
    assert created.status_code == 201, created.get_json()
    staff = make_staff_headers()
    pending = client.get("/api/v1/bookings/pending", headers=staff)
    assert pending.status_code == 200 and pending.get_json()["items"]
    approved = client.post(f"/api/v1/bookings/{created.get_json()['id']}/approve",
                           headers=staff)
    assert approved.status_code == 200, approved.get_json()
    assert approved.get_json()["status"] == "confirmed"


@pytest.mark.parametrize("attendees", ["5.0", "5e0", "0.5e1"])
def test_an_integer_written_with_a_fraction_is_that_integer(app, client, attendees):
    room = make_room(make_branch())
    booker = make_booker()
    day = future_day(11)
    body = json.dumps({
        "room_id": room.id, "title": "Meeting", "start": local(day, 10).isoformat(),
        "end": local(day, 12).isoformat(), "association_id": booker.association.id,
        "attendees": "ATTENDEES"}).replace('"ATTENDEES"', attendees)
    answer = client.post("/api/v1/bookings", data=body,
                         headers={**booker.headers, "Content-Type": "application/json"})
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["attendees"] == 5


def test_a_number_with_a_fraction_is_not_an_integer(app, client):
    room = make_room(make_branch())
    booker = make_booker()
    day = future_day(11)
    answer = book(client, booker, room, local(day, 10), local(day, 12), attendees=5.5)
    assert answer.status_code == 400
    assert "attendees" in [e["field"] for e in answer.get_json()["errors"]]
