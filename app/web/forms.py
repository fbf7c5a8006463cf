"""Forms of the web pages."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional


class AssociationForm(FlaskForm):
    """A new association."""

    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    description = TextAreaField("What you do", validators=[Optional(), Length(max=2000)])
    contact_email = EmailField("Contact e-mail", validators=[Optional(), Length(max=254)])
    website = URLField("Website", validators=[Optional(), URL(), Length(max=300)])


class MemberForm(FlaskForm):
    """Add a member by e-mail."""

    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    role = SelectField("Role", choices=[SelectChoice("member", "Member"),
                                        SelectChoice("admin", "Admin")])


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


class ReasonForm(FlaskForm):
    """A staff decision, with a reason when rejecting."""

    reason = TextAreaField("Reason", validators=[Length(max=2000)])
