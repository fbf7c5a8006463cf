"""Recurring series: expanded in local time, whole or not at all, exceptions that survive."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Booking, Occurrence
from tests.booking_helpers import book, error_codes, make_booker, make_staff_headers
from tests.builders import future_day, local, make_branch, make_room

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


@pytest.fixture
def room(app):
    return make_room(make_branch())


@pytest.fixture
def booker(app):
    return make_booker()


def weekly(count: int, **extra):
    return {"recurrence": {"rrule": f"FREQ=WEEKLY;COUNT={count}", **extra}}


def test_a_weekly_series_stores_one_row_per_occurrence(client, room, booker):
    day = future_day(7, weekday=1)
    response = book(client, booker, room, local(day, 18), local(day, 20), **weekly(6))
    assert response.status_code == 201, response.get_json()
    starts = [o["start"] for o in response.get_json()["occurrences"]]
    assert starts == [local(day + timedelta(weeks=n), 18).isoformat() for n in range(6)]


def test_a_weekly_evening_stays_at_18_local_across_both_dst_changes(client, app):
    room = make_room(make_branch(), rules={"horizon_days": 3 * 365})
    staff = make_staff_headers()
    first = _next_tuesday_before_march(date.today())
    response = client.post("/api/v1/bookings", headers=staff, json={
        "room_id": room.id, "title": "Chess", "attendees": 8,
        "start": local(first, 18).isoformat(), "end": local(first, 20).isoformat(),
        "recurrence": {"rrule": "FREQ=WEEKLY;COUNT=40"}})
    assert response.status_code == 201, response.get_json()
    rows = db.session.scalars(select(Occurrence).order_by(Occurrence.start)).all()
    local_starts = {row.start.astimezone(COPENHAGEN).strftime("%H:%M") for row in rows}
    offsets = {row.start.astimezone(COPENHAGEN).utcoffset() for row in rows}
    assert local_starts == {"18:00"}
    assert offsets == {timedelta(hours=1), timedelta(hours=2)}


def _next_tuesday_before_march(today: date) -> date:
    year = today.year + 1 if today.month >= 2 else today.year
    day = date(year, 2, 1)
    return day + timedelta(days=(1 - day.weekday()) % 7)


def test_a_series_with_one_clash_is_refused_whole_and_lists_it(client, room, booker):
    day = future_day(7, weekday=1)
    blocker = day + timedelta(weeks=2)
    assert book(client, booker, room, local(blocker, 19), local(blocker, 21)).status_code == 201
    response = book(client, booker, room, local(day, 18), local(day, 20), **weekly(4))
    assert response.status_code == 409
    body = response.get_json()
    assert body["clashing_occurrences"] == [{"room_id": room.id,
                                             "start": local(blocker, 18).isoformat(),
                                             "end": local(blocker, 20).isoformat()}]
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 1


def test_skip_conflicts_books_the_free_occurrences_and_lists_the_skipped(client, room, booker):
    day = future_day(7, weekday=1)
    blocker = day + timedelta(weeks=1)
    book(client, booker, room, local(blocker, 18), local(blocker, 19))
    response = book(client, booker, room, local(day, 18), local(day, 20), skip_conflicts=True,
                    **weekly(3))
    assert response.status_code == 201
    body = response.get_json()
    assert len(body["occurrences"]) == 2
    assert body["skipped"] == [{"room_id": room.id, "start": local(blocker, 18).isoformat(),
                                "end": local(blocker, 20).isoformat()}]


def test_exdates_remove_occurrences(client, room, booker):
    day = future_day(7, weekday=1)
    skip = local(day + timedelta(weeks=1), 18).isoformat()
    response = book(client, booker, room, local(day, 18), local(day, 20),
                    **weekly(3, exdates=[skip]))
    assert [o["start"] for o in response.get_json()["occurrences"]] == [
        local(day, 18).isoformat(), local(day + timedelta(weeks=2), 18).isoformat()]


def test_the_second_tuesday_of_each_month(client, room, booker):
    first = future_day(7)
    first = first.replace(day=1) + timedelta(days=32)
    first = first.replace(day=1)
    first += timedelta(days=(1 - first.weekday()) % 7 + 7)
    response = book(client, booker, room, local(first, 18), local(first, 20), recurrence={
        "rrule": "FREQ=MONTHLY;BYDAY=2TU;COUNT=3"})
    assert response.status_code == 201, response.get_json()
    for occurrence in response.get_json()["occurrences"]:
        day = date.fromisoformat(occurrence["start"][:10])
        assert day.weekday() == 1 and 8 <= day.day <= 14


def test_cancelling_one_occurrence_keeps_the_row_and_frees_the_slot(client, room, booker):
    day = future_day(7, weekday=1)
    series = book(client, booker, room, local(day, 18), local(day, 20), **weekly(3)).get_json()
    second = series["occurrences"][1]["start"]
    response = client.delete(f"/api/v1/bookings/{series['id']}/occurrences/{second}",
                             headers=booker.headers)
    assert response.status_code == 200
    statuses = [o["status"] for o in response.get_json()["occurrences"]]
    assert statuses == ["confirmed", "cancelled", "confirmed"]
    assert response.get_json()["sequence"] == series["sequence"] + 1
    other = make_booker()
    moved_day = day + timedelta(weeks=1)
    assert book(client, other, room, local(moved_day, 18), local(moved_day, 20)).status_code == 201


def test_moving_one_occurrence_checks_it_like_a_new_booking(client, room, booker):
    day = future_day(7, weekday=1)
    series = book(client, booker, room, local(day, 18), local(day, 20), **weekly(3)).get_json()
    second = series["occurrences"][1]["start"]
    target = day + timedelta(weeks=1, days=1)
    response = client.patch(
        f"/api/v1/bookings/{series['id']}/occurrences/{second}", headers=booker.headers,
        json={"start": local(target, 17).isoformat(), "end": local(target, 19).isoformat()})
    assert response.status_code == 200, response.get_json()
    moved = response.get_json()["occurrences"]
    assert local(target, 17).isoformat() in [o["start"] for o in moved]
    third = series["occurrences"][2]["start"]
    clash = client.patch(
        f"/api/v1/bookings/{series['id']}/occurrences/{third}", headers=booker.headers,
        json={"start": local(target, 18).isoformat(), "end": local(target, 19).isoformat()})
    assert clash.status_code == 409


def test_changing_the_title_of_a_series_keeps_its_exceptions(client, room, booker):
    day = future_day(7, weekday=1)
    series = book(client, booker, room, local(day, 18), local(day, 20), **weekly(3)).get_json()
    second = series["occurrences"][1]["start"]
    client.delete(f"/api/v1/bookings/{series['id']}/occurrences/{second}", headers=booker.headers)
    response = client.patch(f"/api/v1/bookings/{series['id']}", headers=booker.headers,
                            json={"title": "Chess club (new name)"})
    assert response.status_code == 200, response.get_json()
    assert [o["status"] for o in response.get_json()["occurrences"]] == [
        "confirmed", "cancelled", "confirmed"]


def test_moving_a_whole_series_keeps_cancelled_occurrences_cancelled(client, room, booker):
    day = future_day(7, weekday=1)
    series = book(client, booker, room, local(day, 18), local(day, 20), **weekly(3)).get_json()
    second = series["occurrences"][1]["start"]
    client.delete(f"/api/v1/bookings/{series['id']}/occurrences/{second}", headers=booker.headers)
    response = client.patch(f"/api/v1/bookings/{series['id']}", headers=booker.headers,
                            json={"start": local(day, 17).isoformat(),
                                  "end": local(day, 19).isoformat()})
    assert response.status_code == 200, response.get_json()
    occurrences = response.get_json()["occurrences"]
    assert [o["start"][11:16] for o in occurrences] == ["17:00", "17:00", "17:00"]
    assert [o["status"] for o in occurrences] == ["confirmed", "cancelled", "confirmed"]


def test_this_and_following_splits_the_series(client, room, booker):
    day = future_day(7, weekday=1)
    series = book(client, booker, room, local(day, 18), local(day, 20), **weekly(4)).get_json()
    third = series["occurrences"][2]["start"]
    response = client.patch(
        f"/api/v1/bookings/{series['id']}/occurrences/{third}?scope=following",
        headers=booker.headers,
        json={"start": local(day + timedelta(weeks=2), 19).isoformat(),
              "end": local(day + timedelta(weeks=2), 21).isoformat(), "title": "Later chess"})
    assert response.status_code == 200, response.get_json()
    tail = response.get_json()
    assert tail["id"] != series["id"] and tail["title"] == "Later chess"
    assert [o["start"][11:16] for o in tail["occurrences"]] == ["19:00", "19:00"]
    head = client.get(f"/api/v1/bookings/{series['id']}", headers=booker.headers).get_json()
    assert len(head["occurrences"]) == 2 and head["title"] == "Club evening"


@pytest.mark.parametrize(("rrule", "code"), [
    ("FREQ=WEEKLY;COUNT=201", "series_too_long"),
    ("FREQ=DAILY;UNTIL=20991231T000000Z", "series_too_long"),
    ("FREQ=HOURLY;COUNT=3", "invalid_rrule"),
    ("FREQ=WEEKLY", "invalid_rrule"),
    ("FREQ=WEEKLY;COUNT=3;BOGUS=1", "invalid_rrule"),
    ("not a rule at all", "invalid_rrule"),
])
def test_bad_rules_are_refused_with_nothing_written(client, room, booker, rrule, code):
    day = future_day(7, weekday=1)
    response = book(client, booker, room, local(day, 18), local(day, 20),
                    recurrence={"rrule": rrule})
    assert response.status_code == 422, response.get_json()
    assert code in error_codes(response)
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 0


def test_exdates_must_be_occurrences_and_must_leave_one(client, room, booker):
    day = future_day(7, weekday=1)
    stray = book(client, booker, room, local(day, 18), local(day, 20),
                 **weekly(2, exdates=[local(day, 19).isoformat()]))
    assert error_codes(stray) == ["invalid_exdate"]
    everything = book(client, booker, room, local(day, 18), local(day, 20), **weekly(
        2, exdates=[local(day, 18).isoformat(), local(day + timedelta(weeks=1), 18).isoformat()]))
    assert error_codes(everything) == ["invalid_rrule"]
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 0
