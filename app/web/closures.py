"""Staff page of a branch's closures, with an .ics upload to import more."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from flask_wtf.file import FileField, FileRequired

from app.forms import AgoraForm
from app.services import branches, closures
from app.services.errors import NotFound, RuleViolation
from app.web import bp


class ClosuresImportForm(AgoraForm):
    """An .ics file of closures (a public-holiday calendar, say)."""

    file = FileField(_l("Calendar file (.ics)"),
                     validators=[FileRequired(_l("Choose an .ics file."))])


@bp.route("/branches/<int:branch_id>/closures", methods=["GET", "POST"])
@login_required
def branch_closures(branch_id: int):
    """The branch's closures; staff import more from an .ics file."""
    if not current_user.is_staff:
        abort(403)
    try:
        branch = branches.get_branch(branch_id)
    except NotFound:
        abort(404)
    form = ClosuresImportForm()
    if form.validate_on_submit():
        try:
            result = closures.import_closures(branch.id, form.file.data.read())
        except RuleViolation as error:
            form.file.errors = [item.message for item in error.errors]
        else:
            flash(ngettext("Imported %(num)s closure (%(duplicates)s were already there).",
                           "Imported %(num)s closures (%(duplicates)s were already there).",
                           len(result.created), duplicates=result.duplicates))

            return redirect(url_for("web.branch_closures", branch_id=branch.id))
    status = 422 if form.errors else 200
    return render_template("web/branch_closures.html", branch=branch, form=form), status
