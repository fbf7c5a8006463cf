"""Availability of a room and search across rooms."""

from __future__ import annotations

import pytest

from tests.booking_helpers import book, make_booker, make_hall
from tests.builders import future_day, local, make_branch

HOURS = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


@pytest.fixture
def hall(app):
    return make_hall(make_branch(opening_hours=HOURS))


def test_availability_lists_busy_and_free_within_opening_hours(client, hall):
    booker, day = make_booker(), future_day(10)
    book(client, booker, hall.half_a, local(day, 10), local(day, 11))
    book(client, booker, hall.hall, local(day, 14), local(day, 15))
    response = client.get(f"/api/v1/rooms/{hall.half_b.id}/availability",
                          query_string={"start": local(day, 0).isoformat(),
                                        "end": local(day, 23, 59).isoformat()})
    assert response.status_code == 200
    body = response.get_json()
    busy = [{"start": local(day, 14).isoformat(), "end": local(day, 15).isoformat()}]
    assert body["busy"] == busy
    assert body["free"] == [
        {"start": local(day, 9).isoformat(), "end": local(day, 14).isoformat()},
        {"start": local(day, 15).isoformat(), "end": local(day, 17).isoformat()},
    ]


def test_availability_refuses_bad_windows(client, hall):
    path = f"/api/v1/rooms/{hall.hall.id}/availability"
    assert client.get(path).status_code == 400
    day = future_day(10)
    assert client.get(path, query_string={"start": local(day, 12).isoformat(),
                                          "end": local(day, 10).isoformat()}).status_code == 400
    assert client.get(path, query_string={"start": "2027-01-01T00:00:00",
                                          "end": "2027-01-02T00:00:00Z"}).status_code == 400


def test_search_finds_rooms_free_for_the_whole_range_that_hold_the_group(client, hall):
    booker, day = make_booker(), future_day(10)
    book(client, booker, hall.half_a, local(day, 10), local(day, 11))
    response = client.get("/api/v1/search", query_string={
        "start": local(day, 10, 30).isoformat(), "end": local(day, 12).isoformat(),
        "attendees": 20})
    names = {room["name"] for room in response.get_json()["items"]}
    assert names == {"Hall B", "Beside"}


def test_search_respects_amenities_and_capacity(client, hall):
    day = future_day(10)
    query = {"start": local(day, 10).isoformat(), "end": local(day, 11).isoformat()}
    assert client.get("/api/v1/search", query_string={**query, "attendees": 101}).get_json()[
        "items"] == []
    assert client.get("/api/v1/search", query_string={**query, "amenities": "sauna"}).get_json()[
        "items"] == []


def test_a_branch_shows_every_rooms_availability_at_once(client, hall):
    booker, day = make_booker(), future_day(10)
    book(client, booker, hall.half_a, local(day, 10), local(day, 11))
    window = {"start": local(day, 0).isoformat(), "end": local(day, 23, 59).isoformat()}
    body = client.get(f"/api/v1/branches/{hall.hall.branch_id}/availability",
                      query_string=window).get_json()
    busy = {item["name"]: item["busy"] for item in body["items"]}
    taken = [{"start": local(day, 10).isoformat(), "end": local(day, 11).isoformat()}]
    assert busy == {"Hall": taken, "Hall A": taken, "Hall B": [], "Beside": []}
    for item in body["items"]:
        single = client.get(f"/api/v1/rooms/{item['room_id']}/availability",
                            query_string=window).get_json()
        assert (single["busy"], single["free"]) == (item["busy"], item["free"])
