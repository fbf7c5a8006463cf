"""Booking e-mails: written with the booking, sent after commit to a real SMTP server, retried."""

from __future__ import annotations

import email
import logging
from datetime import timedelta
from email import policy

import pytest
from aiosmtpd.controller import Controller
from icalendar import Calendar
from sqlalchemy import select

from app.extensions import db
from app.models import Booking, OutboxMessage, utcnow
from tests.booking_helpers import book, make_booker, make_staff_headers
from tests.builders import future_day, local, make_branch, make_room
from tests.e2e.servers import free_port


class Inbox:
    """An aiosmtpd handler that keeps every message it is sent."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted"


@pytest.fixture
def smtp(app):
    """A real SMTP server on 127.0.0.1, and the app pointed at it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port,
                      MAIL_FROM="Agora <rooms@library.example>")
    yield inbox
    controller.stop()


@pytest.fixture
def room(app):
    return make_room(make_branch(name="South Library"), name="Hall C")


@pytest.fixture
def booker(app):
    return make_booker()


def finished(response):
    """Close the response, as a server does once it is sent: then the outbox is delivered."""
    response.close()
    return response


def invitation(message) -> Calendar:
    (attachment,) = [part for part in message.iter_attachments()
                     if part.get_filename() == "invite.ics"]
    return Calendar.from_ical(attachment.get_content())


def event_of(calendar: Calendar):
    return calendar.walk("VEVENT")[0]


def test_a_new_booking_mails_the_booker_text_html_and_an_invitation(client, smtp, room, booker):
    day = future_day(5)
    response = book(client, booker, room, local(day, 18), local(day, 20), title="Chess night")
    assert response.status_code == 201, response.get_json()
    assert smtp.messages == []  # nothing goes out before the response is done
    finished(response)
    (message,) = smtp.messages
    assert smtp.recipients == [[booker.user.email]]
    assert message["To"] == booker.user.email
    assert "Chess night" in message["Subject"]
    assert "Hall C, South Library" in message.get_body(("plain",)).get_content()
    assert "<table>" in message.get_body(("html",)).get_content()
    calendar = invitation(message)
    booking = db.session.get(Booking, response.get_json()["id"])
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event_of(calendar)["UID"]) == booking.uid
    assert int(event_of(calendar)["SEQUENCE"]) == 0
    assert "mailto:rooms@library.example" in str(event_of(calendar)["ORGANIZER"])
    row = db.session.scalar(select(OutboxMessage))
    db.session.refresh(row)
    assert row.sent_at is not None and row.attempts == 1 and row.last_error is None


def test_a_change_and_a_cancellation_keep_the_uid_and_raise_the_sequence(
    client, smtp, room, booker
):
    day = future_day(5)
    created = finished(book(client, booker, room, local(day, 18), local(day, 20)))
    booking_id = created.get_json()["id"]
    finished(client.patch(f"/api/v1/bookings/{booking_id}", json={"title": "Moved"},
                          headers=booker.headers))
    finished(client.delete(f"/api/v1/bookings/{booking_id}", headers=booker.headers))
    calendars = [invitation(message) for message in smtp.messages]
    assert [str(c["METHOD"]) for c in calendars] == ["REQUEST", "REQUEST", "CANCEL"]
    assert len({str(event_of(c)["UID"]) for c in calendars}) == 1
    sequences = [int(event_of(c)["SEQUENCE"]) for c in calendars]
    assert sequences == sorted(sequences) and len(set(sequences)) == 3
    assert str(event_of(calendars[-1])["STATUS"]) == "CANCELLED"
    assert "cancelled" in smtp.messages[-1]["Subject"].lower()


def test_approval_and_rejection_are_announced(client, smtp, booker):
    room = make_room(make_branch(), rules={"requires_approval": True})
    staff = make_staff_headers()
    day = future_day(6)
    first = finished(book(client, booker, room, local(day, 9), local(day, 10), title="Fair"))
    second = finished(book(client, booker, room, local(day, 12), local(day, 13), title="Gig"))
    assert first.get_json()["status"] == second.get_json()["status"] == "pending"
    finished(client.post(f"/api/v1/bookings/{first.get_json()['id']}/approve", headers=staff))
    finished(client.post(f"/api/v1/bookings/{second.get_json()['id']}/reject",
                         json={"reason": "The room is being painted."}, headers=staff))
    subjects = [message["Subject"] for message in smtp.messages]
    assert subjects[0].startswith("Booking request received: Fair")
    assert subjects[2].startswith("Booking approved: Fair")
    assert subjects[3].startswith("Booking not approved: Gig")
    assert str(event_of(invitation(smtp.messages[0]))["STATUS"]) == "TENTATIVE"
    assert str(event_of(invitation(smtp.messages[2]))["STATUS"]) == "CONFIRMED"
    assert str(invitation(smtp.messages[3])["METHOD"]) == "CANCEL"
    assert "painted" in smtp.messages[3].get_body(("plain",)).get_content()


def test_a_refused_booking_leaves_nothing_in_the_outbox(client, smtp, room, booker):
    day = future_day(5)
    finished(book(client, booker, room, local(day, 18), local(day, 20)))
    clash = finished(book(client, booker, room, local(day, 19), local(day, 21)))
    assert clash.status_code == 409
    assert db.session.query(OutboxMessage).count() == 1
    assert len(smtp.messages) == 1


def test_a_down_mail_server_never_breaks_a_booking_and_the_command_retries(
    client, app, room, booker, runner
):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())  # nobody listens
    day = future_day(5)
    response = finished(book(client, booker, room, local(day, 18), local(day, 20)))
    assert response.status_code == 201
    row = db.session.scalar(select(OutboxMessage))
    db.session.refresh(row)
    assert row.sent_at is None and row.attempts == 1
    assert row.last_error and row.next_attempt_at > utcnow()

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        app.config["SMTP_PORT"] = controller.port
        assert "Sent 0" in runner.invoke(args=["outbox", "send"]).output  # not due yet
        row.next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        result = runner.invoke(args=["outbox", "send"])
        assert "Sent 1, failed 0" in result.output, result.output
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    db.session.refresh(row)
    assert row.sent_at is not None and row.attempts == 2 and row.last_error is None


def test_without_smtp_host_the_mail_is_written_to_the_log(client, app, room, booker, caplog):
    app.config["SMTP_HOST"] = ""
    day = future_day(5)
    with caplog.at_level(logging.INFO, logger="app.services.mail"):
        finished(book(client, booker, room, local(day, 18), local(day, 20), title="Quiz"))
    assert any("Quiz" in record.getMessage() for record in caplog.records)
    row = db.session.scalar(select(OutboxMessage))
    db.session.refresh(row)
    assert row.sent_at is not None


def test_the_courier_thread_delivers_a_burst_without_the_requests_waiting(
        app, client, smtp, room, booker):
    import time

    app.config["OUTBOX_DELIVERY"] = "courier"
    for hour in (9, 11, 13):
        response = book(client, booker, room, local(future_day(10), hour),
                        local(future_day(10), hour + 1))
        assert response.status_code == 201
        finished(response)
    deadline = time.monotonic() + 15
    while len(smtp.messages) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(smtp.messages) == 3

    def unsent() -> list:
        # The courier records a message as sent in its own commit, just after the SMTP
        # server has it: wait for that commit rather than read before it.
        db.session.expire_all()
        found = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))).all()
        db.session.rollback()
        return found

    while unsent() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert unsent() == []


def test_an_e_mail_that_cannot_be_written_never_costs_the_booking(
        client, smtp, room, booker, monkeypatch):
    from app.services import mail

    def broken(*_args, **_kwargs):
        raise RuntimeError("template exploded")

    monkeypatch.setattr(mail, "compose", broken)
    response = finished(book(client, booker, room, local(future_day(10), 10),
                             local(future_day(10), 11)))
    assert response.status_code == 201
    assert db.session.get(Booking, response.get_json()["id"]).status == "confirmed"
    assert db.session.scalars(select(OutboxMessage)).all() == []
    assert smtp.messages == []


def test_only_known_changes_are_announced(app):
    from app.services import mail

    with pytest.raises(ValueError, match="kind must be one of"):
        mail.announce(Booking(), "postponed")
    assert mail.ANNOUNCE_KEY not in db.session.info
