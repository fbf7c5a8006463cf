"""The booking form in a real Chromium: a weekly booking from the landing page in few page
loads, and a weekly series with some dates taken booked on its free dates only."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.services import bookings
from app.services.bookings import BookingInput
from tests.booking_helpers import make_booker
from tests.browser.pages import (
    PHONE,
    keep_screenshot,
    no_sideways_scroll,
    open_menu,
    sign_in,
    watch_csp,
)
from tests.builders import ZONE, future_day, make_branch
from tests.e2e.servers import served_library
from tests.layout_helpers import room_with_layouts

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FIRST = future_day(10, weekday=1)  # a Tuesday
WEEKS = 6
TAKEN = (FIRST + timedelta(weeks=1), FIRST + timedelta(weeks=3))


def _library(app) -> dict:
    """A reading room for 12 and a hall for 80 or 30; another club holds the reading room on
    two of six Tuesdays 18-20; a member of a verified association."""
    branch = make_branch(name="Main Library")
    reading = room_with_layouts(branch, "Reading room", [12])
    room_with_layouts(branch, "Hall", [80, 30])
    other = make_booker()
    for day in TAKEN:
        bookings.create_booking(other.user, BookingInput(
            room_id=reading.id, title="Knitting circle", attendees=8,
            start=datetime.combine(day, datetime.min.time().replace(hour=18), ZONE).isoformat(),
            end=datetime.combine(day, datetime.min.time().replace(hour=20), ZONE).isoformat(),
            association_id=other.association.id))
    booker = make_booker()
    return {"email": booker.user.email, "association": booker.association.name,
            "reading": reading.id}


@pytest.fixture
def served(tmp_path):
    with served_library(tmp_path, _library) as served:
        yield served


def test_a_first_time_association_books_weekly_from_the_landing_page_in_six_loads(
        browser, served):
    base, world = served
    context = browser.new_context(locale="en-GB", viewport=PHONE)
    page = context.new_page()
    refused = watch_csp(page)
    loads: list[str] = []
    page.on("framenavigated", lambda frame: loads.append(frame.url)
            if frame == page.main_frame else None)

    sign_in(page, base, world["email"])  # the sign-in page and the landing page it leads to
    open_menu(page)
    page.click("header >> text=Find a room")
    page.wait_for_selector("#find-form")
    page.fill("#day", FIRST.isoformat())
    page.fill("#start", "18:00")
    page.fill("#end", "20:00")
    page.fill("#attendees", "25")
    page.fill("#until", (FIRST + timedelta(weeks=3)).isoformat())
    page.click("main form#find-form button[type=submit]")
    page.wait_for_selector("#results")
    page.click("#results li:first-child a.button")
    page.wait_for_selector("#booking-form")
    assert page.input_value("#repeat") == "weekly"
    assert page.input_value("#ends") == "until"
    assert page.input_value("#until") == (FIRST + timedelta(weeks=3)).isoformat()
    page.wait_for_selector("#check >> text=All 4 dates are free.")
    assert page.inner_text("#layout-capacity") == "Holds up to 30 people."
    assert no_sideways_scroll(page)
    keep_screenshot(page, "booking-form-weekly-prefilled")
    page.fill("#title", "Choir practice")
    page.click("main form#booking-form button[type=submit]")
    page.wait_for_selector("#booking-status")
    assert page.inner_text("#booking-status") == "confirmed"
    assert page.locator("tbody tr").count() == 4
    keep_screenshot(page, "booking-form-weekly-booked")
    context.close()

    # Counted honestly, sign-in included: sign-in, landing, Find a room, results, the
    # filled-in form, the booking (a POST's redirect is one load).
    print(f"page loads from sign-in to a weekly booking: {len(loads)}: {loads}")
    assert len(loads) <= 6
    assert refused == []


def test_a_weekly_series_with_dates_taken_is_booked_on_its_free_dates_only(browser, served):
    base, world = served
    context = browser.new_context(locale="en-GB", viewport=PHONE)
    page = context.new_page()
    refused = watch_csp(page)
    sign_in(page, base, world["email"])
    page.goto(f"{base}/rooms/{world['reading']}/book")
    page.select_option("#association_id", label=world["association"])
    page.fill("#title", "Chess club")
    page.fill("#attendees", "10")
    page.fill("#day", FIRST.isoformat())
    page.fill("#start", "18:00")
    page.fill("#end", "20:00")
    page.select_option("#repeat", "weekly")
    page.select_option("#ends", "count")
    page.fill("#count", str(WEEKS))

    page.wait_for_selector("#only-free")
    taken = page.locator("#taken-dates time")
    assert [taken.nth(i).get_attribute("datetime") for i in range(taken.count())] == [
        d.isoformat() for d in TAKEN]
    assert "Knitting circle" not in page.inner_text("#taken-dates")  # not theirs to see
    assert "Booked" in page.inner_text("#taken-dates")
    assert page.inner_text("#only-free") == f"Book only the {WEEKS - len(TAKEN)} free dates"
    assert page.inner_text("#suggestions li:first-child a") == "Hall"
    assert no_sideways_scroll(page)
    keep_screenshot(page, "booking-form-dates-taken")

    page.click("#only-free")
    page.wait_for_selector("#booking-status")
    assert page.inner_text("#booking-status") == "confirmed"
    rows = page.locator("tbody tr td:first-child")
    booked = [rows.nth(i).inner_text() for i in range(rows.count())]
    free = [FIRST + timedelta(weeks=w) for w in range(WEEKS)
            if FIRST + timedelta(weeks=w) not in TAKEN]
    assert booked == [f"{d:%a %d %b %Y}, 18:00–20:00" for d in free]
    assert "2 taken dates were left out" in page.inner_text(".flash")
    keep_screenshot(page, "booking-form-free-dates-booked")
    context.close()
    assert refused == []
