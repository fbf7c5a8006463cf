"""Sign-up, sign-in and sign-out through the pages, with CSRF."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import User
from tests.builders import PASSWORD, make_user
from tests.web_helpers import csrf_token, sign_in


def sign_up(client, email: str, password: str = PASSWORD, confirm: str | None = None):
    return client.post("/signup", data={
        "name": "Mette Holm", "email": email, "password": password,
        "confirm": confirm if confirm is not None else password,
        "csrf_token": csrf_token(client, "/signup"),
    })


def test_sign_up_creates_a_member_and_signs_them_in(client):
    response = sign_up(client, "Mette@Example.org")
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "mette@example.org"))
    assert user is not None and user.role == "member"
    assert user.password_hash.startswith("$argon2id$")
    assert client.get("/api/v1/me").get_json()["email"] == "mette@example.org"


def test_sign_up_refuses_an_email_that_differs_only_in_case(client):
    make_user(email="jonas@example.org")
    response = sign_up(client, "JONAS@example.ORG")
    assert response.status_code == 422
    assert "already exists" in response.get_data(as_text=True)
    count = db.session.scalar(
        select(func.count()).select_from(User).where(func.lower(User.email) == "jonas@example.org")
    )
    assert count == 1


def test_sign_up_explains_a_short_password_next_to_the_field(client):
    response = sign_up(client, "short@example.org", password="short")
    assert response.status_code == 422
    assert 'id="password-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "short@example.org")) is None


def test_sign_in_with_the_right_password_starts_a_session(client):
    user = make_user(email="aisha@example.org")
    response = sign_in(client, "AISHA@example.org", PASSWORD)
    assert response.status_code == 302
    assert client.get("/api/v1/me").get_json()["id"] == user.id


def test_wrong_password_and_unknown_email_get_the_same_generic_error(client):
    make_user(email="omar@example.org")
    wrong = sign_in(client, "omar@example.org", "not the password")
    unknown = sign_in(client, "nobody@example.org", "not the password")
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "E-mail or password is not right." in response.get_data(as_text=True)
    assert client.get("/api/v1/me").status_code == 401


def test_sign_out_ends_the_session(client):
    make_user(email="line@example.org")
    sign_in(client, "line@example.org", PASSWORD)
    response = client.post("/signout", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302
    assert client.get("/api/v1/me").status_code == 401


def test_a_form_post_without_csrf_token_is_refused_with_400(client):
    make_user(email="peter@example.org")
    response = client.post("/signin", data={"email": "peter@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "Form expired or forged" in response.get_data(as_text=True)
    assert client.get("/api/v1/me").status_code == 401


def test_signing_out_needs_a_csrf_token(client):
    make_user(email="karen@example.org")
    sign_in(client, "karen@example.org", PASSWORD)
    assert client.post("/signout").status_code == 400
    assert client.get("/api/v1/me").status_code == 200


def test_session_api_writes_need_the_csrf_header(client):
    make_user(email="ali@example.org")
    sign_in(client, "ali@example.org", PASSWORD)
    body = {"name": "Backgammon Club"}
    assert client.post("/api/v1/associations", json=body).status_code == 400
    token = csrf_token(client, "/")
    response = client.post("/api/v1/associations", json=body, headers={"X-CSRFToken": token})
    assert response.status_code == 201


def test_sign_in_does_not_follow_a_next_link_to_another_site(client):
    make_user(email="bent@example.org")
    token = csrf_token(client)
    response = client.post(
        "/signin?next=//evil.example/steal",
        data={"email": "bent@example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_session_cookie_is_http_only_and_lax(client):
    make_user(email="hanne@example.org")
    response = sign_in(client, "hanne@example.org", PASSWORD)
    cookie = next(v for k, v in response.headers.items()
                  if k == "Set-Cookie" and v.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
