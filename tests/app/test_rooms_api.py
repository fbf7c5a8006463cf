"""Rooms written by staff: valid polygons, doors on walls, and outline changes that report."""

from __future__ import annotations

import pytest

from tests.booking_helpers import book, make_booker, make_hall, make_staff_headers
from tests.builders import door, future_day, local, make_branch, rect


@pytest.fixture
def staff(app):
    return make_staff_headers()


@pytest.fixture
def branch(app):
    return make_branch()


def post_room(client, staff, branch, **changes):
    body = {"branch_id": branch.id, "name": "Reading room", "outline": rect(0, 0, 8, 6),
            "doors": [door(0, 1, 0, 2.2)], **changes}
    return client.post("/api/v1/rooms", json=body, headers=staff)


def test_a_valid_room_is_created_with_its_area(client, staff, branch):
    response = post_room(client, staff, branch, amenities=["projector"],
                         obstacles=[rect(3, 3, 3.4, 3.4)], rules={"buffer_minutes": 15})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["area_m2"] == 48.0
    assert body["rules"]["buffer_minutes"] == 15
    assert body["floor"] == "Ground floor"


@pytest.mark.parametrize(("changes", "field"), [
    ({"outline": {"type": "Polygon", "coordinates": [[[0, 0], [4, 4], [4, 0], [0, 4], [0, 0]]]}},
     "outline"),
    ({"outline": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [2, 0], [0, 0]]]}},
     "outline"),
    ({"outline": {"type": "Point", "coordinates": [0, 0]}}, "outline"),
    ({"outline": {"type": "Polygon", "coordinates": [[[0, 0], [1e9, 0], [0, 1], [0, 0]]]}},
     "outline"),
    ({"doors": [door(3, 3, 4, 3)]}, "doors[0]"),
    ({"obstacles": [rect(7, 5, 9, 7)]}, "obstacles[0]"),
])
def test_bad_geometry_is_422_invalid_geometry_with_a_reason(client, staff, branch, changes,
                                                              field):
    response = post_room(client, staff, branch, **changes)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["errors"][0]
    assert error["code"] == "invalid_geometry"
    assert error["field"].startswith(field)
    assert error["message"]


def test_a_self_intersecting_outline_says_so_in_words(client, staff, branch):
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [4, 4], [4, 0], [0, 4], [0, 0]]]}
    message = post_room(client, staff, branch, outline=bowtie).get_json()["errors"][0]["message"]
    assert "self" in message.lower() or "intersection" in message.lower()


def test_an_outline_with_100000_vertices_is_refused(client, staff, branch):
    import math

    ring = [[10 * math.cos(2 * math.pi * i / 100_000), 10 * math.sin(2 * math.pi * i / 100_000)]
            for i in range(100_000)]
    ring.append(ring[0])
    response = post_room(client, staff, branch,
                         outline={"type": "Polygon", "coordinates": [ring]})
    assert response.status_code in (413, 422)


def test_a_room_with_a_hole_is_allowed(client, staff, branch):
    outline = {"type": "Polygon", "coordinates": [
        [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]],
        [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]]}
    response = post_room(client, staff, branch, outline=outline)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["area_m2"] == 96.0


def test_changing_an_outline_into_an_overlap_reports_the_clash_and_needs_force(client, staff,
                                                                               branch):
    hall = make_hall(branch)
    booker, day = make_booker(), future_day(10)
    assert book(client, booker, hall.hall, local(day, 10), local(day, 12)).status_code == 201
    later = book(client, make_booker(), hall.beside, local(day, 10), local(day, 12)).get_json()
    widened = {"outline": rect(16, 0, 24, 5), "doors": [door(19, 5, 20, 5, 0.9)]}
    refused = client.patch(f"/api/v1/rooms/{hall.beside.id}", json=widened, headers=staff)
    assert refused.status_code == 409
    report = refused.get_json()["report"]
    assert [b["booking_id"] for b in report["bookings"]] == [later["id"]]
    assert client.get(f"/api/v1/rooms/{hall.beside.id}").get_json()["outline"] == rect(18, 0, 24, 5)
    forced = client.patch(f"/api/v1/rooms/{hall.beside.id}", json={**widened, "force": True},
                          headers=staff)
    assert forced.status_code == 200
    cancelled = client.get(f"/api/v1/bookings/{later['id']}", headers=staff).get_json()
    assert cancelled["status"] == "cancelled"
    assert book(client, make_booker(), hall.beside, local(day, 10), local(day, 11)).status_code \
        == 409


def test_a_room_that_stops_overlapping_frees_the_time(client, staff, branch):
    hall = make_hall(branch)
    day = future_day(10)
    book(client, make_booker(), hall.hall, local(day, 10), local(day, 12))
    shrunk = {"outline": rect(0, 0, 9, 12), "doors": [door(0, 1, 0, 2.2)]}
    assert client.patch(f"/api/v1/rooms/{hall.hall.id}", json=shrunk,
                        headers=staff).status_code == 200
    assert book(client, make_booker(), hall.half_b, local(day, 10), local(day, 12)).status_code \
        == 201
    assert book(client, make_booker(), hall.half_a, local(day, 10), local(day, 12)).status_code \
        == 409
