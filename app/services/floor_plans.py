"""Floor plans: each floor of a branch drawn from its room outlines, with today's state.

A room is busy when an occurrence of it, or of a room sharing its floor cells (a hall
and its halves), is under way; the state is read from one query of occurrences.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Branch, Floor, Room
from app.services import conflicts
from app.services.branches import get_branch
from calendars import Interval, get_zone
from layouts.floor_plan import PlacedRoom, plan_floor
from layouts.geometry import polygon_from_geojson

State = Literal["busy", "later", "free"]


@dataclass(frozen=True)
class PlanRoom:
    """A room on its floor's plan: where it is drawn, what it holds, and today's state."""

    room: Room
    placed: PlacedRoom
    state: State


@dataclass(frozen=True)
class FloorPlan:
    """One floor of a branch, ready to draw: its box and its rooms, wholes before parts."""

    floor: Floor
    width: float
    height: float
    rooms: list[PlanRoom]


@dataclass(frozen=True)
class BranchPlans:
    """A branch's floors on its local ``day``."""

    branch: Branch
    day: date
    floors: list[FloorPlan]


def branch_floor_plans(branch_id: int, now: datetime) -> BranchPlans:
    """The plans of one branch's floors today (404 for an unknown branch)."""
    branch = get_branch(branch_id)
    return floor_plans([branch], now)[branch.id]


def floor_plans(branches: list[Branch], now: datetime) -> dict[int, BranchPlans]:
    """The plans of every floor of ``branches``, each in its own local day, from one query."""
    if not branches:
        return {}
    days = {branch.id: _local_day(branch, now) for branch in branches}
    rooms = list(db.session.scalars(
        select(Room).where(Room.branch_id.in_(days)).options(selectinload(Room.floor))
        .order_by(Room.floor_id, Room.name)))
    window = Interval(min(w.start for _d, w in days.values()),
                      max(w.end for _d, w in days.values()))
    found = conflicts.booked_around_rooms([room.id for room in rooms], window)
    states = {room.id: _state(found[room.id], days[room.branch_id][1], now) for room in rooms}
    by_floor: dict[int, list[Room]] = {}
    for room in rooms:
        by_floor.setdefault(room.floor_id, []).append(room)
    return {
        branch.id: BranchPlans(branch, days[branch.id][0], [
            _floor_plan(floor, by_floor.get(floor.id, []), states)
            for floor in sorted(branch.floors, key=lambda f: (f.level, f.name))
            if by_floor.get(floor.id)])
        for branch in branches
    }


def _local_day(branch: Branch, now: datetime) -> tuple[date, Interval]:
    """The branch's local date at ``now`` and its span in UTC."""
    zone = get_zone(branch.timezone)
    day = now.astimezone(zone).date()
    start = datetime.combine(day, time.min, zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time.min, zone).astimezone(UTC)
    return day, Interval(start, end)


def _state(blocks: list[conflicts.BookedBlock], day: Interval, now: datetime) -> State:
    """Busy now, booked later in the day, or free for the rest of it."""
    today = [b for b in blocks if b.start < day.end and b.end > day.start]
    if any(b.start <= now < b.end for b in today):
        return "busy"
    if any(b.start > now for b in today):
        return "later"
    return "free"


def _floor_plan(floor: Floor, rooms: list[Room], states: dict[int, State]) -> FloorPlan:
    outlines = {room.id: polygon_from_geojson(room.outline) for room in rooms}
    plan = plan_floor(outlines, {room.id: room.name for room in rooms})
    by_id = {room.id: room for room in rooms}
    return FloorPlan(floor, plan.width, plan.height,
                     [PlanRoom(by_id[p.room_id], p, states[p.room_id]) for p in plan.rooms])
