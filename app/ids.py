"""Integers from outside: path ids and query numbers, ASCII digits within the columns' range.

Every id column is an ``Integer``: 32-bit on PostgreSQL, so a larger number cannot
name a row and must not reach the database (psycopg refuses it, SQLite overflows
beyond 64 bits). ``str.isdigit`` and ``\\d`` accept Unicode digits such as ``³``
that ``int`` refuses; here only ``0``-``9`` count.
"""

from __future__ import annotations

import re

from werkzeug.routing import Map
from werkzeug.routing.converters import IntegerConverter

MAX_ID = 2**31 - 1
_ASCII_INTEGER = re.compile(r"-?[0-9]{1,20}")


class OutOfRange(ValueError):
    """Not an ASCII integer, or one outside the range asked for."""


def ascii_int(text: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """``text`` as an int if it is ASCII digits (an optional ``-``) between the bounds."""
    if not isinstance(text, str) or _ASCII_INTEGER.fullmatch(text) is None:
        raise OutOfRange("an integer written with the digits 0-9")
    value = int(text)
    if minimum is not None and value < minimum:
        raise OutOfRange(f"at least {minimum}")
    if maximum is not None and value > maximum:
        raise OutOfRange(f"at most {maximum}")
    return value


def digits_up_to(maximum: int) -> str:
    """A regular expression matching exactly the decimal numbers 0..``maximum`` (ASCII digits).

    The bound is in the pattern, not only in ``to_python``: Werkzeug checks a rule's
    methods before its converters, so a number a converter refuses on a route that has
    another method would answer 405 instead of 404.
    """
    text = str(maximum)
    shorter = f"[0-9]{{1,{len(text) - 1}}}" if len(text) > 1 else None
    same_length = [
        f"{text[:i]}[0-{int(digit) - 1}][0-9]{{{len(text) - i - 1}}}"
        for i, digit in enumerate(text) if digit != "0"
    ]
    return "(?:" + "|".join(p for p in (shorter, *same_length, text) if p) + ")"


class IdConverter(IntegerConverter):
    """Flask's ``int`` converter for ids: ASCII digits up to ``MAX_ID``, anything else a 404."""

    regex = digits_up_to(MAX_ID)

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None,
                 max: int | None = MAX_ID, signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, max, signed)
