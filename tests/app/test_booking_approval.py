"""Approval: pending bookings hold their slot until staff decide."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.booking_helpers import book, error_codes, make_booker, make_staff_headers
from tests.builders import future_day, local, make_branch, make_room


@pytest.fixture
def room(app):
    return make_room(make_branch(), rules={"requires_approval": True})


def test_a_room_that_needs_approval_makes_pending_bookings_that_hold_the_slot(client, room):
    booker, day = make_booker(), future_day(10)
    response = book(client, booker, room, local(day, 10), local(day, 12))
    assert response.status_code == 201
    assert response.get_json()["status"] == "pending"
    assert book(client, make_booker(), room, local(day, 11), local(day, 12)).status_code == 409


def test_staff_see_the_queue_oldest_first_and_approve(client, room):
    first, second = make_booker(), make_booker()
    day = future_day(10)
    a = book(client, first, room, local(day, 10), local(day, 11)).get_json()
    b = book(client, second, room, local(day, 12), local(day, 13)).get_json()
    staff = make_staff_headers()
    queue = client.get("/api/v1/bookings/pending", headers=staff).get_json()["items"]
    assert [item["id"] for item in queue] == [a["id"], b["id"]]
    approved = client.post(f"/api/v1/bookings/{a['id']}/approve", headers=staff)
    assert approved.get_json()["status"] == "confirmed"
    assert {o["status"] for o in approved.get_json()["occurrences"]} == {"confirmed"}
    assert [i["id"] for i in client.get("/api/v1/bookings/pending",
                                        headers=staff).get_json()["items"]] == [b["id"]]


def test_rejecting_needs_a_reason_and_frees_the_slot(client, room):
    booker, day = make_booker(), future_day(10)
    pending = book(client, booker, room, local(day, 10), local(day, 12),
                   recurrence={"rrule": "FREQ=WEEKLY;COUNT=3"}).get_json()
    staff = make_staff_headers()
    no_reason = client.post(f"/api/v1/bookings/{pending['id']}/reject", headers=staff, json={})
    assert error_codes(no_reason) == ["reason_required"]
    rejected = client.post(f"/api/v1/bookings/{pending['id']}/reject", headers=staff,
                           json={"reason": "The hall is being painted."})
    assert rejected.get_json()["status"] == "rejected"
    assert rejected.get_json()["status_reason"] == "The hall is being painted."
    later = day + timedelta(weeks=2)
    assert book(client, make_booker(), room, local(later, 10), local(later, 12)).status_code == 201


def test_members_cannot_approve(client, room):
    booker, day = make_booker(), future_day(10)
    pending = book(client, booker, room, local(day, 10), local(day, 12)).get_json()
    assert client.post(f"/api/v1/bookings/{pending['id']}/approve",
                       headers=booker.headers).status_code == 403


def test_staff_bookings_in_an_approval_room_are_confirmed_at_once(client, room):
    day = future_day(10)
    response = client.post("/api/v1/bookings", headers=make_staff_headers(), json={
        "room_id": room.id, "title": "Library event", "attendees": 20,
        "start": local(day, 10).isoformat(), "end": local(day, 12).isoformat()})
    assert response.get_json()["status"] == "confirmed"


def test_only_the_booker_its_admins_and_staff_may_change_a_booking(client, room):
    booker, day = make_booker(), future_day(10)
    booking = book(client, booker, room, local(day, 10), local(day, 12)).get_json()
    stranger = make_booker()
    assert client.delete(f"/api/v1/bookings/{booking['id']}",
                         headers=stranger.headers).status_code == 404
    assert client.patch(f"/api/v1/bookings/{booking['id']}", json={"title": "x"},
                        headers=stranger.headers).status_code == 404
    assert client.delete(f"/api/v1/bookings/{booking['id']}",
                         headers=make_staff_headers()).status_code == 200
