"""One capacity rule: bookings, layout changes and room changes all ask ``capacity_of``.

A room or layout change that would leave a future booking with more people than the
room now holds is refused with the list (409) unless forced; forced, the booking is
flagged for staff and its booker gets an e-mail.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Booking, OutboxMessage, utcnow
from app.services import bookings, rooms
from app.services.bookings import BookingInput
from app.services.errors import Conflict
from tests.booking_helpers import book, error_codes, make_booker
from tests.builders import (
    PASSWORD,
    door,
    future_day,
    local,
    make_branch,
    make_room,
    make_token,
    make_user,
    rect,
)
from tests.builders import bearer as bearer_headers
from tests.web_helpers import sign_in

WIDE = {"outline": rect(0, 0, 20, 10), "doors": [door(0, 1, 0, 2.2), door(20, 1, 20, 2.2)]}
SMALL = {"outline": rect(0, 0, 10, 10), "doors": [door(0, 1, 0, 2.2)]}
STANDING = {"name": "Standing", "style": "standing", "items": []}


@pytest.fixture
def staff_user(app):
    return make_user("staff")


@pytest.fixture
def staff(staff_user):
    return bearer_headers(make_token(staff_user))


@pytest.fixture
def hall(app):
    """A 20 x 10 m room with two 1.2 m doors and no policy cap: exits allow 240."""
    return make_room(make_branch(), WIDE["outline"], name="Reception hall",
                     doors=WIDE["doors"], max_attendees=None)


@pytest.fixture
def standing(client, staff, hall):
    response = client.post(f"/api/v1/rooms/{hall.id}/layouts", json=STANDING, headers=staff)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def outbox_of(booking_id: int, kind: str) -> list[OutboxMessage]:
    db.session.rollback()
    return list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.booking_id == booking_id, OutboxMessage.kind == kind)))


def test_shrinking_the_room_under_a_240_person_booking_is_refused_with_the_booking(
        client, staff, hall, standing):
    assert standing["capacity"] == 240 and standing["binding"] == "exits"
    booker, day = make_booker(), future_day(10)
    booked = book(client, booker, hall, local(day, 18), local(day, 21), attendees=240,
                  title="Spring fair", layout_id=standing["id"])
    assert booked.status_code == 201, booked.get_json()
    booking_id = booked.get_json()["id"]

    refused = client.patch(f"/api/v1/rooms/{hall.id}", json=SMALL, headers=staff)

    assert refused.status_code == 409
    assert refused.content_type == "application/problem+json"
    (listed,) = refused.get_json()["report"]["bookings"]
    assert listed["booking_id"] == booking_id and listed["title"] == "Spring fair"
    assert listed["attendees"] == 240 and listed["capacity"] == 50
    assert listed["start"] == local(day, 18).isoformat() and listed["outcome"] == "flag"
    assert client.get(f"/api/v1/rooms/{hall.id}").get_json()["outline"] == WIDE["outline"]
    layout = client.get(f"/api/v1/layouts/{standing['id']}").get_json()
    assert layout["capacity"] == 240, "a refused change must leave the stored figure alone"
    assert client.get(f"/api/v1/bookings/{booking_id}", headers=staff).get_json()[
        "capacity_flag"] is None


def test_forcing_the_shrink_flags_the_booking_and_mails_its_booker(client, staff, hall,
                                                                  standing):
    booker, day = make_booker(), future_day(10)
    booking_id = book(client, booker, hall, local(day, 18), local(day, 21), attendees=240,
                      layout_id=standing["id"]).get_json()["id"]

    forced = client.patch(f"/api/v1/rooms/{hall.id}", json={**SMALL, "force": True},
                          headers=staff)

    assert forced.status_code == 200, forced.get_json()
    assert [b["booking_id"] for b in forced.get_json()["report"]["bookings"]] == [booking_id]
    body = client.get(f"/api/v1/bookings/{booking_id}", headers=staff).get_json()
    assert body["status"] == "confirmed" and body["capacity"] == 50
    assert "240 attendees" in body["capacity_flag"]["reason"]
    assert client.get(f"/api/v1/layouts/{standing['id']}").get_json()["capacity"] == 50
    (message,) = outbox_of(booking_id, "over_capacity")
    assert message.to == booker.user.email
    assert "fewer people than you booked for" in message.text


def test_a_forced_flag_shows_on_the_staff_pages(client, staff_user, hall, standing):
    booker, day = make_booker(), future_day(10)
    booking_id = book(client, booker, hall, local(day, 18), local(day, 21), attendees=240,
                      title="Spring fair", layout_id=standing["id"]).get_json()["id"]
    rooms.update_room(rooms.get_room(hall.id), SMALL, force=True)
    sign_in(client, staff_user.email, PASSWORD)

    approvals = client.get("/approvals").get_data(as_text=True)
    detail = client.get(f"/bookings/{booking_id}").get_data(as_text=True)

    over = approvals.split('id="over-capacity"')[1]
    assert "Spring fair" in over and "240 attendees" in over
    assert 'id="capacity-flag"' in detail and "capacity 50" in detail


def test_changing_the_booking_to_fit_clears_its_flag(client, staff, hall, standing):
    booker, day = make_booker(), future_day(10)
    booking_id = book(client, booker, hall, local(day, 18), local(day, 21), attendees=240,
                      layout_id=standing["id"]).get_json()["id"]
    client.patch(f"/api/v1/rooms/{hall.id}", json={**SMALL, "force": True}, headers=staff)

    fitted = client.patch(f"/api/v1/bookings/{booking_id}", json={"attendees": 50},
                          headers=booker.headers)

    assert fitted.status_code == 200, fitted.get_json()
    assert fitted.get_json()["capacity_flag"] is None


def test_past_bookings_are_not_reported(client, staff, staff_user, hall, standing):
    yesterday = utcnow() - timedelta(days=1)
    start = yesterday.replace(minute=0, second=0, microsecond=0)
    bookings.create_booking(staff_user, BookingInput(
        room_id=hall.id, layout_id=standing["id"], title="Last night's party", attendees=240,
        start=start.isoformat(), end=(start + timedelta(hours=2)).isoformat(),
    ), now=start - timedelta(days=1))
    db.session.commit()
    day = future_day(10)
    future = book(client, make_booker(), hall, local(day, 18), local(day, 21), attendees=200,
                  layout_id=standing["id"]).get_json()["id"]

    refused = client.patch(f"/api/v1/rooms/{hall.id}", json=SMALL, headers=staff)

    assert refused.status_code == 409
    assert [b["booking_id"] for b in refused.get_json()["report"]["bookings"]] == [future]


def test_lowering_the_policy_cap_under_a_booking_without_layout_is_refused(client, staff,
                                                                          hall):
    booker, day = make_booker(), future_day(10)
    booking_id = book(client, booker, hall, local(day, 18), local(day, 21),
                      attendees=120).get_json()["id"]

    refused = client.patch(f"/api/v1/rooms/{hall.id}", json={"max_attendees": 100},
                           headers=staff)

    assert refused.status_code == 409
    (listed,) = refused.get_json()["report"]["bookings"]
    assert (listed["booking_id"], listed["capacity"]) == (booking_id, 100)


def test_the_report_shows_titles_only_to_whom_may_see_them(app, staff_user, hall, standing):
    booker, day = make_booker(), future_day(10)
    bookings.create_booking(booker.user, BookingInput(
        room_id=hall.id, layout_id=standing["id"], title="Private party", attendees=240,
        start=local(day, 18).isoformat(), end=local(day, 21).isoformat(),
        association_id=booker.association.id,
    ))
    db.session.commit()
    stranger = make_user()

    reports = {}
    for name, viewer in (("staff", staff_user), ("stranger", stranger)):
        with pytest.raises(Conflict) as refused:
            rooms.update_room(rooms.get_room(hall.id), SMALL, viewer=viewer)
        (reports[name],) = refused.value.extra["report"]["bookings"]

    assert reports["staff"]["title"] == "Private party"
    assert "title" not in reports["stranger"]
    assert reports["stranger"]["attendees"] == 240


# ------------------------------------------------------------------- layouts


def chairs(count: int) -> list[dict]:
    return [{"kind": "chair", "x": 3.0 + 0.5 * i, "y": 5.0, "rotation": 0} for i in range(count)]


@pytest.fixture
def row(client, staff, hall):
    response = client.post(f"/api/v1/rooms/{hall.id}/layouts", headers=staff, json={
        "name": "Row", "style": "theatre", "items": chairs(10)})
    assert response.get_json()["capacity"] == 10
    return response.get_json()


def test_a_layout_put_below_a_future_booking_is_refused_then_forced_flags_it(
        client, staff, hall, row):
    booker, day = make_booker(), future_day(10)
    booking_id = book(client, booker, hall, local(day, 10), local(day, 12), attendees=10,
                      title="Reading circle", layout_id=row["id"]).get_json()["id"]
    smaller = {"name": "Row", "style": "theatre", "items": chairs(6)}

    refused = client.put(f"/api/v1/layouts/{row['id']}", json=smaller, headers=staff)

    assert refused.status_code == 409
    (listed,) = refused.get_json()["bookings"]
    assert (listed["booking_id"], listed["title"], listed["attendees"], listed["capacity"]) == (
        booking_id, "Reading circle", 10, 6)
    assert client.get(f"/api/v1/layouts/{row['id']}").get_json()["capacity"] == 10

    forced = client.put(f"/api/v1/layouts/{row['id']}", json={**smaller, "force": True},
                        headers=staff)

    assert forced.status_code == 200 and forced.get_json()["capacity"] == 6
    body = client.get(f"/api/v1/bookings/{booking_id}", headers=staff).get_json()
    assert body["status"] == "confirmed" and body["capacity"] == 6
    assert body["capacity_flag"] is not None
    (message,) = outbox_of(booking_id, "over_capacity")
    assert message.to == booker.user.email


def test_a_layout_put_that_still_holds_its_bookings_flags_nothing(client, staff, hall, row):
    booking_id = book(client, make_booker(), hall, local(future_day(10), 10),
                      local(future_day(10), 12), attendees=6, layout_id=row["id"]).get_json()["id"]
    smaller = {"name": "Row", "style": "theatre", "items": chairs(6)}

    assert client.put(f"/api/v1/layouts/{row['id']}", json=smaller,
                      headers=staff).status_code == 200
    assert client.get(f"/api/v1/bookings/{booking_id}", headers=staff).get_json()[
        "capacity_flag"] is None


def test_deleting_a_layout_with_future_bookings_is_refused_then_forced_flags_them(
        client, staff, hall, row):
    booker, day = make_booker(), future_day(10)
    booking_id = book(client, booker, hall, local(day, 10), local(day, 12), attendees=10,
                      layout_id=row["id"]).get_json()["id"]

    refused = client.delete(f"/api/v1/layouts/{row['id']}", headers=staff)
    assert refused.status_code == 409
    assert [b["booking_id"] for b in refused.get_json()["bookings"]] == [booking_id]
    assert client.delete(f"/api/v1/layouts/{row['id']}?force=maybe",
                         headers=staff).status_code == 400

    assert client.delete(f"/api/v1/layouts/{row['id']}?force=true",
                         headers=staff).status_code == 204
    body = client.get(f"/api/v1/bookings/{booking_id}", headers=staff).get_json()
    assert body["layout_id"] is None and body["status"] == "confirmed"
    assert "was deleted" in body["capacity_flag"]["reason"]
    assert outbox_of(booking_id, "over_capacity")


# ------------------------------------------------------------------ bookings


def test_a_booking_is_held_to_its_layout_as_the_room_is_now(client, staff, hall, standing):
    far_row = client.post(f"/api/v1/rooms/{hall.id}/layouts", headers=staff, json={
        "name": "Far row", "style": "theatre",
        "items": [{"kind": "chair", "x": 15.0 + 0.5 * i, "y": 5.0, "rotation": 0}
                  for i in range(6)]}).get_json()
    client.patch(f"/api/v1/rooms/{hall.id}", json={**SMALL, "force": True}, headers=staff)
    booker, day = make_booker(), future_day(10)

    over = book(client, booker, hall, local(day, 18), local(day, 21), attendees=51,
                layout_id=standing["id"])
    misfit = book(client, booker, hall, local(day, 18), local(day, 21), attendees=6,
                  layout_id=far_row["id"])

    assert over.status_code == 422 and error_codes(over) == ["capacity_exceeded"]
    assert "50" in over.get_json()["errors"][0]["message"]
    assert misfit.status_code == 422 and error_codes(misfit) == ["capacity_exceeded"]
    assert "no longer fits" in misfit.get_json()["errors"][0]["message"]
    assert book(client, booker, hall, local(day, 18), local(day, 21), attendees=50,
                layout_id=standing["id"]).status_code == 201


def test_a_booking_without_a_layout_is_held_to_what_the_bare_room_allows(client, hall):
    booker, day = make_booker(), future_day(10)

    over = book(client, booker, hall, local(day, 18), local(day, 21), attendees=241)

    assert over.status_code == 422 and error_codes(over) == ["capacity_exceeded"]
    assert book(client, booker, hall, local(day, 18), local(day, 21),
                attendees=240).status_code == 201


def test_an_update_over_the_capacity_is_422(client, hall):
    booker, day = make_booker(), future_day(10)
    booking_id = book(client, booker, hall, local(day, 18), local(day, 21),
                      attendees=200).get_json()["id"]

    over = client.patch(f"/api/v1/bookings/{booking_id}", json={"attendees": 241},
                        headers=booker.headers)

    assert over.status_code == 422 and error_codes(over) == ["capacity_exceeded"]
    assert db.session.get(Booking, booking_id).attendees == 200


def test_capacity_of_is_the_lowest_of_layout_geometry_and_policy_cap(app, hall):
    from app.models import Layout
    from app.services import layouts
    from app.services.capacity import capacity_of

    layout = layouts.create_layout(rooms.get_room(hall.id), STANDING)
    room = rooms.get_room(hall.id)
    assert capacity_of(room, db.session.get(Layout, layout.id)) == 240
    room.max_attendees = 90
    assert capacity_of(room, db.session.get(Layout, layout.id)) == 90
    assert capacity_of(room, None) == 90
    db.session.rollback()


def test_a_booking_a_room_change_overlaps_is_listed_with_its_own_rooms_capacity(client, staff):
    branch = make_branch()
    small = make_room(branch, rect(0, 0, 10, 8), name="Small", max_attendees=20)
    other = make_room(branch, rect(10, 0, 16, 5), name="Other", max_attendees=30,
                      doors=[door(16, 1, 16, 2.2)])
    day = future_day(10)
    assert book(client, make_booker(), small, local(day, 10), local(day, 12)).status_code == 201
    later = book(client, make_booker(), other, local(day, 10), local(day, 12)).get_json()["id"]

    refused = client.patch(f"/api/v1/rooms/{small.id}", headers=staff, json={
        "outline": rect(0, 0, 12, 8), "doors": [door(0, 1, 0, 2.2)]})

    assert refused.status_code == 409
    (listed,) = refused.get_json()["report"]["bookings"]
    assert (listed["booking_id"], listed["outcome"], listed["capacity"]) == (later, "cancel", 30)
