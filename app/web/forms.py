"""Forms of the web pages."""

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


class BookingForm(AgoraForm):
    """Book a room: local date and times in the branch's zone, once or weekly."""

    association_id = SelectField(_l("For"), coerce=int)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    attendees = IntegerField(_l("People"), validators=[DataRequired(), NumberRange(1, 100_000)])
    day = DateField(_l("Date"), validators=[DataRequired()])
    start = TimeField(_l("From"), validators=[DataRequired()])
    end = TimeField(_l("Until"), validators=[DataRequired()])
    layout_id = SelectField(_l("Layout"), coerce=int)
    weeks = IntegerField(_l("Repeat weekly, times"), default=1,
                         validators=[DataRequired(), NumberRange(1, 52)])
    public = BooleanField(_l("Show in the library's public calendar"))
    description = TextAreaField(_l("Notes for staff and members"), validators=[Length(max=5000)])


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
