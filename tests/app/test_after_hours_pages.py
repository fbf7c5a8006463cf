"""The after-hours pages through the test client: staff set terms and trust an association,
the key-holder accepts, a member books late and reads the code; staff stretch a rule."""

from __future__ import annotations

import re

from flask import g
from sqlalchemy import select

from app.extensions import db
from app.models import AccessCode, AssociationTrust, RuleException
from tests.booking_helpers import book, make_booker
from tests.builders import PASSWORD, future_day, local, make_branch, make_room, make_user
from tests.web_helpers import csrf_token, sign_in

CLOSES_AT_EIGHT = {day: [["08:00", "20:00"]]
                   for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def signed_in(app, user):
    """A test client of its own, signed in as the user."""
    g.pop("csrf_token", None)  # Flask-WTF keeps the last client's token in the shared app context
    client = app.test_client()
    assert sign_in(client, user.email, PASSWORD).status_code == 302
    return client


def test_staff_trust_an_association_the_key_holder_accepts_and_a_member_books_late(client, app):
    branch = make_branch(opening_hours=CLOSES_AT_EIGHT)
    room = make_room(branch, name="Club room")
    staff = make_user("staff")
    booker = make_booker()
    key_holder = make_user()
    fellow = make_user()
    from app.models import Membership

    for person in (key_holder, fellow):
        db.session.add(Membership(association_id=booker.association.id, user_id=person.id))
    db.session.commit()

    client = signed_in(app, staff)
    settings = f"/branches/{branch.id}/after-hours/settings"
    saved = client.post(settings, data={
        "terms": "Lock up and switch off the lights.", "latest_end": "22:30",
        "room_ids": [str(room.id)], "evenings_per_month": "4",
        "csrf_token": csrf_token(client, settings)})
    assert saved.status_code == 302
    refused = client.post(f"/branches/{branch.id}/after-hours/trusts", data={
        "association_id": str(booker.association.id), "key_holder_email": "nobody@example.org",
        "csrf_token": csrf_token(client, settings)})
    assert refused.status_code == 422
    assert "must be a member" in refused.get_data(as_text=True)
    trusted = client.post(f"/branches/{branch.id}/after-hours/trusts", data={
        "association_id": str(booker.association.id), "key_holder_email": key_holder.email,
        "csrf_token": csrf_token(client, settings)})
    assert trusted.status_code == 302
    assert "waiting for the key-holder" in client.get(settings).get_data(as_text=True)

    client = signed_in(app, key_holder)
    keys = client.get("/after-hours/keys").get_data(as_text=True)
    assert "Lock up and switch off the lights." in keys
    trust = db.session.scalar(select(AssociationTrust))
    client.post(f"/after-hours/trusts/{trust.id}/accept",
                data={"csrf_token": csrf_token(client, "/after-hours/keys")})
    db.session.expire_all()
    assert db.session.get(AssociationTrust, trust.id).active

    client = signed_in(app, booker.user)
    day = future_day(10)
    booked = client.post(f"/rooms/{room.id}/book", data={
        "title": "Late chess", "attendees": "6", "day": day.isoformat(), "start": "19:00",
        "end": "22:30", "layout_id": "0", "repeat": "none",
        "association_id": str(booker.association.id),
        "csrf_token": csrf_token(client, f"/rooms/{room.id}/book")})
    assert booked.status_code == 302, booked.get_data(as_text=True)
    code = db.session.scalar(select(AccessCode)).code
    page = client.get(booked.headers["Location"]).get_data(as_text=True)
    assert code in page
    assert re.search(r"valid .*18:30", page)

    client = signed_in(app, key_holder)
    assert code in client.get("/after-hours/keys").get_data(as_text=True)

    client = signed_in(app, fellow)
    for path in ["/bookings", booked.headers["Location"], "/after-hours/keys"]:
        answer = client.get(path)
        assert answer.status_code == 200
        assert code not in answer.get_data(as_text=True), path

    client = signed_in(app, staff)
    tonight = client.get(f"/branches/{branch.id}/after-hours?day={day.isoformat()}")
    text = tonight.get_data(as_text=True)
    assert "Late chess" in text and key_holder.name in text and code not in text
    assert code not in client.get(booked.headers["Location"]).get_data(as_text=True)


def test_staff_stretch_a_rule_on_the_booking_form_and_see_it_on_the_booking(client, app):
    room = make_room(make_branch(), name="Short room", rules={"max_minutes": 120})
    staff = make_user("staff")
    sign_in(client, staff.email, PASSWORD)
    form = {"title": "Long meeting", "attendees": "6", "day": future_day(8).isoformat(),
            "start": "09:00", "end": "13:00", "layout_id": "0", "repeat": "none",
            "association_id": "0"}
    refused = client.post(f"/rooms/{room.id}/book", data={
        **form, "csrf_token": csrf_token(client, f"/rooms/{room.id}/book")})
    assert refused.status_code == 422
    no_reason = client.post(f"/rooms/{room.id}/book", data={
        **form, "stretch_rule": "max_duration",
        "csrf_token": csrf_token(client, f"/rooms/{room.id}/book")})
    assert no_reason.status_code == 422
    assert "kept on record" in no_reason.get_data(as_text=True)
    booked = client.post(f"/rooms/{room.id}/book", data={
        **form, "stretch_rule": "max_duration", "stretch_reason": "Board away-day",
        "csrf_token": csrf_token(client, f"/rooms/{room.id}/book")})
    assert booked.status_code == 302
    assert db.session.scalar(select(RuleException.reason)) == "Board away-day"
    page = client.get(booked.headers["Location"]).get_data(as_text=True)
    assert "Board away-day" in page and "Longer than the room" in page


def test_members_see_no_stretch_fields_and_cannot_reach_the_staff_pages(client, app):
    branch = make_branch()
    room = make_room(branch)
    booker = make_booker()
    sign_in(client, booker.user.email, PASSWORD)
    assert "stretch_rule" not in client.get(f"/rooms/{room.id}/book").get_data(as_text=True)
    assert client.get(f"/branches/{branch.id}/after-hours").status_code == 403
    assert client.get(f"/branches/{branch.id}/after-hours/settings").status_code == 403


def test_staff_stretch_a_rule_on_a_request_from_its_page_and_need_a_reason(client, app):
    room = make_room(make_branch(), name="Quiet room", rules={"requires_approval": True})
    booker = make_booker()
    day = future_day(9)
    booking_id = book(client, booker, room, local(day, 15), local(day, 17)).get_json()["id"]
    staff = signed_in(app, make_user("staff"))
    page = f"/bookings/{booking_id}"
    blank = staff.post(f"{page}/exceptions", data={
        "stretch-rule": "quota", "stretch-reason": "", "csrf_token": csrf_token(staff, page)})
    assert blank.status_code == 422
    assert 'id="stretch-reason-error"' in blank.get_data(as_text=True)
    granted = staff.post(f"{page}/exceptions", data={
        "stretch-rule": "quota", "stretch-reason": "Extra term",
        "csrf_token": csrf_token(staff, page)})
    assert granted.status_code == 302
    assert "Extra term" in staff.get(page).get_data(as_text=True)
    member = signed_in(app, booker.user)
    assert "Extra term" not in member.get(page).get_data(as_text=True)
    assert member.post(f"{page}/exceptions", data={
        "stretch-rule": "quota", "stretch-reason": "Mine",
        "csrf_token": csrf_token(member, page)}).status_code == 403
