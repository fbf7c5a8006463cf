"""Forms for accounts and tokens (CSRF from Flask-WTF)."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from app.forms import AgoraForm
from app.services.accounts import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH


class SignUpForm(AgoraForm):
    """A new member account."""

    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[
        DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)])
    confirm = PasswordField(_l("Repeat password"), validators=[
        DataRequired(), EqualTo("password", _l("Passwords differ."))])



class SignInForm(AgoraForm):
    """E-mail and password."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(),
                                                     Length(max=MAX_PASSWORD_LENGTH)])
    remember = BooleanField(_l("Keep me signed in on this device"))


class PasswordChangeForm(AgoraForm):
    """A new password, given with the current one."""

    current_password = PasswordField(_l("Current password"), validators=[
        DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    password = PasswordField(_l("New password"), validators=[
        DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)])
    confirm = PasswordField(_l("Repeat new password"),
        validators=[DataRequired(), EqualTo("password", _l("Passwords differ."))],
    )


class TokenForm(AgoraForm):
    """A new API or feed token, named so its owner recognises it later."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])


class DigestForm(AgoraForm):
    """Staff: whether to get the daily e-mail of new requests to approve."""

    approvals_digest = BooleanField(_l("E-mail me once a day about new requests to approve"))


class EmptyForm(AgoraForm):
    """A button that changes something: only the CSRF token."""
