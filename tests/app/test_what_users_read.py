"""What people read on the pages: times in the branch's zone, what each layout holds and
why, the room's cap as the library's policy, pending requests marked on the set-up sheet,
and no layout that holds nobody saved or offered."""

from __future__ import annotations

import re
from datetime import date

import pytest

from app.extensions import db
from app.models import Layout
from tests.booking_helpers import book, error_codes, make_booker, make_staff_headers
from tests.builders import (
    PASSWORD,
    door,
    future_day,
    local,
    make_branch,
    make_room,
    make_user,
    rect,
)
from tests.web_helpers import csrf_token, sign_in


@pytest.fixture
def approval_room(app):
    return make_room(make_branch(), rect(0, 0, 12, 9), name="Reading room",
                     doors=[door(0, 1, 0, 2.2), door(12, 1, 12, 2.2)], max_attendees=20,
                     rules={"requires_approval": True})


def shown(day: date, hour: int) -> str:
    """How a page writes a Copenhagen wall time (in English): 'Tue 8 Dec 2026, 18:00'."""
    wall = local(day, hour)
    return f"{wall:%a} {wall.day} {wall:%b %Y, %H:%M}"



# A winter day (UTC+1) and a summer day (UTC+2): 18:00 local is 17:00 or 16:00 UTC.
DAYS = [pytest.param(lambda: future_day(5), id="nearest"),
        pytest.param(lambda: date(2027, 1, 12), id="winter"),
        pytest.param(lambda: date(2027, 6, 15), id="summer")]


@pytest.mark.parametrize("make_day", DAYS)
def test_an_18_00_booking_reads_18_00_on_my_bookings_its_page_and_approvals(
        client, approval_room, make_day):
    day = make_day()
    booker = make_booker()
    response = book(client, booker, approval_room, local(day, 18), local(day, 20),
                    title="Chess evening")
    assert response.status_code == 201, response.get_json()
    booking_id = response.get_json()["id"]
    sign_in(client, booker.user.email, PASSWORD)

    mine = client.get("/bookings").get_data(as_text=True)
    page = client.get(f"/bookings/{booking_id}").get_data(as_text=True)
    client.post("/signout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, make_user("staff").email, PASSWORD)
    queue = client.get("/approvals").get_data(as_text=True)

    for text in (mine, page, queue):
        assert shown(day, 18) in text
        assert "UTC" not in text
    assert f"{shown(day, 18)}–20:00" in page
    assert f"{shown(day, 18)}–20:00" in queue


def test_a_weekly_series_reads_18_00_on_both_sides_of_the_clock_change(client, approval_room):
    first = date(2027, 3, 16)  # Tuesdays 16, 23 and 30 March, 6 April: summer time from the 28th
    booker = make_booker()
    response = book(client, booker, approval_room, local(first, 18), local(first, 20),
                    recurrence={"rrule": "FREQ=WEEKLY;COUNT=4"})
    assert response.status_code == 201, response.get_json()
    sign_in(client, booker.user.email, PASSWORD)
    page = client.get(f"/bookings/{response.get_json()['id']}").get_data(as_text=True)
    times = re.findall(r"<td>(\w{3} \d\d? \w{3} \d{4}, \d\d:\d\d)–(\d\d:\d\d)</td>", page)
    assert times == [(shown(d, 18), "20:00") for d in (
        first, date(2027, 3, 23), date(2027, 3, 30), date(2027, 4, 6))]


def test_the_room_page_shows_what_each_layout_holds_and_the_cap_as_policy(client, approval_room):
    staff = make_staff_headers()
    chairs = [{"kind": "chair", "x": 4.0 + 0.5 * i, "y": y, "rotation": 0}
              for y in (5.0, 6.0) for i in range(8)]
    made = client.post(f"/api/v1/rooms/{approval_room.id}/layouts", headers=staff,
                       json={"name": "Sixteen", "style": "theatre", "items": chairs})
    assert made.status_code == 201, made.get_json()
    page = client.get(f"/rooms/{approval_room.id}").get_data(as_text=True)
    assert "at most 20 people" not in page.replace(
        "The library allows at most 20 people in this room", "")
    assert "The library allows at most 20 people in this room" in page
    caption = re.search(rf'id="layout-{made.get_json()["id"]}">(.*?)</figcaption>', page).group(1)
    assert "Sixteen" in caption and "holds 16 people" in caption
    assert "limited by 16 seats and wheelchair spaces in the layout" in caption


def test_the_setup_sheet_marks_pending_requests(client, approval_room):
    staff = make_staff_headers()
    day = future_day(10)
    booker = make_booker()
    pending = book(client, booker, approval_room, local(day, 10), local(day, 12)).get_json()
    confirmed = book(client, booker, approval_room, local(day, 14), local(day, 16)).get_json()
    assert client.post(f"/api/v1/bookings/{confirmed['id']}/approve", headers=staff,
                       json={}).status_code == 200
    sheet = client.get(
        f"/api/v1/branches/{approval_room.branch_id}/setup-sheet?date={day.isoformat()}",
        headers=staff).get_json()
    assert [(item["booking_id"], item["status"]) for item in sheet["items"]] == [
        (pending["id"], "pending"), (confirmed["id"], "confirmed")]


def test_a_layout_that_holds_nobody_is_refused(client, approval_room):
    staff = make_staff_headers()
    empty = client.post(f"/api/v1/rooms/{approval_room.id}/layouts", headers=staff,
                        json={"name": "Nothing", "style": "custom", "items": []})
    assert empty.status_code == 422
    assert error_codes(empty) == ["layout_holds_nobody"]
    table = [{"kind": "table_160x80", "x": 6, "y": 5, "rotation": 0}]
    assert client.post(f"/api/v1/rooms/{approval_room.id}/layouts", headers=staff, json={
        "name": "Bare table", "style": "custom", "items": table}).status_code == 422
    assert client.get(f"/api/v1/rooms/{approval_room.id}/layouts").get_json()["items"] == []


def test_a_layout_cannot_be_emptied_to_hold_nobody(client, approval_room):
    staff = make_staff_headers()
    chairs = [{"kind": "chair", "x": 3.0 + 0.5 * i, "y": 5.0, "rotation": 0} for i in range(4)]
    made = client.post(f"/api/v1/rooms/{approval_room.id}/layouts", headers=staff,
                       json={"name": "Four", "style": "theatre", "items": chairs}).get_json()
    emptied = client.put(f"/api/v1/layouts/{made['id']}", headers=staff,
                         json={"name": "Four", "style": "custom", "items": []})
    assert emptied.status_code == 422
    assert "layout_holds_nobody" in error_codes(emptied)
    assert client.get(f"/api/v1/layouts/{made['id']}").get_json()["capacity"] == 4


def test_the_booking_form_never_offers_a_layout_that_holds_nobody(client, approval_room):
    kept = Layout(room=approval_room, name="Four", style="theatre", capacity=4, valid=True,
                  items=[{"kind": "chair", "x": 3.0 + 0.5 * i, "y": 5.0, "rotation": 0}
                         for i in range(4)])
    stored_empty = Layout(room=approval_room, name="Boardroom", style="boardroom", capacity=0,
                          valid=True, items=[])
    db.session.add_all([kept, stored_empty])
    db.session.commit()
    sign_in(client, make_booker().user.email, PASSWORD)
    form = client.get(f"/rooms/{approval_room.id}/book").get_data(as_text=True)
    room_page = client.get(f"/rooms/{approval_room.id}").get_data(as_text=True)
    assert "Four (up to 4)" in form
    assert "up to 0" not in form and "Boardroom" not in form
    assert "Boardroom" not in room_page
