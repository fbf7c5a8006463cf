"""The OpenAPI 3.1 description, generated from the routes and the schemas that validate them.

A view declares its body with ``@accepts(Schema)``: the decorator validates the
request with that schema and hands the view the result, and this module reads
the same schema back out. There is no second description to drift.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any, Literal

from flask import Flask, current_app, jsonify

from app.api import bp
from app.api.access import signed_in_user, staff_user
from app.api.request import parse_body

PROBLEM = {"$ref": "#/components/schemas/Problem"}
PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"},
        "status": {"type": "integer"}, "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object", "properties": {
            "field": {"type": "string"}, "code": {"type": "string"},
            "message": {"type": "string"}}}},
        "conflicts": {"type": "array", "items": {"$ref": "#/components/schemas/Span"}},
        "suggestions": {"type": "array", "items": {"$ref": "#/components/schemas/Span"}},
    },
    "required": ["type", "title", "status"],
}
SPAN_SCHEMA = {"type": "object", "properties": {
    "room_id": {"type": "integer"}, "start": {"type": "string", "format": "date-time"},
    "end": {"type": "string", "format": "date-time"}}}


ROLE_GUARDS: dict[str, Callable[[], Any]] = {"member": signed_in_user, "staff": staff_user}


def accepts(schema: type, *, role: Literal["member", "staff"]) -> Callable:
    """Check the caller has ``role``, then validate the JSON body with ``schema`` as ``body``.

    Authenticate, authorise, then validate: an anonymous caller gets 401 and a member on
    a staff route 403 before the body is read, so neither learns the schema's fields.
    ``role`` is required: a route cannot take a body without saying who may send it.
    Finer checks (the booking's owner, the association's admins) stay in the services.
    """
    guard = ROLE_GUARDS[role]

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            guard()
            return view(*args, body=parse_body(schema), **kwargs)

        wrapper.accepts = schema  # type: ignore[attr-defined]
        wrapper.role = role  # type: ignore[attr-defined]
        return wrapper

    return decorate


def query(**params: str) -> Callable:
    """Document the query parameters a view reads (name -> description)."""

    def decorate(view: Callable) -> Callable:
        view.query_params = params  # type: ignore[attr-defined]
        return view

    return decorate


def describe(app: Flask) -> dict[str, Any]:
    """The OpenAPI document of every ``/api/v1`` route of the app."""
    paths: dict[str, dict[str, Any]] = {}
    schemas: dict[str, Any] = {"Problem": PROBLEM_SCHEMA, "Span": SPAN_SCHEMA}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.endpoint.startswith("api.") or rule.endpoint == "api.openapi":
            continue
        view = app.view_functions[rule.endpoint]
        path = _openapi_path(rule.rule.removeprefix("/api/v1"))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(rule, view, method, schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Agora API", "version": "1.0.0",
                 "description": "Room booking and layouts for public libraries. Times are "
                                "RFC 3339 with an offset; geometry is GeoJSON in metres."},
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
        },
        "security": [{}, {"bearer": []}, {"session": []}],
    }


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def _operation(rule: Any, view: Callable, method: str, schemas: dict) -> dict[str, Any]:
    doc = (view.__doc__ or "").strip()
    operation: dict[str, Any] = {
        "operationId": f"{rule.endpoint.removeprefix('api.')}_{method.lower()}",
        "summary": doc.splitlines()[0] if doc else rule.endpoint,
        "parameters": [
            {"name": name, "in": "path", "required": True,
             "schema": {"type": "integer" if conv == "int" else "string"}}
            for name, conv in _path_params(rule.rule)
        ] + [
            {"name": name, "in": "query", "required": False, "description": text,
             "schema": {"type": "string"}}
            for name, text in getattr(view, "query_params", {}).items()
        ],
        "responses": {
            "200": {"description": "Success", "content": {"application/json": {}}},
            "default": {"description": "An error",
                        "content": {"application/problem+json": {"schema": PROBLEM}}},
        },
    }
    schema = getattr(view, "accepts", None)
    if schema is not None:
        document = schema.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(document.pop("$defs", {}))
        schemas[schema.__name__] = document
        operation["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{schema.__name__}"}}}}
    return operation


def _path_params(rule: str) -> list[tuple[str, str]]:
    return [(name, conv or "string") for conv, name in
            re.findall(r"<(?:([a-z]+):)?([a-z_]+)>", rule)]


@bp.get("/openapi.json")
def openapi():
    """This description."""
    return jsonify(describe(current_app))
