"""Every booking rule, each with its own 422 code, checked in the branch's zone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Booking, Occurrence
from tests.booking_helpers import book, error_codes, make_booker, make_staff_headers
from tests.builders import (
    future_day,
    local,
    make_branch,
    make_room,
    utcnow_local,
)

WEEKDAY_HOURS = {"mon": [["08:00", "21:00"]], "tue": [["08:00", "21:00"]],
                 "wed": [["08:00", "21:00"]], "thu": [["08:00", "21:00"]],
                 "fri": [["08:00", "19:00"]], "sat": [["10:00", "16:00"]], "sun": []}


def nothing_written():
    return db.session.scalar(select(func.count()).select_from(Booking)) == 0 and (
        db.session.scalar(select(func.count()).select_from(Occurrence)) == 0)


@pytest.fixture
def room(app):
    branch = make_branch(opening_hours=WEEKDAY_HOURS)
    return make_room(branch, rules={"slot_minutes": 15, "min_minutes": 30, "max_minutes": 240,
                                    "lead_hours": 48, "horizon_days": 60})


@pytest.fixture
def booker(app):
    return make_booker()


@pytest.mark.parametrize(("start", "end", "code"), [
    ((7, 0), (9, 0), "outside_opening_hours"),
    ((20, 0), (21, 30), "outside_opening_hours"),
    ((10, 5), (11, 0), "not_on_slot_grid"),
    ((10, 0), (10, 15), "too_short"),
    ((9, 0), (13, 15), "too_long"),
])
def test_time_rules_each_have_their_code(client, room, booker, start, end, code):
    day = future_day(10, weekday=1)
    response = book(client, booker, room, local(day, *start), local(day, *end))
    assert response.status_code == 422
    assert code in error_codes(response)
    assert nothing_written()


def test_sunday_is_closed_all_day(client, room, booker):
    day = future_day(10, weekday=6)
    response = book(client, booker, room, local(day, 12), local(day, 13))
    assert error_codes(response) == ["outside_opening_hours"]


def test_a_closure_refuses_bookings_with_its_reason(client, app, booker):
    day = future_day(12, weekday=2)
    branch = make_branch(opening_hours=WEEKDAY_HOURS, closures=[{
        "start": local(day, 0).isoformat(), "end": local(day + timedelta(days=1), 0).isoformat(),
        "reason": "Staff training"}])
    room = make_room(branch)
    response = book(client, booker, room, local(day, 10), local(day, 12))
    assert error_codes(response) == ["branch_closed"]
    assert "Staff training" in response.get_json()["errors"][0]["message"]


def test_members_must_book_the_lead_time_ahead_but_staff_may_not(client, app, booker):
    room = make_room(make_branch(), rules={"lead_hours": 48})
    soon = utcnow_local().replace(minute=0, second=0, microsecond=0) + timedelta(hours=24)
    response = book(client, booker, room, soon, soon + timedelta(hours=1))
    assert error_codes(response) == ["too_late_to_book"]
    staff = client.post("/api/v1/bookings", headers=make_staff_headers(), json={
        "room_id": room.id, "title": "Staff event", "attendees": 3,
        "start": soon.isoformat(), "end": (soon + timedelta(hours=1)).isoformat()})
    assert staff.status_code == 201, staff.get_json()


def test_bookings_beyond_the_horizon_are_refused(client, room, booker):
    day = future_day(75, weekday=1)
    response = book(client, booker, room, local(day, 10), local(day, 11))
    assert error_codes(response) == ["beyond_horizon"]


def test_attendees_over_capacity_are_refused_with_the_capacity(client, room, booker):
    day = future_day(10, weekday=1)
    response = book(client, booker, room, local(day, 10), local(day, 11), attendees=41)
    assert error_codes(response) == ["capacity_exceeded"]
    assert "40" in response.get_json()["errors"][0]["message"]


def test_an_unverified_association_cannot_book(client, room):
    booker = make_booker(verified=False)
    day = future_day(10, weekday=1)
    response = book(client, booker, room, local(day, 10), local(day, 11))
    assert error_codes(response) == ["association_not_verified"]


def test_a_member_cannot_book_for_an_association_they_do_not_belong_to(client, room, booker):
    other = make_booker()
    day = future_day(10, weekday=1)
    response = client.post("/api/v1/bookings", headers=booker.headers, json={
        "room_id": room.id, "title": "x", "attendees": 2, "association_id": other.association.id,
        "start": local(day, 10).isoformat(), "end": local(day, 11).isoformat()})
    assert response.status_code == 403


def test_members_must_say_which_association_they_book_for(client, room, booker):
    day = future_day(10, weekday=1)
    response = client.post("/api/v1/bookings", headers=booker.headers, json={
        "room_id": room.id, "title": "x", "attendees": 2,
        "start": local(day, 10).isoformat(), "end": local(day, 11).isoformat()})
    assert error_codes(response) == ["association_required"]


def test_the_weekly_quota_of_an_association_holds_per_branch(client, app):
    branch = make_branch(quota_hours_per_week=3)
    room = make_room(branch)
    booker = make_booker()
    day = future_day(10, weekday=1)
    assert book(client, booker, room, local(day, 10), local(day, 12)).status_code == 201
    response = book(client, booker, room, local(day, 14), local(day, 16))
    assert error_codes(response) == ["quota_exceeded"]
    assert book(client, booker, room, local(day, 14), local(day, 15)).status_code == 201
    next_week = day + timedelta(days=7)
    assert book(client, booker, room, local(next_week, 14), local(next_week, 16)).status_code == 201
