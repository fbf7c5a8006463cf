"""The layout editor's pages (staff only), the preview's drawing of the exits, and a save
made the way the editor's script makes it: the session cookie and the page's CSRF token."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from app.services import layouts as layout_service
from app.services import rooms
from layouts import CATALOGUE
from tests.booking_helpers import book, make_booker
from tests.builders import PASSWORD, future_day, local, make_branch, make_user
from tests.layout_helpers import room_with_pillar
from tests.web_helpers import csrf_token, sign_in


@pytest.fixture
def hall(app):
    """The hall with a pillar, and one saved layout of a single chair."""
    room = room_with_pillar(make_branch())
    layout = layout_service.create_layout(rooms.get_room(room.id), {
        "name": "One chair", "items": [{"kind": "chair", "x": 2.0, "y": 6.0}]})
    return {"room": room.id, "layout": layout.id}


def pages(hall) -> list[str]:
    return [f"/rooms/{hall['room']}/layouts/new", f"/layouts/{hall['layout']}/edit",
            f"/layouts/{hall['layout']}/poster"]


def _signed_in(client, role: str):
    user = make_user(role)
    assert sign_in(client, user.email, PASSWORD).status_code == 302
    return user


def test_anonymous_people_are_sent_to_sign_in_for_every_editor_page(client, hall):
    for path in pages(hall):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/signin" in response.headers["Location"]


def test_members_may_not_open_the_editor_or_the_poster(client, hall):
    _signed_in(client, "member")
    for path in pages(hall):
        assert client.get(path).status_code == 403, path


def test_staff_open_the_editor_on_a_new_and_a_saved_layout_and_the_poster(client, hall):
    _signed_in(client, "staff")
    for path in pages(hall):
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert ' style="' not in html and "<script>" not in html and " onclick" not in html
    assert client.get("/rooms/99999/layouts/new").status_code == 404
    assert client.get("/layouts/99999/edit").status_code == 404
    assert client.get("/layouts/99999/poster").status_code == 404


def _state(html: str) -> dict:
    match = re.search(r"data-state='([^']*)'", html)
    assert match, "the editor hands its state to the script"
    return json.loads(unescape(match.group(1)))


def test_the_editor_hands_the_script_the_room_the_layout_and_a_button_per_kind(client, hall):
    _signed_in(client, "staff")
    html = client.get(f"/layouts/{hall['layout']}/edit").get_data(as_text=True)
    state = _state(html)
    assert state["layout_id"] == hall["layout"]
    assert state["layout"]["items"] == [{"kind": "chair", "x": 2.0, "y": 6.0, "rotation": 0.0}]
    assert len(state["room"]["doors"]) == 2 and len(state["room"]["obstacles"]) == 1
    assert set(state["kinds"]) == set(CATALOGUE)
    for key in CATALOGUE:
        assert f'data-kind="{key}"' in html
    assert '<script type="module" src="/static/planner/editor.js">' in html
    for label in ("item-x", "item-y", "item-rotation", "layout-name", "arrange-style",
                  "arrange-attendees", "layout-style"):
        assert f'for="{label}"' in html, label
    assert 'aria-live="polite"' in html


def test_the_editor_speaks_danish_to_danish_staff(app, client, hall):
    _signed_in(client, "staff")
    # A fresh application context: Flask-Babel keeps the locale it chose for the sign-in.
    with app.app_context():
        html = client.get(f"/rooms/{hall['room']}/layouts/new",
                          headers={"Accept-Language": "da"}).get_data(as_text=True)
    assert '<html lang="da">' in html, html[:300]
    strings = json.loads(unescape(re.search(r"data-strings='([^']*)'", html).group(1)))
    assert strings["problems_none"] == "Ingen problemer: opstillingen er sikker."
    assert strings["limits"]["exits"] == "Udgange"
    assert "Stol" in html and "Gem opstillingen" in html


def test_the_room_page_links_staff_to_the_editor_and_nobody_else(client, hall):
    path = f"/rooms/{hall['room']}"
    assert "staff-layout-links" not in client.get(path).get_data(as_text=True)
    _signed_in(client, "member")
    assert "staff-layout-links" not in client.get(path).get_data(as_text=True)
    client.post("/signout", data={"csrf_token": csrf_token(client, "/")})
    _signed_in(client, "staff")
    html = client.get(path).get_data(as_text=True)
    assert f'href="/rooms/{hall["room"]}/layouts/new"' in html
    assert f'href="/layouts/{hall["layout"]}/edit"' in html


def test_the_preview_draws_each_doors_clear_zone_and_the_route_in(client, hall):
    _signed_in(client, "staff")
    token = csrf_token(client, f"/rooms/{hall['room']}/layouts/new")
    response = client.post(f"/api/v1/rooms/{hall['room']}/layouts/preview",
                           headers={"X-CSRFToken": token},
                           json={"name": "x", "items": [{"kind": "chair", "x": 5, "y": 4}]})
    assert response.status_code == 200, response.get_json()
    answer = response.get_json()
    assert [v["code"] for v in answer["violations"]] == ["on_obstacle"]
    assert answer["violations"][0]["items"] == [0]
    zones = answer["plan"]["door_zones"]
    assert len(zones) == 2 and all(zone[0]["type"] == "Polygon" for zone in zones)
    xs = [x for zone in zones for x, _ in zone[0]["coordinates"][0]]
    assert min(xs) == 0 and max(xs) == 10
    assert answer["plan"]["route"] and answer["plan"]["route"][0]["type"] == "Polygon"


def test_a_layout_saved_the_way_the_editor_saves_it_shows_on_the_room_page(client, hall):
    _signed_in(client, "staff")
    token = csrf_token(client, f"/rooms/{hall['room']}/layouts/new")
    items = [{"kind": "chair", "x": 2.0 + 0.6 * i, "y": 6.0, "rotation": 0} for i in range(7)]
    created = client.post(f"/api/v1/rooms/{hall['room']}/layouts",
                          headers={"X-CSRFToken": token},
                          json={"name": "Seven in a row", "style": "theatre", "items": items})
    assert created.status_code == 201, created.get_json()
    layout_id = created.get_json()["id"]
    assert created.get_json()["capacity"] == 7

    editor = client.get(f"/layouts/{layout_id}/edit").get_data(as_text=True)
    assert _state(editor)["layout"]["items"] == items
    replaced = client.put(f"/api/v1/layouts/{layout_id}", headers={"X-CSRFToken": token},
                          json={"name": "Six in a row", "style": "theatre", "items": items[:6]})
    assert replaced.status_code == 200, replaced.get_json()

    room_page = client.get(f"/rooms/{hall['room']}").get_data(as_text=True)
    assert re.search(rf'id="layout-{layout_id}"><strong>Six in a row</strong>: holds 6 people',
                     room_page)
    poster = client.get(f"/layouts/{layout_id}/poster").get_data(as_text=True)
    assert 'id="poster-capacity">At most 6 people<' in poster
    assert poster.count("m clear width") == 2



def test_the_editor_hands_the_script_the_branchs_time_zone_for_dates_it_reports(client, hall):
    _signed_in(client, "staff")
    html = client.get(f"/layouts/{hall['layout']}/edit").get_data(as_text=True)
    assert _state(html)["timezone"] == "Europe/Copenhagen"
    assert 'id="save-anyway"' in html and 'id="save-conflict" class="save-conflict" hidden' in html


def test_a_save_the_editor_makes_that_a_booking_no_longer_fits_is_reported_then_forced(
        client, hall):
    room = rooms.get_room(hall["room"])
    two = [{"kind": "chair", "x": 2.0 + 0.6 * i, "y": 6.0, "rotation": 0} for i in range(2)]
    pair = layout_service.create_layout(room, {"name": "Pair", "items": two}).id
    booker, day = make_booker(), future_day(10)
    booking_id = book(client, booker, room, local(day, 18), local(day, 20), attendees=2,
                      title="Chess", layout_id=pair).get_json()["id"]
    _signed_in(client, "staff")
    token = csrf_token(client, f"/layouts/{pair}/edit")
    one = {"name": "Pair", "style": "custom", "items": two[:1]}

    refused = client.put(f"/api/v1/layouts/{pair}", headers={"X-CSRFToken": token}, json=one)

    assert refused.status_code == 409
    (listed,) = refused.get_json()["bookings"]
    assert (listed["booking_id"], listed["title"], listed["attendees"], listed["capacity"]) == (
        booking_id, "Chess", 2, 1)
    assert client.get(f"/api/v1/layouts/{pair}").get_json()["capacity"] == 2
    forced = client.put(f"/api/v1/layouts/{pair}", headers={"X-CSRFToken": token},
                        json={**one, "force": True})
    assert forced.status_code == 200 and forced.get_json()["capacity"] == 1
    assert client.get(f"/api/v1/bookings/{booking_id}").get_json()["capacity_flag"]


def test_the_save_anyway_words_are_danish_for_danish_staff(app, client, hall):
    _signed_in(client, "staff")
    with app.app_context():
        html = client.get(f"/layouts/{hall['layout']}/edit",
                          headers={"Accept-Language": "da"}).get_data(as_text=True)
    strings = json.loads(unescape(re.search(r"data-strings='([^']*)'", html).group(1)))
    assert strings["conflict_one"] == (
        "1 kommende booking venter flere personer, end opstillingens nye kapacitet på "
        "%(capacity)s:")
    assert strings["booked"] == "Optaget"
    assert "Gem alligevel" in html and "Fortsæt redigeringen" in html
