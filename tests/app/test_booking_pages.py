"""Booking through the web pages: the form, its errors next to fields, conflicts, cancelling."""

from __future__ import annotations

import re

import pytest

from tests.booking_helpers import make_booker
from tests.builders import PASSWORD, future_day, make_branch, make_room, make_user
from tests.web_helpers import csrf_token, sign_in


@pytest.fixture
def signed_in(client, app):
    booker = make_booker()
    sign_in(client, booker.user.email, PASSWORD)
    return booker


@pytest.fixture
def room(app):
    return make_room(make_branch(), name="Study room", max_attendees=8)


def post_form(client, room, **fields):
    day = future_day(10)
    data = {"title": "Homework help", "attendees": "6", "day": day.isoformat(),
            "start": "16:00", "end": "18:00", "layout_id": "0", "repeat": "none",
            "csrf_token": csrf_token(client, f"/rooms/{room.id}/book"), **fields}
    return client.post(f"/rooms/{room.id}/book", data=data)


def test_a_member_books_through_the_form(client, signed_in, room):
    response = post_form(client, room, association_id=str(signed_in.association.id))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Homework help" in page and ">confirmed<" in page


def test_rule_errors_appear_next_to_their_fields(client, signed_in, room):
    response = post_form(client, room, association_id=str(signed_in.association.id),
                         attendees="9")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert re.search(r'id="attendees-error">[^<]*capacity is 8', text)


def test_a_time_taken_shows_the_conflict_and_free_alternatives(client, signed_in, room):
    association = str(signed_in.association.id)
    assert post_form(client, room, association_id=association).status_code == 302
    response = post_form(client, room, association_id=association)
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert 'id="conflict"' in text and "Free instead" in text


def test_a_weekly_series_from_the_form(client, signed_in, room):
    response = post_form(client, room, association_id=str(signed_in.association.id),
                         repeat="weekly", ends="count", count="4")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert page.count("<td>confirmed</td>") == 4


def test_cancelling_from_the_booking_page(client, signed_in, room):
    location = post_form(client, room,
                         association_id=str(signed_in.association.id)).headers["Location"]
    token = csrf_token(client, location)
    response = client.post(f"{location}/cancel", data={"csrf_token": token})
    assert response.status_code == 302
    assert 'id="booking-status">cancelled<' in client.get(location).get_data(as_text=True)


def test_someone_elses_booking_page_is_404(client, signed_in, room):
    location = post_form(client, room,
                         association_id=str(signed_in.association.id)).headers["Location"]
    client.post("/signout", data={"csrf_token": csrf_token(client, "/")})
    stranger = make_user()
    sign_in(client, stranger.email, PASSWORD)
    assert client.get(location).status_code == 404


def test_the_approval_queue_is_for_staff(client, signed_in):
    assert client.get("/approvals").status_code == 403
