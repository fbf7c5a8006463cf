"""A member finds a room by date, time and group size, and books it, in a real Chromium."""

from __future__ import annotations

import pytest

from tests.booking_helpers import make_booker
from tests.browser.pages import sign_in
from tests.builders import future_day, make_branch
from tests.e2e.servers import served_library
from tests.layout_helpers import room_with_layouts

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _library(app) -> dict:
    """Three rooms whose layouts hold 12; 80 and 30; 120; and a member of a verified association."""
    branch = make_branch(name="Main Library")
    room_with_layouts(branch, "Reading room", [12])
    room_with_layouts(branch, "Hall", [80, 30])
    room_with_layouts(branch, "Auditorium", [120])
    booker = make_booker()
    return {"email": booker.user.email, "association": booker.association.name}


@pytest.fixture
def served(tmp_path):
    with served_library(tmp_path, _library) as served:
        yield served


def test_a_member_finds_a_room_for_25_and_books_it_from_the_filled_in_form(
        browser, served, tmp_path):
    base, world = served
    page = browser.new_page(locale="en-GB", viewport={"width": 390, "height": 844})
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    loads: list[str] = []
    page.on("framenavigated", lambda frame: loads.append(frame.url)
            if frame == page.main_frame else None)

    sign_in(page, base, world["email"])
    page.click("header .menu-toggle")  # on a phone the header folds into a menu
    page.click("header >> text=Find a room")
    page.wait_for_selector("#find-form")
    day = future_day(10)
    page.fill("#day", day.isoformat())
    page.fill("#start", "18:00")
    page.fill("#end", "20:00")
    page.fill("#attendees", "25")
    page.click("#find-form button[type=submit]")
    page.wait_for_selector("#results")
    assert page.inner_text("#results li:first-child h3") == "Hall"
    assert "holds 30 people" in page.inner_text("#results li:first-child")
    assert page.evaluate("document.documentElement.scrollWidth <= "
                         "document.documentElement.clientWidth")
    page.screenshot(path=str(tmp_path / "find-a-room-results.png"), full_page=True)

    page.click("#results li:first-child a.button")
    page.wait_for_selector("#booking-form")
    assert page.input_value("#attendees") == "25"
    assert page.input_value("#day") == day.isoformat()
    assert (page.input_value("#start"), page.input_value("#end")) == ("18:00", "20:00")
    assert "30 chairs" in page.inner_text("#layout_id option:checked")
    page.select_option("#association_id", label=world["association"])
    page.fill("#title", "Choir practice")
    page.click("#booking-form button[type=submit]")
    page.wait_for_selector("#booking-status")
    assert page.inner_text("#booking-status") == "confirmed"
    page.screenshot(path=str(tmp_path / "find-a-room-booked.png"), full_page=True)
    page.close()

    # sign-in, home, Find a room, results, filled-in form, booking (the POSTs' redirects
    # land on pages counted once each).
    print(f"page loads from sign-in to a confirmed booking: {len(loads)}: {loads}")
    assert len(loads) <= 6
    assert refused == []
