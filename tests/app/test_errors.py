"""Errors: problem+json for the API, friendly pages elsewhere, never a traceback."""

from __future__ import annotations

from tests.builders import bearer, make_token, make_user


def test_api_errors_are_problem_json(client):
    response = client.get("/api/v1/branches/999")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert set(body) >= {"type", "title", "status", "detail"}
    assert body["status"] == 404


def test_unknown_api_path_is_problem_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_wrong_method_is_405_with_allow(client):
    response = client.put("/api/v1/branches")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_page_errors_are_friendly_html(client):
    response = client.get("/rooms/424242")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "Back to the home page" in response.get_data(as_text=True)


def test_malformed_json_is_400(client):
    token = make_token(make_user())
    response = client.post("/api/v1/associations", data="{not json",
                           headers={**bearer(token), "Content-Type": "application/json"})
    assert response.status_code == 400
    assert "not valid JSON" in response.get_json()["detail"]


def test_non_finite_numbers_are_refused(client):
    token = make_token(make_user("staff"))
    prefix = '{"name": "x", "timezone": "UTC", "opening_hours": {}, "quota_hours_per_week": '
    for raw in (prefix + "NaN}", prefix + "1e400}", prefix + "-Infinity}"):
        response = client.post("/api/v1/branches", data=raw,
                               headers={**bearer(token), "Content-Type": "application/json"})
        assert response.status_code == 400, raw


def test_body_over_the_size_limit_is_413(client):
    token = make_token(make_user())
    response = client.post("/api/v1/associations", data="x" * (2 * 1024 * 1024),
                           headers={**bearer(token), "Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"


def test_an_unexpected_error_is_a_500_without_traceback(app, client):
    @app.get("/api/v1/explode")
    def explode():
        raise RuntimeError("secret internals")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/api/v1/explode")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "secret internals" not in text and "Traceback" not in text
    assert response.get_json()["detail"].startswith("Something went wrong")


def test_json_must_be_sent_as_json(client):
    token = make_token(make_user())
    response = client.post("/api/v1/associations", data="name=x", headers=bearer(token))
    assert response.status_code == 400
