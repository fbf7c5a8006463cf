"""Sessions that end: sign-out, a password change and "sign out everywhere" void old cookies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import g

from app.extensions import db
from tests import web_helpers
from tests.builders import PASSWORD, make_user

NEW_PASSWORD = "a brand new passphrase"


def csrf_token(client, path: str = "/signin") -> str:
    """The token ``client``'s page hands out.

    The ``app`` fixture's application context is shared by every request of the
    test, and Flask-WTF caches a request's token in ``g``; with several clients the
    cache would hand one client's token to another, so it is dropped first.
    """
    g.pop("csrf_token", None)
    return web_helpers.csrf_token(client, path)


def sign_in(client, email: str, password: str):
    return client.post(
        "/signin", data={"email": email, "password": password, "csrf_token": csrf_token(client)})


def signed_in(app, user, remember: bool = False):
    """A fresh client signed in as ``user``."""
    client = app.test_client()
    data = {"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client)}
    if remember:
        data["remember"] = "y"
    assert client.post("/signin", data=data).status_code == 302
    return client


def cookie(client, name: str) -> str:
    found = client.get_cookie(name)
    assert found is not None, f"no {name} cookie"
    return found.value


def client_with_cookie(app, name: str, value: str):
    """A fresh client holding only that one cookie, as an attacker who copied it would."""
    client = app.test_client()
    client.set_cookie(name, value)
    return client


def is_signed_in(client) -> bool:
    response = client.get("/profile")
    if response.status_code == 302:
        assert "/signin" in response.headers["Location"]
        return False
    assert response.status_code == 200
    return True


def sign_out(client) -> None:
    response = client.post("/signout", data={"csrf_token": csrf_token(client, "/profile")})
    assert response.status_code == 302


def test_an_old_session_cookie_opens_nothing_after_sign_out(app):
    client = signed_in(app, make_user())
    old = cookie(client, "session")
    assert is_signed_in(client_with_cookie(app, "session", old))
    sign_out(client)
    assert not is_signed_in(client_with_cookie(app, "session", old))
    assert not is_signed_in(client)


def test_the_remember_cookie_signs_nobody_in_after_sign_out(app):
    client = signed_in(app, make_user(), remember=True)
    remember = cookie(client, "remember_token")
    assert is_signed_in(client_with_cookie(app, "remember_token", remember))
    sign_out(client)
    assert not is_signed_in(client_with_cookie(app, "remember_token", remember))


def test_the_remember_cookie_lasts_a_month_not_a_year(app):
    client = signed_in(app, make_user(), remember=True)
    expires = client.get_cookie("remember_token").expires
    assert expires is not None
    assert expires - datetime.now(UTC) < timedelta(days=31)


def test_a_password_change_ends_every_other_session_and_keeps_this_one(app):
    user = make_user()
    here = signed_in(app, user, remember=True)
    elsewhere = signed_in(app, user)
    remembered = cookie(signed_in(app, user, remember=True), "remember_token")
    response = here.post("/profile/password", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
        "csrf_token": csrf_token(here, "/profile")})
    assert response.status_code == 302
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)
    assert not is_signed_in(client_with_cookie(app, "remember_token", remembered))
    assert is_signed_in(client_with_cookie(app, "remember_token", cookie(here, "remember_token")))
    assert sign_in(app.test_client(), user.email, PASSWORD).status_code == 401
    assert sign_in(app.test_client(), user.email, NEW_PASSWORD).status_code == 302


def test_a_wrong_current_password_changes_nothing_and_says_so_next_to_the_field(app):
    user = make_user()
    here = signed_in(app, user)
    elsewhere = signed_in(app, user)
    response = here.post("/profile/password", data={
        "current_password": "not my password", "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD, "csrf_token": csrf_token(here, "/profile")})
    assert response.status_code == 422
    assert 'id="current_password-error"' in response.get_data(as_text=True)
    assert is_signed_in(here) and is_signed_in(elsewhere)
    assert sign_in(app.test_client(), user.email, PASSWORD).status_code == 302


def test_a_too_short_new_password_is_refused_next_to_the_field(app):
    user = make_user()
    here = signed_in(app, user)
    response = here.post("/profile/password", data={
        "current_password": PASSWORD, "password": "short", "confirm": "short",
        "csrf_token": csrf_token(here, "/profile")})
    assert response.status_code == 422
    assert 'id="password-error"' in response.get_data(as_text=True)
    assert sign_in(app.test_client(), user.email, PASSWORD).status_code == 302


def test_sign_out_everywhere_from_the_profile_ends_every_session(app):
    user = make_user()
    here = signed_in(app, user)
    elsewhere = signed_in(app, user)
    remembered = cookie(signed_in(app, user, remember=True), "remember_token")
    response = here.post("/profile/signout-everywhere",
                         data={"csrf_token": csrf_token(here, "/profile")})
    assert response.status_code == 302
    assert not is_signed_in(here)
    assert not is_signed_in(elsewhere)
    assert not is_signed_in(client_with_cookie(app, "remember_token", remembered))
    assert sign_in(app.test_client(), user.email, PASSWORD).status_code == 302


def test_an_admin_signs_a_user_out_everywhere_from_the_command_line(app, runner):
    user, other = make_user(), make_user()
    theirs, bystander = signed_in(app, user), signed_in(app, other)
    result = runner.invoke(args=["users", "signout-everywhere", user.email.upper()])
    assert result.exit_code == 0, result.output
    db.session.remove()
    assert not is_signed_in(theirs)
    assert is_signed_in(bystander)


def test_signing_out_an_unknown_email_fails_clearly(app, runner):
    result = runner.invoke(args=["users", "signout-everywhere", "nobody@example.org"])
    assert result.exit_code != 0
    assert "No user" in result.output


def test_sign_in_hands_out_a_new_csrf_token_and_voids_the_old_one(app):
    user = make_user()
    client = app.test_client()
    before = csrf_token(client)
    assert sign_in(client, user.email, PASSWORD).status_code == 302
    after = csrf_token(client, "/profile")
    assert after != before
    assert client.post("/signout", data={"csrf_token": before}).status_code == 400
    assert is_signed_in(client)
    assert client.post("/signout", data={"csrf_token": after}).status_code == 302
