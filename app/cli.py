"""Command line: users, tokens, the demo library and a one-command start."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask_migrate import upgrade
from werkzeug.serving import run_simple

from app import outbox
from app.extensions import db
from app.services import accounts, approvals, mail, tokens
from app.services.errors import AgoraError


def register_cli(app: Flask) -> None:
    """Attach the command groups to ``flask --app app``."""
    from app.translations_cli import translations_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(translations_cli)
    app.cli.add_command(tokens_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(quickstart_command)
    app.cli.add_command(approvals_cli)
    outbox.init_app(app)  # also sends each request's e-mails after its commit


def _fail(message: str) -> None:
    db.session.rollback()
    raise click.ClickException(message)


@click.group("users")
def users_cli() -> None:
    """Manage user accounts."""


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(["staff", "member"]), default="member", show_default=True)
@click.option("--name", default="", help="The person's name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email: str, role: str, name: str, password_stdin: bool) -> None:
    """Create a user; the password is prompted for (or read from stdin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.create_user(email, password, role, name)
    except AgoraError as error:
        _fail(error.detail)
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


@users_cli.command("signout-everywhere")
@click.argument("email")
def signout_everywhere(email: str) -> None:
    """End every session and remember cookie of EMAIL, on every device."""
    try:
        user = accounts.end_sessions_of(email)
    except AgoraError as error:
        _fail(error.detail)
    click.echo(f"Signed {user.email} out everywhere.")


@click.group("tokens")
def tokens_cli() -> None:
    """Manage API tokens."""


@tokens_cli.command("create")
@click.argument("email")
@click.option("--name", default="cli", show_default=True, help="A name to recognise it by.")
def create_token(email: str, name: str) -> None:
    """Create an API token for EMAIL; it is printed once, alone on the last line."""
    user = accounts.find_user_by_email(email)
    if user is None:
        _fail(f"No user with e-mail {email}.")
    token, plain = tokens.create_token(user, "api", name)
    click.echo(f"Token {token.id} for {user.email}. Keep it secret; it is not shown again:")
    click.echo(plain)


@tokens_cli.command("revoke")
@click.argument("token_id", type=int)
def revoke_token(token_id: int) -> None:
    """Revoke the API token with id TOKEN_ID."""
    try:
        token = tokens.revoke_token(token_id)
    except AgoraError as error:
        _fail(error.detail)
    click.echo(f"Token {token.id} revoked.")


@click.command("demo")
@click.option("--reset", is_flag=True, help="Delete everything first, then load the demo.")
def demo_command(reset: bool) -> None:
    """Load the demo library (refuses a database that has data, unless --reset)."""
    from app.services import demo

    try:
        credentials = demo.load_demo(reset=reset)
    except demo.DemoRefused as error:
        _fail(str(error))
    _print_credentials(credentials)


def _print_credentials(credentials: dict[str, tuple[str, str]]) -> None:
    click.echo("Demo library loaded. Sign in with (shown only now):")
    for label, (email, password) in credentials.items():
        click.echo(f"  {label:<7} {email}  password: {password}")


@click.command("quickstart")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def quickstart_command(host: str, port: int) -> None:
    """Create or migrate the database, load the demo on first start, and serve Agora."""
    from app.services import demo

    upgrade()
    if demo.is_empty():
        _print_credentials(demo.load_demo(reset=False))
    else:
        click.echo("Using the existing database (flask --app app demo --reset starts afresh).")
    db.session.remove()
    click.echo(f"Agora is running at http://{host}:{port}/  (Ctrl+C stops it)")
    run_simple(host, port, current_app._get_current_object(), use_reloader=False,
               threaded=True)


@click.group("approvals")
def approvals_cli() -> None:
    """The staff's approval queue."""


@approvals_cli.command("digest")
def digest_command() -> None:
    """E-mail each opted-in staff member the requests that arrived since their last digest.

    Run it once a day from cron; running it again sends nothing already sent.
    """
    settings = mail.MailSettings.from_config(current_app.config)
    report = approvals.send_digests(settings)
    if report.message_ids:
        mail.deliver(settings, report.message_ids, limit=len(report.message_ids))
    click.echo(f"Wrote {report.sent} digest e-mail(s).")
