"""Find a room: by date, time, group size and amenities, optionally every week."""

from __future__ import annotations

from datetime import datetime

from flask import render_template, request
from flask_babel import gettext
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.i18n import amenity_name
from app.services import branches, rooms
from app.services.availability import Slot, check_slot, search_rooms
from app.services.errors import BadInput
from app.web import bp
from app.web.forms import FindForm
from calendars import get_zone


@bp.route("/find")
def find_room():
    """The search form; with a query, the rooms that hold the group and are free, best first."""
    every_branch = branches.branches_by_name()
    form = FindForm(formdata=request.args or None)
    form.amenities.choices = [SelectChoice(a, amenity_name(a)) for a in
                              rooms.amenities_in_use()]
    form.branch_id.choices = [SelectChoice("0", gettext("Every branch"))] + [
        SelectChoice
(str(b.id), b.name) for b in every_branch]
    chosen = [b for b in every_branch if b.id == form.branch_id.data] or every_branch
    if chosen:
        form.today = min(datetime.now(get_zone(b.timezone)).date() for b in chosen)
    matches = None
    if request.args and form.validate():
        slot = Slot.local(form.day.data, form.start.data, form.end.data, form.until.data)
        try:
            matches = search_rooms(
                check_slot(slot), form.attendees.data, set(form.amenities.data or ()),
                form.branch_id.data or None,
                staff=current_user.is_authenticated and current_user.is_staff)
        except BadInput as error:
            for problem in error.errors:
                getattr(form, problem.field).errors.append(problem.message)
    status = 422 if form.errors else 200
    zones = {b.id: get_zone(b.timezone) for b in every_branch}
    return render_template("web/find.html", form=form, matches=matches, zones=zones,
                           several_branches=len(every_branch) > 1), status
