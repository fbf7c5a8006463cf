"""Staff pages: the set-up sheet of a day, approvals with context, decisions with a reason,
a whole series at once, and the daily digest of new requests."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask_babel import refresh
from sqlalchemy import select, update

from app.extensions import db
from app.models import Booking, Closure, OutboxMessage, Room, User, utcnow
from app.services import approvals
from app.services.mail import MailSettings
from tests.booking_helpers import book, make_booker, make_hall, make_staff_headers
from tests.builders import PASSWORD, future_day, local, make_branch, make_user
from tests.layout_helpers import room_with_layouts
from tests.web_helpers import csrf_token, sign_in

APPROVAL = {"requires_approval": True}


def created(response) -> dict:
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def signed_in_staff(client) -> User:
    staff = make_user("staff")
    assert sign_in(client, staff.email, PASSWORD).status_code == 302
    return staff


def page_text(response) -> str:
    """The page's text without tags and with runs of white space as one space."""
    return page_text_of(response.get_data(as_text=True))


def section(response, booking_id: int) -> str:
    """The text of one request's block on the approvals page."""
    html = response.get_data(as_text=True)
    start = html.index(f'id="request-{booking_id}"')
    return page_text_of(html[start:html.index("</section>", start)])


def page_text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def outbox(kind: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)))


# ------------------------------------------------------------------ the set-up sheet


@pytest.fixture
def hall(app):
    """A room with two layouts, 30 chairs and 20 chairs, that needs approval."""
    branch = make_branch(name="Main Library")
    return room_with_layouts(branch, "Lecture hall", [30, 20], rules=APPROVAL)


def layouts_of(room) -> dict[int, int]:
    return {layout.capacity: layout.id for layout in db.session.get(Room, room.id).layouts}


def test_the_set_up_sheet_lists_each_booking_in_local_time_with_its_furniture(client, hall):
    day = future_day(9)
    ids = layouts_of(hall)
    booker = make_booker()
    created(book(client, booker, hall, local(day, 10), local(day, 12), title="Morning talk",
                 attendees=25, layout_id=ids[30]))
    created(book(client, booker, hall, local(day, 18), local(day, 20), title="Evening club",
                 attendees=15, layout_id=ids[20]))
    first = db.session.scalar(select(Booking).where(Booking.title == "Morning talk"))
    client.post(f"/api/v1/bookings/{first.id}/approve", headers=make_staff_headers())
    signed_in_staff(client)

    response = client.get(f"/branches/{hall.branch_id}/setup?day={day.isoformat()}")

    assert response.status_code == 200
    text = page_text(response)
    assert "Lecture hall" in text
    assert "10:00–12:00 Morning talk" in text and "18:00–20:00 Evening club" in text
    assert "30 × chair" in text and "20 × chair" in text
    # the evening needs ten chairs fewer than the morning left out
    assert "take away 10 × chair" in text
    morning, evening = text.index("Morning talk"), text.index("Evening club")
    pending_at = text.index("Pending — not yet approved")
    assert pending_at > evening > morning
    assert "Confirmed" in text[morning:evening]
    html = response.get_data(as_text=True)
    assert f'src="/api/v1/rooms/{hall.id}/layouts/{ids[30]}.svg"' in html
    assert f'src="/api/v1/rooms/{hall.id}/layouts/{ids[20]}.svg"' in html
    assert 'src="/static/print.js"' in html and 'type="module"' in html


def test_the_set_up_sheet_goes_from_day_to_day_and_says_when_a_day_is_empty(client, hall):
    day = future_day(9)
    created(book(client, make_booker(), hall, local(day, 10), local(day, 12), title="Talk"))
    signed_in_staff(client)
    page = client.get(f"/branches/{hall.branch_id}/setup?day={day.isoformat()}")
    after = (day + timedelta(days=1)).isoformat()
    assert f"day={after}" in page.get_data(as_text=True)
    empty = page_text(client.get(f"/branches/{hall.branch_id}/setup?day={after}"))
    assert "No bookings this day." in empty and "Talk" not in empty
    wrong = client.get(f"/branches/{hall.branch_id}/setup?day=31-12-2026")
    assert wrong.status_code == 400
    assert "Give the day as YYYY-MM-DD." in page_text(wrong)


def test_the_set_up_sheet_is_for_staff_only(client, hall):
    path = f"/branches/{hall.branch_id}/setup"
    assert client.get(path).status_code == 302  # to sign in
    member = make_user()
    sign_in(client, member.email, PASSWORD)
    assert client.get(path).status_code == 403
    assert "Set-up sheet" not in page_text(client.get("/rooms"))


def test_staff_find_the_set_up_sheet_from_the_rooms_page(client, hall):
    signed_in_staff(client)
    html = client.get("/rooms").get_data(as_text=True)
    assert f'href="/branches/{hall.branch_id}/setup"' in html


# ------------------------------------------------------------------ approvals with context


@pytest.fixture
def halls(app):
    """A hall that splits in two halves, and a room beside it, all needing approval."""
    return make_hall(make_branch(name="Main Library"), **APPROVAL)


def context_of(client, booking_id: int) -> dict:
    response = client.get(f"/api/v1/bookings/{booking_id}/context",
                          headers=make_staff_headers())
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_request_shows_other_requests_for_the_same_space_that_day(client, halls):
    day = future_day(12)
    mine = created(book(client, make_booker(), halls.hall, local(day, 10), local(day, 12),
                        title="Book fair"))
    same_space = created(book(client, make_booker(), halls.half_a, local(day, 14),
                              local(day, 16), title="Choir"))
    created(book(client, make_booker(), halls.beside, local(day, 10), local(day, 12),
                 title="Next door"))
    created(book(client, make_booker(), halls.hall, local(day + timedelta(days=1), 10),
                 local(day + timedelta(days=1), 12), title="Tomorrow"))

    context = context_of(client, mine["id"])

    assert [c["title"] for c in context["competitors"]] == ["Choir"]
    assert context["competitors"][0]["booking_id"] == same_space["id"]
    assert context["competitors"][0]["overlaps"] is False
    assert context["clear"] is False
    signed_in_staff(client)
    fair = section(client.get("/approvals"), mine["id"])
    assert "Same day" in fair and "Choir" in fair and "Hall A" in fair
    assert "Next door" not in fair and "Tomorrow" not in fair


def test_a_closure_added_after_the_request_stands_in_its_way(client, halls):
    day = future_day(12)
    mine = created(book(client, make_booker(), halls.hall, local(day, 10), local(day, 12)))
    db.session.add(Closure(branch_id=halls.hall.branch_id, start=local(day, 0),
                           end=local(day + timedelta(days=1), 0), reason="Staff training"))
    db.session.commit()
    context = context_of(client, mine["id"])
    assert [c["reason"] for c in context["closures"]] == ["Staff training"]
    assert context["competitors"] == []
    signed_in_staff(client)
    assert "Staff training" in page_text(client.get("/approvals"))


def test_a_request_alone_in_its_space_with_a_group_that_fits_is_clear(client, halls):
    day = future_day(12)
    mine = created(book(client, make_booker(), halls.hall, local(day, 10), local(day, 12),
                        attendees=30))
    context = context_of(client, mine["id"])
    assert context["clear"] is True
    assert context["fit"]["fits"] is True and context["fit"]["attendees"] == 30
    signed_in_staff(client)
    assert "Nothing: no closure" in page_text(client.get("/approvals"))


def test_whether_the_group_fits_the_chosen_layout(client, hall):
    day = future_day(9)
    ids = layouts_of(hall)
    mine = created(book(client, make_booker(), hall, local(day, 10), local(day, 12),
                        attendees=18, layout_id=ids[20]))
    fits = context_of(client, mine["id"])["fit"]
    assert fits == {"attendees": 18, "capacity": 20, "layout": "20 chairs", "fits": True,
                    "capacity_flag": None}
    # the library lowers the room's cap after the request came in
    db.session.execute(update(Room).where(Room.id == hall.id).values(max_attendees=12))
    db.session.commit()
    too_many = context_of(client, mine["id"])["fit"]
    assert too_many["capacity"] == 12 and too_many["fits"] is False
    signed_in_staff(client)
    text = page_text(client.get("/approvals"))
    assert "18 attendees; the layout “20 chairs” holds 12." in text
    assert "Does not fit" in text


def test_a_request_shows_the_associations_recent_bookings_and_cancellations(client, halls):
    booker = make_booker()
    staff = make_staff_headers()
    day = future_day(12)
    kept = created(book(client, booker, halls.beside, local(day, 8), local(day, 9),
                        title="Kept"))
    client.post(f"/api/v1/bookings/{kept['id']}/approve", headers=staff)
    dropped = created(book(client, booker, halls.beside, local(day, 9), local(day, 10),
                           title="Dropped"))
    assert client.delete(f"/api/v1/bookings/{dropped['id']}",
                         headers=booker.headers).status_code == 200
    refused = created(book(client, booker, halls.beside, local(day, 11), local(day, 12),
                           title="Refused"))
    client.post(f"/api/v1/bookings/{refused['id']}/reject", headers=staff,
                json={"reason": "No."})
    mine = created(book(client, booker, halls.hall, local(day, 14), local(day, 16),
                        title="New request"))

    context = context_of(client, mine["id"])

    assert context["association"] == booker.association.name
    assert context["verified"] is True
    assert context["history"]["counts"] == {"confirmed": 1, "pending": 0, "rejected": 1,
                                            "cancelled": 1}
    assert [p["title"] for p in context["history"]["recent"]] == ["Refused", "Dropped", "Kept"]
    signed_in_staff(client)
    text = page_text(client.get("/approvals"))
    assert "Confirmed: 1 · Waiting: 0 · Rejected: 1 · Cancelled: 1" in text
    assert "verified" in text


def test_the_context_is_for_staff_only(client, halls):
    booker = make_booker()
    day = future_day(12)
    mine = created(book(client, booker, halls.hall, local(day, 10), local(day, 12)))
    path = f"/api/v1/bookings/{mine['id']}/context"
    assert client.get(path).status_code == 401
    assert client.get(path, headers=booker.headers).status_code == 403
    assert client.get("/api/v1/bookings/999999/context",
                      headers=make_staff_headers()).status_code == 404
    member = make_user()
    sign_in(client, member.email, PASSWORD)
    assert client.get("/approvals").status_code == 403
    token = csrf_token(client, "/bookings")
    assert client.post(f"/bookings/{mine['id']}/decide/approve",
                       data={"csrf_token": token}).status_code == 403
    assert db.session.get(Booking, mine["id"]).status == "pending"


# ------------------------------------------------------------------ decisions


def decide(client, booking_id: int, decision: str, reason: str = ""):
    token = csrf_token(client, "/approvals")
    return client.post(f"/bookings/{booking_id}/decide/{decision}",
                       data={"csrf_token": token, "reason": reason, "back": "approvals"})


def test_a_rejection_with_a_reason_reaches_the_bookers_e_mail(client, halls):
    day = future_day(12)
    mine = created(book(client, make_booker(), halls.hall, local(day, 10), local(day, 12),
                        title="Book fair"))
    signed_in_staff(client)
    response = decide(client, mine["id"], "reject", "The hall is being painted that week.")
    assert response.status_code == 302 and response.location.endswith("/approvals")
    booking = db.session.get(Booking, mine["id"])
    db.session.refresh(booking)
    assert booking.status == "rejected"
    assert booking.status_reason == "The hall is being painted that week."
    [message] = outbox("rejected")
    assert "The hall is being painted that week." in message.text
    assert "The hall is being painted that week." in message.html


def test_a_rejection_without_a_reason_is_sent_back_next_to_the_field(client, halls):
    day = future_day(12)
    mine = created(book(client, make_booker(), halls.hall, local(day, 10), local(day, 12)))
    signed_in_staff(client)
    response = decide(client, mine["id"], "reject", "  ")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="reason-{mine["id"]}-error"' in html
    assert "Say why, so the association knows what to change." in html
    assert db.session.get(Booking, mine["id"]).status == "pending"
    assert outbox("rejected") == []


def test_an_approval_can_carry_a_note_to_the_booker(client, halls):
    day = future_day(12)
    mine = created(book(client, make_booker(), halls.hall, local(day, 10), local(day, 12)))
    signed_in_staff(client)
    assert decide(client, mine["id"], "approve", "The key is at the front desk.") \
        .status_code == 302
    [message] = outbox("approved")
    assert "Reason: The key is at the front desk." in message.text


def test_a_weekly_series_is_approved_whole_from_the_queue(client, halls):
    day = future_day(12)
    series = created(book(client, make_booker(), halls.hall, local(day, 10), local(day, 12),
                          recurrence={"rrule": "FREQ=WEEKLY;COUNT=10"}))
    signed_in_staff(client)
    assert "Approve all 10 dates" in page_text(client.get("/approvals"))
    assert decide(client, series["id"], "approve").status_code == 302
    occurrences = client.get(f"/api/v1/bookings/{series['id']}",
                             headers=make_staff_headers()).get_json()["occurrences"]
    assert len(occurrences) == 10
    assert {o["status"] for o in occurrences} == {"confirmed"}
    assert "Nothing waits for approval." in page_text(client.get("/approvals"))


# ------------------------------------------------------------------ the daily digest


# Staff who never chose a language read the library's default, English here.
SETTINGS = MailSettings(base_url="http://agora.test", mail_from="Agora <agora@test>",
                        default_language="en")


def opt_in(client, staff: User, wanted: bool = True):
    sign_in(client, staff.email, PASSWORD)
    data = {"csrf_token": csrf_token(client, "/profile")}
    if wanted:
        data["approvals_digest"] = "y"
    return client.post("/profile/digest", data=data)


@pytest.fixture
def settled(monkeypatch):
    """Requests count as settled at once (the settling margin has its own test)."""
    monkeypatch.setattr(approvals, "DIGEST_SETTLE", timedelta(0))


def digest_now():
    return approvals.send_digests(SETTINGS)


def test_staff_opt_in_on_their_profile_and_members_cannot(client):
    staff = make_user("staff")
    page = client.get("/profile")
    assert page.status_code == 302
    sign_in(client, staff.email, PASSWORD)
    assert "Daily e-mail of new requests" in page_text(client.get("/profile"))
    assert opt_in(client, staff).status_code == 302
    db.session.refresh(staff)
    assert staff.approvals_digest is True
    assert 'checked' in client.get("/profile").get_data(as_text=True)
    assert opt_in(client, staff, wanted=False).status_code == 302
    db.session.refresh(staff)
    assert staff.approvals_digest is False
    client.post("/signout", data={"csrf_token": csrf_token(client, "/")})
    member = make_user()
    assert "Daily e-mail" not in page_text(client.get("/profile"))
    assert opt_in(client, member).status_code == 403


def test_the_digest_lists_new_requests_once_to_those_who_opted_in(client, halls, settled):
    day = future_day(12)
    old = created(book(client, make_booker(), halls.hall, local(day, 8), local(day, 9),
                       title="Before opting in"))
    db.session.execute(update(Booking).where(Booking.id == old["id"])
                       .values(created_at=utcnow() - timedelta(hours=1)))
    db.session.commit()
    wants, does_not = make_user("staff"), make_user("staff")
    opt_in(client, wants)
    first = created(book(client, make_booker(), halls.hall, local(day, 10), local(day, 11),
                         title="Chess evening"))
    series = created(book(client, make_booker(), halls.beside, local(day, 10),
                          local(day, 11), title="Language café",
                          recurrence={"rrule": "FREQ=WEEKLY;COUNT=4"}))

    report = digest_now()

    assert report.sent == 1
    [message] = outbox("digest")
    assert message.to == wants.email and does_not.email not in message.to
    assert message.subject == "2 new booking requests wait for approval"
    assert "Chess evening" in message.text and "(4 dates)" in message.text
    assert f"http://agora.test/bookings/{series['id']}" in message.text
    assert "Before opting in" not in message.text

    assert digest_now().sent == 0  # run twice: nothing listed twice
    assert len(outbox("digest")) == 1

    latest = created(book(client, make_booker(), halls.half_b,
                          local(day + timedelta(days=1), 10),
                          local(day + timedelta(days=1), 11), title="Knitting"))
    client.post(f"/api/v1/bookings/{first['id']}/approve", headers=make_staff_headers())
    assert digest_now().sent == 1
    newest = outbox("digest")[-1]
    assert "Knitting" in newest.text and "Chess evening" not in newest.text
    assert f"/bookings/{latest['id']}" in newest.text


def test_a_request_still_settling_waits_for_the_next_digest(client, halls):
    staff = make_user("staff")
    opt_in(client, staff)
    day = future_day(12)
    created(book(client, make_booker(), halls.hall, local(day, 10), local(day, 11),
                 title="Just now"))
    assert approvals.send_digests(SETTINGS, now=utcnow()).sent == 0
    assert approvals.send_digests(SETTINGS, now=utcnow() + timedelta(minutes=5)).sent == 1
    assert "Just now" in outbox("digest")[0].text


def test_the_digest_command_for_cron(client, runner, halls):
    staff = make_user("staff")
    opt_in(client, staff)
    day = future_day(12)
    mine = created(book(client, make_booker(), halls.hall, local(day, 10), local(day, 11),
                        title="Film club"))
    db.session.execute(update(Booking).where(Booking.id == mine["id"])
                       .values(created_at=utcnow() - timedelta(minutes=10)))
    db.session.execute(update(User).where(User.id == staff.id).values(
        approvals_digest_through=utcnow() - timedelta(minutes=20)))
    db.session.commit()
    result = runner.invoke(args=["approvals", "digest"])
    assert result.exit_code == 0, result.output
    assert "Wrote 1 digest e-mail(s)." in result.output
    [message] = outbox("digest")
    assert "Film club" in message.text and message.sent_at is not None
    again = runner.invoke(args=["approvals", "digest"])
    assert "Wrote 0 digest e-mail(s)." in again.output


def test_the_staff_pages_speak_danish(client, hall):
    day = future_day(9)
    created(book(client, make_booker(), hall, local(day, 10), local(day, 12), title="Talk"))
    signed_in_staff(client)
    danish = {"Accept-Language": "da"}
    # The tests' app context outlives each request: forget the English it remembered.
    refresh()
    sheet = page_text(client.get(f"/branches/{hall.branch_id}/setup?day={day.isoformat()}",
                                 headers=danish))
    assert "Opstillingsliste: Main Library" in sheet
    assert "Afventer — endnu ikke godkendt" in sheet and "Næste dag" in sheet
    queue = page_text(client.get("/approvals", headers=danish))
    assert "Venter på godkendelse" in queue and "Er der plads til gruppen?" in queue


def test_the_digest_is_written_in_the_language_its_reader_chose(client, halls, settled):
    reader = make_user("staff")
    opt_in(client, reader)
    reader.language = "da"
    db.session.commit()
    day = future_day(12)
    created(book(client, make_booker(), halls.hall, local(day, 10), local(day, 11),
                 title="Skakaften"))

    assert digest_now().sent == 1
    [message] = outbox("digest")
    assert message.subject == "1 ny bookinganmodning venter på godkendelse"
    assert "Tag stilling til dem" in message.text
