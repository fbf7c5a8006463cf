"""Forms of the web pages."""

from datetime import date

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    URL,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from app.forms import AgoraForm
from calendars.recurrence import MAX_COUNT


class AssociationForm(AgoraForm):
    """A new association."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(_l("What you do"), validators=[Optional(), Length(max=2000)])
    contact_email = EmailField(_l("Contact e-mail"), validators=[Optional(), Length(max=254)])
    website = URLField(_l("Website"), validators=[Optional(), URL(), Length(max=300)])


class MemberForm(AgoraForm):
    """Add a member by e-mail."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(_l("Role"), choices=[SelectChoice("member", _l("Member")),
                                            SelectChoice("admin", _l("Admin"))])


class JoinForm(AgoraForm):
    """Ask to join an association, with a word to its admins."""

    message = TextAreaField(_l("A message to the admins (optional)"),
                            validators=[Optional(), Length(max=1000)])


REPEATS = (
    SelectChoice("none", _l("Does not repeat")),
    SelectChoice("weekly", _l("Every week")),
    SelectChoice("fortnightly", _l("Every other week")),
    SelectChoice("monthly", _l("Every month, on the same weekday (e.g. the 2nd Tuesday)")),
)
ENDS = (
    SelectChoice("count", _l("After a number of times")),
    SelectChoice("until", _l("On a date")),
)
STRETCH_CHOICES = (
    SelectChoice("", _l("No rule stretched")),
    SelectChoice("max_duration", _l("Longer than the room's maximum")),
    SelectChoice("lead_time", _l("Shorter lead time")),
    SelectChoice("horizon", _l("Beyond the booking horizon")),
    SelectChoice("quota", _l("Over the association's quota")),
)


class BookingForm(AgoraForm):
    """Book a room: local date and times in the branch's zone, once or repeating.

    A series repeats weekly, every other week or monthly on the same weekday of the
    month (the 2nd Tuesday, the last Friday: how associations plan), and ends after a
    number of times or on a date. ``skip_dates`` lists local dates (YYYY-MM-DD) to leave
    out: the dates a check found taken, when the member books only the free ones.
    """

    association_id = SelectField(_l("For"), coerce=int)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    attendees = IntegerField(_l("People"), validators=[DataRequired(), NumberRange(1, 100_000)])
    day = DateField(_l("Date"), validators=[DataRequired()])
    start = TimeField(_l("From"), validators=[DataRequired()])
    end = TimeField(_l("Until"), validators=[DataRequired()])
    layout_id = SelectField(_l("Layout"), coerce=int)
    repeat = SelectField(_l("Repeat"), choices=REPEATS, default="none")
    ends = SelectField(_l("Ends"), choices=ENDS, default="count")
    count = IntegerField(_l("Number of times"), default=10, validators=[
        Optional(), NumberRange(1, MAX_COUNT, _l("Between 1 and %(max)s times.", max=MAX_COUNT))])
    until = DateField(_l("Last date"), validators=[Optional()])
    public = BooleanField(_l("Show in the library's public calendar"))
    description = TextAreaField(_l("Notes for staff and members"),
                                validators=[Length(max=5000)])
    skip_dates = StringField()  # sent by the 'book only the free dates' button, not rendered
    # Staff only (the view removes them for members): one rule this booking may break.
    stretch_rule = SelectField(_l("Stretch a rule"), default="",
                               choices=STRETCH_CHOICES)
    stretch_reason = TextAreaField(_l("Why (kept on record)"), validators=[Length(max=2000)])

    def validate_end(self, field: TimeField) -> None:
        """After the start, on the same day."""
        if self.start.data is not None and field.data is not None and field.data <= self.start.data:
            raise ValidationError(_l("'Until' must come after 'From'."))

    def validate(self, extra_validators=None) -> bool:
        """The fields, then the end the repeat needs: a number of times or a last date."""
        valid = super().validate(extra_validators)
        if self.repeat.data == "none":
            return valid
        if self.ends.data == "count" and self.count.data is None and not self.count.errors:
            self.count.errors = [*self.count.errors, _l("How many times?")]
        if self.ends.data == "until" and not self.until.errors:
            if self.until.data is None:
                self.until.errors = [*self.until.errors, _l("Pick the last date.")]
            elif self.day.data is not None and self.until.data < self.day.data:
                self.until.errors = [*self.until.errors,
                                     _l("Pick a date on or after the first date.")]
        return valid and not (self.count.errors or self.until.errors)

    def validate_stretch_reason(self, field: TextAreaField) -> None:
        """A stretched rule needs its reason."""
        if self.stretch_rule.data and not (field.data or "").strip():
            raise ValidationError(_l("Say why the rule is stretched: it is kept on record."))

    def stretched(self) -> tuple[tuple[str, str], ...]:
        """The (rule, reason) staff chose, if any."""
        if not self.stretch_rule.data:
            return ()
        return ((self.stretch_rule.data, (self.stretch_reason.data or "").strip()),)

    def skipped(self) -> list[date]:
        """The local dates to leave out of the series (unreadable ones are ignored)."""
        found = []
        for text in (self.skip_dates.data or "").split(","):
            try:
                found.append(date.fromisoformat(text.strip()))
            except ValueError:
                continue
        return found


class MoveForm(AgoraForm):
    """Move one date of a booking: a new local day and times in the branch's zone."""

    day = DateField(_l("Date"), validators=[DataRequired()])
    start = TimeField(_l("From"), validators=[DataRequired()])
    end = TimeField(_l("Until"), validators=[DataRequired()])


class ReasonForm(AgoraForm):
    """A staff decision, with a reason when rejecting."""

    reason = TextAreaField(_l("Reason"), validators=[Length(max=2000)])


class CheckboxesField(SelectMultipleField):
    """Several choices, each a checkbox (the template groups them in a fieldset)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class FindForm(AgoraForm):
    """Find a room: a local date and times, a group size, amenities; optionally weekly.

    A GET form (no CSRF: it changes nothing, and its address can be bookmarked).
    The view sets ``today``, the earliest local date a search may ask for.
    """

    class Meta:
        csrf = False

    day = DateField(_l("Date"), validators=[InputRequired(_l("Pick a date."))])
    start = TimeField(_l("From"), validators=[InputRequired(_l("Pick a start time."))])
    end = TimeField(_l("To"), validators=[InputRequired(_l("Pick an end time."))])
    attendees = IntegerField(_l("Number of people"), validators=[
        InputRequired(_l("How many people?")),
        NumberRange(1, 100_000, _l("Between 1 and 100000 people."))])
    amenities = CheckboxesField(_l("Amenities"), choices=[])
    branch_id = SelectField(_l("Branch"), coerce=int, default=0)
    until = DateField(_l("Every week until (optional)"), validators=[Optional()])

    today = None

    def validate_day(self, field: DateField) -> None:
        """Not a date that has passed."""
        if self.today is not None and field.data is not None and field.data < self.today:
            raise ValidationError(gettext("That date has passed."))

    def validate_end(self, field: TimeField) -> None:
        """After the start, on the same day."""
        if self.start.data is not None and field.data is not None and field.data <= self.start.data:
            raise ValidationError(gettext("'To' must come after 'From'."))

    def validate_until(self, field: DateField) -> None:
        """Not before the first date."""
        if self.day.data is not None and field.data is not None and field.data < self.day.data:
            raise ValidationError(gettext("Pick a date on or after the first date."))


class RoomShapeForm(AgoraForm):
    """A room's outline, doors and obstacles as text (app/web/room_shape_text.py); the room
    editor's form, which works without JavaScript."""

    outline = TextAreaField(_l("Outline: one corner a line, x, y in metres"),
                            validators=[DataRequired(), Length(max=200_000)])
    doors = TextAreaField(_l("Doors: one a line, x1, y1; x2, y2; clear width"),
                          validators=[Optional(), Length(max=20_000)])
    obstacles = TextAreaField(_l("Obstacles: one a line, their corners x, y; x, y; x, y"),
                              validators=[Optional(), Length(max=200_000)])
    force = BooleanField(_l("Save anyway"))


class AfterHoursTermsForm(AgoraForm):
    """A branch's after-hours terms and limits (staff)."""

    terms = TextAreaField(_l("Terms the key-holder accepts"),
                          validators=[DataRequired(), Length(max=5000)])
    latest_end = TimeField(_l("Latest end"), validators=[DataRequired()])
    room_ids = CheckboxesField(_l("Rooms open after hours"), coerce=int, choices=[])
    evenings_per_month = IntegerField(_l("Evenings a month per association"), default=4,
                                      validators=[InputRequired(), NumberRange(0, 31)])


class TrustForm(AgoraForm):
    """Trust an association at a branch, with a key-holder from among its members (staff)."""

    association_id = SelectField(_l("Association"), coerce=int)
    key_holder_email = EmailField(_l("Key-holder's e-mail"),
                                  validators=[DataRequired(), Length(max=254)])


class StretchForm(AgoraForm):
    """Staff stretch one named rule for an existing booking or request, with a reason."""

    rule = SelectField(_l("Rule to stretch"), choices=STRETCH_CHOICES[1:])
    reason = TextAreaField(_l("Why (kept on record)"), validators=[
        DataRequired(_l("Say why the rule is stretched: it is kept on record.")),
        Length(max=2000)])
