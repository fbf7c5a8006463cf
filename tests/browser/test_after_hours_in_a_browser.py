"""After hours in a real Chromium against a real gunicorn: staff trust an association and
its key-holder accepts the terms, a member books until 22:30 and reads the code; staff see
tonight's after-hours list; staff stretch a rule while booking and on a request."""

from __future__ import annotations

import re

import pytest

from tests.browser.pages import (
    DESKTOP,
    PHONE,
    keep_screenshot,
    no_sideways_scroll,
    open_menu,
    sign_in,
    watch_csp,
)
from tests.builders import future_day, local, make_branch, make_room, make_user
from tests.e2e.servers import served_library

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DAY = future_day(9)
CLOSES_AT_EIGHT = {day: [["08:00", "20:00"]]
                   for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def _library(app, *, late_booking: bool = False) -> dict:
    """A branch that closes at 20:00 with a club room (at most 4 hours a booking), a staff
    member, a member of a verified chess club and the club's would-be key-holder; with
    ``late_booking``, the club already trusted and booked until 22:30 on DAY."""
    from app.extensions import db
    from app.models import Membership
    from app.services import after_hours, bookings
    from app.services.bookings import BookingInput
    from tests.booking_helpers import make_booker

    branch = make_branch(name="Main Library", opening_hours=CLOSES_AT_EIGHT)
    room = make_room(branch, name="Club room", rules={"max_minutes": 240})
    quiet = make_room(branch, name="Study room", rules={"requires_approval": True})
    staff = make_user("staff")
    booker = make_booker()
    bookings.create_booking(booker.user, BookingInput(
        room_id=quiet.id, title="Homework club", attendees=6,
        association_id=booker.association.id,
        start=local(DAY, 15).isoformat(), end=local(DAY, 17).isoformat()))
    key_holder = make_user()
    key_holder.name = "Karen Keyholder"
    db.session.add(Membership(association_id=booker.association.id, user_id=key_holder.id))
    db.session.commit()
    if late_booking:
        after_hours.set_terms(staff, branch.id, after_hours.TermsInput(
            "Lock up.", "22:30", (room.id,), 4))
        trust = after_hours.trust_association(staff, branch.id, booker.association.id,
                                              key_holder.email)
        after_hours.accept_terms(key_holder, trust.id)
        bookings.create_booking(booker.user, BookingInput(
            room_id=room.id, title="Late chess", attendees=8,
            association_id=booker.association.id,
            start=local(DAY, 19).isoformat(), end=local(DAY, 22, 30).isoformat()))
        db.session.commit()
    return {"branch": branch.id, "room": room.id, "staff": staff.email,
            "member": booker.user.email, "association": booker.association.name,
            "key_holder": key_holder.email}


@pytest.fixture
def served(tmp_path):
    with served_library(tmp_path, _library) as served:
        yield served


@pytest.fixture
def served_late(tmp_path):
    with served_library(tmp_path, lambda app: _library(app, late_booking=True)) as served:
        yield served


def test_staff_trust_a_club_its_key_holder_accepts_and_a_member_books_late_with_a_code(
        browser, served):
    base, world = served
    context = browser.new_context(locale="en-GB", viewport=DESKTOP)
    page = context.new_page()
    refused = watch_csp(page)
    sign_in(page, base, world["staff"])
    open_menu(page)
    page.click("header >> text=Rooms")
    page.click("text=After hours at Main Library")
    page.click("text=After-hours terms and trusted associations")
    page.fill("#terms", "Lock the door behind you and switch off the lights.")
    page.fill("#latest_end", "22:30")
    page.check("label:has-text('Club room')")
    page.fill("#evenings_per_month", "4")
    page.click("#terms-form button[type=submit]")
    page.wait_for_selector("#trust-form")
    page.select_option("#association_id", label=world["association"])
    page.fill("#key_holder_email", world["key_holder"])
    page.click("#trust-form button[type=submit]")
    page.wait_for_selector("#trusts")
    assert "waiting for the key-holder" in page.inner_text("#trusts")
    keep_screenshot(page, "after-hours-staff-trust")
    context.close()

    context = browser.new_context(locale="en-GB", viewport=PHONE)
    page = context.new_page()
    refused += watch_csp(page)
    sign_in(page, base, world["key_holder"])
    page.goto(f"{base}/bookings")
    page.click("text=After hours: keys and codes")
    assert "Lock the door behind you" in page.inner_text("main")
    page.click("text=I accept these terms")
    page.wait_for_selector("text=You accepted the terms")
    assert no_sideways_scroll(page)
    keep_screenshot(page, "after-hours-key-holder-accepts")
    context.close()

    context = browser.new_context(locale="en-GB", viewport=PHONE)
    page = context.new_page()
    refused += watch_csp(page)
    sign_in(page, base, world["member"])
    page.goto(f"{base}/rooms/{world['room']}/book")
    page.select_option("#association_id", label=world["association"])
    page.fill("#title", "Chess after hours")
    page.fill("#attendees", "8")
    page.fill("#day", DAY.isoformat())
    page.fill("#start", "19:00")
    page.fill("#end", "22:30")
    page.click("#booking-form button[type=submit]")
    page.wait_for_selector("#access-codes")
    assert page.inner_text("#booking-status") == "confirmed"
    code = page.inner_text("#access-codes .access-code")
    assert re.fullmatch(r"\d{8}", code)
    assert "18:30" in page.inner_text("#access-codes")
    assert no_sideways_scroll(page)
    keep_screenshot(page, "after-hours-member-sees-code")
    context.close()
    assert refused == []


def test_staff_see_tonights_after_hours_list_without_the_code(browser, served_late):
    base, world = served_late
    context = browser.new_context(locale="en-GB", viewport=PHONE)
    page = context.new_page()
    refused = watch_csp(page)
    sign_in(page, base, world["staff"])
    page.goto(f"{base}/branches/{world['branch']}/after-hours")
    page.fill("#day", DAY.isoformat())
    page.click("main form.day-pick button[type=submit]")
    page.wait_for_selector("#after-hours-list")
    row = page.inner_text("#after-hours-list")
    assert "Late chess" in row and "Club room" in row and "Karen Keyholder" in row
    assert "19:00" in row and "22:30" in row
    assert not re.search(r"\b\d{8}\b", page.inner_text("main"))
    assert no_sideways_scroll(page)
    keep_screenshot(page, "after-hours-tonight")
    context.close()
    assert refused == []


def test_staff_stretch_a_rule_while_booking_and_see_it_on_the_booking(browser, served):
    base, world = served
    context = browser.new_context(locale="en-GB", viewport=DESKTOP)
    page = context.new_page()
    refused = watch_csp(page)
    sign_in(page, base, world["staff"])
    page.goto(f"{base}/rooms/{world['room']}/book")
    page.select_option("#association_id", label="The library itself")
    page.fill("#title", "Annual general meeting")
    page.fill("#attendees", "20")
    page.fill("#day", DAY.isoformat())
    page.fill("#start", "09:00")
    page.fill("#end", "15:00")
    page.select_option("#stretch_rule", label="Longer than the room's maximum")
    page.fill("#stretch_reason", "Once a year, agreed with the branch manager")
    page.click("#booking-form button[type=submit]")
    page.wait_for_selector("#rule-exceptions")
    listed = page.inner_text("#rule-exceptions")
    assert "Longer than the room's maximum" in listed
    assert "Once a year, agreed with the branch manager" in listed
    keep_screenshot(page, "after-hours-rule-stretched")
    context.close()
    assert refused == []


def test_staff_stretch_a_rule_on_a_request_from_the_approvals_page(browser, served):
    base, world = served
    context = browser.new_context(locale="en-GB", viewport=PHONE)
    page = context.new_page()
    refused = watch_csp(page)
    sign_in(page, base, world["staff"])
    open_menu(page)
    page.click("header >> text=Approvals")
    page.click("main >> text=Homework club")
    page.click("text=Stretch a rule (staff)")
    assert page.get_attribute("#stretch-reason", "required") is not None
    page.select_option("#stretch-rule", label="Beyond the booking horizon")
    page.fill("#stretch-reason", "The club plans its spring term now")
    page.click("#stretch-form button[type=submit]")
    page.wait_for_selector("#rule-exceptions")
    assert "The club plans its spring term now" in page.inner_text("#rule-exceptions")
    assert page.inner_text("#booking-status") == "pending"
    assert no_sideways_scroll(page)
    keep_screenshot(page, "after-hours-rule-stretched-on-a-request")
    context.close()
    assert refused == []
