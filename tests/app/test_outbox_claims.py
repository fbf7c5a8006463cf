"""Couriers on several hosts share one outbox: each message is claimed by one, sent once.

Two couriers (threads with sessions of their own, as two hosts' workers) drain one
backlog against a real SMTP server; and a batch that would outlive its lease stops
sending and hands the rest back, so no other courier can claim a message while it
is still being sent.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections import Counter
from datetime import timedelta

from aiosmtpd.controller import Controller
from sqlalchemy import select

from app.db import unit_of_work
from app.extensions import db
from app.models import OutboxMessage, utcnow
from app.services import mail
from tests.app.test_mail import Inbox
from tests.e2e.servers import free_port

BACKLOG = 120
_OUTBOX_ID = re.compile(r"\.outbox\.(\d+)@")


class SlowInbox(Inbox):
    """An SMTP server that takes a while over every message."""

    SECONDS = 0.2

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.SECONDS)
        return await super().handle_DATA(server, session, envelope)


def serve(inbox: Inbox):
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller


def settings_for(app, port: int) -> mail.MailSettings:
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    return mail.MailSettings.from_config(app.config)


def write_backlog(count: int) -> list[int]:
    """``count`` messages due now, as a burst of bookings would leave them."""
    now = utcnow()
    with unit_of_work():
        return [mail.enqueue({
            "to": f"reader{n}@example.org", "subject": f"Message {n}", "text": "Hello",
            "html": "", "ics": None, "method": None, "booking_id": None, "kind": "created",
            "created_at": now, "attempts": 0, "next_attempt_at": now,
        }) for n in range(count)]


def sent_ids(inbox: Inbox) -> Counter:
    return Counter(int(_OUTBOX_ID.search(message["Message-ID"])[1])
                   for message in inbox.messages)


def test_two_couriers_draining_one_backlog_send_every_message_once(app):
    inbox = Inbox()
    controller = serve(inbox)
    try:
        settings = settings_for(app, controller.port)
        ids = write_backlog(BACKLOG)
        db.session.remove()
        sent_by: dict[str, int] = {}

        def courier(name: str) -> None:
            with app.app_context():
                total = 0
                while (report := mail.deliver(settings, limit=10)).sent:
                    total += report.sent
                sent_by[name] = total
                db.session.remove()

        threads = [threading.Thread(target=courier, args=(name,)) for name in ("a", "b")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        controller.stop()

    times = sent_ids(inbox)
    assert sorted(times) == sorted(ids)
    assert [outbox_id for outbox_id, count in times.items() if count > 1] == []
    assert sum(sent_by.values()) == BACKLOG
    rows = db.session.scalars(select(OutboxMessage)).all()
    assert all(row.sent_at is not None and row.attempts == 1 for row in rows)


def test_a_batch_stops_sending_before_its_lease_runs_out_and_hands_the_rest_back(
    app, monkeypatch
):
    inbox = SlowInbox()
    controller = serve(inbox)
    try:
        settings = settings_for(app, controller.port)
        ids = write_backlog(8)
        with monkeypatch.context() as patch:
            # Time for two or three of the slow server's messages, not eight.
            patch.setattr(mail, "LEASE", timedelta(seconds=1))
            patch.setattr(mail, "LEASE_MARGIN", timedelta(seconds=0.5))
            first = mail.deliver(settings, limit=8)
        assert first.failed == 0
        assert first.sent == len(inbox.messages) < 8

        db.session.expire_all()
        handed_back = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))).all()
        assert len(handed_back) == 8 - first.sent
        now = utcnow()
        assert all(row.attempts == 0 and row.next_attempt_at <= now for row in handed_back)

        second = mail.deliver(settings, limit=8)
    finally:
        controller.stop()
    assert second.sent == 8 - first.sent
    assert sorted(sent_ids(inbox).elements()) == sorted(ids)

