"""Sign-up, sign-in, sign-out and the profile page with its tokens."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user, login_required, login_user, logout_user

from app import throttle
from app.auth import bp
from app.auth.forms import (
    DigestForm,
    EmptyForm,
    PasswordChangeForm,
    SignInForm,
    SignUpForm,
    TokenForm,
)
from app.extensions import limiter
from app.i18n import current_language
from app.models import User
from app.services import accounts, approvals, tokens
from app.services.errors import AlreadyExists, NotFound, RuleViolation


def _safe_next(default: str) -> str:
    """Only same-site paths are followed after sign-in (no open redirect)."""
    target = request.args.get("next", "")
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return default


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(lambda: _limit("RATELIMIT_SIGNUP"), methods=["POST"])
def signup():
    """Create a member account and sign it in."""
    form = SignUpForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(form.email.data, form.password.data, "member",
                                        form.name.data, language=current_language())

        except (AlreadyExists, RuleViolation) as error:
            _attach_error(form, error)
        else:
            _start_session(user, remember=False)
            flash(gettext("Welcome to Agora. Join or create your association to book rooms."))
            return redirect(url_for("web.index"))
    return render_template("auth/signup.html", form=form), 422 if form.errors else 200


@bp.route("/signin", methods=["GET", "POST"])
@limiter.limit(lambda: _limit("RATELIMIT_SIGNIN"), methods=["POST"],
               key_func=throttle.signin_account_key)
@limiter.limit(lambda: _limit("RATELIMIT_SIGNIN_ADDRESS"), methods=["POST"],
               key_func=throttle.address_key)
def signin():
    """Sign in with e-mail and password; one generic message for every failure."""
    form = SignInForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            _start_session(user, remember=form.remember.data)
            return redirect(_safe_next(url_for("web.index")))
        form.form_errors.append(gettext("E-mail or password is not right."))
    status = 401 if form.is_submitted() and (form.errors or form.form_errors) else 200
    return render_template("auth/signin.html", form=form), status


@bp.route("/signout", methods=["POST"])
def signout():
    """Sign out (a POST with a CSRF token, so no link can sign anyone out).

    The server forgets the session too: a copy of the old cookie, or the remember
    cookie, no longer signs anyone in (the user's session generation moves on).
    """
    if current_user.is_authenticated:
        accounts.end_sessions(current_user._get_current_object())
    logout_user()
    flash(gettext("You are signed out."))
    return redirect(url_for("web.index"))


def _start_session(user: User, remember: bool) -> None:
    """Sign ``user`` in on a new session: nothing of the session before is kept.

    Clearing it defeats session fixation and drops the CSRF token, so the
    signed-in session is handed a new one.
    """
    session.clear()
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    login_user(user, remember=remember)


@bp.route("/profile/password", methods=["POST"])
@limiter.limit(lambda: _limit("RATELIMIT_SIGNIN"), key_func=throttle.user_key)
@login_required
def change_password():
    """Change the password; every other session of the user ends, this one goes on."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            accounts.change_password(user, form.current_password.data, form.password.data)
        except RuleViolation as error:
            _attach_error(form, error)
        else:
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME",
                                                "remember_token") in request.cookies
            _start_session(user, remember=remembered)
            flash(gettext("Password changed. Every other session is signed out."))
            return redirect(url_for("auth.profile"))
    return _profile_page(password_form=form), 422


@bp.route("/profile/signout-everywhere", methods=["POST"])
@login_required
def signout_everywhere():
    """End every session of the user, on every device, this one included."""
    accounts.end_sessions(current_user._get_current_object())
    logout_user()
    flash(gettext("You are signed out on every device."))
    return redirect(url_for("auth.signin"))


@bp.route("/profile")
@login_required
def profile():
    """The user's account, API tokens and private feed links."""
    return _profile_page()


@bp.route("/profile/tokens", methods=["POST"])
@login_required
def create_token():
    """Make an API token and show it once."""
    form = TokenForm()
    if not form.validate_on_submit():
        flash(gettext("Give the token a name."))
        return redirect(url_for("auth.profile"))
    _token, plain = tokens.create_token(current_user, "api", form.name.data)
    return _profile_page(new_token=plain)


@bp.route("/profile/feeds", methods=["POST"])
@login_required
def create_feed_token():
    """Make a private calendar feed address and show it once."""
    form = TokenForm(prefix="feed")
    if not form.validate_on_submit():
        flash(gettext("Give the calendar feed a name."))
        return redirect(url_for("auth.profile"))
    _token, plain = tokens.create_token(current_user, "feed", form.name.data)
    return _profile_page(new_feed=url_for("feeds.private", token=plain))


@bp.route("/profile/feeds/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_feed_token(token_id: int):
    """Revoke one of the user's private feed addresses: it answers 404 from now on."""
    try:
        tokens.revoke_token(token_id, owner=current_user)
    except NotFound:
        flash(gettext("No such calendar feed."))
    else:
        flash(gettext("Calendar feed revoked."))
    return redirect(url_for("auth.profile"))


@bp.route("/profile/digest", methods=["POST"])
@login_required
def approvals_digest():
    """Staff opt in or out of the daily e-mail of new requests to approve."""
    if not current_user.is_staff:
        abort(403)
    form = DigestForm()
    if not form.validate_on_submit():
        abort(400)
    wanted = bool(form.approvals_digest.data)
    approvals.set_digest(current_user._get_current_object(), wanted)
    flash(gettext("You will get the daily e-mail of new requests.") if wanted
          else gettext("You will no longer get the daily e-mail of new requests."))
    return redirect(url_for("auth.profile", _anchor="approvals-digest"))


def _profile_page(new_token: str | None = None, new_feed: str | None = None,
                  password_form: PasswordChangeForm | None = None) -> str:
    """The profile page; a new token or feed path is shown this once."""
    return render_template(
        "auth/profile.html",
        api_tokens=tokens.tokens_of(current_user, "api"),
        feed_tokens=tokens.tokens_of(current_user, "feed"),
        token_form=TokenForm(formdata=None) if new_token else TokenForm(),
        feed_form=TokenForm(prefix="feed", formdata=None),
        revoke_form=EmptyForm(),
        digest_form=DigestForm(formdata=None,
                               approvals_digest=current_user.approvals_digest),
        password_form=password_form or PasswordChangeForm(formdata=None),
        new_token=new_token,
        new_feed=new_feed,
    )


@bp.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    """Revoke one of the user's own tokens."""
    try:
        tokens.revoke_token(token_id, owner=current_user)
    except NotFound:
        flash(gettext("No such token."))
    else:
        flash(gettext("Token revoked."))
    return redirect(url_for("auth.profile"))


def _limit(name: str) -> str:
    from flask import current_app

    return current_app.config[name]


def _attach_error(form, error: AlreadyExists | RuleViolation) -> None:
    if isinstance(error, AlreadyExists):
        getattr(form, error.field or "email").errors.append(error.detail)
        return
    for item in error.errors:
        field = getattr(form, item.field, None)
        (field.errors if field is not None else form.form_errors).append(item.message)
