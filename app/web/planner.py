"""The layout editor and the room's poster (staff): parse, authorise, render.

The editor is a page of plain ES modules (``app/static/planner``) that calls the JSON
API: every rule is decided by ``/layouts/preview`` on the server, the page only draws
and lists what it answers. The words the scripts show are rendered here, in the
viewer's language, and handed over as data attributes.
"""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.extensions import db
from app.models import Layout, Room
from app.services import layouts as layout_service
from app.services.capacity import layout_json
from app.web import bp
from layouts import CATALOGUE
from layouts.arrange import STYLES

KIND_NAMES = {
    "chair": _l("Chair"),
    "stacking_chair": _l("Stacking chair"),
    "armchair": _l("Armchair"),
    "table_160x80": _l("Table 160 x 80"),
    "table_120x60": _l("Classroom table 120 x 60"),
    "round_150": _l("Round table 150"),
    "round_180": _l("Round table 180"),
    "cabaret_round": _l("Cabaret round table 150"),
    "lectern": _l("Lectern"),
    "stage_2x1": _l("Stage module 2 x 1"),
    "screen": _l("Projection screen"),
    "shelf_wheels_120x50": _l("Shelf on wheels 120 x 50"),
    "wheelchair_space": _l("Wheelchair space"),
}

LIMIT_NAMES = {
    "places": _l("Places"),
    "floor_area": _l("Floor area"),
    "exits": _l("Exits"),
    "policy": _l("The library's cap"),
}

RULE_NAMES = {
    "item_outside_room": _l("Outside the room"),
    "on_obstacle": _l("On a pillar or fixed obstacle"),
    "items_overlap": _l("Items overlap"),
    "blocks_exit": _l("Blocks a door's clear zone"),
    "aisle_too_narrow": _l("Aisle too narrow"),
    "row_too_long": _l("Row too long"),
    "too_far_to_exit": _l("Too far from a door"),
    "no_turning_space": _l("No turning space for a wheelchair"),
    "no_accessible_route": _l("No accessible route"),
}

STYLE_NAMES = {
    "theatre": _l("Theatre"),
    "classroom": _l("Classroom"),
    "boardroom": _l("Boardroom"),
    "u_shape": _l("U-shape"),
    "banquet": _l("Banquet"),
    "cabaret": _l("Cabaret"),
    "standing": _l("Standing"),
}


def _staff_only() -> None:
    if not current_user.is_staff:
        abort(403)


def _room_or_404(room_id: int) -> Room:
    room = db.session.get(Room, room_id)
    if room is None:
        abort(404)
    return room


def _layout_or_404(layout_id: int) -> Layout:
    layout = db.session.get(Layout, layout_id)
    if layout is None:
        abort(404)
    return layout


@bp.route("/rooms/<int:room_id>/layouts/new")
@login_required
def layout_new(room_id: int):
    """The editor on an empty room (staff)."""
    _staff_only()
    return _editor(_room_or_404(room_id), None)


@bp.route("/layouts/<int:layout_id>/edit")
@login_required
def layout_edit(layout_id: int):
    """The editor on a saved layout (staff)."""
    _staff_only()
    layout = _layout_or_404(layout_id)
    return _editor(layout.room, layout)


@bp.route("/layouts/<int:layout_id>/poster")
@login_required
def layout_poster(layout_id: int):
    """The room's poster for the wall: the plan, the capacity, its binding rule, the exits."""
    _staff_only()
    layout = _layout_or_404(layout_id)
    report = layout_service.capacity_report(layout)
    return render_template("web/layout_poster.html", layout=layout, room=layout.room,
                           report=report, limit_names=LIMIT_NAMES)


def _editor(room: Room, layout: Layout | None):
    state = {
        "room_id": room.id,
        "timezone": room.branch.timezone,
        "layout_id": layout.id if layout else None,
        "revision": layout.revision if layout else None,
        "room": {"outline": room.outline, "doors": room.doors, "obstacles": room.obstacles},
        "layout": layout_json(layout) if layout else {"name": "", "style": "custom",
                                                      "items": []},
        "kinds": {key: {"name": str(KIND_NAMES.get(key, kind.name)), "width": kind.width,
                        "depth": kind.depth, "shape": kind.shape, "seat": kind.is_seat,
                        "table": kind.is_table}
                  for key, kind in CATALOGUE.items()},
    }
    return render_template(
        "web/layout_editor.html", room=room, layout=layout, state=state,
        api_base=url_for("api.furniture").rsplit("/", 1)[0],
        strings=_strings(), kinds=[(key, KIND_NAMES.get(key, kind.name))
                                   for key, kind in CATALOGUE.items()],
        styles=[(style, STYLE_NAMES[style]) for style in STYLES if style in STYLE_NAMES],
        limit_names=LIMIT_NAMES)


def _strings() -> dict[str, Any]:
    """The words the editor's scripts show, in the viewer's language (%(name)s is filled in
    by the script)."""
    return {
        "problems_none": gettext("No problems: the layout is safe."),
        "problems_one": gettext("1 problem:"),
        "problems_many": gettext("%(count)s problems:"),
        "item_label": gettext("%(name)s %(number)s at %(x)s m, %(y)s m, %(rotation)s°"),
        "items_at_fault": gettext("Items at fault: %(items)s"),
        "binding": gettext("The capacity is %(capacity)s: %(limit)s is the binding limit."),
        "capacity": gettext("Capacity: %(capacity)s"),
        "check_failed": gettext("The layout could not be checked: %(reason)s"),
        "saved": gettext("Saved: %(name)s holds %(capacity)s."),
        "not_saved": gettext("Not saved: %(reason)s"),
        "need_name": gettext("Give the layout a name before saving it."),
        "arranged": gettext("Arranged as %(style)s: %(count)s items."),
        "selected": gettext("%(count)s selected"),
        "nothing_selected": gettext("Nothing selected"),
        "people": gettext("%(count)s people"),
        "not_saved_bookings": gettext("Not saved: future bookings would no longer fit."),
        "conflict_one": gettext("1 future booking expects more people than this layout's "
                                "new capacity of %(capacity)s:"),
        "conflict_many": gettext("%(count)s future bookings expect more people than this "
                                 "layout's new capacity of %(capacity)s:"),
        "conflict_booking": gettext("%(title)s, %(when)s: %(people)s"),
        "booked": gettext("Booked"),
        "flagged_one": gettext("The booking is flagged and its booker told."),
        "flagged_many": gettext("The %(count)s bookings are flagged and their bookers told."),
        "rules": {code: str(name) for code, name in RULE_NAMES.items()},
        "limits": {key: str(name) for key, name in LIMIT_NAMES.items()},
        "styles": {key: str(name) for key, name in STYLE_NAMES.items()},
    }
