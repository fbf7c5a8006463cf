"""Domain exceptions: raised by services, turned into HTTP answers only in app/errors.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.i18n import N_


class AgoraError(Exception):
    """Base of every domain error."""

    title = N_("Request failed")

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title


class NotFound(AgoraError):
    """The thing does not exist, or the caller may not see it."""

    title = N_("Not found")


class Unauthenticated(AgoraError):
    """No valid credentials came with a request that needs them."""

    title = N_("Not signed in")


class Forbidden(AgoraError):
    """The caller is known but may not do this."""

    title = N_("Not allowed")


class BadInput(AgoraError):
    """The request is malformed (syntax, types): 400, with the fields at fault if known."""

    title = N_("Malformed request")

    def __init__(self, detail: str = "", errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.errors = errors or []


class AlreadyExists(AgoraError):
    """A unique thing (an e-mail, an association name) is taken."""

    title = N_("Already exists")

    def __init__(self, detail: str, field: str = "") -> None:
        super().__init__(detail)
        self.field = field


@dataclass(frozen=True)
class FieldError:
    """One broken rule, on one field."""

    field: str
    code: str
    message: str

    def to_json(self) -> dict[str, str]:
        """The API's ``{"field", "code", "message"}``."""
        return {"field": self.field, "code": self.code, "message": self.message}


class RuleViolation(AgoraError):
    """A well-formed request that breaks a rule: 422 with every broken rule."""

    title = N_("A rule is broken")

    def __init__(self, errors: list[FieldError], extra: dict[str, Any] | None = None) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors
        self.extra = extra or {}

    @classmethod
    def single(cls, field: str, code: str, message: str) -> RuleViolation:
        """A violation of one rule."""
        return cls([FieldError(field, code, message)])


@dataclass
class Conflict(AgoraError):
    """The time (or floor) is taken: 409 with what clashes and what is free instead."""

    conflicts: list[dict[str, Any]] = field(default_factory=list)
    suggestions: list[dict[str, Any]] = field(default_factory=list)
    detail: str = N_("The room is already booked at that time.")
    extra: dict[str, Any] = field(default_factory=dict)
    title = N_("Booking conflict")

    def __post_init__(self) -> None:
        Exception.__init__(self, self.detail)
