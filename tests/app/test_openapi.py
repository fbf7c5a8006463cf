"""The OpenAPI description is generated from the routes and the schemas that validate them."""

from __future__ import annotations

import pytest

from app.api.schemas import BookingIn


def test_every_api_route_is_described(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    described = {(path, method) for path, ops in document["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi":
            path = rule.rule.removeprefix("/api/v1")
            for name in rule.arguments:
                path = path.replace(f"<int:{name}>", f"{{{name}}}")
                path = path.replace(f"<path:{name}>", f"{{{name}}}")
                path = path.replace(f"<{name}>", f"{{{name}}}")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (path, method.lower()) in described, (path, method)


def test_the_booking_body_is_the_schema_that_validates_it(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/bookings"]["post"]
    reference = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert reference == "#/components/schemas/BookingIn"
    schema = document["components"]["schemas"]["BookingIn"]
    assert set(schema["required"]) == {
        name for name, field in BookingIn.model_fields.items() if field.is_required()}
    assert schema["properties"]["attendees"]["minimum"] == 1
    assert schema["additionalProperties"] is False


def test_path_parameters_are_declared(client):
    document = client.get("/api/v1/openapi.json").get_json()
    parameters = document["paths"]["/rooms/{room_id}/availability"]["get"]["parameters"]
    names = {(p["name"], p["in"]) for p in parameters}
    assert {("room_id", "path"), ("start", "query"), ("end", "query")} <= names


MAX_ID = 2**31 - 1


def _operations(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_every_operation_describes_its_success_answers(client):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    for path, method, operation in _operations(document):
        successes = {code: answer for code, answer in operation["responses"].items()
                     if code.startswith("2")}
        assert successes, (path, method)
        for code, answer in successes.items():
            if code == "204":
                assert "content" not in answer, (path, method)
                continue
            for media_type, content in answer["content"].items():
                assert content.get("schema"), (path, method, code)
                if media_type == "application/json":
                    name = content["schema"]["$ref"].rsplit("/", 1)[1]
                    assert schemas[name]["properties"], (path, method, name)


@pytest.mark.parametrize(("path", "method", "code", "model"), [
    ("/bookings", "post", "201", "BookingCreated"),
    ("/rooms", "post", "201", "RoomOut"),
    ("/rooms/{room_id}/layouts", "post", "201", "LayoutOut"),
    ("/branches", "post", "201", "BranchOut"),
    ("/associations", "post", "201", "AssociationOut"),
    ("/associations/{association_id}/members", "post", "201", "AssociationOut"),
    ("/bookings/{booking_id}", "get", "200", "BookingOut"),
    ("/bookings", "get", "200", "Page_BookingOut"),
    ("/rooms/{room_id}", "patch", "200", "RoomChanged"),
])
def test_answers_are_documented_with_their_status_and_model(client, path, method, code, model):
    document = client.get("/api/v1/openapi.json").get_json()
    responses = document["paths"][path][method]["responses"]
    assert set(responses) - {"default"} == {code}
    schema = responses[code]["content"]["application/json"]["schema"]
    assert schema == {"$ref": f"#/components/schemas/{model}"}


@pytest.mark.parametrize(("path", "method"), [
    ("/rooms/{room_id}", "delete"),
    ("/layouts/{layout_id}", "delete"),
    ("/associations/{association_id}/members/{user_id}", "delete"),
])
def test_deletes_without_a_body_are_documented_as_204(client, path, method):
    document = client.get("/api/v1/openapi.json").get_json()
    responses = document["paths"][path][method]["responses"]
    assert set(responses) == {"204", "default"}
    assert "content" not in responses["204"]


def test_the_closures_import_documents_201_and_200_and_its_calendar_body(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/branches/{branch_id}/closures/import"]["post"]
    assert {"200", "201"} <= set(operation["responses"])
    assert "text/calendar" in operation["requestBody"]["content"]


def test_path_ids_are_integers_within_the_id_columns(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path, method, operation in _operations(document):
        for parameter in operation["parameters"]:
            if parameter["in"] == "path" and parameter["name"].endswith("_id"):
                assert parameter["schema"] == {
                    "type": "integer", "minimum": 1, "maximum": MAX_ID}, (path, method)


def test_query_parameters_have_their_types_and_bounds(client):
    document = client.get("/api/v1/openapi.json").get_json()

    def parameters(path, method="get"):
        return {p["name"]: p for p in document["paths"][path][method]["parameters"]
                if p["in"] == "query"}

    for path in ("/rooms", "/branches", "/associations", "/bookings", "/bookings/pending"):
        limit = parameters(path)["limit"]
        assert limit["schema"] == {"type": "integer", "minimum": 1, "maximum": 200}, path
        assert parameters(path)["cursor"]["schema"] == {"type": "string"}, path
    assert parameters("/rooms")["branch_id"]["schema"] == {
        "type": "integer", "minimum": 1, "maximum": MAX_ID}
    window = parameters("/rooms/{room_id}/availability")
    for name in ("start", "end"):
        assert window[name]["required"] is True
        assert window[name]["schema"] == {"type": "string", "format": "date-time"}
    assert parameters("/search")["attendees"]["schema"]["type"] == "integer"
    assert parameters("/branches/{branch_id}/setup-sheet")["date"]["required"] is True
    for method in ("patch", "delete"):
        scope = parameters("/bookings/{booking_id}/occurrences/{start}", method)["scope"]
        assert scope["schema"]["enum"] == ["this", "following"], method


def test_request_integers_are_json_schema_integers(client):
    document = client.get("/api/v1/openapi.json").get_json()
    booking = document["components"]["schemas"]["BookingIn"]["properties"]
    assert booking["attendees"]["type"] == "integer"
    assert booking["room_id"]["type"] == "integer"
