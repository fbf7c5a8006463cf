"""No double booking, in time and in space, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.extensions import db
from tests.booking_helpers import book, make_booker, make_hall, make_staff_headers
from tests.builders import future_day, local, make_branch, make_room, rect


@pytest.fixture
def setting(app):
    branch = make_branch()
    return make_hall(branch), make_booker(), future_day(10)


def test_the_same_room_cannot_be_booked_twice(client, setting):
    hall, booker, day = setting
    assert book(client, booker, hall.half_a, local(day, 10), local(day, 12)).status_code == 201
    response = book(client, booker, hall.half_a, local(day, 11), local(day, 13))
    assert response.status_code == 409
    body = response.get_json()
    assert body["conflicts"] == [{"room_id": hall.half_a.id, "start": local(day, 10).isoformat(),
                                  "end": local(day, 12).isoformat(), "title": "Club evening"}]


def test_a_hall_and_its_half_exclude_each_other(client, setting):
    hall, booker, day = setting
    assert book(client, booker, hall.half_a, local(day, 10), local(day, 12)).status_code == 201
    assert book(client, booker, hall.hall, local(day, 11), local(day, 12)).status_code == 409
    assert book(client, booker, hall.half_b, local(day, 14), local(day, 15)).status_code == 201
    assert book(client, booker, hall.hall, local(day, 14), local(day, 16)).status_code == 409


def test_the_two_halves_can_be_booked_at_the_same_time(client, setting):
    hall, booker, day = setting
    assert book(client, booker, hall.half_a, local(day, 10), local(day, 12)).status_code == 201
    assert book(client, booker, hall.half_b, local(day, 10), local(day, 12)).status_code == 201


def test_rooms_that_only_touch_along_a_wall_do_not_conflict(client, setting):
    hall, booker, day = setting
    assert book(client, booker, hall.hall, local(day, 10), local(day, 12)).status_code == 201
    assert book(client, booker, hall.beside, local(day, 10), local(day, 12)).status_code == 201


def test_back_to_back_bookings_are_allowed_without_a_buffer(client, setting):
    hall, booker, day = setting
    assert book(client, booker, hall.half_a, local(day, 10), local(day, 12)).status_code == 201
    assert book(client, booker, hall.half_a, local(day, 12), local(day, 14)).status_code == 201
    assert book(client, booker, hall.half_a, local(day, 8), local(day, 10)).status_code == 201


def test_a_buffer_keeps_time_free_after_each_booking(client, app):
    branch = make_branch()
    hall = make_hall(branch, buffer_minutes=30)
    booker, day = make_booker(), future_day(10)
    assert book(client, booker, hall.half_a, local(day, 10), local(day, 12)).status_code == 201
    assert book(client, booker, hall.half_a, local(day, 12, 15), local(day, 13)).status_code == 409
    assert book(client, booker, hall.hall, local(day, 12), local(day, 13)).status_code == 409
    assert book(client, booker, hall.half_a, local(day, 12, 30), local(day, 13)).status_code == 201
    assert book(client, booker, hall.half_b, local(day, 12), local(day, 13)).status_code == 201


def test_a_cancelled_booking_no_longer_blocks(client, setting):
    hall, booker, day = setting
    first = book(client, booker, hall.hall, local(day, 10), local(day, 12)).get_json()
    response = client.delete(f"/api/v1/bookings/{first['id']}", headers=booker.headers)
    assert response.status_code == 200
    assert response.get_json()["status"] == "cancelled"
    assert book(client, booker, hall.half_b, local(day, 10), local(day, 12)).status_code == 201


def test_other_peoples_titles_are_hidden_from_members_but_shown_to_staff(client, setting):
    hall, booker, day = setting
    book(client, booker, hall.hall, local(day, 10), local(day, 12), title="Secret meeting")
    stranger = make_booker()
    clash = book(client, stranger, hall.half_a, local(day, 10), local(day, 11)).get_json()
    assert "Secret meeting" not in str(clash)
    staff = make_staff_headers()
    response = client.post("/api/v1/bookings", headers=staff, json={
        "room_id": hall.half_a.id, "title": "x", "attendees": 1,
        "start": local(day, 10).isoformat(), "end": local(day, 11).isoformat()})
    assert response.get_json()["conflicts"][0]["title"] == "Secret meeting"


def test_a_conflict_suggests_free_times_and_free_rooms(client, setting):
    hall, booker, day = setting
    book(client, booker, hall.half_a, local(day, 10), local(day, 12))
    response = book(client, booker, hall.half_a, local(day, 10), local(day, 12))
    suggestions = response.get_json()["suggestions"]
    assert 1 <= len(suggestions) <= 5
    same_room = [s for s in suggestions if s["room_id"] == hall.half_a.id]
    assert same_room and same_room[0]["start"] == local(day, 12).isoformat()
    assert {s["room_id"] for s in suggestions} & {hall.half_b.id, hall.beside.id}
    assert hall.hall.id not in {s["room_id"] for s in suggestions}
    for s in suggestions:
        follow = book(client, make_booker(), type("R", (), {"id": s["room_id"]}),
                      s["start"], s["end"])
        assert follow.status_code == 201, follow.get_json()
        break


def test_the_database_holds_no_overlapping_active_pair(client, setting):
    hall, booker, day = setting
    for room, hour in [(hall.half_a, 9), (hall.half_b, 9), (hall.hall, 12), (hall.half_a, 14)]:
        book(client, booker, room, local(day, hour), local(day, hour + 2))
    for room, hour in [(hall.hall, 9), (hall.half_b, 13), (hall.hall, 15)]:
        assert book(client, booker, room, local(day, hour), local(day, hour + 1)).status_code == 409
    overlapping = db.session.execute(text("""
        SELECT count(*) FROM occurrence_claim a JOIN occurrence_claim b
          ON a.cell_id = b.cell_id AND a.id < b.id
         AND a.block_start < b.block_end AND b.block_start < a.block_end
    """)).scalar()
    assert overlapping == 0


def test_a_room_built_over_a_booked_room_is_seen_by_its_next_booking(client, app):
    # The first booking lets the worker remember the room's share of the floor (SQLite);
    # the new room changes that share, and the next booking must see it.
    branch = make_branch()
    first = make_room(branch, rect(0, 0, 10, 8), name="First")
    booker, day = make_booker(), future_day(10)
    assert book(client, booker, first, local(day, 10), local(day, 12)).status_code == 201
    over = make_room(branch, rect(5, 0, 15, 8), name="Over")
    assert book(client, booker, over, local(day, 14), local(day, 16)).status_code == 201
    response = book(client, booker, first, local(day, 15), local(day, 17))
    assert response.status_code == 409
    assert [c["room_id"] for c in response.get_json()["conflicts"]] == [over.id]
