"""Public and member pages: parse, authorise, call one service, render."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.auth.forms import EmptyForm
from app.extensions import db
from app.models import Association, utcnow
from app.services import associations, branches, whats_on
from app.services.errors import AlreadyExists, Forbidden, RuleViolation
from app.web import bp
from app.web.forms import AssociationForm, MemberForm


@bp.route("/")
def index():
    """What's on: today's and this week's public events, and the branches' feeds."""
    return render_template(
        "web/whats_on.html",
        days=whats_on.whats_on(utcnow()),
        days_ahead=whats_on.DAYS_AHEAD,
        branches=branches.branches_by_name(),
    )


@bp.route("/rooms")
def rooms():
    """The branches and their rooms."""
    return render_template("web/rooms.html", branches=branches.branches_by_name())


@bp.route("/associations")
def association_list():
    """All associations, and the signed-in user's own."""
    rows = associations.associations_by_name()
    mine = associations.associations_of(current_user) if current_user.is_authenticated else []
    return render_template("web/associations.html", associations=rows, mine=mine)


@bp.route("/associations/new", methods=["GET", "POST"])
@login_required
def association_new():
    """Create an association; the creator becomes its admin."""
    form = AssociationForm()
    if form.validate_on_submit():
        try:
            association = associations.create_association(current_user, form.data)
        except AlreadyExists as error:
            form.name.errors.append(error.detail)
        else:
            flash("Association created. Library staff will verify it before it can book.")
            return redirect(url_for("web.association_detail", association_id=association.id))
    status = 422 if form.errors else 200
    return render_template("web/association_new.html", form=form), status


@bp.route("/associations/<int:association_id>")
def association_detail(association_id: int):
    """One association; its admins and staff see and manage members."""
    association = _association_or_404(association_id)
    manage = associations.is_admin(_user_or_none(), association)
    return render_template(
        "web/association.html",
        association=association,
        manage=manage,
        member_form=MemberForm(),
        action_form=EmptyForm(),
    )


@bp.route("/associations/<int:association_id>/members", methods=["POST"])
@login_required
def association_add_member(association_id: int):
    """Add a member by e-mail."""
    association = _association_or_404(association_id)
    form = MemberForm()
    if form.validate_on_submit():
        try:
            associations.add_member(current_user, association, form.email.data, form.role.data)
        except RuleViolation as error:
            flash(error.detail)
        except Forbidden:
            abort(403)
        else:
            flash(f"{form.email.data} added.")
    return redirect(url_for("web.association_detail", association_id=association.id))


@bp.route("/associations/<int:association_id>/verify", methods=["POST"])
@login_required
def association_verify(association_id: int):
    """Staff verify an association so it can book."""
    association = _association_or_404(association_id)
    if not current_user.is_staff or not EmptyForm().validate_on_submit():
        abort(403)
    associations.update_association(current_user, association, {"verified": True})
    flash(f"{association.name} is verified and may book rooms.")
    return redirect(url_for("web.association_detail", association_id=association.id))


def _association_or_404(association_id: int) -> Association:
    association = db.session.get(Association, association_id)
    if association is None:
        abort(404)
    return association


def _user_or_none():
    return current_user if current_user.is_authenticated else None
