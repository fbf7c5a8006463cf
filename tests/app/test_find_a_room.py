"""Find a room: by date, time, group size, amenities and weekly, on the page and the API.

A room holds a group when one of its layouts does (``capacity_of``, the booking
rule); the smallest that holds them comes first; a result links to a booking form
already filled in.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import event

from app.extensions import db
from tests.booking_helpers import book, make_booker
from tests.builders import PASSWORD, future_day, local, make_branch
from tests.layout_helpers import room_with_layouts
from tests.web_helpers import csrf_token, sign_in


@pytest.fixture
def world(app):
    branch = make_branch(name="Main Library")
    return {
        "small": room_with_layouts(branch, "Small", [20]),
        "capped": room_with_layouts(branch, "Capped", [30], max_attendees=20),
        "medium": room_with_layouts(branch, "Medium", [60, 30], amenities=["projector"]),
        "large": room_with_layouts(branch, "Large", [80]),
        "snug": room_with_layouts(branch, "Snug", [26]),
    }


@pytest.fixture
def day():
    return future_day(10)


def find(client, on, **params):
    query = {"day": on.isoformat(), "start": "18:00", "end": "20:00", "attendees": "25",
             **params}
    return client.get("/find", query_string=query)


def result_names(response) -> list[str]:
    text = response.get_data(as_text=True)
    section = text.split('id="results"', 1)[1] if 'id="results"' in text else ""
    return re.findall(r'<h3 class="flush"><a href="/rooms/\d+">([^<]+)</a>', section)


def test_the_page_asks_before_it_answers(client, world):
    response = client.get("/find")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert text.count("<h1") == 1 and 'id="results"' not in text
    assert "<legend>Amenities</legend>" in text and 'value="projector"' in text
    for name in ("day", "start", "end", "attendees", "until"):
        assert f'<label for="{name}">' in text


def test_a_group_of_25_gets_the_smallest_room_whose_layout_holds_them_first(
        client, world, day):
    response = find(client, day)
    assert response.status_code == 200
    # Snug (26) before Medium (its 30-chair layout, not its 60) before Large (80);
    # never Small (20) nor Capped (a 30-chair layout under a cap of 20).
    assert result_names(response) == ["Snug", "Medium", "Large"]
    text = unescape(response.get_data(as_text=True))
    assert "Layout “30 chairs” holds 30 people" in text
    assert "60 chairs" not in text


def test_amenities_narrow_the_rooms(client, world, day):
    assert result_names(find(client, day, amenities="projector")) == ["Medium"]


def test_a_busy_room_is_not_listed(client, world, day):
    booker = make_booker()
    assert book(client, booker, world["snug"], local(day, 17), local(day, 18, 30),
                attendees=10).status_code == 201
    assert result_names(find(client, day)) == ["Medium", "Large"]


def test_weekly_until_with_one_date_taken_reports_it_after_the_rooms_free_on_all(
        client, world, day):
    booker = make_booker()
    taken = day + timedelta(weeks=1)
    assert book(client, booker, world["snug"], local(taken, 18), local(taken, 20),
                attendees=10).status_code == 201
    response = find(client, day, until=(day + timedelta(weeks=2)).isoformat())
    assert result_names(response) == ["Medium", "Large", "Snug"]
    text = response.get_data(as_text=True)
    assert text.count("Free on all 3 dates.") == 2
    assert "Free on 2 of 3 dates. Not free on:" in text
    assert f'<time datetime="{taken.isoformat()}">' in text


def first_booking_link(response) -> str:
    text = response.get_data(as_text=True)
    return unescape(re.search(r'<a class="button" href="(/rooms/\d+/book\?[^"]+)"', text)[1])


def test_a_result_opens_the_booking_form_filled_in_and_it_books(client, world, day):
    booker = make_booker()
    sign_in(client, booker.user.email, PASSWORD)
    until = day + timedelta(weeks=3)
    link = first_booking_link(find(client, day, until=until.isoformat()))
    assert parse_qs(urlsplit(link).query)["until"] == [until.isoformat()]
    form = client.get(link)
    assert form.status_code == 200
    text = form.get_data(as_text=True)
    snug_layout = world["snug"].layouts[0]
    assert urlsplit(link).path == f"/rooms/{world['snug'].id}/book"
    assert f'<option selected value="{snug_layout.id}">' in text
    for name, value in (("attendees", "25"), ("day", day.isoformat()), ("start", "18:00"),
                        ("end", "20:00"), ("until", until.isoformat())):
        assert re.search(rf'<input id="{name}"[^>]* value="{value}"', text), name
    assert '<option selected value="weekly">' in text
    assert '<option selected value="until">' in text
    assert 'class="field-error"' not in text
    response = client.post(link.split("?")[0], data={
        "csrf_token": csrf_token(client, link), "association_id": booker.association.id,
        "title": "Choir", "attendees": "25", "day": day.isoformat(), "start": "18:00",
        "end": "20:00", "layout_id": str(snug_layout.id), "repeat": "weekly",
        "ends": "until", "until": until.isoformat()})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert page.count("<td>confirmed</td>") == 4


def test_a_prefilled_value_that_is_wrong_is_shown_as_an_error_not_used(client, world, day):
    booker = make_booker()
    sign_in(client, booker.user.email, PASSWORD)
    other_layout = world["large"].layouts[0]
    response = client.get(f"/rooms/{world['snug'].id}/book", query_string={
        "attendees": "many", "layout_id": str(other_layout.id), "day": day.isoformat()})
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="attendees-error"' in text and 'id="layout_id-error"' in text
    assert 'id="day-error"' not in text and 'id="title-error"' not in text


@pytest.mark.parametrize(("params", "field"), [
    ({"end": "17:00"}, "end"),
    ({"end": "18:00"}, "end"),
    ({"attendees": "0"}, "attendees"),
    ({"attendees": "lots"}, "attendees"),
    ({"day": "2020-01-01"}, "day"),
    ({"day": "tomorrow"}, "day"),
    ({"start": "25:00"}, "start"),
    ({"until": "2020-01-01"}, "until"),
    ({"until": "2099-01-01"}, "until"),
    ({"amenities": "sauna"}, "amenities"),
    ({"branch_id": "x"}, "branch_id"),
])
def test_bad_input_gets_an_error_next_to_its_field(client, world, day, params, field):
    response = find(client, day, **params)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    if field == "amenities":
        assert "not a valid choice" in text
    else:
        assert f'id="{field}-error"' in text
    assert 'id="results"' not in text


def api_search(client, day, **params):
    query = {"start": local(day, 18).isoformat(), "end": local(day, 20).isoformat(),
             "attendees": 25, **params}
    return client.get("/api/v1/search", query_string=query)


def test_the_api_answers_the_same_best_fit_first_with_the_layout(client, world, day):
    response = api_search(client, day)
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert [item["name"] for item in items] == ["Snug", "Medium", "Large"]
    medium = items[1]
    assert medium["fit"]["capacity"] == 30
    assert medium["fit"]["layout_name"] == "30 chairs"
    assert medium["fit"]["layout_id"] in {layout.id for layout in world["medium"].layouts}
    assert medium["dates"] == {"total": 1, "free": 1, "taken": []}


def test_the_api_reports_weekly_dates_taken(client, world, day):
    booker = make_booker()
    taken = day + timedelta(weeks=1)
    book(client, booker, world["snug"], local(taken, 18), local(taken, 20), attendees=10)
    response = api_search(client, day, until=(day + timedelta(weeks=2)).isoformat())
    items = response.get_json()["items"]
    assert [item["name"] for item in items] == ["Medium", "Large", "Snug"]
    assert items[2]["dates"] == {"total": 3, "free": 2, "taken": [
        {"start": local(taken, 18).isoformat(), "end": local(taken, 20).isoformat()}]}


@pytest.mark.parametrize("params", [
    {"until": "someday"}, {"until": "2020-01-01"}, {"until": "2099-01-01"},
    {"until": "２０２７-01-01"}, {"attendees": "0"},
])
def test_the_api_refuses_bad_searches_with_400(client, world, day, params):
    response = api_search(client, day, **params)
    assert response.status_code == 400
    assert response.content_type == "application/problem+json"


def test_the_openapi_documents_until(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    names = {p["name"] for p in spec["paths"]["/search"]["get"]["parameters"]}
    assert {"start", "end", "attendees", "amenities", "branch_id", "until"} <= names


def test_weekly_dates_keep_the_branchs_wall_time_across_dst(client, world):
    # The Tuesday before the clocks go forward next spring in Copenhagen.
    year = future_day(0).year + 1
    last_sunday = max(date(year, 3, d) for d in range(25, 32) if date(year, 3, d).weekday() == 6)
    first = last_sunday - timedelta(days=5)
    after = first + timedelta(weeks=1)
    book(client, make_booker(), world["snug"], local(after, 18), local(after, 19), attendees=10)
    response = client.get("/api/v1/search", query_string={
        "start": local(first, 18).isoformat(), "end": local(first, 19).isoformat(),
        "attendees": 25, "until": after.isoformat()})
    snug = next(i for i in response.get_json()["items"] if i["name"] == "Snug")
    assert snug["dates"]["taken"] == [{"start": local(after, 18).isoformat(),
                                       "end": local(after, 19).isoformat()}]


def test_a_weekly_search_costs_the_same_queries_as_one_date(client, world, day):
    def statements(**params) -> int:
        seen: list[str] = []

        def count(_conn, _cursor, statement, *_args) -> None:
            if statement.startswith("SELECT"):
                seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert find(client, day, **params).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(seen)

    once = statements()
    assert statements(until=(day + timedelta(weeks=20)).isoformat()) == once
    # branches, amenities, rooms (with branch and floor), layouts, cells, occurrences, closures
    assert once == 7
