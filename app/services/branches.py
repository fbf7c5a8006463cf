"""Branches: creating them with valid zones, hours and closures."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from app.db import write_transaction
from app.extensions import db
from app.models import Branch, Closure, Floor
from app.models.names import name_key
from app.services.errors import AlreadyExists, NotFound, RuleViolation
from app.services.paging import keyset_page
from calendars import get_zone, parse_instant, validate_opening_hours
from layouts import get_rule_pack


@write_transaction
def create_branch(data: dict[str, Any]) -> Branch:
    """A new branch; zone, rule pack, hours and closures are checked before anything is written."""
    get_zone(data["timezone"], "timezone")
    _check_rule_pack(data.get("rule_pack", "dk-br18"))
    hours = validate_opening_hours(data["opening_hours"])
    closures = [_closure(i, c) for i, c in enumerate(data.get("closures", []))]
    taken = select(Branch.id).where(Branch.name_key == name_key(data["name"]))
    if db.session.scalar(taken) is not None:
        raise AlreadyExists(gettext("A branch with that name exists."), "name")
    branch = Branch(
        name=data["name"],
        address=data.get("address", ""),
        timezone=data["timezone"],
        rule_pack=data.get("rule_pack", "dk-br18"),
        opening_hours=hours,
        quota_hours_per_week=data.get("quota_hours_per_week"),
        quota_bookings_per_week=data.get("quota_bookings_per_week"),
        closures=closures,
    )
    db.session.add(branch)
    db.session.flush()
    return branch


def _check_rule_pack(key: str) -> None:
    try:
        get_rule_pack(key)
    except (KeyError, ValueError):
        raise RuleViolation.single(
            "rule_pack", "unknown_rule_pack",
            gettext("No rule pack called %(name)s.", name=repr(key)),
        ) from None


def _closure(index: int, data: dict[str, Any]) -> Closure:
    start = parse_instant(data["start"], f"closures[{index}].start")
    end = parse_instant(data["end"], f"closures[{index}].end")
    if end <= start:
        raise RuleViolation.single(
            f"closures[{index}].end", "end_before_start",
            gettext("A closure must end after it starts."),
        )
    return Closure(start=start, end=end, reason=data.get("reason", ""))


def get_branch(branch_id: int) -> Branch:
    """The branch, or NotFound."""
    branch = db.session.get(Branch, branch_id)
    if branch is None:
        raise NotFound(gettext("No branch %(id)s.", id=branch_id))

    return branch


def list_branches(limit: int, after_id: int | None = None) -> list[Branch]:
    """Branches, by id."""
    return keyset_page(select(Branch), Branch.id, limit, after_id)


def branches_by_name() -> list[Branch]:
    """Every branch, by name (a library system has a handful)."""
    return list(db.session.scalars(select(Branch).order_by(Branch.name)))


@write_transaction
def get_or_create_floor(branch: Branch, name: str, level: int = 0) -> Floor:
    """The branch's floor of that name, made if missing."""
    floor = db.session.scalar(
        select(Floor).where(Floor.branch_id == branch.id, Floor.name == name)
    )
    if floor is None:
        floor = Floor(branch=branch, name=name, level=level)
        db.session.add(floor)
        db.session.flush()
    return floor
