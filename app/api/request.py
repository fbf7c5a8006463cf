"""Reading API requests: strict JSON, validated by the same schemas the OpenAPI shows."""

from __future__ import annotations

import base64
import json
import math
import re
from collections.abc import Callable
from itertools import accumulate
from typing import Any, TypeVar

from flask import request
from flask_babel import gettext
from pydantic import BaseModel, ValidationError

from app.ids import MAX_ID, OutOfRange, ascii_int
from app.services.errors import BadInput, FieldError

Schema = TypeVar("Schema", bound=BaseModel)

MAX_ABS_NUMBER = 1e9
# The deepest body the API takes is a GeoJSON polygon in a room (about 6 levels).
MAX_JSON_DEPTH = 32
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(r"[\[\]{}]")
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def _reject_constant(name: str) -> Any:
    raise BadInput(gettext("%(name)s is not a number JSON allows.", name=name))


def _finite_float(text: str) -> float | int:
    """A JSON number written with a fraction or exponent.

    JSON has one number type, and JSON Schema (so the OpenAPI description) counts
    47510.0 and 4.751e4 as the integer 47510: they are read as that integer, so the
    strict integer fields accept what the description admits. 47510.5 stays a float.
    """
    value = float(text)
    if not math.isfinite(value) or abs(value) > MAX_ABS_NUMBER:
        raise BadInput(gettext("The number %(number)s is out of range.", number=text[:40]))
    return int(value) if value.is_integer() else value


def _bounded_int(text: str) -> int:
    if len(text) > 18:
        raise BadInput(gettext("The number %(number)s is out of range.",
                               number=text[:40] + "..."))
    return int(text)


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in ``text`` (brackets inside strings do not count).

    Counted before parsing: ``json.loads`` recurses once per level and would raise
    RecursionError on a body nested some thousands deep.
    """
    brackets = _JSON_BRACKET.findall(_JSON_STRING.sub("", text))
    return max(accumulate(1 if b in "[{" else -1 for b in brackets), default=0)


def json_body() -> Any:
    """The request's JSON, refusing NaN, Infinity, 1e400 and the like, and deep nesting."""
    if not request.is_json:
        raise BadInput(gettext("Send the body as JSON with 'Content-Type: application/json'."))
    try:
        text = request.get_data(cache=True).decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadInput(gettext("The body is not valid JSON: %(error)s", error=error)) from None
    if json_depth(text) > MAX_JSON_DEPTH:
        raise BadInput(gettext("The body nests arrays and objects more than %(depth)s deep.",
                               depth=MAX_JSON_DEPTH))
    try:
        return json.loads(
            text,
            parse_constant=_reject_constant,
            parse_float=_finite_float,
            parse_int=_bounded_int,
        )
    except json.JSONDecodeError as error:
        raise BadInput(gettext("The body is not valid JSON: %(error)s", error=error)) from None


def parse_body(schema: type[Schema]) -> Schema:
    """The JSON body validated by ``schema``; 400 listing every malformed field."""
    data = json_body()
    if not isinstance(data, dict):
        raise BadInput(gettext("The body must be a JSON object."))
    return validate(schema, data)


def validate(schema: type[Schema], data: Any) -> Schema:
    """``data`` checked by ``schema``, malformed fields reported as a 400."""
    try:
        return schema.model_validate(data)
    except ValidationError as error:
        raise malformed(error) from None


def malformed(error: ValidationError) -> BadInput:
    """A pydantic error as a 400 with the fields that are wrong."""
    problems = [
        FieldError(
            ".".join(str(part) for part in item["loc"]) or "body",
            item["type"],
            item["msg"],
        )
        for item in error.errors(include_url=False)
    ]
    return BadInput("; ".join(f"{p.field}: {p.message}" for p in problems), problems)


def query_int(name: str, *, required: bool = False, minimum: int | None = None,
              maximum: int | None = MAX_ID) -> int | None:
    """An integer query parameter (ASCII digits, within range), or a 400 saying which is wrong."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        if required:
            raise BadInput(gettext("The query parameter '%(name)s' is required.", name=name))
        return None
    try:
        return ascii_int(raw, minimum=minimum, maximum=maximum)
    except OutOfRange as error:
        raise BadInput(gettext("The query parameter '%(name)s' must be %(rule)s.",
                               name=name, rule=error)) from None


def page_params() -> tuple[int, int | None]:
    """``limit`` (1-200, default 50) and the decoded ``cursor`` (the last id seen)."""
    limit = query_int("limit", minimum=1) or DEFAULT_LIMIT
    cursor = request.args.get("cursor")
    return min(limit, MAX_LIMIT), decode_cursor(cursor) if cursor else None


def page(rows: list, limit: int, render: Callable[[Any], Any]) -> dict[str, Any]:
    """``{"items", "next_cursor"}`` from ``limit + 1`` rows fetched in id order."""
    items = rows[:limit]
    next_cursor = encode_cursor(items[-1].id) if len(rows) > limit and items else None
    return {"items": [render(row) for row in items], "next_cursor": next_cursor}


def encode_cursor(last_id: int) -> str:
    """An opaque cursor for the next page."""
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The id a cursor points after; 400 for anything else."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = text.partition(":")
        if kind == "id":
            return ascii_int(value, minimum=0, maximum=MAX_ID)
    except (ValueError, UnicodeDecodeError):
        pass
    raise BadInput(gettext("The cursor is not valid; start again without it."))

