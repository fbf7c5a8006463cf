"""Layouts of a room: furniture, validation, capacity, auto-arrange, drawings."""

from __future__ import annotations

from flask import Response, jsonify, request
from flask_babel import gettext
from pydantic import Field

from app.api import bp
from app.api.access import staff_user
from app.api.openapi import Param, accepts, choice_param, query, responds
from app.api.responses import (
    FurnitureOut,
    LayoutOut,
    LayoutPreview,
    LayoutProposal,
    Page,
    SetupSheet,
)
from app.api.schemas import Body
from app.services import layouts as layout_service
from app.services.branches import get_branch
from app.services.capacity import layout_json, measure, shape_of
from app.services.errors import BadInput, NotFound
from app.services.rooms import get_room
from calendars import check_in_range
from layouts import CATALOGUE, to_svg


class ItemIn(Body):
    """One piece of furniture: its kind, centre (metres) and rotation (degrees)."""

    kind: str = Field(max_length=40, examples=["chair"])
    x: float
    y: float
    rotation: float = 0.0


class LayoutIn(Body):
    """A layout: its name, style and items. The layouts library checks the rules (422)."""

    name: str = Field(min_length=1, max_length=120)
    style: str = Field(default="custom", max_length=20)
    items: list[ItemIn] = Field(default_factory=list, max_length=20_000)


class LayoutReplace(LayoutIn):
    """A layout's new items; ``force`` applies it even if future bookings no longer fit
    (they are then flagged and their bookers told)."""

    force: bool = False


class ArrangeIn(Body):
    """Ask for a proposed layout in a style, optionally for a number of people."""

    style: str = Field(pattern="^(theatre|classroom|boardroom|u_shape|banquet|cabaret|standing)$")
    attendees: int | None = Field(default=None, ge=1, le=10_000)


def layout_out(layout) -> dict:
    """A stored layout with its derived figures."""
    return {
        "id": layout.id,
        "room_id": layout.room_id,
        **layout_json(layout),
        "capacity": layout.capacity,
        "limits": layout.limits,
        "binding": layout.binding,
        "valid": layout.valid,
        "revision": layout.revision,
    }


@bp.get("/furniture")
@responds(Page[FurnitureOut])
def furniture():
    """The furniture kinds layouts are made of."""
    return jsonify({"items": [
        {"key": k.key, "name": k.name, "width": k.width, "depth": k.depth, "shape": k.shape,
         "seats": k.seats, "places": k.places, "clearance": k.clearance_front,
         "stackable": k.stackable}
        for k in CATALOGUE.values()
    ], "next_cursor": None})


@bp.get("/rooms/<int:room_id>/layouts")
@responds(Page[LayoutOut])
def list_layouts(room_id: int):
    """The room's layouts."""
    room = get_room(room_id)
    return jsonify({"items": [layout_out(layout) for layout in room.layouts], "next_cursor": None})


@bp.post("/rooms/<int:room_id>/layouts")
@responds(LayoutOut, status=201)
@accepts(LayoutIn, role="staff")
def create_layout(room_id: int, body: LayoutIn):
    """Save a layout (staff); 422 with every violation if it is not safe."""
    staff_user()
    room = get_room(room_id)
    layout = layout_service.create_layout(room, body.model_dump())
    return jsonify(layout_out(layout)), 201


@bp.post("/rooms/<int:room_id>/layouts/preview")
@responds(LayoutPreview)
@accepts(LayoutIn, role="staff")
def preview_layout(room_id: int, body: LayoutIn):
    """Validate and measure a layout without saving it (staff)."""
    staff_user()
    return jsonify(layout_service.preview(get_room(room_id), body.model_dump()))


@bp.post("/rooms/<int:room_id>/layouts/arrange")
@responds(LayoutProposal)
@accepts(ArrangeIn, role="staff")
def arrange_layout(room_id: int, body: ArrangeIn):
    """A proposed layout in a style (staff); not saved."""
    staff_user()
    return jsonify(layout_service.propose(get_room(room_id), body.style, body.attendees))


@bp.get("/layouts/<int:layout_id>")
@responds(LayoutOut)
def get_layout(layout_id: int):
    """One layout."""
    return jsonify(layout_out(layout_service.get_layout(layout_id)))


@bp.put("/layouts/<int:layout_id>")
@responds(LayoutOut)
@accepts(LayoutReplace, role="staff")
def replace_layout(layout_id: int, body: LayoutReplace):
    """Replace a layout (staff); 409 listing future bookings it would not hold, unless forced."""
    viewer = staff_user()
    layout = layout_service.update_layout(
        layout_service.get_layout(layout_id), body.model_dump(exclude={"force"}),
        force=body.force, viewer=viewer)
    return jsonify(layout_out(layout))


@bp.delete("/layouts/<int:layout_id>")
@responds(status=204)
@query(force="true: delete even if future bookings use it (they are flagged)")
def delete_layout(layout_id: int):
    """Delete a layout (staff); 409 listing future bookings that use it, unless forced."""
    viewer = staff_user()
    layout_service.delete_layout(layout_service.get_layout(layout_id),
                                 force=_force_arg(), viewer=viewer)
    return "", 204


def _force_arg() -> bool:
    value = request.args.get("force", "false")
    if value not in ("true", "false"):
        raise BadInput(gettext("The query parameter 'force' is 'true' or 'false'."))
    return value == "true"


@bp.get("/rooms/<int:room_id>/layouts/<int:layout_id>.svg")
@responds(media_type="image/svg+xml", description="The drawing, SVG.")
@query(poster=choice_param("1 or true: the printable poster", "0", "1", "true", "false"))
def layout_svg(room_id: int, layout_id: int):
    """The layout drawn; ``?poster=1`` for the printable maximum-occupancy poster."""
    room = get_room(room_id)
    layout = layout_service.get_layout(layout_id)
    if layout.room_id != room.id:
        raise NotFound(gettext("Room %(room)s has no layout %(id)s.", room=room_id,
                               id=layout_id))
    from layouts import layout_from_json

    value = layout_from_json(layout_json(layout))
    svg = to_svg(shape_of(room), value, measure(room, value),
                 poster=request.args.get("poster") in ("1", "true"),
                 title=f"{room.name} · {layout.name}")
    return Response(svg, mimetype="image/svg+xml")


@bp.get("/branches/<int:branch_id>/setup-sheet")
@responds(SetupSheet)
@query(date=Param("the day, YYYY-MM-DD", {"type": "string", "format": "date"}, required=True))
def setup_sheet(branch_id: int):
    """The day's set-up: which room, which layout, when, how much furniture (staff)."""
    staff_user()
    from datetime import UTC, date, datetime, time

    raw = request.args.get("date", "")
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise BadInput(gettext("Give ?date=YYYY-MM-DD.")) from None

    check_in_range(datetime.combine(day, time(12), UTC), "date")
    branch = get_branch(branch_id)
    return jsonify({"date": day.isoformat(), "items": layout_service.setup_sheet(branch, day)})

