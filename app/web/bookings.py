"""Booking pages: book a room, see a booking, cancel it, and the staff approval queue."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict
from wtforms.fields.choices import SelectChoice

from app.auth.forms import EmptyForm
from app.extensions import db
from app.models import Booking, Room
from app.services import associations, bookings
from app.services import layouts as layout_service
from app.services.availability import room_availability
from app.services.bookings import BookingInput
from app.services.errors import Conflict, Forbidden, NotFound, RuleViolation
from app.web import bp
from app.web.forms import BookingForm, ReasonForm
from calendars import Interval, TimeInputError, get_zone, localize, to_rfc3339

PREFILL = ("association_id", "title", "attendees", "day", "start", "end", "layout_id", "weeks")
FIELD_OF = {"start": "start", "end": "end", "attendees": "attendees", "title": "title",
            "association_id": "association_id", "layout_id": "layout_id",
            "recurrence.rrule": "weeks"}


@bp.route("/rooms/<int:room_id>/book", methods=["GET", "POST"])
@login_required
def book_room(room_id: int):
    """The booking form of a room; errors come back next to their fields."""
    room = _room_or_404(room_id)
    prefill = _prefill() if request.method == "GET" else None
    form = _booking_form(room, prefill)
    if prefill:
        _check_prefill(form, prefill)
    conflict = None
    if form.validate_on_submit():
        try:
            result = bookings.create_booking(current_user, _booking_input(room, form))
        except (RuleViolation, TimeInputError) as error:
            _attach(form, error)
        except Conflict as error:
            conflict = error
        except Forbidden as error:
            form.association_id.errors.append(error.detail)
        else:
            booking = result.booking
            flash(gettext("Booked.") if booking.status == "confirmed"
                  else gettext("Requested: library staff will confirm it."))
            return redirect(url_for("web.booking_detail", booking_id=booking.id))
    status = 409 if conflict else (422 if form.errors else 200)
    return render_template("web/book.html", room=room, form=form, conflict=conflict,
                           week=_week_ahead(room), zone=get_zone(room.branch.timezone)), status


def _booking_form(room: Room, prefill: MultiDict | None = None) -> BookingForm:
    form = BookingForm(formdata=prefill) if prefill else BookingForm()
    mine = [a for a in associations.associations_of(current_user) if a.verified]
    choices = [SelectChoice(str(a.id), a.name) for a in mine]
    if current_user.is_staff:
        choices.insert(0, SelectChoice("0", gettext("The library itself")))
    form.association_id.choices = choices
    form.layout_id.choices = [SelectChoice("0", gettext("No particular layout"))] + [
        SelectChoice(str(layout.id), gettext("%(name)s (up to %(capacity)s)",
                                             name=layout.name, capacity=layout.capacity))
        for layout in layout_service.bookable_layouts(room)]
    return form


def _prefill() -> MultiDict | None:
    """The fields a link may fill in (from Find a room, say); 'until' becomes a week count."""
    given = MultiDict([(k, v) for k, v in request.args.items(multi=True) if k in PREFILL])
    until = request.args.get("until")
    if until:
        given["weeks"] = str(_weeks_until(given.get("day", ""), until))
    return given or None


def _weeks_until(day: str, until: str) -> int | str:
    """How many weekly dates from ``day`` up to ``until``; the text itself if either is no date."""
    try:
        first, last = date.fromisoformat(day), date.fromisoformat(until)
    except ValueError:
        return until
    return (last - first).days // 7 + 1


def _check_prefill(form: BookingForm, given: MultiDict) -> None:
    """Validate the filled-in fields like any input; say nothing yet about the others."""
    form.validate()
    for name, field in form._fields.items():
        if name not in given:
            field.errors = []


def _booking_input(room: Room, form: BookingForm) -> BookingInput:
    zone = get_zone(room.branch.timezone)
    start = localize(datetime.combine(form.day.data, form.start.data), zone, "start")
    end = localize(datetime.combine(form.day.data, form.end.data), zone, "end")
    weeks = form.weeks.data or 1
    return BookingInput(
        room_id=room.id,
        title=form.title.data.strip(),
        attendees=form.attendees.data,
        start=to_rfc3339(start, zone),
        end=to_rfc3339(end, zone),
        layout_id=form.layout_id.data or None,
        description=form.description.data or "",
        association_id=form.association_id.data or None,
        public=bool(form.public.data),
        rrule=f"FREQ=WEEKLY;COUNT={weeks}" if weeks > 1 else None,
    )


def _attach(form: BookingForm, error: RuleViolation | TimeInputError) -> None:
    items = ([(e.field, e.message) for e in error.errors] if isinstance(error, RuleViolation)
             else [(error.field, error.message)])
    for field, message in items:
        name = FIELD_OF.get(field.split(".", 1)[-1] if field.startswith("occurrences[") else field)
        target = getattr(form, name, None) if name else None
        (target.errors if target is not None else form.form_errors).append(message)


def _week_ahead(room: Room):
    now = datetime.now(get_zone(room.branch.timezone)).replace(minute=0, second=0,
                                                               microsecond=0)
    return room_availability(room, Interval(now, now + timedelta(days=7)))


@bp.route("/bookings")
@login_required
def my_bookings():
    """The bookings the user made or that belong to their associations."""
    return render_template("web/bookings.html",
                           bookings=bookings.latest_bookings_of(current_user))


@bp.route("/bookings/<int:booking_id>")
@login_required
def booking_detail(booking_id: int):
    """One booking: its occurrences and what the user may do with it."""
    booking = _booking_or_404(booking_id)
    return render_template(
        "web/booking.html", booking=booking,
        may_change=bookings.may_change(current_user, booking), action_form=EmptyForm(),
        reason_form=ReasonForm())


@bp.route("/bookings/<int:booking_id>/cancel", methods=["POST"])
@login_required
def booking_cancel(booking_id: int):
    """Cancel a booking (the row stays, marked cancelled)."""
    _booking_or_404(booking_id)
    try:
        bookings.cancel_booking(current_user, booking_id)
    except Forbidden:
        abort(403)
    flash(gettext("The booking is cancelled."))
    return redirect(url_for("web.booking_detail", booking_id=booking_id))


@bp.route("/bookings/<int:booking_id>/decide/<any(approve, reject):decision>",
          methods=["POST"])
@login_required
def booking_decide(booking_id: int, decision: str):
    """Staff approve or reject a pending booking."""
    form = ReasonForm()
    if not current_user.is_staff:
        abort(403)
    try:
        bookings.decide(current_user, booking_id, decision == "approve",
                        reason=form.reason.data or "")
    except RuleViolation as error:
        flash(error.detail)
    else:
        flash(gettext("Approved.") if decision == "approve" else gettext("Rejected."))

    return redirect(url_for("web.booking_detail", booking_id=booking_id))


@bp.route("/approvals")
@login_required
def approvals():
    """Pending bookings, oldest first (staff)."""
    if not current_user.is_staff:
        abort(403)
    return render_template("web/approvals.html",
                           bookings=bookings.pending_queue(current_user, limit=200),
                           over_capacity=bookings.over_capacity_queue(current_user))


def _room_or_404(room_id: int) -> Room:
    room = db.session.get(Room, room_id)
    if room is None or not room.bookable:
        abort(404)
    return room


def _booking_or_404(booking_id: int) -> Booking:
    try:
        return bookings.get_booking(booking_id, current_user)
    except NotFound:
        abort(404)
