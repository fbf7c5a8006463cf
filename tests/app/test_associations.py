"""Associations: created by members, verified by staff, run by their admins."""

from __future__ import annotations

from tests.builders import bearer, make_token, make_user


def create(client, token, **body):
    return client.post("/api/v1/associations", json={"name": "Chess club", **body},
                       headers=bearer(token))


def test_a_new_association_is_unverified_and_its_creator_is_admin(client):
    creator = make_user()
    response = create(client, make_token(creator), description="Tuesdays",
                      website="https://chess.example.org")
    assert response.status_code == 201
    body = response.get_json()
    assert body["verified"] is False
    assert body["members"] == [{"user_id": creator.id, "email": creator.email,
                                "name": creator.name, "role": "admin"}]
    assert body["website"] == "https://chess.example.org/"


def test_names_are_unique_regardless_of_case(client):
    token = make_token(make_user())
    assert create(client, token).status_code == 201
    response = create(client, token, name="CHESS CLUB")
    assert response.status_code == 409
    assert response.get_json()["errors"][0]["field"] == "name"


def test_staff_verify_and_members_cannot(client):
    creator_token = make_token(make_user())
    association_id = create(client, creator_token).get_json()["id"]
    path = f"/api/v1/associations/{association_id}"
    assert client.patch(path, json={"verified": True},
                        headers=bearer(creator_token)).status_code == 403
    staff_token = make_token(make_user("staff"))
    response = client.patch(path, json={"verified": True}, headers=bearer(staff_token))
    assert response.status_code == 200
    assert client.get(path).get_json()["verified"] is True


def test_admin_adds_members_by_email_and_they_see_no_admin_powers(client):
    admin_token = make_token(make_user())
    member = make_user(email="jonas@example.org")
    association_id = create(client, admin_token).get_json()["id"]
    response = client.post(f"/api/v1/associations/{association_id}/members",
                           json={"email": "JONAS@example.org"}, headers=bearer(admin_token))
    assert response.status_code == 201
    roles = {m["email"]: m["role"] for m in response.get_json()["members"]}
    assert roles["jonas@example.org"] == "member"
    member_token = make_token(member)
    denied = client.post(f"/api/v1/associations/{association_id}/members",
                         json={"email": "someone@example.org"}, headers=bearer(member_token))
    assert denied.status_code == 403


def test_adding_an_unknown_email_explains_what_to_do(client):
    admin_token = make_token(make_user())
    association_id = create(client, admin_token).get_json()["id"]
    response = client.post(f"/api/v1/associations/{association_id}/members",
                           json={"email": "ghost@example.org"}, headers=bearer(admin_token))
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["code"] == "unknown_user"


def test_member_emails_are_shown_only_to_admins_and_staff(client):
    admin_token = make_token(make_user())
    association_id = create(client, admin_token).get_json()["id"]
    public = client.get(f"/api/v1/associations/{association_id}").get_json()
    assert "members" not in public and "contact_email" not in public
    assert public["member_count"] == 1
    outsider = client.get(f"/api/v1/associations/{association_id}",
                          headers=bearer(make_token(make_user()))).get_json()
    assert "members" not in outsider


def test_the_last_admin_cannot_leave(client):
    creator = make_user()
    token = make_token(creator)
    association_id = create(client, token).get_json()["id"]
    response = client.delete(f"/api/v1/associations/{association_id}/members/{creator.id}",
                             headers=bearer(token))
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["code"] == "last_admin"


def test_bad_association_input_gets_400_with_the_fields(client):
    token = make_token(make_user())
    response = client.post("/api/v1/associations",
                           json={"name": "", "website": "not a url", "colour": "red"},
                           headers=bearer(token))
    assert response.status_code == 400
    fields = {e["field"] for e in response.get_json()["errors"]}
    assert {"name", "website", "colour"} <= fields


def test_list_is_paginated_with_a_cursor(client):
    token = make_token(make_user())
    for n in range(5):
        create(client, token, name=f"Club {n}")
    first = client.get("/api/v1/associations?limit=2").get_json()
    assert [a["name"] for a in first["items"]] == ["Club 0", "Club 1"]
    second = client.get(f"/api/v1/associations?limit=2&cursor={first['next_cursor']}").get_json()
    assert [a["name"] for a in second["items"]] == ["Club 2", "Club 3"]
    last = client.get(f"/api/v1/associations?limit=2&cursor={second['next_cursor']}").get_json()
    assert [a["name"] for a in last["items"]] == ["Club 4"] and last["next_cursor"] is None
    assert client.get("/api/v1/associations?cursor=garbage").status_code == 400
