"""Floor plans: every room of a floor drawn and linked, halves inside their hall, today's state."""

from __future__ import annotations

import re

import pytest

from tests.app.test_week_grid import occurrence_reads
from tests.booking_helpers import book, make_booker, make_hall, make_staff_headers
from tests.builders import future_day, make_branch, make_room, rect, tonight


@pytest.fixture
def hall(app):
    branch = make_branch()
    return make_hall(branch, lead_hours=0)


def _plan_svg(html: str) -> str:
    match = re.search(r'<svg class="floor-plan-svg".*?</svg>', html, re.S)
    assert match, "no floor plan on the page"
    return match.group(0)


def test_the_plan_links_every_room_of_the_floor(client, hall):
    svg = _plan_svg(client.get("/rooms").get_data(as_text=True))
    for room in (hall.hall, hall.half_a, hall.half_b, hall.beside):
        assert f'href="/rooms/{room.id}"' in svg
        assert f"<title>{room.name}: free for the rest of today</title>" in svg
    assert svg.count("<a ") == 4


def test_the_hall_holds_its_halves_and_they_are_drawn_as_its_parts(client, hall):
    body = client.get(f"/api/v1/branches/{hall.hall.branch_id}/floors").get_json()
    rooms = {room["id"]: room for room in body["floors"][0]["rooms"]}
    assert rooms[hall.hall.id]["part_ids"] == sorted([hall.half_a.id, hall.half_b.id])
    assert rooms[hall.half_a.id]["whole_id"] == hall.hall.id
    assert rooms[hall.half_b.id]["whole_id"] == hall.hall.id
    assert rooms[hall.beside.id]["whole_id"] is None
    assert rooms[hall.beside.id]["part_ids"] == []
    # The whole is drawn first, so its parts lie on top of it.
    order = list(rooms)
    assert order.index(hall.hall.id) < min(order.index(hall.half_a.id), order.index(hall.half_b.id))
    svg = _plan_svg(client.get("/rooms").get_data(as_text=True))
    assert re.search(rf'class="[^"]*plan-part[^"]*" data-room-id="{hall.half_a.id}"', svg)
    assert re.search(rf'class="[^"]*plan-whole[^"]*" data-room-id="{hall.hall.id}"', svg)


def test_a_booking_of_the_hall_today_makes_its_halves_busy(client, hall):
    start, end = tonight()
    booker = make_booker()
    response = book(client, booker, hall.hall, start, end, title="Secret chess society",
                    headers=make_staff_headers())
    assert response.status_code == 201, response.get_json()
    body = client.get(f"/api/v1/branches/{hall.hall.branch_id}/floors").get_json()
    states = {room["id"]: room["state"] for room in body["floors"][0]["rooms"]}
    assert states[hall.hall.id] in ("busy", "later")
    assert states[hall.half_a.id] == states[hall.half_b.id] == states[hall.hall.id]
    assert states[hall.beside.id] == "free"
    page = client.get("/rooms").get_data(as_text=True)
    wanted = "busy now" if states[hall.hall.id] == "busy" else "booked later today"
    assert f"<title>{hall.half_a.name}: {wanted}</title>" in page


def test_private_titles_never_appear_on_the_plan(client, hall):
    start, end = tonight()
    booker = make_booker()
    assert book(client, booker, hall.half_a, start, end, title="Secret chess society",
                public=False, headers=make_staff_headers()).status_code == 201
    page = client.get("/rooms").get_data(as_text=True)
    assert f'data-room-id="{hall.half_a.id}"' in _plan_svg(page)
    assert "Secret chess society" not in page
    answer = client.get(f"/api/v1/branches/{hall.hall.branch_id}/floors")
    states = {room["name"]: room["state"] for room in answer.get_json()["floors"][0]["rooms"]}
    assert states[hall.half_a.name] in ("busy", "later")
    assert "Secret chess society" not in answer.get_data(as_text=True)


def test_the_api_answers_each_floor_with_outlines(client, app):
    branch = make_branch()
    ground = make_room(branch, rect(0, 0, 6, 4), name="Study")
    upstairs = make_room(branch, rect(0, 0, 8, 5), name="Loft", floor="First floor")
    answer = client.get(f"/api/v1/branches/{branch.id}/floors")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["branch_id"] == branch.id
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", body["day"])
    floors = {floor["name"]: floor for floor in body["floors"]}
    assert [r["id"] for r in floors["Ground floor"]["rooms"]] == [ground.id]
    assert [r["id"] for r in floors["First floor"]["rooms"]] == [upstairs.id]
    assert floors["First floor"]["rooms"][0]["outline"] == upstairs.outline
    assert floors["First floor"]["rooms"][0]["state"] == "free"


def test_an_unknown_branch_has_no_floors(client, app):
    answer = client.get("/api/v1/branches/999999/floors")
    assert answer.status_code == 404
    assert answer.headers["Content-Type"].startswith("application/problem+json")
    assert answer.get_json()["detail"] == "No branch 999999."


def test_the_rooms_page_reads_occurrences_once_for_every_branch(client, hall):
    other = make_hall(make_branch(timezone="America/New_York"), lead_hours=0)
    start, end = tonight()
    booker = make_booker()
    staff = make_staff_headers()
    for room in (hall.half_a, hall.beside, other.hall):
        assert book(client, booker, room, start, end, headers=staff).status_code == 201
    assert occurrence_reads(client, "/rooms") == 1
    page = client.get("/rooms").get_data(as_text=True)
    assert page.count('<svg class="floor-plan-svg"') == 2


def test_todays_branch_day_shows_the_plans_and_another_day_does_not(client, hall):
    path = f"/branches/{hall.hall.branch_id}/day"
    today = client.get(path).get_data(as_text=True)
    assert f'data-room-id="{hall.half_b.id}"' in _plan_svg(today)
    later = client.get(path, query_string={"day": future_day(3).isoformat()})
    assert "floor-plan-svg" not in later.get_data(as_text=True)
