"""Authenticate, then authorise, then validate: who may not write learns nothing of the body."""

from __future__ import annotations

import re

import pytest

from tests.builders import bearer, make_room, make_token, make_user

ROOM_ID = 2_000_000_000  # no such room: access is decided before anything is looked up
OCCURRENCE = "2027-03-02T18:00:00+01:00"
WRITING_ROUTES = [
    # (method, path, who may call it)
    ("POST", "/api/v1/branches", "staff"),
    ("POST", "/api/v1/branches/{id}/closures/import", "staff"),
    ("POST", "/api/v1/rooms", "staff"),
    ("PATCH", "/api/v1/rooms/{id}", "staff"),
    ("DELETE", "/api/v1/rooms/{id}", "staff"),
    ("POST", "/api/v1/rooms/{id}/preview", "staff"),
    ("POST", "/api/v1/rooms/{id}/layouts", "staff"),
    ("POST", "/api/v1/rooms/{id}/layouts/preview", "staff"),
    ("POST", "/api/v1/rooms/{id}/layouts/arrange", "staff"),
    ("PUT", "/api/v1/layouts/{id}", "staff"),
    ("DELETE", "/api/v1/layouts/{id}", "staff"),
    ("POST", "/api/v1/bookings", "member"),
    ("POST", "/api/v1/bookings/check", "member"),
    ("PATCH", "/api/v1/bookings/{id}", "member"),
    ("DELETE", "/api/v1/bookings/{id}", "member"),
    ("PATCH", "/api/v1/bookings/{id}/occurrences/" + OCCURRENCE, "member"),
    ("DELETE", "/api/v1/bookings/{id}/occurrences/" + OCCURRENCE, "member"),
    ("POST", "/api/v1/bookings/{id}/approve", "staff"),
    ("POST", "/api/v1/bookings/{id}/reject", "staff"),
    ("POST", "/api/v1/associations", "member"),
    ("PATCH", "/api/v1/associations/{id}", "member"),
    ("POST", "/api/v1/associations/{id}/members", "member"),
    ("DELETE", "/api/v1/associations/{id}/members/{id}", "member"),
    ("POST", "/api/v1/associations/{id}/join-requests", "member"),
    ("POST", "/api/v1/associations/{id}/join-requests/{id}/accept", "member"),
    ("POST", "/api/v1/associations/{id}/join-requests/{id}/decline", "member"),
    ("POST", "/api/v1/proposals", "member"),
    ("PATCH", "/api/v1/proposals/{id}", "member"),
    ("POST", "/api/v1/proposals/{id}/support", "member"),
    ("DELETE", "/api/v1/proposals/{id}/support", "member"),
    ("POST", "/api/v1/proposals/{id}/coffee", "member"),
    ("POST", "/api/v1/proposals/{id}/state", "staff"),
    ("POST", "/api/v1/proposals/{id}/schedule", "staff"),
    ("POST", "/api/v1/bookings/{id}/exceptions", "staff"),
    ("PUT", "/api/v1/branches/{id}/after-hours/terms", "staff"),
    ("POST", "/api/v1/branches/{id}/after-hours/trusts", "staff"),
    ("DELETE", "/api/v1/after-hours/trusts/{id}", "staff"),
    ("POST", "/api/v1/after-hours/trusts/{id}/accept", "member"),
]
BODIES = [None, "{}", '{"name": 1, "unknown": true}']


def _send(client, method: str, path: str, body: str | None, headers: dict[str, str]):
    path = path.replace("{id}", str(ROOM_ID))
    if body is None:
        return client.open(path, method=method, headers=headers)
    return client.open(path, method=method, data=body,
                       headers={**headers, "Content-Type": "application/json"})


@pytest.mark.parametrize("body", BODIES)
@pytest.mark.parametrize(("method", "path", "role"), WRITING_ROUTES)
def test_anonymous_writes_are_401_whatever_the_body(client, method, path, role, body):
    response = _send(client, method, path, body, {})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert "errors" not in response.get_json()
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("body", BODIES)
@pytest.mark.parametrize(("method", "path"),
                         [(m, p) for m, p, role in WRITING_ROUTES if role == "staff"])
def test_a_member_on_a_staff_route_is_403_whatever_the_body(client, method, path, body):
    member = bearer(make_token(make_user("member")))
    response = _send(client, method, path, body, member)
    assert response.status_code == 403
    assert "errors" not in response.get_json()


def test_staff_still_get_the_fields_they_got_wrong(client):
    staff = bearer(make_token(make_user("staff")))
    response = client.patch(f"/api/v1/rooms/{make_room().id}", json={"doors": 3},
                            headers=staff)
    assert response.status_code == 400
    assert [e["field"] for e in response.get_json()["errors"]] == ["doors"]


def test_the_table_covers_every_writing_route_of_the_api(app):
    declared = {(method, path.replace(OCCURRENCE, "{id}"))
                for method, path, _ in WRITING_ROUTES}
    routes = {(method, re.sub(r"<[^>]+>", "{id}", rule.rule))
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")
              for method in rule.methods & {"POST", "PUT", "PATCH", "DELETE"}}
    assert routes == declared


def test_every_route_with_a_body_declares_who_may_send_it(app):
    for endpoint, view in app.view_functions.items():
        if getattr(view, "accepts", None) is not None:
            assert view.role in ("member", "staff"), endpoint
