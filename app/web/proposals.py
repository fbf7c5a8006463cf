"""Proposal pages: propose an activity, say "I'd come", ask for coffee; staff host it."""

from __future__ import annotations

from datetime import date, datetime, time

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from app.auth.forms import EmptyForm
from app.models import Proposal
from app.services import associations, branches, proposals
from app.services.errors import AgoraError, Conflict, Forbidden, NotFound, RuleViolation
from app.web import bp
from app.web.proposal_forms import (
    CoffeeForm,
    ProposalForm,
    RoomSearchForm,
    ScheduleForm,
    StateForm,
    SupportForm,
)
from calendars import TimeInputError, get_zone, localize

LISTED = 200


@bp.route("/proposals")
def proposal_list():
    """Every proposal, newest first or the most wanted first (anyone); ``?coffee=asked``:
    those whose proposer waits for staff to offer a cup of coffee."""
    order = request.args.get("order", "newest")
    if order not in proposals.ORDERS:
        order = "newest"
    coffee_asked = request.args.get("coffee") == "asked"
    return render_template("web/proposals.html", order=order, coffee_asked=coffee_asked,
                           rows=proposals.list_proposals(order, LISTED,
                                                         coffee_asked=coffee_asked))


@bp.route("/proposals/new", methods=["GET", "POST"])
@login_required
def proposal_new():
    """Propose an activity (anyone signed in)."""
    form = ProposalForm()
    _choices(form)
    if form.validate_on_submit():
        data = proposals.ProposalInput(
            title=form.title.data, for_whom=form.for_whom.data or "",
            wants=form.wants.data or "", people_expected=form.people_expected.data,
            room_kind=form.room_kind.data or "", furniture=form.furniture.data or "",
            staff_help=form.staff_help.data or "", timing=form.timing.data or "",
            association_id=form.association_id.data or None,
            branch_id=form.branch_id.data or None)
        try:
            proposal = proposals.create_proposal(current_user, data)
        except (RuleViolation, Forbidden) as error:
            form.association_id.errors.append(error.detail)
        else:
            flash(gettext("Thank you! Your proposal is published. Others can now say they "
                          "would come, and library staff will be in touch."))
            return redirect(url_for("web.proposal_detail", proposal_id=proposal.id))
    status = 422 if form.errors else 200
    return render_template("web/proposal_new.html", form=form), status


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@login_required
def proposal_edit(proposal_id: int):
    """The proposer changes the proposal while it is proposed or in dialogue."""
    proposal = _proposal_or_404(proposal_id)
    if not proposals.is_proposer(current_user, proposal):
        abort(403)
    if proposal.state not in proposals.OPEN_STATES:
        flash(gettext("It is scheduled now: talk to the library's staff about changes."))
        return redirect(url_for("web.proposal_detail", proposal_id=proposal.id))
    form = ProposalForm(obj=proposal if request.method == "GET" else None)
    if request.method == "GET":
        form.association_id.data = proposal.association_id or 0
        form.branch_id.data = proposal.branch_id or 0
    _choices(form)
    if form.validate_on_submit():
        try:
            proposals.edit_proposal(current_user, proposal, {
                "title": form.title.data, "for_whom": form.for_whom.data,
                "wants": form.wants.data, "people_expected": form.people_expected.data,
                "room_kind": form.room_kind.data, "furniture": form.furniture.data,
                "staff_help": form.staff_help.data, "timing": form.timing.data,
                "association_id": form.association_id.data or None,
                "branch_id": form.branch_id.data or None})
        except (RuleViolation, Forbidden) as error:
            form.association_id.errors.append(error.detail)
        except Conflict as error:
            flash(error.detail)
            return redirect(url_for("web.proposal_detail", proposal_id=proposal.id))
        else:
            flash(gettext("Your proposal is changed."))
            return redirect(url_for("web.proposal_detail", proposal_id=proposal.id))
    status = 422 if form.errors else 200
    return render_template("web/proposal_new.html", form=form, editing=proposal), status


def _choices(form: ProposalForm) -> None:
    form.association_id.choices = [(0, gettext("Myself"))] + [
        (a.id, a.name) for a in associations.associations_of(current_user)]
    form.branch_id.choices = [(0, gettext("Any library"))] + [
        (b.id, b.name) for b in branches.branches_by_name()]


@bp.route("/proposals/<int:proposal_id>")
def proposal_detail(proposal_id: int):
    """One proposal: what, for whom, wants and needs; "I'd come", coffee; staff host it."""
    proposal = _proposal_or_404(proposal_id)
    search = RoomSearchForm(request.args if "day" in request.args else None)
    _branch_choices(search)
    return _detail_page(proposal, search=search)


def _detail_page(proposal: Proposal, *, search: RoomSearchForm | None = None,
                 coffee_form: CoffeeForm | None = None, state_form: StateForm | None = None,
                 status: int = 200):
    viewer = current_user if current_user.is_authenticated else None
    staff = viewer is not None and viewer.is_staff
    candidates, people, window = [], proposals.expected_people(proposal), None
    if staff and search is not None and "day" in request.args and search.validate():
        try:
            window = _window(search.branch_id.data, search.day.data, search.start.data,
                             search.end.data)
            candidates = proposals.candidate_rooms(proposal, *window,
                                                   branch_id=search.branch_id.data)
        except (TimeInputError, AgoraError) as error:
            search.end.errors = [*search.end.errors, _message(error)]
            status = 422
    if coffee_form is None:
        coffee_form = CoffeeForm(formdata=None)
        if proposal.branch_id:
            coffee_form.branch_id.data = proposal.branch_id
    _branch_choices(coffee_form)
    state_form = state_form or StateForm(formdata=None)
    allowed = proposals.TRANSITIONS.get(proposal.state, frozenset())
    state_form.state.choices = [c for c in state_form.state.choices if c.value in allowed]
    if search is None:
        search = RoomSearchForm(formdata=None)
        _branch_choices(search)
    if search.branch_id.data is None and proposal.branch_id:
        search.branch_id.data = proposal.branch_id
    return render_template(
        "web/proposal.html", proposal=proposal, counts=proposals.counted(proposal),
        mine=proposals.supports_of(viewer, proposal),
        proposer=proposals.is_proposer(viewer, proposal), staff=staff, people=people,
        support_form=SupportForm(formdata=None), coffee_form=coffee_form,
        state_form=state_form, search=search,
        candidates=candidates, window=window, schedule_form=ScheduleForm(formdata=None),
        open_states=proposals.OPEN_STATES, transitions=proposals.TRANSITIONS,
    ), status


def _branch_choices(form) -> None:
    form.branch_id.choices = [(b.id, b.name) for b in branches.branches_by_name()]


def _message(error: Exception) -> str:
    return getattr(error, "detail", None) or getattr(error, "message", None) or str(error)


def _window(branch_id: int, day: date, start: time, end: time) -> tuple[datetime, datetime]:
    """A local date and times in the branch's zone, as instants."""
    zone = get_zone(branches.get_branch(branch_id).timezone)
    return (localize(datetime.combine(day, start), zone, "start"),
            localize(datetime.combine(day, end), zone, "end"))


@bp.route("/proposals/<int:proposal_id>/support", methods=["POST"])
@login_required
def proposal_support(proposal_id: int):
    """One click: say "I'd come" / "I can help", take it back, or ask to be told."""
    proposal = _proposal_or_404(proposal_id)
    form = SupportForm()
    if not form.validate_on_submit():
        abort(400)
    kind, action = form.kind.data, form.action.data
    try:
        if action == "add":
            proposals.add_support(current_user, proposal, kind)
        elif action == "remove":
            proposals.remove_support(current_user, proposal, kind)
        elif action in ("notify", "quiet"):
            proposals.add_support(current_user, proposal, "come", action == "notify")
        else:
            abort(400)
    except (Conflict, RuleViolation) as error:
        flash(error.detail)
    else:
        flash(_support_said(kind, action))
    return redirect(url_for("web.proposal_detail", proposal_id=proposal.id) + "#support")


def _support_said(kind: str, action: str) -> str:
    if action == "notify":
        return gettext("We will e-mail you when it happens.")
    if action == "quiet":
        return gettext("We will not e-mail you about it.")
    if action == "remove":
        return gettext("Taken back.")
    if kind == "come":
        return gettext("Noted: you would come.")
    return gettext("Noted: you can help. Thank you!")


@bp.route("/proposals/<int:proposal_id>/coffee", methods=["POST"])
@login_required
def proposal_coffee(proposal_id: int):
    """The proposer asks staff for a conversation over a cup of coffee."""
    proposal = _proposal_or_404(proposal_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        proposals.request_coffee(current_user, proposal)
    except Forbidden:
        abort(403)
    except Conflict as error:
        flash(error.detail)
    else:
        flash(gettext("Staff will offer you a time for a cup of coffee. You will get an "
                      "e-mail with an invitation."))
    return redirect(url_for("web.proposal_detail", proposal_id=proposal.id) + "#coffee")


@bp.route("/proposals/<int:proposal_id>/coffee/offer", methods=["POST"])
@login_required
def proposal_coffee_offer(proposal_id: int):
    """Staff offer a time and place for the coffee; both get an invitation."""
    _staff()
    proposal = _proposal_or_404(proposal_id)
    form = CoffeeForm()
    _branch_choices(form)
    if form.validate_on_submit():
        try:
            start, end = _window(form.branch_id.data, form.day.data, form.start.data,
                                 form.end.data)
            proposals.offer_coffee(current_user, proposal, start, end, form.branch_id.data,
                                   form.place.data or "")
        except RuleViolation as error:
            field = getattr(form, error.errors[0].field, form.end)
            field.errors = [*field.errors, error.detail]
        except TimeInputError as error:
            form.start.errors = [*form.start.errors, error.message]
        except Conflict as error:
            flash(error.detail)
            return redirect(url_for("web.proposal_detail", proposal_id=proposal.id))
        else:
            flash(gettext("Coffee offered. The proposer and you get an invitation by e-mail."))
            return redirect(url_for("web.proposal_detail", proposal_id=proposal.id) + "#coffee")
    return _detail_page(proposal, coffee_form=form, status=422)


@bp.route("/proposals/<int:proposal_id>/state", methods=["POST"])
@login_required
def proposal_state(proposal_id: int):
    """Staff move the proposal; "not now" with a kind reason."""
    _staff()
    proposal = _proposal_or_404(proposal_id)
    form = StateForm()
    if form.validate_on_submit():
        try:
            proposals.change_state(current_user, proposal, form.state.data,
                                   form.reason.data or "")
        except RuleViolation as error:
            form.reason.errors = [*form.reason.errors, error.detail]
        except Conflict as error:
            form.state.errors = [*form.state.errors, error.detail]
        else:
            flash(gettext("The proposal is now %(state)s.",
                          state=_state_name(proposal.state)))
            return redirect(url_for("web.proposal_detail", proposal_id=proposal.id))
    return _detail_page(proposal, state_form=form, status=422)


def _state_name(state: str) -> str:
    from app.i18n import proposal_state_name

    return proposal_state_name(state)


@bp.route("/proposals/<int:proposal_id>/schedule", methods=["POST"])
@login_required
def proposal_schedule(proposal_id: int):
    """Staff schedule it into a candidate room: a public booking, What's on, e-mails."""
    _staff()
    proposal = _proposal_or_404(proposal_id)
    form = ScheduleForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        start, end = _window(int(form.branch_id.data), date.fromisoformat(form.day.data),
                             time.fromisoformat(form.start.data),
                             time.fromisoformat(form.end.data))
        proposals.schedule(current_user, proposal, int(form.room_id.data), start, end,
                           int(form.layout_id.data) if form.layout_id.data else None,
                           form.arrange.data or None)
    except (AgoraError, TimeInputError) as error:
        flash(_message(error))
        return redirect(url_for("web.proposal_detail", proposal_id=proposal.id,
                                branch_id=form.branch_id.data, day=form.day.data,
                                start=form.start.data, end=form.end.data) + "#schedule")
    except ValueError:
        abort(400)
    flash(gettext("Scheduled. It is on What's on, and everyone who asked is told by e-mail."))
    return redirect(url_for("web.proposal_detail", proposal_id=proposal.id))


def _staff() -> None:
    if not current_user.is_staff:
        abort(403)


def _proposal_or_404(proposal_id: int) -> Proposal:
    try:
        return proposals.get_proposal(proposal_id)
    except NotFound:
        abort(404)


@bp.app_template_global("proposal_state")
def proposal_state_label(state: str) -> str:
    """``{{ proposal_state(p.state) }}``: a proposal's state as the reader says it."""
    return _state_name(state)
