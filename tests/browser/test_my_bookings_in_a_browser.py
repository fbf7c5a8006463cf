"""A member with a weekly series cancels one date and moves another, in a real Chromium."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.booking_helpers import make_booker
from tests.browser.pages import (
    PHONE,
    keep_screenshot,
    no_sideways_scroll,
    open_menu,
    sign_in,
    watch_csp,
)
from tests.builders import future_day, local, make_branch, make_room
from tests.e2e.servers import served_library

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FIRST = future_day(7, weekday=1)  # a Tuesday
DATES = [FIRST + timedelta(weeks=n) for n in range(4)]


def shown(day, hour: int, end_hour: int) -> str:
    """How the pages write a Copenhagen date and time range."""
    return local(day, hour).strftime("%a %d %b %Y, %H:%M") + f"–{end_hour}:00"


def _library(app) -> dict:
    """A study room, and a member with a weekly series of four Tuesday evenings there."""
    from app.extensions import db
    from app.services import bookings
    from app.services.bookings import BookingInput

    room = make_room(make_branch(name="Main Library"), name="Study room", max_attendees=8)
    booker = make_booker()
    bookings.create_booking(booker.user, BookingInput(
        room_id=room.id, title="Chess club", attendees=6, association_id=booker.association.id,
        start=local(FIRST, 18).isoformat(), end=local(FIRST, 20).isoformat(),
        rrule="FREQ=WEEKLY;COUNT=4"))
    db.session.commit()
    return {"email": booker.user.email}


@pytest.fixture
def served(tmp_path):
    with served_library(tmp_path, _library) as served:
        yield served


def test_a_member_cancels_one_date_and_moves_another_and_sees_the_list_change(browser, served):
    base, world = served
    context = browser.new_context(locale="en-GB", viewport=PHONE)
    page = context.new_page()
    refused = watch_csp(page)
    sign_in(page, base, world["email"])
    open_menu(page)
    page.click("header >> text=Bookings")
    page.wait_for_selector("article.booking")
    dates = page.locator("article.booking li.date")
    assert dates.count() == 3  # the next three; the fourth on the booking's page
    assert shown(DATES[1], 18, 20) in dates.nth(1).inner_text()
    assert no_sideways_scroll(page)
    keep_screenshot(page, "my-bookings-series")

    # Cancel the second Tuesday: a confirmation first, saying what will happen.
    dates.nth(1).get_by_role("link", name="Cancel this date").click()
    page.wait_for_selector("#confirm-cancel")
    assert "1 date will be cancelled" in page.inner_text("#cancel-count")
    assert shown(DATES[1], 18, 20) in page.inner_text("#confirm-cancel")
    assert no_sideways_scroll(page)
    keep_screenshot(page, "my-bookings-confirm-cancel-one-date")
    page.click("#cancel-form button[type=submit]")
    page.wait_for_selector("text=1 date is cancelled.")
    listed = page.inner_text("article.booking")
    assert shown(DATES[1], 18, 20) not in listed
    assert shown(DATES[0], 18, 20) in listed and shown(DATES[2], 18, 20) in listed
    assert "3 dates to come" in listed

    # Move the third Tuesday to the Wednesday after, 17:00-19:00.
    third = page.locator("article.booking li.date", has_text=shown(DATES[2], 18, 20))
    third.get_by_role("link", name="Move this date").click()
    page.wait_for_selector("#move-form")
    assert page.input_value("#day") == DATES[2].isoformat()
    # Onto the first Tuesday's time: refused, with the reason next to the field.
    page.fill("#day", DATES[0].isoformat())
    page.click("#move-form button[type=submit]")
    page.wait_for_selector("#start-error")
    assert "clashes with another booking" in page.inner_text("#start-error")
    assert page.locator("#conflict").is_visible()
    assert no_sideways_scroll(page)
    keep_screenshot(page, "my-bookings-move-clash")
    wednesday = DATES[2] + timedelta(days=1)
    page.fill("#day", wednesday.isoformat())
    page.fill("#start", "17:00")
    page.fill("#end", "19:00")
    assert no_sideways_scroll(page)
    keep_screenshot(page, "my-bookings-move-a-date")
    page.click("#move-form button[type=submit]")
    page.wait_for_selector("text=The date is moved.")
    listed = page.inner_text("article.booking")
    assert shown(wednesday, 17, 19) in listed and shown(DATES[2], 18, 20) not in listed
    assert "moved" in page.locator("article.booking li.date",
                                   has_text=shown(wednesday, 17, 19)).inner_text()
    assert no_sideways_scroll(page)
    keep_screenshot(page, "my-bookings-after-cancel-and-move")

    # The booking's own page lists every date, the cancelled one marked so.
    page.get_by_role("link", name="See all dates").click()
    page.wait_for_selector("#dates")
    rows = page.locator("#dates tbody tr")
    assert rows.count() == 4
    assert "cancelled" in rows.filter(has_text=shown(DATES[1], 18, 20)).inner_text()
    assert no_sideways_scroll(page)
    keep_screenshot(page, "my-bookings-booking-page")
    context.close()
    assert refused == []
