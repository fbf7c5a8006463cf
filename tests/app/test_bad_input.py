"""Bad input from outside is a clear 4xx, never a 500: ids, query numbers, nulls, depth, times."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import pytest

from tests.booking_helpers import book, make_booker, make_staff_headers
from tests.builders import bearer, future_day, local, make_room, make_token, make_user
from tests.web_helpers import sign_in

BEYOND_INT32 = "2147483648"
BEYOND_INT64 = "9223372036854775808"
OUT_OF_RANGE_PATHS = [
    f"/rooms/{BEYOND_INT32}",
    f"/associations/{BEYOND_INT32}",
    f"/bookings/{BEYOND_INT32}",
    f"/api/v1/rooms/{BEYOND_INT32}",
    f"/api/v1/associations/{BEYOND_INT32}",
    f"/api/v1/bookings/{BEYOND_INT64}",
    f"/api/v1/bookings/{BEYOND_INT32}",
    f"/api/v1/rooms/1/layouts/{BEYOND_INT64}.svg",
    f"/calendars/rooms/{BEYOND_INT32}.ics",
    "/api/v1/rooms/%C2%B3",
]


@pytest.mark.parametrize("who", ["anonymous", "member", "staff"])
@pytest.mark.parametrize("path", OUT_OF_RANGE_PATHS)
def test_an_id_beyond_the_column_range_is_404(client, path, who):
    if who != "anonymous":
        user = make_user(who)
        assert sign_in(client, user.email, "correct horse battery staple").status_code == 302
    response = client.get(path)
    assert response.status_code == 404
    expected = "application/problem+json" if path.startswith("/api/") else "text/html"
    assert response.mimetype == expected


@pytest.mark.parametrize(("method", "path"), [
    ("PATCH", f"/api/v1/rooms/{BEYOND_INT32}"),
    ("PATCH", f"/api/v1/associations/{BEYOND_INT32}"),
    ("PATCH", f"/api/v1/bookings/{BEYOND_INT64}"),
    ("PATCH", f"/api/v1/bookings/{BEYOND_INT32}/occurrences/2027-03-02T18:00:00Z"),
    ("DELETE", f"/api/v1/bookings/{BEYOND_INT64}/occurrences/2027-03-02T18:00:00Z"),
    ("DELETE", f"/api/v1/bookings/{BEYOND_INT32}/occurrences/2027-03-02T18:00:00Z"),
])
def test_an_out_of_range_id_is_404_for_writes_too(client, method, path):
    response = client.open(path, method=method, json={"title": "x"},
                           headers=make_staff_headers())
    assert response.status_code == 404


def test_the_largest_id_is_still_a_plain_not_found(client):
    response = client.get("/api/v1/rooms/2147483647")
    assert response.status_code == 404
    assert response.get_json()["detail"] == "No room 2147483647."


@pytest.mark.parametrize("query", [
    "limit=%C2%B3", "limit=%D9%A3", "limit=1%C2%B2", "limit=-1", "limit=1e3", "limit=%2B5",
    f"branch_id={BEYOND_INT32}", f"limit={BEYOND_INT64}", "branch_id=%C2%B3",
])
def test_a_query_integer_is_ascii_digits_within_range(client, query):
    response = client.get(f"/api/v1/rooms?{query}")
    assert response.status_code == 400
    name = query.split("=")[0]
    assert f"'{name}'" in response.get_json()["detail"]


@pytest.mark.parametrize("path", ["/api/v1/search?start=2027-03-02T10:00:00Z"
                                  "&end=2027-03-02T11:00:00Z&attendees=%C2%B3",
                                  "/api/v1/bookings?room_id=%C2%B3",
                                  "/api/v1/associations?limit=%C2%B3"])
def test_every_query_integer_goes_through_the_same_check(client, path):
    headers = make_staff_headers()
    response = client.get(path, headers=headers)
    assert response.status_code == 400
    assert "digits 0-9" in response.get_json()["detail"]


def test_a_cursor_beyond_the_id_range_is_400(client):
    import base64

    cursor = base64.urlsafe_b64encode(f"id:{BEYOND_INT64}".encode()).decode().rstrip("=")
    response = client.get(f"/api/v1/rooms?cursor={cursor}")
    assert response.status_code == 400


@pytest.mark.parametrize("maximum", [0, 7, 10, 99, 100, 307, 2**31 - 1])
def test_the_id_pattern_matches_exactly_the_numbers_up_to_its_bound(maximum):
    import re

    from app.ids import digits_up_to

    pattern = re.compile(digits_up_to(maximum))
    probes = {*range(0, 1200), maximum - 1, maximum, maximum + 1, maximum * 10, 2**63}
    for number in probes:
        assert bool(pattern.fullmatch(str(number))) == (0 <= number <= maximum), number
    assert pattern.fullmatch("³") is None


def _patch_targets(client):
    """A room, an association and a booking to PATCH, and staff headers that may change them."""
    room = make_room()
    booker = make_booker()
    start = local(future_day(5), 10)
    created = book(client, booker, room, start, start + timedelta(hours=1))
    assert created.status_code == 201, created.get_json()
    return {
        "room": f"/api/v1/rooms/{room.id}",
        "association": f"/api/v1/associations/{booker.association.id}",
        "booking": f"/api/v1/bookings/{created.get_json()['id']}",
        "occurrence": f"/api/v1/bookings/{created.get_json()['id']}/occurrences/"
                      f"{created.get_json()['occurrences'][0]['start']}",
    }


NOT_NULLABLE = [
    ("room", "doors"), ("room", "name"), ("room", "floor"), ("room", "outline"),
    ("room", "obstacles"), ("room", "amenities"), ("room", "rules"), ("room", "bookable"),
    ("room", "description"), ("room", "force"),
    ("association", "name"), ("association", "description"), ("association", "contact_email"),
    ("association", "verified"),
    ("booking", "title"), ("booking", "attendees"), ("booking", "start"), ("booking", "end"),
    ("booking", "public"), ("booking", "description"),
    ("occurrence", "start"), ("occurrence", "attendees"),
]


def test_patch_with_null_for_a_field_that_may_not_be_null_is_400_naming_it(client):
    targets = _patch_targets(client)
    headers = make_staff_headers()
    for target, field in NOT_NULLABLE:
        response = client.patch(targets[target], json={field: None}, headers=headers)
        assert response.status_code == 400, (target, field, response.get_json())
        body = response.get_json()
        assert body["errors"] == [{"field": field, "code": "null_not_allowed",
                                   "message": f"{field} may be left out, but not set to null"}]


def test_null_still_clears_what_may_be_cleared(client):
    targets = _patch_targets(client)
    headers = make_staff_headers()
    room = client.patch(targets["room"], json={"max_attendees": None}, headers=headers)
    assert room.status_code == 200, room.get_json()
    assert room.get_json()["max_attendees"] is None
    association = client.patch(targets["association"], json={"website": None}, headers=headers)
    assert association.status_code == 200, association.get_json()
    booking = client.patch(targets["booking"], json={"layout_id": None}, headers=headers)
    assert booking.status_code == 200, booking.get_json()


def test_the_openapi_offers_null_only_where_a_patch_accepts_it(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    for name, nullable in [("RoomPatch", {"max_attendees"}), ("BookingPatch", {"layout_id"}),
                           ("AssociationPatch", {"website"})]:
        offered = {field for field, prop in schemas[name]["properties"].items()
                   if {"type": "null"} in prop.get("anyOf", [])}
        assert offered == nullable, name


@pytest.mark.parametrize("body", [
    '{"name": ' + "[" * 20_000 + "]" * 20_000 + "}",
    '{"name": "x", "website": ' + '{"a": ' * 20_000 + "1" + "}" * 20_000 + "}",
    "[" * 100_000,
])
def test_json_nested_thousands_deep_is_400_with_the_reason(client, body):
    headers = bearer(make_token(make_user("member")))
    response = client.post("/api/v1/associations", data=body,
                           headers={**headers, "Content-Type": "application/json"})
    assert response.status_code == 400
    assert "more than 32 deep" in response.get_json()["detail"]


def test_json_depth_counts_brackets_outside_strings_only(client):
    headers = bearer(make_token(make_user("member")))
    name = "[" * 40 + '\\"{' * 40
    response = client.post("/api/v1/associations", data=f'{{"name": "{name}"}}',
                           headers={**headers, "Content-Type": "application/json"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["name"] == "[" * 40 + '"{' * 40


FAR_TIMES = [
    ("9999-12-31T10:00:00Z", "9999-12-31T11:00:00Z"),
    ("0001-01-01T10:00:00Z", "0001-01-01T11:00:00Z"),
    ("0001-01-01T00:30:00+01:00", "0001-01-01T02:00:00+01:00"),
    ("9999-12-31T23:00:00-05:00", "9999-12-31T23:30:00-05:00"),
    ("1969-12-31T23:00:00Z", "1970-01-01T01:00:00Z"),
    ("2199-12-31T23:00:00Z", "2200-01-01T01:00:00Z"),
]


@pytest.mark.parametrize(("start", "end"), FAR_TIMES)
def test_a_booking_outside_the_years_agora_schedules_in_is_422_out_of_range(client, start, end):
    room = make_room()
    body = {"room_id": room.id, "title": "Far away", "attendees": 1, "start": start, "end": end}
    booker = make_booker()
    for headers, extra in ((make_staff_headers(), {}),
                           (booker.headers, {"association_id": booker.association.id})):
        response = client.post("/api/v1/bookings", json={**body, **extra}, headers=headers)
        assert response.status_code == 422, response.get_json()
        assert "out_of_range" in [e["code"] for e in response.get_json()["errors"]]


@pytest.mark.parametrize(("start", "end"), FAR_TIMES)
def test_availability_and_search_windows_are_bounded_too(client, start, end):
    room = make_room()
    query = f"start={quote(start)}&end={quote(end)}"
    for path in (f"/api/v1/rooms/{room.id}/availability", "/api/v1/search",
                 f"/api/v1/branches/{room.branch_id}/availability", "/api/v1/bookings"):
        response = client.get(f"{path}?{query}", headers=make_staff_headers())
        assert response.status_code == 422, (path, response.get_json())
        assert response.get_json()["errors"][0]["code"] == "out_of_range"


def test_moving_a_booking_out_of_range_is_422(client):
    room = make_room()
    start = local(future_day(5), 10)
    created = book(client, make_booker(), room, start, start + timedelta(hours=1))
    response = client.patch(f"/api/v1/bookings/{created.get_json()['id']}",
                            json={"start": "9999-12-31T10:00:00Z", "end": "9999-12-31T11:00:00Z"},
                            headers=make_staff_headers())
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["code"] == "out_of_range"


@pytest.mark.parametrize(("start", "end", "code"), [
    ("2027-03-02T10:00:00Z", "2027-05-02T10:00:00Z", "window_too_long"),
    ("2027-03-02T10:00:00Z", "2027-03-02T09:00:00Z", "end_before_start"),
])
def test_a_window_too_long_or_backwards_is_400_naming_the_rule(client, start, end, code):
    room = make_room()
    response = client.get(f"/api/v1/rooms/{room.id}/availability?start={start}&end={end}")
    assert response.status_code == 400
    assert response.get_json()["errors"] == [
        {"field": "end", "code": code, "message": response.get_json()["detail"]}]


def test_a_branch_closure_out_of_range_is_422(client):
    body = {"name": "Far branch", "timezone": "Europe/Copenhagen", "opening_hours": {},
            "closures": [{"start": "9999-12-24T00:00:00+01:00", "end": "9999-12-31T00:00:00Z"}]}
    response = client.post("/api/v1/branches", json=body, headers=make_staff_headers())
    assert response.status_code == 422
    assert response.get_json()["errors"][0] == {
        "field": "closures[0].start", "code": "out_of_range",
        "message": response.get_json()["errors"][0]["message"]}


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_setup_sheet_for_a_day_out_of_range_is_422(client, day):
    room = make_room()
    response = client.get(f"/api/v1/branches/{room.branch_id}/setup-sheet?date={day}",
                          headers=make_staff_headers())
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["code"] == "out_of_range"


@pytest.mark.parametrize("day", ["00010101", "99991231"])
def test_an_ics_closure_in_year_1_or_9999_is_refused_or_ignored_never_500(client, day):
    room = make_room()
    ics = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
           f"UID:far@example.org\r\nDTSTAMP:20270101T000000Z\r\nDTSTART;VALUE=DATE:{day}\r\n"
           "SUMMARY:Far away\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    response = client.post(f"/api/v1/branches/{room.branch_id}/closures/import", data=ics,
                           headers={**make_staff_headers(), "Content-Type": "text/calendar"})
    assert response.status_code in (200, 422), response.get_json()
    assert response.get_json().get("imported", 0) == 0
