"""Layouts through the API: validated, measured, arranged, drawn, and binding on bookings."""

from __future__ import annotations

import pytest

from tests.booking_helpers import book, error_codes, make_booker, make_staff_headers
from tests.builders import door, future_day, local, make_branch, make_room, rect


@pytest.fixture
def staff(app):
    return make_staff_headers()


@pytest.fixture
def room(app):
    return make_room(make_branch(), rect(0, 0, 12, 9), name="Hall",
                     doors=[door(0, 1, 0, 2.2), door(12, 1, 12, 2.2)], max_attendees=None,
                     rules={"changeover_minutes": 30})


def row_of_chairs(count: int, y: float = 5.0, x0: float = 3.0) -> list[dict]:
    return [{"kind": "chair", "x": x0 + 0.5 * i, "y": y, "rotation": 0} for i in range(count)]


def test_a_valid_layout_is_saved_with_its_capacity_and_binding_reason(client, staff, room):
    body = {"name": "Small circle", "style": "theatre", "items": row_of_chairs(10)}
    response = client.post(f"/api/v1/rooms/{room.id}/layouts", json=body, headers=staff)
    assert response.status_code == 201, response.get_json()
    layout = response.get_json()
    assert layout["capacity"] == 10 and layout["binding"] == "places"
    assert set(layout["limits"]) >= {"places", "floor_area", "exits"}


def test_an_unsafe_layout_is_refused_with_every_violation(client, staff, room):
    items = [{"kind": "chair", "x": 0.3, "y": 1.6, "rotation": 0},
             {"kind": "chair", "x": 6, "y": 6, "rotation": 0},
             {"kind": "chair", "x": 6.2, "y": 6, "rotation": 0},
             {"kind": "chair", "x": 13, "y": 6, "rotation": 0}]
    response = client.post(f"/api/v1/rooms/{room.id}/layouts",
                           json={"name": "Bad", "style": "custom", "items": items}, headers=staff)
    assert response.status_code == 422
    assert {"blocks_exit", "items_overlap", "item_outside_room"} <= set(error_codes(response))
    assert client.get(f"/api/v1/rooms/{room.id}/layouts").get_json()["items"] == []


@pytest.mark.parametrize(("items", "code"), [
    ([{"kind": "sofa", "x": 1, "y": 1}], "unknown_kind"),
    ([{"kind": "chair", "x": 1e7, "y": 1}], "invalid_number"),
    ([{"kind": "chair", "x": 5, "y": 5, "rotation": 400}], "invalid_rotation"),
    ([{"kind": "chair", "x": 5, "y": 5}] * 10_000, "too_many_items"),
])
def test_bad_items_are_422_with_reasons(client, staff, room, items, code):
    response = client.post(f"/api/v1/rooms/{room.id}/layouts/preview",
                           json={"name": "x", "style": "custom", "items": items}, headers=staff)
    assert response.status_code == 422
    assert code in error_codes(response)


def test_preview_measures_without_saving(client, staff, room):
    response = client.post(f"/api/v1/rooms/{room.id}/layouts/preview", headers=staff,
                           json={"name": "x", "style": "theatre", "items": row_of_chairs(4)})
    body = response.get_json()
    assert body["valid"] is True and body["capacity"] == 4 and body["binding"] == "places"
    assert client.get(f"/api/v1/rooms/{room.id}/layouts").get_json()["items"] == []


def test_arrange_proposes_a_valid_layout_for_a_target(client, staff, room):
    response = client.post(f"/api/v1/rooms/{room.id}/layouts/arrange", headers=staff,
                           json={"style": "theatre", "attendees": 40})
    proposal = response.get_json()
    assert response.status_code == 200
    assert proposal["capacity"] >= 40
    saved = client.post(f"/api/v1/rooms/{room.id}/layouts", headers=staff, json={
        "name": "Theatre 40", "style": "theatre", "items": proposal["items"]})
    assert saved.status_code == 201, saved.get_json()


def test_the_svg_draws_the_layout_and_the_poster_shows_the_maximum(client, staff, room):
    layout = client.post(f"/api/v1/rooms/{room.id}/layouts", headers=staff, json={
        "name": "Row", "style": "theatre", "items": row_of_chairs(6)}).get_json()
    svg = client.get(f"/api/v1/rooms/{room.id}/layouts/{layout['id']}.svg")
    assert svg.mimetype == "image/svg+xml"
    assert svg.get_data(as_text=True).count('class="item chair"') == 6
    poster = client.get(f"/api/v1/rooms/{room.id}/layouts/{layout['id']}.svg?poster=1")
    assert "Maximum 6 persons" in poster.get_data(as_text=True)


def test_a_booking_is_held_to_its_layouts_capacity(client, staff, room):
    layout = client.post(f"/api/v1/rooms/{room.id}/layouts", headers=staff, json={
        "name": "Row", "style": "theatre", "items": row_of_chairs(6)}).get_json()
    booker, day = make_booker(), future_day(10)
    response = book(client, booker, room, local(day, 10), local(day, 12), attendees=7,
                    layout_id=layout["id"])
    assert error_codes(response) == ["capacity_exceeded"]
    assert "6" in response.get_json()["errors"][0]["message"]
    ok = book(client, booker, room, local(day, 10), local(day, 12), attendees=6,
              layout_id=layout["id"])
    assert ok.status_code == 201 and ok.get_json()["capacity"] == 6


def test_different_layouts_back_to_back_need_the_changeover_time(client, staff, room):
    first = client.post(f"/api/v1/rooms/{room.id}/layouts", headers=staff, json={
        "name": "Row", "style": "theatre", "items": row_of_chairs(6)}).get_json()
    second = client.post(f"/api/v1/rooms/{room.id}/layouts", headers=staff, json={
        "name": "Two rows", "style": "theatre",
        "items": row_of_chairs(6) + row_of_chairs(6, y=6.0)}).get_json()
    booker, day = make_booker(), future_day(10)
    assert book(client, booker, room, local(day, 10), local(day, 12), attendees=5,
                layout_id=first["id"]).status_code == 201
    assert book(client, booker, room, local(day, 12), local(day, 13), attendees=5,
                layout_id=first["id"]).status_code == 201
    clash = book(client, booker, room, local(day, 13, 15), local(day, 14), attendees=5,
                 layout_id=second["id"])
    assert clash.status_code == 409
    assert book(client, booker, room, local(day, 13, 30), local(day, 14), attendees=5,
                layout_id=second["id"]).status_code == 201


def test_the_setup_sheet_lists_the_days_layouts_and_furniture(client, staff, room):
    layout = client.post(f"/api/v1/rooms/{room.id}/layouts", headers=staff, json={
        "name": "Row", "style": "theatre", "items": row_of_chairs(6)}).get_json()
    booker, day = make_booker(), future_day(10)
    book(client, booker, room, local(day, 10), local(day, 12), attendees=5,
         layout_id=layout["id"])
    sheet = client.get(f"/api/v1/branches/{room.branch_id}/setup-sheet?date={day.isoformat()}",
                       headers=staff).get_json()
    assert [(i["room"], i["layout"], i["furniture"]) for i in sheet["items"]] == [
        ("Hall", "Row", {"chair": 6})]


def test_shrinking_a_room_reports_the_layouts_it_breaks(client, staff, room):
    client.post(f"/api/v1/rooms/{room.id}/layouts", headers=staff, json={
        "name": "Far row", "style": "theatre", "items": row_of_chairs(6, x0=8.0)})
    smaller = {"outline": rect(0, 0, 7, 9), "doors": [door(0, 1, 0, 2.2)]}
    refused = client.patch(f"/api/v1/rooms/{room.id}", json=smaller, headers=staff)
    assert refused.status_code == 409
    assert [layout["name"] for layout in refused.get_json()["report"]["layouts"]] == ["Far row"]
    forced = client.patch(f"/api/v1/rooms/{room.id}", json={**smaller, "force": True},
                          headers=staff)
    assert forced.status_code == 200
    layouts = client.get(f"/api/v1/rooms/{room.id}/layouts").get_json()["items"]
    assert [layout["valid"] for layout in layouts] == [False]
