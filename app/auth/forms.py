"""Forms for accounts and tokens (CSRF from Flask-WTF)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from app.services.accounts import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH


class SignUpForm(FlaskForm):
    """A new member account."""

    name = StringField("Your name", validators=[DataRequired(), Length(max=120)])
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[
        DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)])
    confirm = PasswordField(
        "Repeat password", validators=[DataRequired(), EqualTo("password", "Passwords differ.")]
    )


class SignInForm(FlaskForm):
    """E-mail and password."""

    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(),
                                                     Length(max=MAX_PASSWORD_LENGTH)])
    remember = BooleanField("Keep me signed in on this device")


class PasswordChangeForm(FlaskForm):
    """A new password, given with the current one."""

    current_password = PasswordField("Current password", validators=[
        DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    password = PasswordField("New password", validators=[
        DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)])
    confirm = PasswordField(
        "Repeat new password",
        validators=[DataRequired(), EqualTo("password", "Passwords differ.")],
    )


class TokenForm(FlaskForm):
    """A new API or feed token, named so its owner recognises it later."""

    name = StringField("Name", validators=[DataRequired(), Length(max=80)])


class DigestForm(FlaskForm):
    """Staff: whether to get the daily e-mail of new requests to approve."""

    approvals_digest = BooleanField(_l("E-mail me once a day about new requests to approve"))


class EmptyForm(FlaskForm):
    """A button that changes something: only the CSRF token."""
