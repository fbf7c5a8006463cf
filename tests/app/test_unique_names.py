"""Unique names: the same however typed, on both databases, and a 409 to the loser of a race."""

from __future__ import annotations

import threading

import pytest

from app.models.names import name_key
from app.services import associations, branches
from tests.builders import ALL_WEEK, bearer, make_association, make_token, make_user


def test_the_name_key_folds_case_width_and_spaces():
    assert name_key("ÀB dup") == name_key("àb dup") == name_key("  ÀB   DUP ") == "àb dup"
    assert name_key("Ｃｈｅｓｓ ｃｌｕｂ") == name_key("chess club")
    assert name_key("Straße") == name_key("STRASSE")
    assert name_key("A\u0300B") == name_key("ÀB")
    assert name_key("Chess club") != name_key("Chess club 2")


def _branch_body(name: str) -> dict:
    return {"name": name, "timezone": "Europe/Copenhagen", "opening_hours": ALL_WEEK}


@pytest.mark.parametrize("second", ["àb dup", "ÀB  DUP", " àb\tdup ", "A\u0300B dup"])
def test_a_non_ascii_association_name_is_taken_whatever_its_case(client, second):
    headers = bearer(make_token(make_user()))
    first = client.post("/api/v1/associations", json={"name": "ÀB dup"}, headers=headers)
    assert first.status_code == 201
    again = client.post("/api/v1/associations", json={"name": second}, headers=headers)
    assert again.status_code == 409
    assert again.get_json()["errors"][0]["field"] == "name"


@pytest.mark.parametrize("second", ["àb dup", "ÀB  DUP", "ÀＢ dup"])
def test_a_non_ascii_branch_name_is_taken_whatever_its_case(client, second):
    headers = bearer(make_token(make_user("staff")))
    first = client.post("/api/v1/branches", json=_branch_body("ÀB dup"), headers=headers)
    assert first.status_code == 201
    again = client.post("/api/v1/branches", json=_branch_body(second), headers=headers)
    assert again.status_code == 409
    assert again.get_json()["errors"][0]["field"] == "name"


def test_renaming_an_association_onto_another_name_is_409(client):
    admin = make_user()
    make_association().name = "ÉTÉ club"
    from app.extensions import db

    db.session.commit()
    mine = make_association(admin)
    response = client.patch(f"/api/v1/associations/{mine.id}", json={"name": "été CLUB"},
                            headers=bearer(make_token(admin)))
    assert response.status_code == 409
    assert response.get_json()["errors"][0]["field"] == "name"


@pytest.mark.parametrize("kind", ["association", "branch"])
def test_the_database_refuses_a_duplicate_the_check_missed_with_a_409(client, monkeypatch,
                                                                     kind):
    """Two requests that both passed the check before either wrote: the unique index decides."""
    if kind == "association":
        monkeypatch.setattr(associations, "_ensure_name_free", lambda name: None)
        path, body, role = "/api/v1/associations", {"name": "ÀB dup"}, "member"
        second = {"name": "àb DUP"}
    else:
        monkeypatch.setattr(branches, "name_key", lambda name: "never matches")
        path, body, role = "/api/v1/branches", _branch_body("ÀB dup"), "staff"
        second = _branch_body("àb DUP")
    headers = bearer(make_token(make_user(role)))
    assert client.post(path, json=body, headers=headers).status_code == 201
    response = client.post(path, json=second, headers=headers)
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["errors"] == [{
        "field": "name", "code": "already_exists",
        "message": f"Another {kind} already has that name."}]


@pytest.mark.parametrize("kind", ["association", "branch"])
def test_concurrent_creates_of_one_name_give_one_201_and_409s(app, kind):
    """Eight threads, eight sessions, released together: one wins, the others get a 409."""
    role = "member" if kind == "association" else "staff"
    tokens = [make_token(make_user(role)) for _ in range(8)]
    path = "/api/v1/associations" if kind == "association" else "/api/v1/branches"
    spellings = ["Racing club", "racing CLUB", "RACING  club", "Racing club"]
    start = threading.Barrier(len(tokens))
    results: list[object] = []

    def create(index: int, token: str) -> None:
        name = spellings[index % len(spellings)]
        body = {"name": name} if kind == "association" else _branch_body(name)
        client = app.test_client()
        start.wait()
        try:
            response = client.post(path, json=body, headers=bearer(token))
            results.append((response.status_code, response.get_json()))
        except Exception as error:  # a 500 propagates in testing: record it as a failure
            results.append((500, repr(error)))

    threads = [threading.Thread(target=create, args=(i, t)) for i, t in enumerate(tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [409] * (len(tokens) - 1), results
    for status, body in results:
        if status == 409:
            assert body["errors"][0]["field"] == "name"
