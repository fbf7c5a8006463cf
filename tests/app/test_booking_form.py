"""The booking form (issue 11): repeats and their ends, the dry-run check behind the live
check, booking only the free dates, alternatives by room name, the small-group hint."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from flask_babel import refresh
from sqlalchemy import func, select

from app.extensions import db
from app.models import Booking, Occurrence
from app.services.booking_times import repeat_rule
from tests.booking_helpers import book, make_booker
from tests.builders import PASSWORD, ZONE, future_day, make_branch, make_room, make_user
from tests.layout_helpers import room_with_layouts
from tests.web_helpers import csrf_token, sign_in

TUESDAY = future_day(10, weekday=1)


# ------------------------------------------------------------------ the rule, pure


@pytest.mark.parametrize(("repeat", "day", "count", "until", "rule"), [
    ("none", date(2027, 3, 2), 5, None, None),
    ("weekly", date(2027, 3, 2), 5, None, "FREQ=WEEKLY;COUNT=5"),
    ("fortnightly", date(2027, 3, 2), 3, None, "FREQ=WEEKLY;INTERVAL=2;COUNT=3"),
    ("monthly", date(2027, 3, 9), 4, None, "FREQ=MONTHLY;BYDAY=2TU;COUNT=4"),
    ("monthly", date(2027, 3, 30), 4, None, "FREQ=MONTHLY;BYDAY=-1TU;COUNT=4"),
    ("weekly", date(2027, 3, 2), None, date(2027, 4, 6), "FREQ=WEEKLY;UNTIL=20270406"),
])
def test_a_plain_repeat_choice_becomes_a_recurrence_rule(repeat, day, count, until, rule):
    assert repeat_rule(repeat, day, count=count, until=until) == rule


# ------------------------------------------------------------------ the page


@pytest.fixture
def signed_in(client, app):
    booker = make_booker()
    sign_in(client, booker.user.email, PASSWORD)
    return booker


@pytest.fixture
def room(app):
    return make_room(make_branch(), name="Study room", max_attendees=8)


def post_form(client, room, booker, **fields):
    data = {"title": "Homework help", "attendees": "6", "day": TUESDAY.isoformat(),
            "start": "18:00", "end": "20:00", "layout_id": "0", "repeat": "none",
            "association_id": str(booker.association.id),
            "csrf_token": csrf_token(client, f"/rooms/{room.id}/book"), **fields}
    return client.post(f"/rooms/{room.id}/book", data=data)


def local_starts(booking_id: int) -> list[datetime]:
    db.session.expire_all()
    rows = db.session.scalars(select(Occurrence.start).where(Occurrence.booking_id == booking_id)
                              .order_by(Occurrence.start))
    return [r.astimezone(ZONE).replace(tzinfo=None) for r in rows]


def booked_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def at_six(day: date) -> datetime:
    return datetime.combine(day, time(18))


@pytest.mark.parametrize(("fields", "days"), [
    ({"repeat": "weekly", "ends": "count", "count": "3"}, [0, 7, 14]),
    ({"repeat": "fortnightly", "ends": "count", "count": "3"}, [0, 14, 28]),
    ({"repeat": "weekly", "ends": "until",
      "until": (TUESDAY + timedelta(days=15)).isoformat()}, [0, 7, 14]),
    ({"repeat": "fortnightly", "ends": "until",
      "until": (TUESDAY + timedelta(days=28)).isoformat()}, [0, 14, 28]),
])
def test_each_repeat_and_end_books_its_dates(client, signed_in, room, fields, days):
    booking = booked_id(post_form(client, room, signed_in, **fields))
    assert local_starts(booking) == [at_six(TUESDAY + timedelta(days=d)) for d in days]


def test_monthly_keeps_the_weekday_of_the_month(client, signed_in, room):
    first = future_day(20)
    nth = (first.day - 1) // 7 + 1
    booking = booked_id(post_form(client, room, signed_in, day=first.isoformat(),
                                  repeat="monthly", ends="count", count="4"))
    starts = local_starts(booking)
    assert len(starts) == 4
    for start in starts:
        assert start.weekday() == first.weekday() and start.time() == time(18)
        assert (start.day - 1) // 7 + 1 == nth or (nth == 5 and start.day + 7 > 28)


def test_a_weekly_series_keeps_its_local_time_across_the_clocks_changing(
        client, signed_in, room):
    year = date.today().year + 1
    last_sunday = max(date(year, 3, d) for d in range(25, 32) if date(year, 3, d).weekday() == 6)
    first = last_sunday - timedelta(days=5)  # the Tuesday before summer time
    booking = booked_id(post_form(client, room, signed_in, day=first.isoformat(),
                                  repeat="weekly", ends="count", count="3"))
    assert local_starts(booking) == [at_six(first + timedelta(weeks=w)) for w in range(3)]


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"repeat": "weekly", "ends": "until", "until": ""}, "until", "Pick the last date."),
    ({"repeat": "weekly", "ends": "until",
      "until": (TUESDAY - timedelta(days=1)).isoformat()}, "until", "on or after the first date"),
    ({"repeat": "weekly", "ends": "count", "count": ""}, "count", "How many times?"),
    ({"repeat": "weekly", "ends": "count", "count": "201"}, "count", "Between 1 and 200 times."),
    ({"repeat": "weekly", "ends": "until",
      "until": (TUESDAY + timedelta(days=800)).isoformat()}, "until", "longer than 731 days"),
    ({"repeat": "yearly"}, "repeat", "Not a valid choice"),
])
def test_a_repeat_that_cannot_be_booked_says_why_next_to_its_field(
        client, signed_in, room, fields, field, message):
    response = post_form(client, room, signed_in, **fields)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert re.search(rf'id="{field}-error">[^<]*{re.escape(message)}', text)
    assert db.session.scalar(select(func.count(Booking.id))) == 0


@pytest.fixture
def two_tuesdays_taken(app, room):
    other = make_booker()
    for week in (1, 3):
        day = TUESDAY + timedelta(weeks=week)
        response = book(db_client(app), other, room, datetime.combine(day, time(18), ZONE),
                        datetime.combine(day, time(20), ZONE), title="Knitting circle",
                        attendees=4)
        assert response.status_code == 201
    return [TUESDAY + timedelta(weeks=w) for w in (1, 3)]


def db_client(app):
    return app.test_client()


def test_a_series_with_dates_taken_offers_to_book_only_the_free_ones_and_does(
        client, signed_in, room, two_tuesdays_taken):
    response = post_form(client, room, signed_in, repeat="weekly", ends="count", count="6")
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    taken = re.findall(r'<time datetime="([\d-]+)"', text.split('id="taken-dates"')[1])
    assert taken == [d.isoformat() for d in two_tuesdays_taken]
    assert "Knitting circle" not in text and ": Booked" in text
    skip = re.search(r'name="skip_dates" id="only-free"\s+value="([^"]*)">([^<]*)<', text)
    assert skip[1] == ",".join(d.isoformat() for d in two_tuesdays_taken)
    assert skip[2] == "Book only the 4 free dates"

    booking = booked_id(post_form(client, room, signed_in, repeat="weekly", ends="count",
                                  count="6", skip_dates=skip[1]))
    free = [TUESDAY + timedelta(weeks=w) for w in (0, 2, 4, 5)]
    assert local_starts(booking) == [at_six(d) for d in free]
    stored = db.session.get(Booking, booking)
    assert [datetime.fromisoformat(e).astimezone(ZONE).date() for e in stored.exdates] == \
        two_tuesdays_taken
    assert "2 taken dates were left out" in client.get(f"/bookings/{booking}").get_data(
        as_text=True)


def test_booking_only_the_free_dates_checks_again_and_refuses_a_date_taken_meanwhile(
        client, app, signed_in, room, two_tuesdays_taken):
    skip = ",".join(d.isoformat() for d in two_tuesdays_taken)
    late = TUESDAY + timedelta(weeks=4)
    book(db_client(app), make_booker(), room, datetime.combine(late, time(18), ZONE),
         datetime.combine(late, time(20), ZONE), attendees=4)
    response = post_form(client, room, signed_in, repeat="weekly", ends="count", count="6",
                         skip_dates=skip)
    assert response.status_code == 409
    assert f'<time datetime="{late.isoformat()}"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Booking.id)).where(
        Booking.title == "Homework help")) == 0


@pytest.fixture
def three_rooms(app):
    """A reading room for 12, a hall for 80 or 30 and a meeting room for 20, one branch."""
    branch = make_branch(name="Main Library")
    return {name: room_with_layouts(branch, name, sizes) for name, sizes in
            (("Reading room", [12]), ("Hall", [80, 30]), ("Meeting room", [20]))}


def test_suggestions_name_rooms_smallest_first_then_the_same_room_nearest_and_fill_the_form(
        client, app, signed_in, three_rooms):
    reading = three_rooms["Reading room"]
    book(db_client(app), make_booker(), reading, datetime.combine(TUESDAY, time(18), ZONE),
         datetime.combine(TUESDAY, time(20), ZONE), attendees=4)
    response = post_form(client, reading, signed_in, attendees="10", repeat="weekly",
                         ends="count", count="4")
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    items = re.findall(r'<li><a href="([^"]+)">([^<]+)</a> \(holds (\d+)\), ([^<]+)</li>',
                       text.split('id="suggestions"')[1])
    assert [(name, int(holds)) for _, name, holds, _ in items[:3]] == [
        ("Meeting room", 20), ("Hall", 30), ("Reading room", 12)]
    assert "another room" not in text
    assert items[2][3].endswith("20:00–22:00")  # the nearest free time, right after
    link = items[0][0].replace("&amp;", "&")
    query = parse_qs(urlsplit(link).query)
    assert query["title"] == ["Homework help"] and query["attendees"] == ["10"]
    assert query["day"] == [TUESDAY.isoformat()] and query["repeat"] == ["weekly"]
    assert query["count"] == ["4"]
    form = client.get(link).get_data(as_text=True)
    assert re.search(r'<input id="title"[^>]* value="Homework help"', form)
    assert re.search(rf'<input id="day"[^>]* value="{TUESDAY.isoformat()}"', form)
    assert '<option selected value="weekly">' in form
    assert "All 4 dates are free." in form  # checked at once, before anything is typed


def test_a_small_group_in_a_big_room_is_offered_smaller_free_rooms(
        client, signed_in, three_rooms):
    hall = three_rooms["Hall"]
    big = next(layout for layout in hall.layouts if layout.capacity == 80)
    page = client.get(f"/rooms/{hall.id}/book", query_string={
        "day": TUESDAY.isoformat(), "start": "18:00", "end": "20:00", "attendees": "6",
        "layout_id": str(big.id)}).get_data(as_text=True)
    assert "Holds up to 80 people." in page
    hint = page.split('id="small-group"')[1]
    assert "6 people is a small group for a room that holds 80." in hint
    assert re.findall(r'>([^<]+)</a> \(holds (\d+)\)', hint) == [
        ("Reading room", "12"), ("Meeting room", "20")]
    assert 'id="small-group"' not in client.get(f"/rooms/{hall.id}/book", query_string={
        "day": TUESDAY.isoformat(), "start": "18:00", "end": "20:00", "attendees": "30",
        "layout_id": str(big.id)}).get_data(as_text=True)


# ------------------------------------------------------------------ the check endpoint


def check_body(booker, room, day=TUESDAY, **extra):
    return {"room_id": room.id, "title": "Chess", "attendees": 6,
            "start": datetime.combine(day, time(18), ZONE).isoformat(),
            "end": datetime.combine(day, time(20), ZONE).isoformat(),
            "association_id": booker.association.id, **extra}


def test_the_check_says_which_dates_are_free_and_which_clash_and_books_nothing(
        client, app, room, two_tuesdays_taken):
    booker = make_booker()
    before = db.session.scalar(select(func.count(Booking.id)))
    response = client.post("/api/v1/bookings/check", headers=booker.headers, json=check_body(
        booker, room, recurrence={"rrule": "FREQ=WEEKLY;COUNT=4"}))
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["ok"] is False and answer["capacity"] == 8 and answer["attendees"] == 6
    assert [d["free"] for d in answer["dates"]] == [True, False, True, False]
    assert answer["dates"][1]["clashes"] == [None]  # someone else's: no title
    assert answer["suggestions"] and answer["suggestions"][0]["room_name"] == "Study room"
    assert db.session.scalar(select(func.count(Booking.id))) == before


def test_the_check_shows_your_own_titles_and_the_rules_that_fail(client, app, room):
    booker = make_booker()
    book(client, booker, room, datetime.combine(TUESDAY, time(18), ZONE),
         datetime.combine(TUESDAY, time(20), ZONE), title="Our AGM", attendees=4)
    answer = client.post("/api/v1/bookings/check", headers=booker.headers,
                         json=check_body(booker, room, attendees=9)).get_json()
    assert answer["dates"][0]["clashes"] == ["Our AGM"]
    assert [e["code"] for e in answer["errors"]] == ["capacity_exceeded"]
    closed = make_room(make_branch(opening_hours={"mon": [["09:00", "17:00"]]}), name="Closed")
    answer = client.post("/api/v1/bookings/check", headers=booker.headers,
                         json=check_body(booker, closed)).get_json()
    assert answer["ok"] is False and answer["dates"][0]["problems"]


def test_a_clear_check_is_ok(client, app, room):
    booker = make_booker()
    answer = client.post("/api/v1/bookings/check", headers=booker.headers,
                         json=check_body(booker, room)).get_json()
    assert answer["ok"] is True and answer["dates"][0]["free"] is True
    assert answer["errors"] == [] and answer["suggestions"] == []


@pytest.mark.parametrize(("change", "status"), [
    ({"attendees": 0}, 400),
    ({"start": "2027-03-02T18:00:00"}, 422),
    ({"recurrence": {"rrule": "FREQ=YEARLY;COUNT=2"}}, 422),
    ({"room_id": 999_999}, 422),
])
def test_the_check_refuses_bad_input_with_a_reason(client, app, room, change, status):
    booker = make_booker()
    response = client.post("/api/v1/bookings/check", headers=booker.headers,
                           json={**check_body(booker, room), **change})
    assert response.status_code == status
    assert response.content_type == "application/problem+json"


def test_the_check_is_for_members_of_the_association_only(client, app, room):
    booker, stranger = make_booker(), make_user()
    from tests.builders import bearer, make_token

    response = client.post("/api/v1/bookings/check", headers=bearer(make_token(stranger)),
                           json=check_body(booker, room))
    assert response.status_code == 403
    assert client.post("/api/v1/bookings/check", json=check_body(booker, room)).status_code == 401


def test_the_form_and_its_live_messages_speak_danish(client, signed_in, room):
    refresh()  # the test's app context keeps the language of the requests before
    page = client.get(f"/rooms/{room.id}/book",
                      headers={"Accept-Language": "da"}).get_data(as_text=True)
    assert "<legend>Gentag</legend>" in page
    assert 'data-msg-only-free="Book kun de {num} ledige datoer"' in page
    assert "Hver anden uge" in page
