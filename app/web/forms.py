"""Forms of the web pages."""

from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, TextAreaField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Length, Optional


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
