"""A room's week grid and a branch's day: busy and free by local time, public events by
title and every other booking only as "Booked", free hours that open the booking form."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import event

from app.extensions import db
from app.services import rooms
from tests.booking_helpers import book, make_booker, make_hall
from tests.builders import PASSWORD, future_day, local, make_branch, make_room, utcnow_local
from tests.web_helpers import sign_in

WEEKDAYS = {"mon": [["08:00", "21:00"]], "tue": [["08:00", "21:00"]],
            "wed": [["08:00", "21:00"]], "thu": [["08:00", "21:00"]],
            "fri": [["08:00", "21:00"]], "sat": [["10:00", "16:00"]], "sun": []}


@pytest.fixture
def branch(app):
    return make_branch(name="Main Library", opening_hours=WEEKDAYS)


@pytest.fixture
def room(branch):
    return make_room(branch, name="Study room")


def tuesday() -> date:
    return future_day(10, weekday=1)


def page(client, room, **query) -> str:
    response = client.get(f"/rooms/{room.id}", query_string=query)
    assert response.status_code == 200
    return unescape(response.get_data(as_text=True))


def grid(text: str) -> str:
    return text.split('id="week-grid"', 1)[1].split('id="week-list-title"', 1)[0]


def week_list(text: str) -> str:
    return text.split('id="week-list"', 1)[1].split("</section>", 1)[0]


def cells(text: str) -> list[dict]:
    """The grid's placed cells: kind, column, first row, rows spanned, text, link."""
    found = []
    for match in re.finditer(r'<(a|span) class="cell ([^"]*)"([^>]*)>([^<]*)<', text):
        classes = match.group(2).split()
        place = {c.split("-")[0]: int(c.split("-")[1]) for c in classes
                 if re.fullmatch(r"[crs]-\d+", c)}
        href = re.search(r'href="([^"]*)"', match.group(3))
        found.append({"kinds": [c for c in classes if not re.fullmatch(r"[crs]-\d+", c)],
                      **place, "text": match.group(4).strip(),
                      "href": href.group(1) if href else None})
    return found


def public_event(client, room, start, end, title):
    """A confirmed public event, booked by a member of a verified association."""
    response = book(client, make_booker(), room, start, end, title=title, public=True)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_a_public_event_shows_its_title_where_it_happens_and_a_private_booking_only_booked(
        client, room):
    day = tuesday()
    event_id = public_event(client, room, local(day, 18), local(day, 20), "Chess club")
    assert book(client, make_booker(), room, local(day, 10), local(day, 11, 30),
                title="Secret summit").status_code == 201
    text = page(client, room, week=day.isoformat())
    placed = cells(grid(text))
    # Tuesday is the grid's third column (hours first); rows are quarters from 08:00 after
    # the heading row: 18:00 is row 2 + 40, two hours are 8 quarters.
    event = next(c for c in placed if c["text"] == "Chess club")
    assert (event["c"], event["r"], event["s"]) == (3, 42, 8)
    assert event["href"] == f"/events/{event_id}" and "public" in event["kinds"]
    private = next(c for c in placed if "booked" in c["kinds"] and c["text"] == "Booked")
    assert (private["c"], private["r"], private["s"]) == (3, 10, 6)
    assert "Secret summit" not in text
    listed = week_list(text)
    assert f'<a href="/events/{event_id}">Chess club</a>' in listed
    assert re.search(r"10:00–11:30</span>\s*Booked", listed)


def test_free_hours_link_to_the_booking_form_filled_in_with_that_day_and_time(client, room):
    day = tuesday()
    public_event(client, room, local(day, 18), local(day, 20), "Chess club")
    text = page(client, room, week=day.isoformat())
    free = [c for c in cells(grid(text)) if c["kinds"] == ["free"] and c["c"] == 3]
    starts = [c["text"] for c in free]
    assert starts == [f"{h:02d}:00" for h in (*range(8, 18), 20)]
    link = urlsplit(free[0]["href"])
    assert link.path == f"/rooms/{room.id}/book"
    assert parse_qs(link.query) == {"day": [day.isoformat()], "start": ["08:00"],
                                    "end": ["09:00"]}
    assert free[0]["href"] in week_list(text)

    member = make_booker().user
    sign_in(client, member.email, PASSWORD)
    form = unescape(client.get(free[-1]["href"]).get_data(as_text=True))
    assert f'id="day" name="day" required type="date" value="{day.isoformat()}"' in form
    assert 'value="20:00"' in form and 'value="21:00"' in form


def test_an_anonymous_visitor_is_led_through_sign_in_to_the_filled_in_form(client, room):
    day = tuesday()
    free = [c for c in cells(grid(page(client, room, week=day.isoformat())))
            if c["kinds"] == ["free"]]
    response = client.get(free[0]["href"])
    assert response.status_code == 302
    target = parse_qs(urlsplit(response.headers["Location"]).query)["next"][0]
    assert urlsplit(target).path == f"/rooms/{room.id}/book"
    assert parse_qs(urlsplit(target).query)["start"] == ["08:00"]


def test_closed_days_and_hours_are_shown_closed_and_hours_follow_the_opening_hours(
        client, room):
    text = page(client, room, week=tuesday().isoformat())
    hours = re.findall(r'class="hour-label c-1 r-\d+ s-4">(\d\d:\d\d)<', text)
    assert hours == [f"{h:02d}:00" for h in range(8, 21)]
    placed = cells(grid(text))
    sunday = [c for c in placed if c["c"] == 8]
    assert [(c["kinds"], c["r"], c["s"]) for c in sunday] == [(["closed"], 2, 52)]
    saturday = [(c["kinds"][0], c["r"]) for c in placed if c["c"] == 7]
    assert saturday[0] == ("closed", 2) and saturday[1] == ("free", 10)
    assert saturday[-1] == ("closed", 34)
    assert "Closed</p>" in week_list(text).rsplit("<h4>", 1)[1]  # Sunday


def test_a_pending_booking_is_marked_and_its_title_kept_private_even_if_public(client, branch):
    room = make_room(branch, name="Approval room", rules={"requires_approval": True})
    day = tuesday()
    response = book(client, make_booker(), room, local(day, 12), local(day, 13),
                    title="Pending picnic", public=True)
    assert response.get_json()["status"] == "pending"
    text = page(client, room, week=day.isoformat())
    assert "Pending picnic" not in text
    pending = [c for c in cells(grid(text)) if "pending" in c["kinds"]]
    assert [(c["c"], c["r"], c["text"]) for c in pending] == [(3, 18, "Booked · awaiting approval")]
    assert re.search(r"12:00–13:00</span>\s*Booked\s*<span class=\"badge warn\">awaiting approval",
                     week_list(text))


def test_a_booking_of_an_overlapping_room_and_the_buffer_after_it_are_not_free(client, app):
    hall = make_hall(make_branch(opening_hours=WEEKDAYS), buffer_minutes=30)
    day = tuesday()
    assert book(client, make_booker(), hall.hall, local(day, 10), local(day, 12),
                title="Hidden").status_code == 201
    text = page(client, hall.half_a, week=day.isoformat())
    tuesday_cells = [(c["kinds"][0], c["r"], c["s"]) for c in cells(grid(text)) if c["c"] == 3]
    assert ("booked", 10, 8) in tuesday_cells and ("blocked", 18, 2) in tuesday_cells
    assert ("free", 20, 2) in tuesday_cells  # 12:30-13:00, then whole hours
    assert "Hidden" not in text
    assert re.search(r"12:00–12:30</span>\s*Kept free between bookings", week_list(text))


def _next_spring_forward(after: date) -> date:
    """The next last Sunday of March (Europe's change to summer time) after ``after``."""
    for year in (after.year, after.year + 1):
        day = date(year, 3, 31)
        day -= timedelta(days=(day.weekday() - 6) % 7)
        if day > after + timedelta(days=1):
            return day
    raise AssertionError("unreachable")


def test_a_week_with_a_change_of_dst_keeps_seven_days_and_its_local_hours(client, app):
    branch = make_branch(opening_hours={d: [["08:00", "21:00"]] for d in WEEKDAYS})
    room = make_room(branch)
    sunday = _next_spring_forward(utcnow_local().date())
    monday = sunday - timedelta(days=6)
    for day in (monday, sunday):
        assert book(client, make_booker(), room, local(day, 18), local(day, 20),
                    title="Weekly", public=True).status_code == 201
    text = page(client, room, week=sunday.isoformat())
    heads = re.findall(r'class="day-head r-1 c-(\d)">([^<]+)<', text)
    assert [int(c) for c, _ in heads] == list(range(2, 9))
    assert heads[0][1].startswith("Mon") and heads[-1][1].startswith("Sun")
    events = [(c["c"], c["r"], c["s"]) for c in cells(grid(text)) if c["text"] == "Weekly"]
    assert events == [(2, 42, 8), (8, 42, 8)]
    assert week_list(text).count("18:00–20:00") == 2


def test_weeks_are_picked_by_any_day_and_walked_back_and_forth(client, room):
    wednesday = future_day(21, weekday=2)
    monday = wednesday - timedelta(days=2)
    text = page(client, room, week=wednesday.isoformat())
    assert f"Week of {monday.day} " in text
    assert f'href="/rooms/{room.id}?week={(monday - timedelta(weeks=1)).isoformat()}"' in text
    assert f'href="/rooms/{room.id}?week={(monday + timedelta(weeks=1)).isoformat()}"' in text
    assert 'id="this-week"' in text
    this_week = page(client, room)
    assert 'id="this-week"' not in this_week and 'id="next-week"' in this_week


@pytest.mark.parametrize("week", ["2026-13-01", "tomorrow", "2026-1-1", "20261201", "0000-01-01",
                                  "2026-12-01T10:00"])
def test_a_bad_week_is_a_400_that_says_what_is_wrong(client, room, week):
    response = client.get(f"/rooms/{room.id}", query_string={"week": week})
    assert response.status_code == 400
    assert "'week' must be a date written as YYYY-MM-DD." in unescape(
        response.get_data(as_text=True))


def test_a_week_too_far_away_is_a_400(client, room):
    far = utcnow_local().date() + timedelta(weeks=110)
    response = client.get(f"/rooms/{room.id}", query_string={"week": far.isoformat()})
    assert response.status_code == 400
    assert "Pick a date within two years of today." in response.get_data(as_text=True)
    last = page(client, room, week=(far - timedelta(weeks=6)).isoformat())
    assert 'id="next-week"' not in last and 'id="previous-week"' in last
    today = utcnow_local().date()
    # The oldest week is asked for by its Monday, though that is more than two years ago.
    oldest = today - timedelta(days=today.weekday(), weeks=104)
    first = page(client, room, week=oldest.isoformat())
    assert 'id="previous-week"' not in first and 'id="next-week"' in first


def test_free_time_beyond_the_rooms_horizon_is_free_but_not_a_link(client, branch):
    room = make_room(branch, rules={"horizon_days": 1})
    text = page(client, room, week=future_day(14).isoformat())
    free = [c for c in cells(grid(text)) if "free" in c["kinds"]]
    assert free and all(c["href"] is None and "unbookable" in c["kinds"] for c in free)
    assert "Book from:" not in week_list(text)


def test_the_room_page_links_the_branch_day_and_the_rooms_page_links_every_branch_day(
        client, room):
    assert f'href="/branches/{room.branch_id}/day"' in page(client, room)
    assert f'href="/branches/{room.branch_id}/day"' in client.get("/rooms").get_data(as_text=True)


def day_rows(text: str) -> dict[str, list[tuple[str, int, int, str]]]:
    """The branch day grid: per room, its cells as (kind, first column, span, text)."""
    rows = {}
    grid_part = text.split('id="day-grid"', 1)[1].split("The day as a list", 1)[0]
    for chunk in grid_part.split('<div class="day-row" data-room=')[1:]:
        name = re.search(r'<div class="room-label"><a [^>]*>([^<]+)</a>', chunk).group(1)
        rows[name] = [(m.group(1).split()[0], int(m.group(2)), int(m.group(3)), m.group(4).strip())
                      for m in re.finditer(
                          r'class="cell ([^"]*?) ?k-(\d+) w-(\d+)"[^>]*>([^<]*)<', chunk)]
    return rows


def test_the_branch_day_shows_every_room_by_hour_with_the_same_public_rule(client, app):
    hall = make_hall(make_branch(name="Hall branch", opening_hours=WEEKDAYS))
    day = tuesday()
    event_id = public_event(client, hall.half_a, local(day, 18), local(day, 20), "Chess club")
    assert book(client, make_booker(), hall.half_b, local(day, 9), local(day, 10),
                title="Secret summit").status_code == 201
    response = client.get(f"/branches/{hall.hall.branch_id}/day", query_string={
        "day": day.isoformat()})
    assert response.status_code == 200
    text = unescape(response.get_data(as_text=True))
    assert "Secret summit" not in text
    rows = day_rows(text)
    assert list(rows) == ["Beside", "Hall", "Hall A", "Hall B"]
    assert ("booked", 41, 8, "Chess club") in rows["Hall A"]
    # The whole hall is taken with either half: a public event by title, a private one not.
    assert {("booked", 41, 8, "Chess club"), ("booked", 5, 4, "Booked")} <= set(rows["Hall"])
    assert ("booked", 5, 4, "Booked") in rows["Hall B"]
    assert not any(kind == "booked" for kind, *_ in rows["Beside"])
    assert f'<a href="/events/{event_id}">Chess club</a>' in text
    hours = re.findall(r'class="hour-label k-(\d+) w-4">(\d\d)<', text)
    assert hours[0] == ("1", "08") and hours[-1] == ("49", "20")
    for room in (hall.hall, hall.half_a, hall.half_b, hall.beside):
        assert f'<h4 id="room-{room.id}">' in text
    previous, following = day - timedelta(days=1), day + timedelta(days=1)
    assert f"day={previous.isoformat()}" in text and f"day={following.isoformat()}" in text


def test_the_branch_day_refuses_bad_days_and_unknown_branches(client, room):
    path = f"/branches/{room.branch_id}/day"
    assert client.get(path).status_code == 200
    response = client.get(path, query_string={"day": "31-12-2026"})
    assert response.status_code == 400
    assert "'day' must be a date written as YYYY-MM-DD." in unescape(
        response.get_data(as_text=True))
    far = utcnow_local().date() - timedelta(days=800)
    assert client.get(path, query_string={"day": far.isoformat()}).status_code == 400
    assert client.get("/branches/999999/day").status_code == 404


def test_the_availability_api_lists_bookings_with_only_public_titles(client, room):
    day = tuesday()
    event_id = public_event(client, room, local(day, 18), local(day, 20), "Chess club")
    book(client, make_booker(), room, local(day, 10), local(day, 11), title="Secret summit")
    window = {"start": local(day, 0).isoformat(), "end": local(day, 23, 59).isoformat()}
    body = client.get(f"/api/v1/rooms/{room.id}/availability", query_string=window).get_json()
    assert body["booked"] == [
        {"start": local(day, 10).isoformat(), "end": local(day, 11).isoformat(),
         "status": "confirmed", "title": None, "event_id": None},
        {"start": local(day, 18).isoformat(), "end": local(day, 20).isoformat(),
         "status": "confirmed", "title": "Chess club", "event_id": event_id},
    ]
    branch = client.get(f"/api/v1/branches/{room.branch_id}/availability",
                        query_string=window)
    assert "Secret summit" not in branch.get_data(as_text=True)
    assert branch.get_json()["items"][0]["booked"] == body["booked"]


def test_the_week_reads_in_danish_for_a_danish_reader(client, room):
    day = tuesday()
    book(client, make_booker(), room, local(day, 10), local(day, 11))
    client.set_cookie("agora_lang", "da")
    text = page(client, room, week=day.isoformat())
    assert "Ugen som liste" in text and "Optaget" in text and "Ledigt" in text
    monday = day - timedelta(days=1)
    assert f"mandag {monday.day}. " in text and "Næste uge →" in text


def occurrence_reads(client, path: str, **query) -> int:
    """How many statements read occurrences while the page is rendered."""
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().startswith("SELECT") and "occurrence" in statement:
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(path, query_string=query).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def test_a_week_and_a_branch_day_read_occurrences_once_however_busy(client, app):
    hall = make_hall(make_branch(opening_hours=WEEKDAYS))
    day = tuesday()
    for hour in (9, 11, 13, 15):
        for room in (hall.half_a, hall.half_b, hall.beside):
            book(client, make_booker(), room, local(day, hour), local(day, hour + 1))
    assert occurrence_reads(client, f"/rooms/{hall.hall.id}", week=day.isoformat()) == 1
    assert occurrence_reads(client, f"/branches/{hall.hall.branch_id}/day",
                            day=day.isoformat()) == 1


def test_a_closure_closes_its_day_in_the_week(client, app):
    day = tuesday()
    branch = make_branch(opening_hours=WEEKDAYS, closures=[{
        "start": local(day, 0).isoformat(), "end": local(day + timedelta(days=1), 0).isoformat(),
        "reason": "Staff training"}])
    room = make_room(branch)
    text = page(client, room, week=day.isoformat())
    assert [(c["kinds"], c["r"], c["s"]) for c in cells(grid(text)) if c["c"] == 3] == [
        (["closed"], 2, 52)]
    tuesday_list = week_list(text).split("<h4>")[2]
    assert "Closed</p>" in tuesday_list and "Book from" not in tuesday_list


def test_a_retired_room_shows_its_week_without_links_to_book(client, room):
    rooms.retire_room(room)
    db.session.commit()
    text = page(client, room, week=tuesday().isoformat())
    free = [c for c in cells(grid(text)) if "free" in c["kinds"]]
    assert free and all(c["href"] is None for c in free)
    assert "Book from:" not in week_list(text)
