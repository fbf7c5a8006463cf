"""The room editor's page (staff): the shape as text that works without JavaScript, the same
checks as the API next to the field, and the report of what a change breaks before forcing it."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from app.web.room_shape_text import (
    doors_from_text,
    obstacles_from_text,
    outline_from_text,
    outline_to_text,
)
from tests.booking_helpers import book, make_booker, make_hall, make_staff_headers
from tests.builders import PASSWORD, future_day, local, make_branch, make_user, rect
from tests.web_helpers import csrf_token, sign_in


@pytest.fixture
def hall(app):
    return make_hall(make_branch())


def _signed_in(client, role: str):
    user = make_user(role)
    assert sign_in(client, user.email, PASSWORD).status_code == 302
    return user


def _post(client, room_id: int, **fields):
    path = f"/rooms/{room_id}/outline"
    return client.post(path, data={"csrf_token": csrf_token(client, path), **fields})


def test_only_staff_open_the_room_editor(client, hall):
    path = f"/rooms/{hall.beside.id}/outline"
    assert "/signin" in client.get(path).headers["Location"]
    _signed_in(client, "member")
    assert client.get(path).status_code == 403
    assert client.post(path, data={"outline": "0, 0\n1, 0\n1, 1"}).status_code in (400, 403)


def test_staff_get_the_shape_as_text_and_the_script_its_state(client, hall):
    _signed_in(client, "staff")
    response = client.get(f"/rooms/{hall.beside.id}/outline")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert ' style="' not in html and "<script>" not in html and " onclick" not in html
    assert "18, 0\n24, 0\n24, 5\n18, 5</textarea>" in html
    assert "19, 5; 20, 5; 0.9</textarea>" in html
    state = json.loads(unescape(re.search(r"data-state='([^']*)'", html).group(1)))
    assert state["room"]["outline"] == rect(18, 0, 24, 5)
    assert client.get("/rooms/99999/outline").status_code == 404


def test_the_room_page_and_the_layout_editor_link_staff_to_the_room_editor(client, hall):
    link = f'href="/rooms/{hall.beside.id}/outline"'
    assert link not in client.get(f"/rooms/{hall.beside.id}").get_data(as_text=True)
    _signed_in(client, "staff")
    assert link in client.get(f"/rooms/{hall.beside.id}").get_data(as_text=True)
    assert link in client.get(f"/rooms/{hall.beside.id}/layouts/new").get_data(as_text=True)


def test_a_harmless_shape_is_saved_from_the_form(client, hall):
    _signed_in(client, "staff")
    response = _post(client, hall.beside.id, outline="19, 0\n24, 0\n24, 5\n19, 5",
                     doors="19.5, 5; 20.5, 5; 0.9", obstacles="22, 2; 22.4, 2; 22.4, 2.4; 22, 2.4")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/rooms/{hall.beside.id}")
    room = client.get(f"/api/v1/rooms/{hall.beside.id}").get_json()
    assert room["outline"] == rect(19, 0, 24, 5)
    [obstacle] = room["obstacles"]
    assert sorted(map(tuple, obstacle["coordinates"][0][:-1])) == [
        (22, 2), (22, 2.4), (22.4, 2), (22.4, 2.4)]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The room&#39;s shape is saved." in page or "The room's shape is saved." in page


@pytest.mark.parametrize(("fields", "field", "words"), [
    ({"outline": "18, 0\n24; x\n24, 5"}, "outline", "decimal point"),
    ({"outline": "18, 0\n24, 0"}, "outline", "at least three corners"),
    ({"doors": "19, 5; 20, 5"}, "doors", "two ends and its width"),
    ({"doors": "19, 3; 20, 3; 0.9"}, "doors", "Door 1: the door does not lie on a wall"),
    ({"obstacles": "30, 30; 31, 30; 31, 31"}, "obstacles",
     "Obstacle 1: the obstacle is not inside"),
])
def test_bad_text_or_a_bad_shape_is_said_next_to_its_field_and_changes_nothing(
        client, hall, fields, field, words):
    _signed_in(client, "staff")
    body = {"outline": "18, 0\n24, 0\n24, 5\n18, 5", "doors": "19, 5; 20, 5; 0.9", **fields}
    response = _post(client, hall.beside.id, **body)
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    error = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', html)
    assert error and words in error.group(1)
    assert client.get(f"/api/v1/rooms/{hall.beside.id}").get_json()["outline"] == \
        rect(18, 0, 24, 5)


def test_a_change_that_breaks_a_booking_shows_the_report_then_saves_anyway(client, hall):
    day = future_day(10)
    assert book(client, make_booker(), hall.hall, local(day, 10), local(day, 12)).status_code \
        == 201
    later = book(client, make_booker(), hall.beside, local(day, 10), local(day, 12),
                 title="Knitting circle").get_json()
    _signed_in(client, "staff")
    widened = {"outline": "16, 0\n24, 0\n24, 5\n16, 5", "doors": "19, 5; 20, 5; 0.9"}

    refused = _post(client, hall.beside.id, **widened)
    assert refused.status_code == 409
    html = unescape(refused.get_data(as_text=True))
    assert f'data-booking-id="{later["id"]}"' in html and "Knitting circle" in html
    assert "saving anyway cancels this date" in html
    assert 'id="form-save-anyway"' in html
    staff = make_staff_headers()
    assert client.get(f"/api/v1/bookings/{later['id']}", headers=staff).get_json()["status"] \
        == "confirmed"

    forced = _post(client, hall.beside.id, force="y", **widened)
    assert forced.status_code == 302
    assert client.get(f"/api/v1/bookings/{later['id']}", headers=staff).get_json()["status"] \
        == "cancelled"
    page = unescape(client.get(forced.headers["Location"]).get_data(as_text=True))
    assert "1 date was cancelled." in page


def test_the_text_reads_back_what_it_writes():
    outline = {"type": "Polygon", "coordinates": [
        [[0, 0], [9.25, 0], [9.25, 12], [0, 12], [0, 0]],
        [[4, 4], [5, 4], [5, 5], [4, 5], [4, 4]]]}
    assert outline_from_text(outline_to_text(outline)) == outline
    assert doors_from_text("0, 1; 0, 2.2; 1.2\n\n") == [
        {"geometry": {"type": "LineString", "coordinates": [[0, 1], [0, 2.2]]}, "width": 1.2}]
    assert obstacles_from_text("4 6 4.4 6 4.4 6.4 4 6.4") == [rect(4, 6, 4.4, 6.4)]
