"""POST /api/v1/rooms/{id}/preview: the room editor's dry run of a PATCH. It answers what
the PATCH would (the same 422s, the same report of what breaks) and writes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import OutboxMessage
from tests.booking_helpers import book, make_booker, make_hall, make_staff_headers
from tests.builders import (
    bearer,
    door,
    future_day,
    local,
    make_branch,
    make_token,
    make_user,
    rect,
)
from tests.layout_helpers import room_with_layouts


@pytest.fixture
def staff(app):
    return make_staff_headers()


@pytest.fixture
def branch(app):
    return make_branch()


def _outbox_size() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def test_the_preview_reports_what_the_patch_would_refuse_and_changes_nothing(client, staff,
                                                                             branch):
    hall = make_hall(branch)
    day = future_day(10)
    assert book(client, make_booker(), hall.hall, local(day, 10), local(day, 12)).status_code \
        == 201
    later = book(client, make_booker(), hall.beside, local(day, 10), local(day, 12)).get_json()
    widened = {"outline": rect(16, 0, 24, 5), "doors": [door(19, 5, 20, 5, 0.9)]}
    mails_before = _outbox_size()

    preview = client.post(f"/api/v1/rooms/{hall.beside.id}/preview", json=widened,
                          headers=staff)
    refused = client.patch(f"/api/v1/rooms/{hall.beside.id}", json=widened, headers=staff)

    assert preview.status_code == 200, preview.get_json()
    answer = preview.get_json()
    assert answer["breaks"] is True
    assert answer["area_m2"] == 40.0
    assert answer["report"] == refused.get_json()["report"]
    assert [b["booking_id"] for b in answer["report"]["bookings"]] == [later["id"]]
    assert answer["report"]["bookings"][0]["outcome"] == "cancel"
    room = client.get(f"/api/v1/rooms/{hall.beside.id}").get_json()
    assert room["outline"] == rect(18, 0, 24, 5) and room["area_m2"] == 30.0
    booking = client.get(f"/api/v1/bookings/{later['id']}", headers=staff).get_json()
    assert booking["status"] == "confirmed"
    assert _outbox_size() == mails_before


def test_a_harmless_change_previews_its_new_area_and_breaks_nothing(client, staff, branch):
    hall = make_hall(branch)
    narrower = {"outline": rect(19, 0, 24, 5), "doors": [door(19.5, 5, 20.5, 5, 0.9)]}
    preview = client.post(f"/api/v1/rooms/{hall.beside.id}/preview", json=narrower,
                          headers=staff)
    assert preview.status_code == 200, preview.get_json()
    assert preview.get_json()["breaks"] is False
    assert preview.get_json()["area_m2"] == 25.0
    assert preview.get_json()["report"] == {"layouts": [], "bookings": []}
    assert client.get(f"/api/v1/rooms/{hall.beside.id}").get_json()["area_m2"] == 30.0


def test_a_room_shrunk_under_its_layout_names_the_layout_and_the_booking_that_loses_its_fit(
        client, staff, branch):
    room = room_with_layouts(branch, "Theatre", [40])
    layout = client.get(f"/api/v1/rooms/{room.id}/layouts").get_json()["items"][0]
    day = future_day(12)
    booker = make_booker()
    booked = book(client, booker, room, local(day, 18), local(day, 20), attendees=30,
                  layout_id=layout["id"])
    assert booked.status_code == 201, booked.get_json()
    shrunk = {"outline": rect(0, 0, 8, 12), "doors": [door(0, 1, 0, 2.2), door(8, 1, 8, 2.2)]}
    preview = client.post(f"/api/v1/rooms/{room.id}/preview", json=shrunk, headers=staff)
    answer = preview.get_json()
    assert answer["breaks"] is True
    assert answer["report"]["layouts"] == [{"id": layout["id"], "name": "40 chairs"}]
    [misfit] = answer["report"]["bookings"]
    assert misfit["booking_id"] == booked.get_json()["id"] and misfit["outcome"] == "flag"
    assert misfit["title"] and misfit["association"] == booker.association.name
    assert client.get(f"/api/v1/layouts/{layout['id']}").get_json() == layout
    assert client.get(f"/api/v1/rooms/{room.id}").get_json()["area_m2"] == 192.0


@pytest.mark.parametrize(("changes", "field"), [
    ({"outline": {"type": "Polygon", "coordinates": [[[0, 0], [4, 4], [4, 0], [0, 4],
                                                      [0, 0]]]}}, "outline"),
    ({"doors": [door(3, 3, 4, 3)]}, "doors[0]"),
    ({"obstacles": [rect(30, 30, 31, 31)]}, "obstacles[0]"),
])
def test_bad_shapes_get_the_same_422_from_the_preview_as_from_the_patch(client, staff, branch,
                                                                        changes, field):
    hall = make_hall(branch)
    preview = client.post(f"/api/v1/rooms/{hall.beside.id}/preview", json=changes,
                          headers=staff)
    patch = client.patch(f"/api/v1/rooms/{hall.beside.id}", json=changes, headers=staff)
    assert preview.status_code == patch.status_code == 422
    assert preview.get_json()["errors"] == patch.get_json()["errors"]
    assert preview.get_json()["errors"][0]["field"] == field


def test_only_staff_may_preview_a_room_change(client, branch):
    hall = make_hall(branch)
    body = {"outline": rect(18, 0, 23, 5)}
    path = f"/api/v1/rooms/{hall.beside.id}/preview"
    assert client.post(path, json=body).status_code == 401
    member = bearer(make_token(make_user("member")))
    assert client.post(path, json=body, headers=member).status_code == 403
    assert client.post("/api/v1/rooms/99999/preview", json=body,
                       headers=make_staff_headers()).status_code == 404


def test_a_dry_run_inside_a_unit_of_work_is_refused_rather_than_undo_the_unit(app):
    from app.db import dry_run, unit_of_work

    with pytest.raises(RuntimeError, match="inside a unit of work"), unit_of_work(), dry_run():
        pass
