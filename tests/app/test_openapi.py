"""The OpenAPI description is generated from the routes and the schemas that validate them."""

from __future__ import annotations

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
