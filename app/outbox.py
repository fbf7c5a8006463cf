"""The outbox's Flask side: a request's e-mails go out after its commit; `flask outbox send`.

A session remembers the outbox ids it wrote; when its transaction commits they
become deliverable, when it rolls back they are forgotten. How they then go out
is ``OUTBOX_DELIVERY``:

- ``courier`` (the default): a thread in each worker process wakes up, waits a
  moment for more, and sends everything due in one batch. Requests never wait
  for mail, and a burst of bookings costs a few commits, not two per e-mail.
- ``after_response``: sent once the response is closed, in the same thread
  (deterministic, for tests).
- ``off``: left for `flask --app app outbox send` (a cron job or a separate relay).

What fails waits for the next run, with back-off.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Sequence
from typing import Any

import click
from flask import Flask, Response, current_app, request_finished
from flask_sqlalchemy.session import Session
from sqlalchemy import event

from app.extensions import db
from app.services import mail

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Send each request's e-mails after its commit, and add the `outbox` commands."""
    if not event.contains(Session, "after_commit", _committed):
        event.listen(Session, "before_commit", _write_announcements)
        event.listen(Session, "after_commit", _committed)
        event.listen(Session, "after_rollback", _rolled_back)
    request_finished.connect(_deliver_after_response, app)
    app.cli.add_command(outbox_cli)


def _write_announcements(session: Any) -> None:
    """Turn the transaction's announced changes into outbox messages, in it."""
    announced = session.info.pop(mail.ANNOUNCE_KEY, None)
    if not announced:
        return
    settings = mail.MailSettings.from_config(current_app.config)
    for subject, kind in announced:
        try:
            messages = mail.announced_messages(subject, kind, settings)
        except Exception:  # an e-mail that cannot be composed must not cost the change
            log.exception("No e-mail for %r (%s)", subject, kind)
            continue
        for values in messages:
            mail.enqueue(values)


def _committed(session: Any) -> None:
    pending = session.info.pop(mail.PENDING_KEY, None)
    if pending:
        session.info.setdefault(mail.COMMITTED_KEY, []).extend(pending)


def _rolled_back(session: Any) -> None:
    session.info.pop(mail.PENDING_KEY, None)
    session.info.pop(mail.ANNOUNCE_KEY, None)


def _deliver_after_response(sender: Flask, response: Response, **_: Any) -> None:
    ids = db.session.info.pop(mail.COMMITTED_KEY, None)
    if not ids:
        return
    mode = sender.config.get("OUTBOX_DELIVERY", "courier")
    if mode == "courier":
        courier.wake(sender)
    elif mode == "after_response":
        settings = mail.MailSettings.from_config(sender.config)
        response.call_on_close(lambda: deliver_in_background_context(sender, ids, settings))


def deliver_in_background_context(
    app: Flask, ids: Sequence[int], settings: mail.MailSettings
) -> None:
    """Deliver the messages in an application context of their own; never raise."""
    with app.app_context():
        try:
            mail.deliver(settings, ids)
        except Exception:  # the booking is done; a failed send is retried later
            db.session.rollback()
            log.exception("Delivering outbox messages %s failed; they will be retried", ids)


class Courier:
    """One delivery thread per worker process, woken after commits that wrote e-mail."""

    GATHER_SECONDS = 0.2
    IDLE_SECONDS = 60.0

    def __init__(self) -> None:
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._app: Flask | None = None

    def wake(self, app: Flask) -> None:
        """Make sure this process has a running courier for this app, and nudge it."""
        with self._lock:
            if self._pid != os.getpid() or self._app is not app:
                self._pid, self._app = os.getpid(), app
                self._wake = threading.Event()
                threading.Thread(target=self._run, args=(app, self._wake),
                                 name="agora-outbox-courier", daemon=True).start()
        self._wake.set()

    def _run(self, app: Flask, wake: threading.Event) -> None:
        settings = mail.MailSettings.from_config(app.config)
        while True:
            wake.wait(self.IDLE_SECONDS)
            if wake is not self._wake:
                return  # superseded (a new app in this process, as in tests)
            wake.clear()
            time.sleep(self.GATHER_SECONDS)
            self._drain(app, settings)

    @staticmethod
    def _drain(app: Flask, settings: mail.MailSettings) -> None:
        with app.app_context():
            try:
                while mail.deliver(settings, limit=mail.DELIVER_PER_RUN).sent \
                        == mail.DELIVER_PER_RUN:
                    pass
            except Exception:  # never let the thread die; the outbox keeps what is due
                db.session.rollback()
                log.exception("The outbox courier failed; it will try again")
            finally:
                db.session.remove()


courier = Courier()


@click.group("outbox")
def outbox_cli() -> None:
    """E-mails waiting to go out."""


@outbox_cli.command("send")
@click.option("--limit", default=200, show_default=True, help="At most this many messages.")
def send_command(limit: int) -> None:
    """Send (or retry) every message that is due."""
    from flask import current_app

    report = mail.deliver(mail.MailSettings.from_config(current_app.config), limit=limit)
    click.echo(f"Sent {report.sent}, failed {report.failed}.")
