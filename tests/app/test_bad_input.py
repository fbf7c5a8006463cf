"""Bad input from outside is a clear 4xx, never a 500: ids, query numbers, nulls, depth, times."""

from __future__ import annotations

import pytest

from tests.booking_helpers import make_staff_headers
from tests.builders import make_user
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
