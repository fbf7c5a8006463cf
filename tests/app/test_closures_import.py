"""Closures imported from an .ics file: all-day, timed and recurring; all or nothing."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Closure
from tests.booking_helpers import make_booker, make_staff_headers
from tests.builders import PASSWORD, ZONE, make_branch, make_user
from tests.web_helpers import csrf_token, sign_in

ICS = "text/calendar"


def holidays(year: int) -> bytes:
    """An all-day holiday, a timed staff afternoon and a yearly recurring day."""
    return "\r\n".join([
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//Holidays//EN",
        "BEGIN:VEVENT", "UID:h1@test", "DTSTAMP:20260101T000000Z",
        f"DTSTART;VALUE=DATE:{year}0605", f"DTEND;VALUE=DATE:{year}0606",
        "SUMMARY:Constitution Day", "END:VEVENT",
        "BEGIN:VEVENT", "UID:h2@test", "DTSTAMP:20260101T000000Z",
        f"DTSTART;TZID=Europe/Copenhagen:{year}0312T120000",
        f"DTEND;TZID=Europe/Copenhagen:{year}0312T160000",
        "SUMMARY:Staff afternoon\\, training", "END:VEVENT",
        "BEGIN:VEVENT", "UID:h3@test", "DTSTAMP:20260101T000000Z",
        f"DTSTART;VALUE=DATE:{year}1224", f"DTEND;VALUE=DATE:{year}1227",
        "RRULE:FREQ=YEARLY;COUNT=2", "SUMMARY:Christmas", "END:VEVENT",
        "END:VCALENDAR", "",
    ]).encode()


@pytest.fixture
def branch(app):
    return make_branch()


@pytest.fixture
def staff(app):
    return make_staff_headers()


def post(client, branch, body: bytes, headers, content_type: str = ICS):
    return client.post(f"/api/v1/branches/{branch.id}/closures/import", data=body,
                       headers={**headers, "Content-Type": content_type})


def closures_of(branch) -> list[Closure]:
    return list(db.session.scalars(
        select(Closure).where(Closure.branch_id == branch.id).order_by(Closure.start)))


def test_all_day_timed_and_recurring_events_become_closures(client, branch, staff):
    year = date.today().year + 1
    response = post(client, branch, holidays(year), staff)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["imported"] == 4
    rows = closures_of(branch)
    local = [(c.start.astimezone(ZONE), c.end.astimezone(ZONE), c.reason) for c in rows]
    assert local == [
        (datetime(year, 3, 12, 12, tzinfo=ZONE), datetime(year, 3, 12, 16, tzinfo=ZONE),
         "Staff afternoon, training"),
        (datetime(year, 6, 5, tzinfo=ZONE), datetime(year, 6, 6, tzinfo=ZONE),
         "Constitution Day"),
        (datetime(year, 12, 24, tzinfo=ZONE), datetime(year, 12, 27, tzinfo=ZONE), "Christmas"),
        (datetime(year + 1, 12, 24, tzinfo=ZONE), datetime(year + 1, 12, 27, tzinfo=ZONE),
         "Christmas"),
    ]
    assert {c.source for c in rows} == {"ics"}


def test_importing_the_same_file_twice_adds_nothing_new(client, branch, staff):
    body = holidays(date.today().year + 1)
    assert post(client, branch, body, staff).status_code == 201
    again = post(client, branch, body, staff)
    assert again.status_code == 200
    assert again.get_json() == {"imported": 0, "duplicates": 4, "closures": []}
    assert len(closures_of(branch)) == 4


def test_a_broken_file_names_the_line_and_imports_nothing(client, branch, staff):
    lines = holidays(date.today().year + 1).decode().split("\r\n")
    lines[13] = "DTSTART;TZID=Europe/Copenhagen:2027-03-12 12:00"
    response = post(client, branch, "\r\n".join(lines).encode(), staff)
    assert response.status_code == 422
    (error,) = response.get_json()["errors"]
    assert error["field"] == "file" and error["code"] == "invalid_ics"
    assert error["message"].startswith("line 14: ")
    assert closures_of(branch) == []


@pytest.mark.parametrize("body", [b"", b"hello", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
                                  b"\xff\xfeBEGIN:VCALENDAR"])
def test_files_that_are_no_calendar_are_refused_clearly(client, branch, staff, body):
    response = post(client, branch, body, staff)
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["code"] == "invalid_ics"
    assert closures_of(branch) == []


def test_only_staff_import_and_only_as_text_calendar(client, branch, staff):
    body = holidays(date.today().year + 1)
    assert post(client, branch, body, {}).status_code == 401
    assert post(client, branch, body, make_booker().headers).status_code == 403
    assert post(client, branch, body, staff, "application/json").status_code == 400
    assert client.post("/api/v1/branches/999/closures/import", data=body,
                       headers={**staff, "Content-Type": ICS}).status_code == 404
    assert closures_of(branch) == []


def test_staff_import_a_file_on_the_branch_closures_page(client, branch):
    user = make_user("staff")
    sign_in(client, user.email, PASSWORD)
    page = f"/branches/{branch.id}/closures"
    assert client.get(page).status_code == 200
    upload = {"file": (io.BytesIO(holidays(date.today().year + 1)), "holidays.ics"),
              "csrf_token": csrf_token(client, page)}
    response = client.post(page, data=upload, content_type="multipart/form-data")
    assert response.status_code == 302
    assert len(closures_of(branch)) == 4
    assert "Christmas" in client.get(page).get_data(as_text=True)

    broken = {"file": (io.BytesIO(b"BEGIN:VCALENDAR\r\nnonsense\r\n"), "bad.ics"),
              "csrf_token": csrf_token(client, page)}
    refused = client.post(page, data=broken, content_type="multipart/form-data")
    assert refused.status_code == 422
    assert "line 2: " in refused.get_data(as_text=True)
    assert len(closures_of(branch)) == 4


def test_members_may_not_open_the_closures_page(client, branch):
    member = make_user()
    sign_in(client, member.email, PASSWORD)
    assert client.get(f"/branches/{branch.id}/closures").status_code == 403


def test_imported_closures_show_in_the_branch_feed(client, branch, staff):
    post(client, branch, holidays(date.today().year), staff)
    post(client, branch, holidays(date.today().year + 1), staff)
    feed = client.get(f"/calendars/branches/{branch.id}/events.ics").get_data(as_text=True)
    assert "SUMMARY:Closed: Christmas" in feed  # the 12-month window holds one Christmas
