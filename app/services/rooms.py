"""Rooms: geometry checked by layouts/, and the floor's cells rebuilt on every change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext
from sqlalchemy import delete, select

from app.db import dry_run, write_transaction
from app.extensions import db
from app.models import Branch, CellRoom, FloorCell, Room, User, utcnow
from app.services.branches import get_or_create_floor
from app.services.capacity import capacity_of
from app.services.errors import (
    AlreadyExists,
    Conflict,
    FieldError,
    NotFound,
    RuleViolation,
)
from app.services.paging import keyset_page
from layouts import overlay_cells, polygon_from_geojson, polygon_to_geojson, room_from_geojson

RULE_LIMITS = {
    "slot_minutes": (1, 240),
    "min_minutes": (1, 24 * 60),
    "max_minutes": (1, 14 * 24 * 60),
    "buffer_minutes": (0, 24 * 60),
    "lead_hours": (0, 24 * 365),
    "horizon_days": (1, 3 * 365),
    "changeover_minutes": (0, 24 * 60),
}


def get_room(room_id: int) -> Room:
    """The room, or NotFound."""
    room = db.session.get(Room, room_id)
    if room is None:
        raise NotFound(gettext("No room %(id)s.", id=room_id))
    return room


def list_rooms(limit: int, after_id: int | None = None,
               branch_id: int | None = None) -> list[Room]:
    """Rooms (of one branch, if given), by id."""
    query = select(Room)
    if branch_id is not None:
        query = query.where(Room.branch_id == branch_id)
    return keyset_page(query, Room.id, limit, after_id)


def bookable_rooms(branch_id: int) -> list[Room]:
    """The branch's bookable rooms, by name."""
    return list(db.session.scalars(
        select(Room).where(Room.branch_id == branch_id, Room.bookable.is_(True))
        .order_by(Room.name)))


def amenities_in_use() -> list[str]:
    """Every amenity some bookable room has, sorted: what a search may ask for."""
    rows = db.session.scalars(select(Room.amenities).where(Room.bookable.is_(True)))
    return sorted({amenity for amenities in rows for amenity in amenities})


@write_transaction
def create_room(branch: Branch, data: dict[str, Any]) -> Room:
    """A new room on a floor of the branch (the floor is made if new)."""
    shape = room_from_geojson(
        data["outline"], data.get("doors", []), data.get("obstacles", []),
        data.get("max_attendees"),
    )
    rules = check_rules(data.get("rules", {}))
    if db.session.scalar(
        select(Room.id).where(Room.branch_id == branch.id, Room.name == data["name"])
    ) is not None:
        raise AlreadyExists(gettext("A room with that name exists in this branch."), "name")
    floor = get_or_create_floor(branch, data.get("floor", "Ground floor"))
    room = Room(
        branch=branch,
        floor=floor,
        name=data["name"],
        description=data.get("description", ""),
        outline=polygon_to_geojson(shape.outline),
        doors=data.get("doors", []),
        obstacles=data.get("obstacles", []),
        amenities=sorted(set(data.get("amenities", []))),
        area_m2=shape.outline.area,
        max_attendees=data.get("max_attendees"),
        **rules,
    )
    db.session.add(room)
    db.session.flush()
    from app.services import room_impact

    room_impact.reconcile(room, floor.id, utcnow(), force=False)
    return room


def check_rules(rules: dict[str, Any]) -> dict[str, Any]:
    """The booking rules, each within sensible bounds; 422 naming every bad one."""
    errors = []
    for name, (low, high) in RULE_LIMITS.items():
        value = rules.get(name)
        if value is not None and not low <= value <= high:
            errors.append((f"rules.{name}", gettext(
                "%(name)s must be between %(low)s and %(high)s.", name=name, low=low, high=high)))
    minimum = rules.get("min_minutes", 30)
    maximum = rules.get("max_minutes", 480)
    if maximum < minimum:
        errors.append(("rules.max_minutes",
                       gettext("max_minutes must be at least min_minutes.")))

    if errors:
        raise RuleViolation([FieldError(f, "invalid_rule", m) for f, m in errors])
    return {k: v for k, v in rules.items() if v is not None}


def rebuild_floor_cells(floor_id: int) -> dict[int, list[int]]:
    """Recompute the floor's overlay cells and which rooms cover them; room id -> cell ids.

    Claims of existing occurrences must be re-made by the caller in the same
    transaction (the booking engine does it) because the old cells are deleted.
    """
    rooms = list(db.session.scalars(select(Room).where(Room.floor_id == floor_id)))
    outlines = {room.id: polygon_from_geojson(room.outline) for room in rooms}
    db.session.execute(delete(FloorCell).where(FloorCell.floor_id == floor_id))
    cells_of_room: dict[int, list[int]] = {room.id: [] for room in rooms}
    for cell in overlay_cells(outlines):
        row = FloorCell(
            floor_id=floor_id, area_m2=cell.geometry.area,
            geometry=polygon_to_geojson(cell.geometry),
        )
        db.session.add(row)
        db.session.flush()
        for room_id in sorted(cell.room_ids):
            db.session.add(CellRoom(cell_id=row.id, room_id=room_id))
            cells_of_room[room_id].append(row.id)
    db.session.flush()
    return cells_of_room


GEOMETRY_FIELDS = ("outline", "doors", "obstacles")


@write_transaction
def update_room(
    room: Room, changes: dict[str, Any], *, force: bool = False, now: datetime | None = None,
    viewer: User | None = None,
) -> tuple[Room, dict[str, Any]]:
    """Change a room. A new outline (or doors, obstacles, cap) rebuilds the floor's cells and
    re-measures every layout and future booking; what it would break is reported, and it
    is refused (409) unless ``force``: then broken layouts are marked invalid, the later
    of two bookings that now overlap is cancelled, and bookings over their new capacity
    are flagged (titles in the report only for a ``viewer`` who may see them).
    """
    from app.services import room_impact

    now = now or utcnow()
    old_floor_id = room.floor_id
    geometry_changed = any(name in changes for name in GEOMETRY_FIELDS)
    if geometry_changed:
        shape = room_from_geojson(
            changes.get("outline", room.outline),
            changes.get("doors", room.doors),
            changes.get("obstacles", room.obstacles),
            changes.get("max_attendees", room.max_attendees),
        )
        room.outline = polygon_to_geojson(shape.outline)
        room.area_m2 = shape.outline.area
        room.doors = changes.get("doors", room.doors)
        room.obstacles = changes.get("obstacles", room.obstacles)
    _apply_plain_changes(room, changes)
    room.revision += 1
    room.updated_at = now
    db.session.flush()
    report: dict[str, Any] = {"layouts": [], "bookings": []}
    if geometry_changed or room.floor_id != old_floor_id or "max_attendees" in changes:
        report = room_impact.reconcile(room, old_floor_id, now, force=force, viewer=viewer)
    return room, report


def preview_update(
    room: Room, changes: dict[str, Any], *, now: datetime | None = None,
    viewer: User | None = None,
) -> dict[str, Any]:
    """What :func:`update_room` would do with ``changes``, with nothing written.

    The same checks refuse the same bad input (422); otherwise the answer is the room's
    new ``area_m2`` and ``capacity``, the ``report`` of the layouts and future bookings
    the change would break, and whether it ``breaks`` any (then saving needs force).
    """
    room_id = room.id
    with dry_run():
        try:
            changed, report = update_room(get_room(room_id), changes, force=False, now=now,
                                          viewer=viewer)
            breaks = False
        except Conflict as conflict:
            changed, report, breaks = get_room(room_id), conflict.extra["report"], True
        answer = {"breaks": breaks, "report": report, "area_m2": round(changed.area_m2, 2),
                  "capacity": capacity_of(changed, None)}
    return answer


def _apply_plain_changes(room: Room, changes: dict[str, Any]) -> None:
    if "name" in changes and changes["name"] != room.name:
        taken = db.session.scalar(select(Room.id).where(
            Room.branch_id == room.branch_id, Room.name == changes["name"], Room.id != room.id))
        if taken is not None:
            raise AlreadyExists(gettext("A room with that name exists in this branch."), "name")
        room.name = changes["name"]
    if "floor" in changes and changes["floor"] != room.floor.name:
        room.floor = get_or_create_floor(room.branch, changes["floor"])
    for name in ("description", "max_attendees", "bookable"):
        if name in changes:
            setattr(room, name, changes[name])
    if "amenities" in changes:
        room.amenities = sorted(set(changes["amenities"] or []))
    if changes.get("rules"):
        merged = {**room.rules, **changes["rules"]}
        for name, value in check_rules(merged).items():
            setattr(room, name, value)


@write_transaction
def retire_room(room: Room) -> None:
    """Stop a room being bookable; its bookings and history stay."""
    room.bookable = False
    room.revision += 1
    room.updated_at = utcnow()
    db.session.flush()
