"""Booking pages: book a room, my bookings, see a booking, cancel or move its dates.

The staff approval queue and decisions are in ``app.web.approvals``."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict
from wtforms.fields.choices import SelectChoice

from app.auth.forms import EmptyForm
from app.extensions import db
from app.models import Booking, Occurrence, Room, utcnow
from app.services import associations, bookings
from app.services import layouts as layout_service
from app.services.availability import room_availability
from app.services.bookings import BookingChanges, BookingInput
from app.services.errors import Conflict, Forbidden, NotFound, RuleViolation
from app.web import bp
from app.web.forms import BookingForm, MoveForm, ReasonForm
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
            flash("Booked." if booking.status == "confirmed"
                  else "Requested: library staff will confirm it.")
            return redirect(url_for("web.booking_detail", booking_id=booking.id))
    status = 409 if conflict else (422 if form.errors else 200)
    return render_template("web/book.html", room=room, form=form, conflict=conflict,
                           week=_week_ahead(room), zone=get_zone(room.branch.timezone)), status


def _booking_form(room: Room, prefill: MultiDict | None = None) -> BookingForm:
    form = BookingForm(formdata=prefill) if prefill else BookingForm()
    mine = [a for a in associations.associations_of(current_user) if a.verified]
    choices = [SelectChoice(str(a.id), a.name) for a in mine]
    if current_user.is_staff:
        choices.insert(0, SelectChoice("0", "The library itself"))
    form.association_id.choices = choices
    form.layout_id.choices = [SelectChoice("0", "No particular layout")] + [
        SelectChoice(str(layout.id), f"{layout.name} (up to {layout.capacity})")
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
    """Upcoming dates of the user's bookings (and their associations'), past ones apart."""
    upcoming = bookings.upcoming_of(current_user)
    changeable = {u.booking.id for u in upcoming if bookings.may_change(current_user, u.booking)}
    return render_template("web/bookings.html", upcoming=upcoming, changeable=changeable,
                           past=bookings.past_of(current_user))


@bp.route("/bookings/<int:booking_id>")
@login_required
def booking_detail(booking_id: int):
    """One booking: its occurrences and what the user may do with it."""
    booking = _booking_or_404(booking_id)
    return render_template(
        "web/booking.html", booking=booking,
        may_change=bookings.may_change(current_user, booking), action_form=EmptyForm(),
        reason_form=ReasonForm(), now=utcnow())


@bp.route("/bookings/<int:booking_id>/cancel", methods=["GET", "POST"])
@login_required
def booking_cancel(booking_id: int):
    """Cancel a booking, every date still to come (the rows stay, marked cancelled).

    GET asks for confirmation and says how many dates will be cancelled.
    """
    booking = _booking_or_404(booking_id)
    if request.method == "GET":
        return _confirm_cancel(booking, "all")
    count = len(bookings.dates_to_cancel(booking, "all"))
    try:
        bookings.cancel_booking(current_user, booking_id)
    except Forbidden:
        abort(403)
    flash(_cancelled_message(count))
    return _back(booking_id)


@bp.route("/bookings/<int:booking_id>/dates/<path:start>/cancel", methods=["GET", "POST"])
@login_required
def date_cancel(booking_id: int, start: str):
    """Cancel one date (``?scope=this``) or this date and the following (``scope=following``).

    GET asks for confirmation and lists the dates that will be cancelled.
    """
    booking = _booking_or_404(booking_id)
    scope = request.args.get("scope", "this")
    if scope not in ("this", "following"):
        abort(400)
    _occurrence_or_404(booking, start)
    if request.method == "GET":
        return _confirm_cancel(booking, scope, start)
    count = len(bookings.dates_to_cancel(booking, scope, start))
    try:
        bookings.cancel_occurrence(current_user, booking_id, start,
                                   following=scope == "following")
    except Forbidden:
        abort(403)
    flash(_cancelled_message(count))
    return _back(booking_id)


def _confirm_cancel(booking: Booking, scope: str, start: str | None = None):
    """The second step of a cancellation: what will be cancelled, and a button to do it."""
    if not bookings.may_change(current_user, booking):
        abort(403)
    dates = bookings.dates_to_cancel(booking, scope, start)
    action = (url_for("web.booking_cancel", booking_id=booking.id) if scope == "all" else
              url_for("web.date_cancel", booking_id=booking.id, start=start, scope=scope))
    return render_template("web/cancel_dates.html", booking=booking, dates=dates, scope=scope,
                           action=action, back=_back_target(), form=EmptyForm())


def _cancelled_message(count: int) -> str:
    return ngettext("%(num)d date is cancelled.", "%(num)d dates are cancelled.", count)


@bp.route("/bookings/<int:booking_id>/dates/<path:start>/move", methods=["GET", "POST"])
@login_required
def date_move(booking_id: int, start: str):
    """Move one date of a booking to another local day and time; clashes come back as errors."""
    booking = _booking_or_404(booking_id)
    occurrence = _occurrence_or_404(booking, start)
    if not bookings.may_change(current_user, booking):
        abort(403)
    zone = get_zone(booking.room.branch.timezone)
    form = MoveForm()
    if request.method == "GET":
        local_start, local_end = occurrence.start.astimezone(zone), occurrence.end.astimezone(zone)
        form.day.data, form.start.data = local_start.date(), local_start.time()
        form.end.data = local_end.time()
    conflict = None
    if form.validate_on_submit():
        changes = BookingChanges(
            start=to_rfc3339(localize(datetime.combine(form.day.data, form.start.data), zone,
                                      "start"), zone),
            end=to_rfc3339(localize(datetime.combine(form.day.data, form.end.data), zone,
                                    "end"), zone))
        try:
            bookings.change_occurrence(current_user, booking_id, start, changes)
        except (RuleViolation, TimeInputError) as error:
            _attach(form, error)
        except Conflict as error:
            conflict = error
            form.start.errors.append(gettext(
                "Choose another day or time: this one clashes with another booking."))
        else:
            flash(gettext("The date is moved."))
            return _back(booking_id)
    status = 409 if conflict else (422 if form.errors else 200)
    return render_template("web/move_date.html", booking=booking, occurrence=occurrence,
                           form=form, conflict=conflict, back=_back_target()), status


def _occurrence_or_404(booking: Booking, start: str) -> Occurrence:
    try:
        return bookings.find_occurrence(booking, start)
    except NotFound:
        abort(404)


def _back_target() -> str:
    """Where a date's action returns: 'booking' (its page) or 'list' (my bookings)."""
    return "booking" if request.values.get("back") == "booking" else "list"


def _back(booking_id: int):
    if _back_target() == "booking":
        return redirect(url_for("web.booking_detail", booking_id=booking_id))
    return redirect(url_for("web.my_bookings"))


@bp.app_template_filter("date_key")
def date_key(occurrence: Occurrence) -> str:
    """How a page names one date of a booking in its addresses: where the series first put
    it, in UTC (stable when the date is moved)."""
    return occurrence.original_start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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
