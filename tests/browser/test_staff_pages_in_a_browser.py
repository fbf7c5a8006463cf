"""Staff in a real Chromium: the set-up sheet as it prints, and a request rejected with a
reason from the approvals page."""

from __future__ import annotations

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
from tests.builders import future_day, local, make_branch, make_user
from tests.e2e.servers import served_library

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DAY = future_day(8)


def _library(app) -> dict:
    """Two rooms with layouts; a confirmed talk and a pending club evening in the hall, a
    pending film night in the studio; a staff member."""
    from app.extensions import db
    from app.services import bookings
    from app.services.bookings import BookingInput
    from tests.booking_helpers import make_booker
    from tests.layout_helpers import room_with_layouts

    branch = make_branch(name="Main Library")
    hall = room_with_layouts(branch, "Lecture hall", [30, 20],
                             rules={"requires_approval": True})
    studio = room_with_layouts(branch, "Studio", [12], rules={"requires_approval": True})
    staff = make_user("staff")
    booker = make_booker()

    def request(room, title, start, end, attendees, capacity):
        layout = next(x for x in room.layouts if x.capacity == capacity)
        result = bookings.create_booking(booker.user, BookingInput(
            room_id=room.id, title=title, attendees=attendees, layout_id=layout.id,
            association_id=booker.association.id, start=local(DAY, start).isoformat(),
            end=local(DAY, end).isoformat()))
        db.session.commit()
        return result.booking.id

    talk = request(hall, "Morning talk", 10, 12, 25, 30)
    bookings.decide(staff, talk, approve=True)
    db.session.commit()
    request(hall, "Club evening", 18, 20, 15, 20)
    film = request(studio, "Film night", 19, 21, 10, 12)
    return {"email": staff.email, "branch_id": branch.id, "film": film}


@pytest.fixture
def served(tmp_path):
    with served_library(tmp_path, _library) as served:
        yield served


def test_staff_print_the_set_up_sheet_with_each_room_drawn(browser, served):
    base, world = served
    context = browser.new_context(locale="en-GB", viewport=DESKTOP)
    page = context.new_page()
    refused = watch_csp(page)
    sign_in(page, base, world["email"])
    open_menu(page)
    page.click("header >> text=Rooms")
    page.click("text=Set-up sheet for Main Library")
    page.click("main form.day-pick input#day")
    page.fill("#day", DAY.isoformat())
    page.click("main form.day-pick button[type=submit]")
    page.wait_for_selector("section.sheet-room")
    assert page.locator("button.print-sheet").is_visible()  # shown by the module
    assert page.locator("section.sheet-room").count() == 2
    assert page.locator(".sheet-entry.pending").count() == 2
    assert "Pending — not yet approved" in page.locator(".sheet-entry.pending").first.inner_text()

    page.emulate_media(media="print")

    assert not page.locator("header.site").is_visible()
    assert not page.locator("nav.sheet-nav").is_visible()
    for room in page.locator("section.sheet-room").all():
        drawing = room.locator("img.plan").first
        assert drawing.is_visible()
        assert drawing.evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.evaluate(
        "[...document.querySelectorAll('section.sheet-room')].every("
        "s => getComputedStyle(s).breakInside === 'avoid')")
    keep_screenshot(page, "setup_sheet_print")
    assert refused == []
    context.close()


def test_the_set_up_sheet_fits_a_phone(browser, served):
    base, world = served
    context = browser.new_context(locale="en-GB", viewport=PHONE)
    page = context.new_page()
    sign_in(page, base, world["email"])
    page.goto(f"{base}/branches/{world['branch_id']}/setup?day={DAY.isoformat()}")
    page.wait_for_selector("section.sheet-room")
    assert no_sideways_scroll(page)
    keep_screenshot(page, "setup_sheet_phone")
    context.close()


def test_staff_reject_a_request_with_a_reason_from_the_approvals_page(browser, served):
    base, world = served
    context = browser.new_context(locale="en-GB", viewport=PHONE)
    page = context.new_page()
    refused = watch_csp(page)
    sign_in(page, base, world["email"])
    open_menu(page)
    page.click("header >> text=Approvals")
    film = page.locator(f"#request-{world['film']}")
    assert "Film night" in film.inner_text()
    assert "Fits" in film.inner_text()
    assert no_sideways_scroll(page)
    keep_screenshot(page, "approvals_with_context")
    # by keyboard: into the reason, then on to the form's own button
    film.locator("textarea").focus()
    page.keyboard.type("The studio is booked for a staff workshop.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("p.flash")
    assert "Rejected: Film night." in page.locator("p.flash").inner_text()
    assert page.locator(f"#request-{world['film']}").count() == 0
    page.goto(f"{base}/bookings/{world['film']}")
    assert "The studio is booked for a staff workshop." in page.locator("main").inner_text()
    keep_screenshot(page, "approvals_rejected")
    assert refused == []
    context.close()
