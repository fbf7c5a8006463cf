"""Bearer tokens: shown once, stored hashed, revocable; anything else is a 401."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import ApiToken
from app.services.tokens import hash_token
from tests.builders import bearer, make_token, make_user


def test_a_valid_token_authenticates_the_request(client):
    user = make_user()
    response = client.get("/api/v1/me", headers=bearer(make_token(user)))
    assert response.status_code == 200
    assert response.get_json()["email"] == user.email


def test_only_the_hash_of_a_token_is_stored(client):
    plain = make_token(make_user())
    stored = db.session.scalar(select(ApiToken))
    assert stored.token_hash == hash_token(plain)
    assert plain not in (stored.token_hash, stored.prefix)


def test_a_revoked_token_gets_401(client, runner):
    user = make_user()
    plain = make_token(user)
    token_id = db.session.scalar(select(ApiToken.id))
    result = runner.invoke(args=["tokens", "revoke", str(token_id)])
    assert result.exit_code == 0, result.output
    response = client.get("/api/v1/me", headers=bearer(plain))
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_malformed_or_unknown_tokens_get_401(client):
    make_token(make_user())
    for header in ("Bearer", "Bearer nonsense", "Basic dXNlcjpwYXNz", "Bearer agora_" + "x" * 43,
                   "Token agora_abc"):
        response = client.get("/api/v1/me", headers={"Authorization": header})
        assert response.status_code == 401, header


def test_a_bad_token_is_refused_even_on_a_public_endpoint(client):
    assert client.get("/api/v1/branches").status_code == 200
    response = client.get("/api/v1/branches", headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401


def test_token_requests_need_no_csrf_token(client):
    user = make_user()
    response = client.post("/api/v1/associations", json={"name": "Go Club"},
                           headers=bearer(make_token(user)))
    assert response.status_code == 201


def test_cli_prints_the_token_alone_on_the_last_line(client, runner):
    user = make_user()
    result = runner.invoke(args=["tokens", "create", user.email.upper()])
    assert result.exit_code == 0, result.output
    plain = result.output.strip().splitlines()[-1]
    assert client.get("/api/v1/me", headers=bearer(plain)).get_json()["id"] == user.id


def test_cli_refuses_a_token_for_an_unknown_user(runner):
    result = runner.invoke(args=["tokens", "create", "ghost@example.org"])
    assert result.exit_code != 0
    assert "No user with e-mail ghost@example.org" in result.output
