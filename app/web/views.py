"""Public and member pages: parse, authorise, call one service, render."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_date, format_datetime
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext
from flask_login import current_user, login_required

from app.auth.forms import EmptyForm
from app.extensions import db
from app.models import Association, User, utcnow
from app.services import associations, branches, floor_plans, whats_on
from app.services.errors import AlreadyExists, Forbidden, NotFound, RuleViolation
from app.web import bp
from app.web.forms import AssociationForm, JoinForm, MemberForm


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
    """The branches, each floor's plan with today's state, and their rooms."""
    found = branches.branches_by_name()
    return render_template("web/rooms.html", branches=found,
                           plans=floor_plans.floor_plans(found, utcnow()))


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
            flash(gettext("Association created. Library staff will verify it before it "
                          "can book."))
            return redirect(url_for("web.association_detail", association_id=association.id))
    status = 422 if form.errors else 200
    return render_template("web/association_new.html", form=form), status


@bp.route("/associations/waiting")
@login_required
def associations_waiting():
    """Staff: the associations waiting to be verified, the longest waiting first."""
    if not current_user.is_staff:
        abort(403)
    return render_template("web/associations_waiting.html",
                           associations=associations.waiting_for_verification(),
                           action_form=EmptyForm())


@bp.route("/associations/<int:association_id>")
def association_detail(association_id: int):
    """One association: its events and feed; asking to join; its admins manage members."""
    return _association_page(_association_or_404(association_id), JoinForm())


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
            flash(gettext("%(email)s added.", email=form.email.data))
    return redirect(url_for("web.association_detail", association_id=association.id))


@bp.route("/associations/<int:association_id>/join", methods=["POST"])
@login_required
def association_join(association_id: int):
    """Ask to join; the admins get an e-mail and answer on this page."""
    association = _association_or_404(association_id)
    form = JoinForm()
    if not form.validate_on_submit():
        return _association_page(association, form, 422)
    try:
        associations.ask_to_join(current_user, association, form.message.data or "")
    except AlreadyExists:
        if associations.membership_of(current_user, association) is not None:
            flash(gettext("You are already a member of %(name)s.", name=association.name))
        else:
            flash(gettext("You have already asked to join %(name)s; your request is waiting "
                          "for an answer.", name=association.name))
    else:
        flash(gettext("Your request to join %(name)s is sent. Its admins will answer, and you "
                      "will get an e-mail.", name=association.name))
    return redirect(url_for("web.association_detail", association_id=association.id))


@bp.route("/associations/<int:association_id>/join-requests/<int:request_id>/<any(accept, "
          "decline):answer>", methods=["POST"])
@login_required
def association_answer(association_id: int, request_id: int, answer: str):
    """Admins and staff accept or decline a request to join."""
    association = _association_or_404(association_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        join_request = associations.get_join_request(association, request_id)
        associations.answer_join_request(current_user, join_request, answer == "accept")
    except NotFound:
        abort(404)
    except Forbidden:
        abort(403)
    except AlreadyExists:
        flash(gettext("That request was already answered."))
    else:
        who = join_request.user.name or join_request.user.email
        if answer == "accept":
            flash(gettext("%(who)s is now a member.", who=who))
        else:
            flash(gettext("You declined the request from %(who)s.", who=who))
    return redirect(url_for("web.association_detail", association_id=association.id))


@bp.route("/associations/<int:association_id>/verify", methods=["POST"])
@login_required
def association_verify(association_id: int):
    """Staff verify an association so it can book; its admins get an e-mail."""
    association = _association_or_404(association_id)
    if not current_user.is_staff or not EmptyForm().validate_on_submit():
        abort(403)
    associations.update_association(current_user, association, {"verified": True})
    flash(gettext("%(name)s is verified and may book rooms. Its admins get an e-mail.",
                  name=association.name))
    if request.form.get("back") == "waiting":
        return redirect(url_for("web.associations_waiting"))
    return redirect(url_for("web.association_detail", association_id=association.id))


def _association_page(association: Association, join_form: JoinForm, status: int = 200):
    """The association's page; its join form as given (with its errors, if any)."""
    viewer = _user_or_none()
    manage = associations.is_admin(viewer, association)
    return render_template(
        "web/association.html",
        association=association,
        manage=manage,
        membership=associations.membership_of(viewer, association),
        my_request=associations.pending_request_of(viewer, association),
        requests=associations.pending_requests(viewer, association) if manage else [],
        events=whats_on.association_events(association.id, utcnow()),
        member_form=MemberForm(formdata=None),
        join_form=join_form,
        action_form=EmptyForm(),
    ), status


@bp.app_context_processor
def unverified_notice_helper() -> dict[str, object]:
    """``unverified_associations()`` for ``web/_unverified_notice.html``, read only if used."""
    return {"unverified_associations": _unverified_of_viewer}


def _unverified_of_viewer(only: Association | None = None) -> list[Association]:
    """The signed-in user's associations staff have not verified yet (``only`` that one)."""
    waiting = associations.unverified_associations_of(_user_or_none())
    return [a for a in waiting if only is None or a.id == only.id]


@bp.app_template_filter("event_when")
def event_when(start: datetime) -> str:
    """A local start as the viewer's language writes it: 'Tuesday 8 December 2026, 18:00'."""
    return format_datetime(start, "EEEE d MMMM y, HH:mm", tzinfo=start.tzinfo,
                           locale=str(get_locale()))


@bp.app_template_filter("signed_up")
def signed_up(instant: datetime) -> str:
    """The day something was made, as the viewer's language writes a date."""
    return format_date(instant.date(), "long", locale=str(get_locale()))


def _association_or_404(association_id: int) -> Association:
    association = db.session.get(Association, association_id)
    if association is None:
        abort(404)
    return association


def _user_or_none() -> User | None:
    return current_user if current_user.is_authenticated else None
