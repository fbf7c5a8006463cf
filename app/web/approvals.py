"""Staff pages: the approval queue with each request's context, decisions, and the set-up
sheet of a branch's day."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from app.services import approvals as approval_service
from app.services import bookings, branches
from app.services.errors import NotFound, RuleViolation
from app.services.setup_sheet import setup_day
from app.web import bp
from app.web.forms import ReasonForm
from app.web.query import day_or_today
from calendars import get_zone


def _staff() -> None:
    if not current_user.is_staff:
        abort(403)


@bp.route("/approvals")
@login_required
def approvals():
    """Pending requests, oldest first, each with what stands in its way (staff)."""
    _staff()
    return _approvals_page()


def _approvals_page(errors: dict[int, str] | None = None, reasons: dict[int, str] | None = None,
                    status: int = 200):
    pending = bookings.pending_queue(current_user, limit=200)
    return render_template(
        "web/approvals.html", contexts=approval_service.contexts(current_user, pending),
        over_capacity=bookings.over_capacity_queue(current_user), form=ReasonForm(),
        errors=errors or {}, reasons=reasons or {}), status


@bp.route("/bookings/<int:booking_id>/decide/<any(approve, reject):decision>",
          methods=["POST"])
@login_required
def booking_decide(booking_id: int, decision: str):
    """Staff approve or reject a pending booking, every date of a series at once."""
    _staff()
    form = ReasonForm()
    from_queue = request.form.get("back") == "approvals"
    if not form.validate_on_submit():
        abort(400)
    reason = form.reason.data or ""
    try:
        booking = bookings.decide(current_user, booking_id, decision == "approve", reason=reason)
    except NotFound:
        abort(404)
    except RuleViolation as error:
        if from_queue:
            return _approvals_page({booking_id: error.detail}, {booking_id: reason}, 422)
        flash(error.detail)
        return redirect(url_for("web.booking_detail", booking_id=booking_id))
    flash(gettext("Approved: %(title)s.", title=booking.title) if decision == "approve"
          else gettext("Rejected: %(title)s.", title=booking.title))
    if from_queue:
        return redirect(url_for("web.approvals"))
    return redirect(url_for("web.booking_detail", booking_id=booking_id))


@bp.route("/branches/<int:branch_id>/setup")
@login_required
def setup_sheet(branch_id: int):
    """The set-up sheet of a branch's day, made to print (staff)."""
    _staff()
    try:
        branch = branches.get_branch(branch_id)
    except NotFound:
        abort(404)
    zone = get_zone(branch.timezone)
    day, error = day_or_today(zone)
    return render_template(
        "web/setup_sheet.html", branch=branch, day=day, zone=zone, error=error,
        rooms=setup_day(current_user, branch, day),
        previous=day - timedelta(days=1), next=day + timedelta(days=1),
    ), 400 if error else 200


@bp.app_template_global("status_label")
def status_label(status: str) -> str:
    """A booking's or date's status as staff read it on their pages."""
    labels = {"pending": gettext("Pending — not yet approved"),
              "confirmed": gettext("Confirmed"), "rejected": gettext("Rejected"),
              "cancelled": gettext("Cancelled")}
    return labels.get(status, status)
