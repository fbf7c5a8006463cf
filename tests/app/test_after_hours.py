"""Trusted associations after hours, their access codes, and rules stretched on record."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AccessCode, Booking, OutboxMessage, RuleException
from app.models.after_hours import ACCESS_CODE_DIGITS
from app.services import tokens
from tests.app.test_mail import finished, smtp  # noqa: F401 (the SMTP fixture)
from tests.booking_helpers import Booker, book, error_codes, make_booker
from tests.builders import (
    PASSWORD,
    bearer,
    future_day,
    local,
    make_branch,
    make_room,
    make_token,
    make_user,
)
from tests.web_helpers import sign_in

CLOSES_AT_EIGHT = {day: [["08:00", "20:00"]]
                   for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


@dataclass
class Library:
    """A branch closing at 20:00 with a room open after hours and one that is not."""

    branch: Any
    late_room: Any
    day_room: Any
    staff: dict[str, str]


@pytest.fixture
def library(app) -> Library:
    branch = make_branch(opening_hours=CLOSES_AT_EIGHT)
    late_room = make_room(branch, name="Club room", rules={"max_minutes": 240})
    day_room = make_room(branch, name="Study room")
    staff = bearer(make_token(make_user("staff")))
    return Library(branch, late_room, day_room, staff)


def set_terms(client, library: Library, **overrides: Any):
    body = {"terms": "Lock the door behind you. Lights off.", "latest_end": "22:30",
            "room_ids": [library.late_room.id], "evenings_per_month": 4, **overrides}
    return client.put(f"/api/v1/branches/{library.branch.id}/after-hours/terms",
                      json=body, headers=library.staff)


@dataclass
class Trusted:
    """A booker of an association trusted at the branch, and its key-holder."""

    booker: Booker
    key_holder: Any
    key_holder_headers: dict[str, str]
    trust_id: int


def trust(client, library: Library, *, accept: bool = True, **terms: Any) -> Trusted:
    """Terms set, the association trusted with a key-holder who (by default) accepts them."""
    assert set_terms(client, library, **terms).status_code == 200
    booker = make_booker()
    key_holder = make_user()
    key_holder_headers = bearer(make_token(key_holder))
    added = client.post(f"/api/v1/associations/{booker.association.id}/members",
                        json={"email": key_holder.email}, headers=booker.headers)
    assert added.status_code == 201, added.get_json()
    answer = client.post(f"/api/v1/branches/{library.branch.id}/after-hours/trusts",
                         json={"association_id": booker.association.id,
                               "key_holder_email": key_holder.email}, headers=library.staff)
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["active"] is False
    trust_id = answer.get_json()["id"]
    if accept:
        accepted = client.post(f"/api/v1/after-hours/trusts/{trust_id}/accept",
                               headers=key_holder_headers)
        assert accepted.status_code == 200 and accepted.get_json()["active"] is True
    return Trusted(booker, key_holder, key_holder_headers, trust_id)


def book_late(client, library: Library, booker: Booker, day=None, end=(22, 30), **extra: Any):
    day = day or future_day(10)
    return book(client, booker, extra.pop("room", library.late_room), local(day, 19),
                local(day, *end), public=True, title="Chess after hours", **extra)


def test_a_trusted_association_books_until_half_past_ten_and_gets_a_code_no_one_else_sees(
        client, app, library):
    trusted = trust(client, library)
    day = future_day(10)
    answer = book_late(client, library, trusted.booker, day)
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    [code] = body["access_codes"]
    assert len(code["code"]) == 8 and code["code"].isdigit()
    assert code["valid_from"] == local(day, 18, 30).isoformat()
    assert code["valid_until"] == local(day, 22, 30).isoformat()
    secret = code["code"]
    booking_id = body["id"]

    # The booker and the key-holder see it.
    mine = client.get(f"/api/v1/bookings/{booking_id}/access-codes",
                      headers=trusted.booker.headers)
    assert [c["code"] for c in mine.get_json()["items"]] == [secret]
    held = client.get("/api/v1/after-hours/mine", headers=trusted.key_holder_headers)
    assert [c["code"] for c in held.get_json()["codes"]] == [secret]

    # No feed carries it: room, branch, association, and the private feeds of the booker
    # and of another member.
    other = make_booker()
    _, booker_feed = tokens.create_token(trusted.booker.user, "feed", "calendar")
    _, other_feed = tokens.create_token(other.user, "feed", "calendar")
    db.session.commit()
    showing_it = [f"/calendars/rooms/{library.late_room.id}.ics",
                  f"/calendars/branches/{library.branch.id}/events.ics",
                  f"/calendars/associations/{trusted.booker.association.id}.ics",
                  f"/calendars/private/{booker_feed}.ics"]
    for path in [*showing_it, f"/calendars/rooms/{library.late_room.id}/freebusy.ics",
                 f"/calendars/private/{other_feed}.ics"]:
        feed = client.get(path)
        assert feed.status_code == 200, path
        assert ("Chess after hours" in feed.get_data(as_text=True)) == (path in showing_it)
        assert secret not in feed.get_data(as_text=True), path
    # Nor the public pages, nor the API's answers to others.
    for path in [f"/rooms/{library.late_room.id}?week={day.isoformat()}",
                 f"/branches/{library.branch.id}/day?day={day.isoformat()}",
                 f"/events/{booking_id}", "/"]:
        page = client.get(path)
        assert page.status_code == 200, path
        assert secret not in page.get_data(as_text=True), path
    assert client.get(f"/api/v1/bookings/{booking_id}/access-codes",
                      headers=other.headers).status_code == 404
    staff_view = client.get(f"/api/v1/bookings/{booking_id}/access-codes",
                            headers=library.staff)
    assert staff_view.status_code == 403
    assert secret not in client.get(f"/api/v1/bookings/{booking_id}",
                                    headers=library.staff).get_data(as_text=True)
    tonight = client.get(f"/api/v1/branches/{library.branch.id}/after-hours"
                         f"?date={day.isoformat()}", headers=library.staff)
    assert secret not in tonight.get_data(as_text=True)
    # Another member's pages, signed in.
    sign_in(client, other.user.email, PASSWORD)
    for path in ["/bookings", f"/bookings/{booking_id}", "/after-hours/keys"]:
        assert secret not in client.get(path).get_data(as_text=True), path


def test_an_untrusted_association_is_refused_after_hours_with_the_rule_named(client, library):
    set_terms(client, library)
    booker = make_booker()
    answer = book_late(client, library, booker)
    assert answer.status_code == 422
    assert error_codes(answer) == ["outside_opening_hours"]
    assert db.session.scalar(select(Booking.id)) is None


def test_trust_counts_only_once_the_key_holder_accepts_the_terms(client, library):
    trusted = trust(client, library, accept=False)
    assert error_codes(book_late(client, library, trusted.booker)) == ["outside_opening_hours"]
    stranger = bearer(make_token(make_user()))
    assert client.post(f"/api/v1/after-hours/trusts/{trusted.trust_id}/accept",
                       headers=stranger).status_code == 404
    client.post(f"/api/v1/after-hours/trusts/{trusted.trust_id}/accept",
                headers=trusted.key_holder_headers)
    assert book_late(client, library, trusted.booker).status_code == 201


@pytest.mark.parametrize("case", ["too_late", "other_room"])
def test_a_trusted_association_stays_within_the_branchs_limits(client, library, case):
    trusted = trust(client, library)
    extra = {"end": (23, 0)} if case == "too_late" else {"room": library.day_room}
    answer = book_late(client, library, trusted.booker, **extra)
    assert answer.status_code == 422
    assert error_codes(answer) == ["after_hours_limit"]


def test_a_trusted_association_has_its_evenings_a_month(client, library):
    trusted = trust(client, library, evenings_per_month=1)
    day = future_day(40)
    first = day.replace(day=10)
    assert book_late(client, library, trusted.booker, first).status_code == 201
    second = book_late(client, library, trusted.booker, first + timedelta(days=1))
    assert error_codes(second) == ["after_hours_limit"]
    within_hours = book(client, trusted.booker, library.late_room, local(first, 10),
                        local(first, 12))
    assert within_hours.status_code == 201


def test_cancelling_revokes_the_code(client, library):
    trusted = trust(client, library)
    day = future_day(10)
    booking_id = book_late(client, library, trusted.booker, day).get_json()["id"]
    tonight = f"/api/v1/branches/{library.branch.id}/after-hours?date={day.isoformat()}"
    [row] = client.get(tonight, headers=library.staff).get_json()["items"]
    assert row["key_holder"] == trusted.key_holder.name
    assert row["room"] == "Club room"
    assert client.delete(f"/api/v1/bookings/{booking_id}",
                         headers=trusted.booker.headers).status_code == 200
    assert client.get(f"/api/v1/bookings/{booking_id}/access-codes",
                      headers=trusted.booker.headers).get_json()["items"] == []
    [stored] = db.session.scalars(select(AccessCode)).all()
    assert stored.revoked_at is not None
    assert client.get(tonight, headers=library.staff).get_json()["items"] == []


def test_ending_a_trust_revokes_the_codes_of_dates_to_come_and_issues_no_new_ones(
        client, library):
    trusted = trust(client, library)
    booking_id = book_late(client, library, trusted.booker).get_json()["id"]
    codes = f"/api/v1/bookings/{booking_id}/access-codes"
    assert len(client.get(codes, headers=trusted.booker.headers).get_json()["items"]) == 1

    assert client.delete(f"/api/v1/after-hours/trusts/{trusted.trust_id}",
                         headers=library.staff).status_code == 200
    assert client.get(codes, headers=trusted.booker.headers).get_json()["items"] == []
    moved = client.patch(f"/api/v1/bookings/{booking_id}", headers=trusted.booker.headers,
                         json={"end": local(future_day(10), 22).isoformat()})
    assert moved.status_code == 422, moved.get_json()  # no longer trusted after hours
    assert moved.get_json()["errors"][0]["code"] == "outside_opening_hours"
    renamed = client.patch(f"/api/v1/bookings/{booking_id}", headers=library.staff,
                           json={"title": "Chess, last late evening"})
    assert renamed.status_code == 200, renamed.get_json()
    assert client.get(codes, headers=trusted.booker.headers).get_json()["items"] == []
    assert all(code.revoked_at is not None for code in db.session.scalars(select(AccessCode)))


def test_cancelling_one_date_of_a_series_revokes_only_its_code(client, library):
    trusted = trust(client, library)
    day = future_day(10)
    answer = book_late(client, library, trusted.booker, day,
                       recurrence={"rrule": "FREQ=WEEKLY;COUNT=2"})
    assert answer.status_code == 201, answer.get_json()
    assert len(answer.get_json()["access_codes"]) == 2
    booking_id = answer.get_json()["id"]
    first = answer.get_json()["occurrences"][0]["start"]
    client.delete(f"/api/v1/bookings/{booking_id}/occurrences/{first}",
                  headers=trusted.booker.headers)
    left = client.get(f"/api/v1/bookings/{booking_id}/access-codes",
                      headers=trusted.booker.headers).get_json()["items"]
    assert [c["valid_until"] for c in left] == [local(day + timedelta(days=7), 22, 30).isoformat()]


def test_a_stretched_rule_lets_one_booking_through_and_the_next_without_it_is_refused(
        client, library):
    booker = make_booker()
    body = {"room_id": library.late_room.id, "title": "Annual meeting", "attendees": 20,
            "start": local(future_day(12), 9).isoformat(),
            "end": local(future_day(12), 15).isoformat(),  # 6 hours; the room allows 4
            "association_id": booker.association.id}
    stretched = client.post("/api/v1/bookings", headers=library.staff, json={
        **body, "exceptions": [{"rule": "max_duration", "reason": "General assembly"}]})
    assert stretched.status_code == 201, stretched.get_json()
    booking_id = stretched.get_json()["id"]
    [record] = db.session.scalars(select(RuleException)).all()
    assert (record.rule, record.reason, record.booking_id) == (
        "max_duration", "General assembly", booking_id)
    assert record.granted_by_id is not None and record.granted_at is not None

    again = client.post("/api/v1/bookings", headers=library.staff, json=body)
    assert again.status_code == 422
    assert error_codes(again) == ["too_long"]

    shown = client.get(f"/api/v1/bookings/{booking_id}/exceptions", headers=library.staff)
    assert [(e["rule"], e["reason"]) for e in shown.get_json()["items"]] == [
        ("max_duration", "General assembly")]
    assert client.get(f"/api/v1/bookings/{booking_id}/exceptions",
                      headers=booker.headers).status_code == 403


def test_only_staff_stretch_a_rule(client, library):
    booker = make_booker()
    answer = book(client, booker, library.late_room, local(future_day(12), 9),
                  local(future_day(12), 15),
                  exceptions=[{"rule": "max_duration", "reason": "Please"}])
    assert answer.status_code == 403
    assert db.session.scalar(select(Booking.id)) is None


def test_a_stretched_rule_never_stretches_the_guarantee_against_double_booking_or_capacity(
        client, library):
    day = future_day(12)
    stretch = [{"rule": "max_duration", "reason": "Festival"}]
    first = client.post("/api/v1/bookings", headers=library.staff, json={
        "room_id": library.late_room.id, "title": "Festival", "attendees": 20,
        "start": local(day, 9).isoformat(), "end": local(day, 15).isoformat(),
        "exceptions": stretch})
    assert first.status_code == 201
    clash = client.post("/api/v1/bookings", headers=library.staff, json={
        "room_id": library.late_room.id, "title": "Clash", "attendees": 20,
        "start": local(day, 10).isoformat(), "end": local(day, 16).isoformat(),
        "exceptions": stretch})
    assert clash.status_code == 409
    crowd = client.post("/api/v1/bookings", headers=library.staff, json={
        "room_id": library.day_room.id, "title": "Crowd", "attendees": 400,
        "start": local(day, 9).isoformat(), "end": local(day, 10).isoformat(),
        "exceptions": [{"rule": "quota", "reason": "Big day"}]})
    assert crowd.status_code == 422
    assert "capacity_exceeded" in error_codes(crowd)


def test_a_member_changing_a_stretched_booking_keeps_its_exception(client, library):
    booker = make_booker()
    day = future_day(12)
    answer = client.post("/api/v1/bookings", headers=library.staff, json={
        "room_id": library.late_room.id, "title": "Long day", "attendees": 10,
        "start": local(day, 9).isoformat(), "end": local(day, 15).isoformat(),
        "association_id": booker.association.id,
        "exceptions": [{"rule": "max_duration", "reason": "Workshop"}]})
    booking_id = answer.get_json()["id"]
    db.session.execute(
        Booking.__table__.update().where(Booking.id == booking_id)
        .values(booked_by_id=booker.user.id))
    db.session.commit()
    moved = client.patch(f"/api/v1/bookings/{booking_id}", headers=booker.headers,
                         json={"start": local(day, 10).isoformat(),
                               "end": local(day, 16).isoformat()})
    assert moved.status_code == 200, moved.get_json()


def test_staff_set_terms_only_with_rooms_of_the_branch(client, library):
    elsewhere = make_room(make_branch())
    answer = set_terms(client, library, room_ids=[elsewhere.id])
    assert answer.status_code == 422
    assert error_codes(answer) == ["unknown_room"]
    member = make_booker()
    assert client.put(f"/api/v1/branches/{library.branch.id}/after-hours/terms",
                      json={"terms": "x", "latest_end": "22:00", "room_ids": [],
                            "evenings_per_month": 2},
                      headers=member.headers).status_code == 403


def test_the_key_holder_must_belong_to_the_association(client, library):
    set_terms(client, library)
    booker = make_booker()
    outsider = make_user()
    answer = client.post(f"/api/v1/branches/{library.branch.id}/after-hours/trusts",
                         json={"association_id": booker.association.id,
                               "key_holder_email": outsider.email}, headers=library.staff)
    assert answer.status_code == 422
    assert error_codes(answer) == ["not_a_member"]


def test_the_confirmation_e_mail_carries_the_code_to_the_booker_and_the_log_masks_it(
        client, app, library, caplog):
    from app.services.mail import MailSettings, transport

    trusted = trust(client, library)
    answer = book_late(client, library, trusted.booker)
    secret = answer.get_json()["access_codes"][0]["code"]
    [message] = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind != "trusted")).all()
    assert message.to == trusted.booker.user.email
    assert secret in message.text and secret in message.html
    assert secret not in (message.ics or "")
    with caplog.at_level("INFO", logger="app.services.mail"):
        transport(message, MailSettings(base_url="http://agora.test", mail_from="a@b.c"))
    assert "Access code" in caplog.text
    assert secret not in caplog.text


def test_staff_stretch_a_rule_on_a_request_and_the_member_may_then_change_it_so(client, library):
    booker = make_booker()
    day = future_day(12)
    made = book(client, booker, library.late_room, local(day, 9), local(day, 12))
    booking_id = made.get_json()["id"]
    longer = {"start": local(day, 9).isoformat(), "end": local(day, 15).isoformat()}
    refused = client.patch(f"/api/v1/bookings/{booking_id}", headers=booker.headers,
                           json=longer)
    assert error_codes(refused) == ["too_long"]
    assert client.post(f"/api/v1/bookings/{booking_id}/exceptions", headers=booker.headers,
                       json={"rule": "max_duration", "reason": "Mine"}).status_code == 403
    granted = client.post(f"/api/v1/bookings/{booking_id}/exceptions", headers=library.staff,
                          json={"rule": "max_duration", "reason": "Moving day"})
    assert granted.status_code == 201
    assert [e["rule"] for e in granted.get_json()["items"]] == ["max_duration"]
    assert client.patch(f"/api/v1/bookings/{booking_id}", headers=booker.headers,
                        json=longer).status_code == 200
    blank = client.post(f"/api/v1/bookings/{booking_id}/exceptions", headers=library.staff,
                        json={"rule": "horizon", "reason": " "})
    assert blank.status_code == 400


def test_the_key_holder_is_mailed_to_accept_the_terms_in_their_language_without_a_code(
        client, library, smtp):  # noqa: F811
    first = trust(client, library)
    answer = book_late(client, library, first.booker)
    secret = answer.get_json()["access_codes"][0]["code"]
    (welcome,) = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.to == first.key_holder.email, OutboxMessage.kind == "trusted")).all()
    assert welcome.subject == (f"{first.booker.association.name} is trusted after hours "
                               f"at {library.branch.name}")
    assert "/after-hours/keys" in welcome.text and "key-holder" in welcome.text
    assert welcome.ics is None

    assert client.delete(f"/api/v1/after-hours/trusts/{first.trust_id}",
                         headers=library.staff).status_code == 200
    danish = make_user()
    danish.language = "da"
    db.session.commit()
    added = client.post(f"/api/v1/associations/{first.booker.association.id}/members",
                        json={"email": danish.email}, headers=first.booker.headers)
    assert added.status_code == 201
    before = len(smtp.messages)
    again = finished(client.post(
        f"/api/v1/branches/{library.branch.id}/after-hours/trusts",
        json={"association_id": first.booker.association.id, "key_holder_email": danish.email},
        headers=library.staff))
    assert again.status_code == 201, again.get_json()
    (message,) = smtp.messages[before:]
    assert smtp.recipients[before:] == [[danish.email]]
    assert message["Subject"].endswith(f"har tillid uden for åbningstid på {library.branch.name}")
    bodies = " ".join(message.get_body((kind,)).get_content() for kind in ("plain", "html"))
    assert "/after-hours/keys" in bodies
    assert secret not in message.as_string()
    assert not re.search(rf"\b\d{{{ACCESS_CODE_DIGITS}}}\b", bodies)
    assert not list(message.iter_attachments())
