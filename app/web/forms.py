"""Forms of the web pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
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


class AssociationForm(FlaskForm):
    """A new association."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(_l("What you do"), validators=[Optional(), Length(max=2000)])
    contact_email = EmailField(_l("Contact e-mail"), validators=[Optional(), Length(max=254)])
    website = URLField(_l("Website"), validators=[Optional(), URL(), Length(max=300)])


class MemberForm(FlaskForm):
    """Add a member by e-mail."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(_l("Role"), choices=[SelectChoice("member", _l("Member")),
                                            SelectChoice("admin", _l("Admin"))])


class JoinForm(FlaskForm):
    """Ask to join an association, with a word to its admins."""

    message = TextAreaField(_l("A message to the admins (optional)"),
                            validators=[Optional(), Length(max=1000)])


class BookingForm(FlaskForm):
    """Book a room: local date and times in the branch's zone, once or weekly."""

    association_id = SelectField("For", coerce=int)
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    attendees = IntegerField("People", validators=[DataRequired(), NumberRange(1, 100_000)])
    day = DateField("Date", validators=[DataRequired()])
    start = TimeField("From", validators=[DataRequired()])
    end = TimeField("Until", validators=[DataRequired()])
    layout_id = SelectField("Layout", coerce=int)
    weeks = IntegerField("Repeat weekly, times", default=1,
                         validators=[DataRequired(), NumberRange(1, 52)])
    public = BooleanField("Show in the library's public calendar")
    description = TextAreaField("Notes for staff and members", validators=[Length(max=5000)])


class MoveForm(FlaskForm):
    """Move one date of a booking: a new local day and times in the branch's zone."""

    day = DateField(_l("Date"), validators=[DataRequired()])
    start = TimeField(_l("From"), validators=[DataRequired()])
    end = TimeField(_l("Until"), validators=[DataRequired()])


class ReasonForm(FlaskForm):
    """A staff decision, with a reason when rejecting."""

    reason = TextAreaField("Reason", validators=[Length(max=2000)])


class CheckboxesField(SelectMultipleField):
    """Several choices, each a checkbox (the template groups them in a fieldset)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class FindForm(FlaskForm):
    """Find a room: a local date and times, a group size, amenities; optionally weekly.

    A GET form (no CSRF: it changes nothing, and its address can be bookmarked).
    The view sets ``today``, the earliest local date a search may ask for.
    """

    class Meta:
        csrf = False

    day = DateField("Date", validators=[InputRequired("Pick a date.")])
    start = TimeField("From", validators=[InputRequired("Pick a start time.")])
    end = TimeField("To", validators=[InputRequired("Pick an end time.")])
    attendees = IntegerField("Number of people", validators=[
        InputRequired("How many people?"),
        NumberRange(1, 100_000, "Between 1 and 100000 people.")])
    amenities = CheckboxesField("Amenities", choices=[])
    branch_id = SelectField("Branch", coerce=int, default=0)
    until = DateField("Every week until (optional)", validators=[Optional()])

    today = None

    def validate_day(self, field: DateField) -> None:
        """Not a date that has passed."""
        if self.today is not None and field.data is not None and field.data < self.today:
            raise ValidationError("That date has passed.")

    def validate_end(self, field: TimeField) -> None:
        """After the start, on the same day."""
        if self.start.data is not None and field.data is not None and field.data <= self.start.data:
            raise ValidationError("'To' must come after 'From'.")

    def validate_until(self, field: DateField) -> None:
        """Not before the first date."""
        if self.day.data is not None and field.data is not None and field.data < self.day.data:
            raise ValidationError("Pick a date on or after the first date.")
