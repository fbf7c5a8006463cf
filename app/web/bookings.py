"""Booking pages: book a room, my bookings, see a booking, cancel or move its dates.

The staff approval queue and decisions are in ``app.web.approvals``."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict
from wtforms.fields.choices import SelectChoice

from app.auth.forms import EmptyForm
from app.extensions import db
from app.models import Booking, Occurrence, Room, utcnow
from app.services import after_hours, associations, bookings
from app.services import layouts as layout_service
from app.services.availability import Alternative, room_availability
from app.services.booking_times import repeat_rule
from app.services.bookings import BookingChanges, BookingInput
from app.services.capacity import capacity_of
from app.services.errors import Conflict, Forbidden, NotFound, RuleViolation
from app.web import bp
from app.web.forms import BookingForm, MoveForm, ReasonForm, StretchForm
from calendars import Interval, RecurrenceError, TimeInputError, get_zone, localize, to_rfc3339

PREFILL = ("association_id", "title", "attendees", "day", "start", "end", "layout_id",
           "repeat", "ends", "count", "until", "public")
FIELD_OF = {"start": "start", "end": "end", "attendees": "attendees", "title": "title",
            "association_id": "association_id", "layout_id": "layout_id",
            "exceptions[0].rule": "stretch_rule", "exceptions[0].reason": "stretch_reason"}


@bp.route("/rooms/<int:room_id>/book", methods=["GET", "POST"])
@login_required
def book_room(room_id: int):
    """The booking form of a room; errors come back next to their fields.

    When a booking cannot be made, the same check the page's script asks the API for
    (``bookings.check_booking``) says which dates are taken, offers to book only the free
    ones, and names other rooms and times; without JavaScript the page still works.
    """
    room = _room_or_404(room_id)
    prefill = _prefill() if request.method == "GET" else None
    form = _booking_form(room, prefill)
    conflict = check = None
    if prefill:
        _check_prefill(form, prefill)
        check = _prefilled_check(room, form, prefill)
    if form.validate_on_submit():
        try:
            data = _booking_input(room, form)
            result = bookings.create_booking(current_user, data)
        except (RuleViolation, TimeInputError, RecurrenceError) as error:
            _attach(form, error)
            check = _check_quietly(data) if isinstance(error, RuleViolation) else None
        except Conflict as error:
            conflict = error
            check = _check_quietly(data)
        except Forbidden as error:
            form.association_id.errors.append(error.detail)
        else:
            return _booked(result, form)
    status = 409 if conflict else (422 if form.errors else 200)
    zone = get_zone(room.branch.timezone)
    return render_template(
        "web/book.html", room=room, form=form, check=check,
        **(_report(form, check, zone) if check else {}),
        capacities=_capacities(room), week=_week_ahead(room), zone=zone), status


def _report(form: BookingForm, check: bookings.BookingCheck, zone: tzinfo) -> dict:
    """What the page shows of a check: alternatives as filled-in links, and the local
    dates the 'book only the free dates' button leaves out."""
    first_clash = check.first_clash
    return {
        "suggestions": _with_links(form, check.suggestions, zone,
                                   first_clash.start.astimezone(zone).date())
        if first_clash else [],
        "smaller_rooms": _with_links(form, check.smaller_rooms, zone),
        "skip": ",".join(d.start.astimezone(zone).date().isoformat() for d in check.taken),
    }


def _booked(result: bookings.BookingResult, form: BookingForm):
    booking = result.booking
    left_out = len(form.skipped())
    if left_out:
        flash(ngettext("Booked; %(num)s taken date was left out.",
                       "Booked; %(num)s taken dates were left out.", left_out))
    else:
        flash(gettext("Booked.") if booking.status == "confirmed"
              else gettext("Requested: library staff will confirm it."))
    return redirect(url_for("web.booking_detail", booking_id=booking.id))


def _check_quietly(data: BookingInput) -> bookings.BookingCheck | None:
    """The dry run of what was sent, to show per date what is in the way; None if the
    request itself cannot be read (its errors are next to the fields already)."""
    try:
        return bookings.check_booking(current_user, data)
    except (RuleViolation, TimeInputError, RecurrenceError, Forbidden):
        return None


def _prefilled_check(room: Room, form: BookingForm,
                     given: MultiDict) -> bookings.BookingCheck | None:
    """A link that names the time and the group (Find a room, a suggestion) is checked at
    once, so the page says what is free before anything is typed."""
    if form.errors or not all(given.get(k) for k in ("day", "start", "end", "attendees")):
        return None
    if form.association_id.data is None and form.association_id.choices:
        form.association_id.data = int(form.association_id.choices[0].value)
    try:
        data = _booking_input(room, form)
    except TimeInputError:
        return None
    return _check_quietly(data)


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


def _capacities(room: Room) -> dict[int, int]:
    """What the room holds with each choice of the layout select (0: no particular layout)."""
    found = {0: capacity_of(room, None)}
    found.update({layout.id: capacity_of(room, layout)
                  for layout in layout_service.bookable_layouts(room)})
    return found


def _prefill() -> MultiDict | None:
    """The fields a link may fill in (from Find a room, or a suggestion).

    A link with only ``until`` (Find a room's weekly search) asks for a weekly series
    ending that day.
    """
    given = MultiDict([(k, v) for k, v in request.args.items(multi=True) if k in PREFILL])
    if given.get("until") and "repeat" not in given:
        given["repeat"] = "weekly"
    if given.get("until") and "ends" not in given:
        given["ends"] = "until"
    return given or None


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
    series = form.repeat.data != "none"
    rrule = repeat_rule(form.repeat.data, form.day.data,
                        count=form.count.data if form.ends.data == "count" else None,
                        until=form.until.data if form.ends.data == "until" else None)
    skipped = form.skipped() if series else []
    exdates = tuple(
        to_rfc3339(localize(datetime.combine(day, form.start.data), zone, "start"), zone)
        for day in skipped)
    return BookingInput(
        room_id=room.id,
        title=(form.title.data or "").strip(),
        attendees=form.attendees.data,
        start=to_rfc3339(start, zone),
        end=to_rfc3339(end, zone),
        layout_id=form.layout_id.data or None,
        description=form.description.data or "",
        association_id=form.association_id.data or None,
        public=bool(form.public.data),
        rrule=rrule,
        exdates=exdates,
        exceptions=form.stretched() if current_user.is_staff else (),
    )


def _attach(form: BookingForm | MoveForm,
            error: RuleViolation | TimeInputError | RecurrenceError) -> None:
    """Each broken rule next to its field (a series' end next to the end the form chose)."""
    items = ([(e.field, e.message) for e in error.errors] if isinstance(error, RuleViolation)
             else [(error.field, error.message)])
    ends = getattr(form, "ends", None)
    fields_of = FIELD_OF | {"recurrence.rrule": "until" if ends and ends.data == "until"
                            else "count"}
    for field, message in items:
        name = fields_of.get(field.split(".", 1)[-1] if field.startswith("occurrences[") else field)
        target = getattr(form, name, None) if name else None
        (target.errors if target is not None else form.form_errors).append(message)


def _with_links(form: BookingForm, alternatives: list[Alternative], zone: tzinfo,
                taken_day: date | None = None) -> list[tuple[Alternative, str]]:
    """Each alternative with the booking form of its room filled in with what was typed
    here, at the alternative's time and with the layout that holds the group."""
    links = []
    for alternative in alternatives:
        start, end = alternative.start.astimezone(zone), alternative.end.astimezone(zone)
        # A series keeps its first date: the alternative moves it as it moves the taken date.
        first = form.day.data + (start.date() - taken_day) if taken_day else start.date()
        links.append((alternative, url_for(
            "web.book_room", room_id=alternative.room.id,
            layout_id=alternative.layout.id if alternative.layout else 0,
            association_id=form.association_id.data, title=form.title.data,
            attendees=form.attendees.data, day=first.isoformat(),
            start=start.strftime("%H:%M"), end=end.strftime("%H:%M"),
            repeat=form.repeat.data, ends=form.ends.data,
            count=form.count.data if form.count.data else None,
            until=form.until.data.isoformat() if form.until.data else None)))
    return links


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
                           past=bookings.past_of(current_user),
                           holds_keys=bool(after_hours.trusts_held_by(current_user)
                                           or after_hours.codes_held_by(current_user)))


@bp.route("/bookings/<int:booking_id>")
@login_required
def booking_detail(booking_id: int):
    """One booking: its occurrences and what the user may do with it."""
    return booking_page(_booking_or_404(booking_id))


def booking_page(booking: Booking, stretch_form: StretchForm | None = None, status: int = 200):
    """A booking's page; staff get the form to stretch a rule for it (``stretch_form``
    carries its errors when it came back refused)."""
    return render_template(
        "web/booking.html", booking=booking,
        may_change=bookings.may_change(current_user, booking), action_form=EmptyForm(),
        reason_form=ReasonForm(), now=utcnow(),
        access_codes=after_hours.codes_for(current_user, booking),
        rule_exceptions=after_hours.exceptions_of(current_user, booking),
        stretch_form=(stretch_form or StretchForm(formdata=None, prefix="stretch"))
        if current_user.is_staff else None), status


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
