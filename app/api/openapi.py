"""The OpenAPI 3.1 description, generated from the routes and the models that shape them.

A view declares its body with ``@accepts(Schema)``: the decorator validates the
request with that schema and hands the view the result. It declares each success
answer with ``@responds(Model, status=...)`` (``app/api/responses.py``), and the
query parameters it reads with ``@query``. This module reads the same models
back out; there is no second description to drift, and in development and tests
``@responds`` checks every answer against its model before it leaves.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from flask import Flask, Response, current_app, jsonify, make_response, request
from pydantic import BaseModel, ValidationError
from werkzeug.routing.converters import NumberConverter

from app.api import bp
from app.api.access import signed_in_user, staff_user
from app.api.request import MAX_LIMIT, parse_body
from app.ids import MAX_ID

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


class ResponseMismatch(AssertionError):
    """An answer that its declared model does not describe: a bug, found in tests."""


@dataclass(frozen=True)
class Answer:
    """One success answer of a view: its status, and the model or media type of its body."""

    status: int
    model: type[BaseModel] | None = None
    media_type: str = "application/json"
    description: str = ""


@dataclass(frozen=True)
class Param:
    """A query parameter: what it means, its JSON Schema, whether it is required."""

    description: str
    schema: dict[str, Any] = field(default_factory=lambda: {"type": "string"})
    required: bool = False


def integer_param(description: str, minimum: int | None = None, maximum: int | None = None,
                  *, required: bool = False) -> Param:
    """An integer query parameter with its bounds."""
    schema: dict[str, Any] = {"type": "integer"}
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    return Param(description, schema, required)


def id_param(description: str) -> Param:
    """A query parameter naming a row by id."""
    return integer_param(description, 1, MAX_ID)


def instant_param(description: str, *, required: bool = False) -> Param:
    """An RFC 3339 instant with an offset."""
    return Param(description, {"type": "string", "format": "date-time"}, required)


def choice_param(description: str, *values: str) -> Param:
    """A query parameter taking one of a few words."""
    return Param(description, {"type": "string", "enum": list(values)})


PAGE_PARAMS = {
    "limit": integer_param(f"page size (default 50, at most {MAX_LIMIT})", 1, MAX_LIMIT),
    "cursor": Param("the next_cursor of the previous page"),
}


ROLE_GUARDS: dict[str, Callable[[], Any]] = {"member": signed_in_user, "staff": staff_user}


def accepts(schema: type, *, role: Literal["member", "staff"], required: bool = True) -> Callable:
    """Check the caller has ``role``, then validate the JSON body with ``schema`` as ``body``.

    Authenticate, authorise, then validate: an anonymous caller gets 401 and a member on
    a staff route 403 before the body is read, so neither learns the schema's fields.
    ``role`` is required: a route cannot take a body without saying who may send it.
    Finer checks (the booking's owner, the association's admins) stay in the services.
    With ``required=False`` a request without a body passes ``body=None``.
    """
    guard = ROLE_GUARDS[role]

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            guard()
            if not required and not request.content_length:
                return view(*args, body=None, **kwargs)
            return view(*args, body=parse_body(schema), **kwargs)

        wrapper.accepts = schema  # type: ignore[attr-defined]
        wrapper.role = role  # type: ignore[attr-defined]
        wrapper.body_required = required  # type: ignore[attr-defined]
        return wrapper

    return decorate


def accepts_media(media_type: str, description: str) -> Callable:
    """Document a body that is not JSON (the view reads it itself)."""

    def decorate(view: Callable) -> Callable:
        view.accepts_media = (media_type, description)  # type: ignore[attr-defined]
        return view

    return decorate


def responds(model: type[BaseModel] | None = None, status: int = 200, *,
             media_type: str = "application/json", description: str = "") -> Callable:
    """Declare a success answer of the view; stack one per status it can answer.

    ``model`` describes a JSON body, ``None`` no body (204) or a body that is not
    JSON (``media_type``). With ``API_CHECK_RESPONSES`` on (development, tests)
    an answer whose status is not declared, or whose body its model does not
    describe, raises ``ResponseMismatch`` instead of leaving.
    """
    answer = Answer(status, model, media_type, description)

    def decorate(view: Callable) -> Callable:
        if getattr(view, "checks_answers", False):
            # Already checked by an inner @responds: share its list (functools.wraps
            # copies it by reference through any decorator in between).
            view.answers.append(answer)  # type: ignore[attr-defined]
            return view
        answers = [answer]

        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            result = view(*args, **kwargs)
            if not current_app.config.get("API_CHECK_RESPONSES"):
                return result
            response = make_response(result)
            check_answer(answers, response)
            return response

        wrapper.answers = answers  # type: ignore[attr-defined]
        wrapper.checks_answers = True  # type: ignore[attr-defined]
        return wrapper

    return decorate


def check_answer(answers: Sequence[Answer], response: Response) -> None:
    """Raise ``ResponseMismatch`` unless a declared answer describes ``response``."""
    answer = next((a for a in answers if a.status == response.status_code), None)
    if answer is None:
        raise ResponseMismatch(f"Status {response.status_code} is not declared "
                               f"(declared: {[a.status for a in answers]}).")
    if answer.status == 204:
        if response.get_data():
            raise ResponseMismatch("A 204 answer carries a body.")
        return
    if response.mimetype != answer.media_type:
        raise ResponseMismatch(f"Answered {response.mimetype}, declared {answer.media_type}.")
    if answer.model is None:
        return
    try:
        answer.model.model_validate_json(response.get_data())
    except ValidationError as error:
        raise ResponseMismatch(
            f"The {response.status_code} body does not match {answer.model.__name__}: {error}"
        ) from None


def query(**params: str | Param) -> Callable:
    """Document the query parameters a view reads (name -> description or ``Param``)."""

    def decorate(view: Callable) -> Callable:
        view.query_params = {  # type: ignore[attr-defined]
            name: spec if isinstance(spec, Param) else Param(spec)
            for name, spec in params.items()
        }
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
    return re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", r"{\1}", rule)


def _operation(rule: Any, view: Callable, method: str, schemas: dict) -> dict[str, Any]:
    doc = (view.__doc__ or "").strip()
    operation: dict[str, Any] = {
        "operationId": f"{rule.endpoint.removeprefix('api.')}_{method.lower()}",
        "summary": doc.splitlines()[0] if doc else rule.endpoint,
        "parameters": [
            {"name": name, "in": "path", "required": True, "schema": _path_schema(converter)}
            for name, converter in _path_converters(rule)
        ] + [
            {"name": name, "in": "query", "required": spec.required,
             "description": spec.description, "schema": spec.schema}
            for name, spec in getattr(view, "query_params", {}).items()
        ],
        "responses": {
            **_success_responses(view, schemas),
            "default": {"description": "An error",
                        "content": {"application/problem+json": {"schema": PROBLEM}}},
        },
    }
    schema = getattr(view, "accepts", None)
    if schema is not None:
        operation["requestBody"] = {
            "required": getattr(view, "body_required", True),
            "content": {"application/json": {"schema": _reference(schema, schemas)}},
        }
    elif getattr(view, "accepts_media", None):
        media_type, description = view.accepts_media
        operation["requestBody"] = {"required": True, "description": description,
                                    "content": {media_type: {"schema": {"type": "string"}}}}
    return operation


def _success_responses(view: Callable, schemas: dict) -> dict[str, Any]:
    answers: Sequence[Answer] = getattr(view, "answers", ())
    if not answers:
        return {"200": {"description": "Success (not yet described)",
                        "content": {"application/json": {}}}}
    responses: dict[str, Any] = {}
    for answer in sorted(answers, key=lambda a: a.status):
        entry: dict[str, Any] = {"description": answer.description or _reason(answer)}
        if answer.model is not None:
            entry["content"] = {answer.media_type: {"schema": _reference(answer.model, schemas)}}
        elif answer.status != 204:
            entry["content"] = {answer.media_type: {"schema": {"type": "string"}}}
        responses[str(answer.status)] = entry
    return responses


def _reason(answer: Answer) -> str:
    if answer.model is not None:
        return (answer.model.__doc__ or answer.model.__name__).strip().splitlines()[0]
    return {201: "Created", 204: "Done; no body"}.get(answer.status, "Success")


def _reference(model: type[BaseModel], schemas: dict) -> dict[str, str]:
    """``model``'s JSON Schema added to the components, and a reference to it."""
    document = model.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(document.pop("$defs", {}))
    name = _component_name(model)
    schemas[name] = document
    return {"$ref": f"#/components/schemas/{name}"}


def _component_name(model: type[BaseModel]) -> str:
    # pydantic names a generic model like Page[BookingOut]; components need [A-Za-z0-9._-].
    return re.sub(r"[^A-Za-z0-9._-]+", "_", model.__name__).strip("_")


def _path_converters(rule: Any) -> list[tuple[str, Any]]:
    # Rule._converters is how werkzeug keeps each argument's converter, with its bounds.
    converters = getattr(rule, "_converters", {})
    names = re.findall(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", rule.rule)
    return [(name, converters.get(name)) for name in names]


def _path_schema(converter: Any) -> dict[str, Any]:
    if isinstance(converter, NumberConverter) and converter.num_convert is int:
        low = converter.min if converter.min is not None else 1
        high = converter.max if converter.max is not None else MAX_ID
        return {"type": "integer", "minimum": low, "maximum": high}
    return {"type": "string"}


@bp.get("/openapi.json")
def openapi():
    """This description."""
    return jsonify(describe(current_app))
