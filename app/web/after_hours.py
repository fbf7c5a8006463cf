"""After-hours pages: a branch's terms and trusted associations (staff), the night's list
(staff), and the key-holder's page with the terms to accept and the codes they hold."""

from __future__ import annotations

from datetime import time

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app.auth.forms import EmptyForm
from app.extensions import db
from app.models import Room
from app.services import after_hours, associations, bookings, branches
from app.services.errors import AlreadyExists, NotFound, RuleViolation
from app.web import bp
from app.web.bookings import booking_page
from app.web.forms import STRETCH_CHOICES, AfterHoursTermsForm, StretchForm, TrustForm
from app.web.query import day_or_today
from calendars import get_zone


@bp.route("/branches/<int:branch_id>/after-hours/settings", methods=["GET", "POST"])
@login_required
def after_hours_settings(branch_id: int):
    """The branch's after-hours terms and limits, and the associations trusted there (staff)."""
    branch = _staff_branch(branch_id)
    terms_form = _terms_form(branch)
    if request.method == "POST" and terms_form.validate_on_submit():
        try:
            after_hours.set_terms(current_user, branch.id, after_hours.TermsInput(
                terms_form.terms.data or "", terms_form.latest_end.data.strftime("%H:%M"),
                tuple(terms_form.room_ids.data or ()), terms_form.evenings_per_month.data))
        except RuleViolation as error:
            _attach(terms_form, error)
        else:
            flash(gettext("The after-hours terms are saved."))
            return redirect(url_for("web.after_hours_settings", branch_id=branch.id))
    return _settings_page(branch, terms_form, _trust_form())


@bp.route("/branches/<int:branch_id>/after-hours/trusts", methods=["POST"])
@login_required
def after_hours_trust(branch_id: int):
    """Trust an association at the branch with a key-holder (staff)."""
    branch = _staff_branch(branch_id)
    form = _trust_form()
    if form.validate_on_submit():
        try:
            after_hours.trust_association(current_user, branch.id, form.association_id.data,
                                          form.key_holder_email.data or "")
        except RuleViolation as error:
            _attach(form, error)
        except AlreadyExists as error:
            form.association_id.errors.append(error.detail)
        else:
            flash(gettext("Trusted. The key-holder accepts the terms on their after-hours page."))
            return redirect(url_for("web.after_hours_settings", branch_id=branch.id))
    return _settings_page(branch, _terms_form(branch, filled=False), form)


@bp.route("/after-hours/trusts/<int:trust_id>/revoke", methods=["POST"])
@login_required
def after_hours_revoke(trust_id: int):
    """End a trust (staff)."""
    if not current_user.is_staff:
        abort(403)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        trust = after_hours.revoke_trust(current_user, trust_id)
    except NotFound:
        abort(404)
    flash(gettext("%(name)s is no longer trusted after hours.", name=trust.association.name))
    return redirect(url_for("web.after_hours_settings", branch_id=trust.branch_id))


def _settings_page(branch, terms_form: AfterHoursTermsForm, trust_form: TrustForm):
    status = 422 if terms_form.errors or trust_form.errors else 200
    return render_template(
        "web/after_hours_settings.html", branch=branch, terms_form=terms_form,
        trust_form=trust_form, trusts=after_hours.trusts_at(current_user, branch.id),
        has_terms=after_hours.terms_of(branch.id) is not None, revoke_form=EmptyForm()), status


def _terms_form(branch, *, filled: bool = True) -> AfterHoursTermsForm:
    terms = after_hours.terms_of(branch.id)
    posted = filled and request.method == "POST"
    form = AfterHoursTermsForm() if posted else AfterHoursTermsForm(formdata=None)
    rooms = db.session.scalars(select(Room).where(Room.branch_id == branch.id)
                               .order_by(Room.name))
    form.room_ids.choices = [SelectChoice(r.id, r.name) for r in rooms]
    if not posted and terms is not None:
        form.terms.data = terms.terms
        form.latest_end.data = time.fromisoformat(terms.latest_end)
        form.room_ids.data = list(terms.room_ids)
        form.evenings_per_month.data = terms.evenings_per_month
    return form


def _trust_form() -> TrustForm:
    form = TrustForm()
    form.association_id.choices = [SelectChoice(a.id, a.name)
                                   for a in associations.associations_by_name() if a.verified]
    return form


def _attach(form, error: RuleViolation) -> None:
    for item in error.errors:
        target = getattr(form, item.field, None)
        (target.errors if target is not None else form.form_errors).append(item.message)


@bp.route("/branches/<int:branch_id>/after-hours")
@login_required
def after_hours_tonight(branch_id: int):
    """Who holds which room after hours on a day (tonight by default), with which
    key-holder (staff; never the codes)."""
    branch = _staff_branch(branch_id)
    zone = get_zone(branch.timezone)
    day, error = day_or_today(zone)
    rows = after_hours.after_hours_on(current_user, branch.id, day)
    return render_template("web/after_hours_tonight.html", branch=branch, day=day,
                           rows=rows, error=error), 400 if error else 200


@bp.route("/after-hours/keys")
@login_required
def after_hours_keys():
    """The key-holder's page: the terms to accept, and the access codes they hold."""
    return render_template("web/after_hours_keys.html",
                           trusts=after_hours.trusts_held_by(current_user),
                           codes=after_hours.codes_held_by(current_user),
                           terms={t.branch_id: after_hours.terms_of(t.branch_id)
                                  for t in after_hours.trusts_held_by(current_user)},
                           form=EmptyForm())


@bp.route("/after-hours/trusts/<int:trust_id>/accept", methods=["POST"])
@login_required
def after_hours_accept(trust_id: int):
    """The key-holder accepts the branch's terms."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        trust = after_hours.accept_terms(current_user, trust_id)
    except NotFound:
        abort(404)
    flash(gettext("You accepted the terms: %(name)s may now book after hours at %(branch)s.",
                  name=trust.association.name, branch=trust.branch.name))
    return redirect(url_for("web.after_hours_keys"))


def _staff_branch(branch_id: int):
    if not current_user.is_staff:
        abort(403)
    try:
        return branches.get_branch(branch_id)
    except NotFound:
        abort(404)


@bp.route("/bookings/<int:booking_id>/exceptions", methods=["POST"])
@login_required
def booking_stretch(booking_id: int):
    """Staff stretch one named rule for a booking or request, with a reason on record."""
    if not current_user.is_staff:
        abort(403)
    try:
        booking = bookings.get_booking(booking_id, current_user)
    except NotFound:
        abort(404)
    form = StretchForm(prefix="stretch")
    if form.validate_on_submit():
        try:
            after_hours.grant_exception(current_user, booking.id, form.rule.data,
                                        form.reason.data or "")
        except RuleViolation as error:
            form.rule.errors = [e.message for e in error.errors]
        else:
            flash(gettext("The rule is stretched for this booking, on record."))
            return redirect(url_for("web.booking_detail", booking_id=booking.id))
    return booking_page(booking, form, 422)


@bp.app_template_global("stretched_rule_name")
def stretched_rule_name(rule: str) -> str:
    """The name staff read for a rule they may stretch."""
    return str(dict((c.value, c.label) for c in STRETCH_CHOICES).get(rule, rule))
