"""A member reads a room's week in a real Chromium, walks to next week and books a free hour
from it; the branch's day shows every room; on a phone the list stands in for the grid."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.booking_helpers import book, make_booker
from tests.browser.pages import (
    DESKTOP,
    PHONE,
    keep_screenshot,
    no_sideways_scroll,
    sign_in,
    watch_csp,
)
from tests.builders import PASSWORD, local, make_branch, make_room, rect, utcnow_local
from tests.e2e.servers import served_library

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HOURS = {d: [["09:00", "20:00"]] for d in ("mon", "tue", "wed", "thu", "fri")} | {
    "sat": [["10:00", "16:00"]], "sun": []}


def _next_tuesday():
    today = utcnow_local().date()
    return today - timedelta(days=today.weekday()) + timedelta(weeks=1, days=1)


def _library(app) -> dict:
    """Three rooms of one branch, a public event and a private meeting next Tuesday, a member."""
    branch = make_branch(name="Main Library", opening_hours=HOURS)
    study = make_room(branch, name="Study room")
    rooms = [study, make_room(branch, rect(12, 0, 22, 8), name="Hall"),
             make_room(branch, rect(24, 0, 34, 8), name="Makerspace")]
    booker = make_booker()
    client, tuesday = app.test_client(), _next_tuesday()
    assert book(client, booker, study, local(tuesday, 17), local(tuesday, 19),
                title="Chess club", public=True).status_code == 201
    assert book(client, booker, study, local(tuesday, 12), local(tuesday, 13),
                title="Board meeting").status_code == 201
    return {"room": study.id, "branch": branch.id, "rooms": [r.name for r in rooms],
            "email": booker.user.email}


@pytest.fixture
def served(tmp_path):
    with served_library(tmp_path, _library) as served:
        yield served


def test_a_member_goes_to_next_week_and_books_a_free_hour_from_the_grid(browser, served):
    base, world = served
    context = browser.new_context(locale="en-GB", viewport=DESKTOP)
    page = context.new_page()
    refused = watch_csp(page)
    sign_in(page, base, world["email"])
    page.goto(f"{base}/rooms/{world['room']}")
    page.wait_for_selector("#week-grid")
    page.click("#next-week")
    tuesday = _next_tuesday()
    page.wait_for_url(f"**/rooms/{world['room']}?week=*")
    assert page.is_visible("#week-grid") and page.is_visible("#this-week")
    event = page.locator("#week-grid a.cell.booked.public")
    assert event.inner_text() == "Chess club"
    assert "Board meeting" not in page.content()
    # The event sits beside 17:00 and ends above 19:00 on Tuesday's column.
    label = page.locator("#week-grid .hour-label", has_text="17:00").bounding_box()
    assert abs(event.bounding_box()["y"] - label["y"]) < 2
    keep_screenshot(page, "week-grid-next-week")

    page.click(f'#week-grid a.cell.free[data-day="{tuesday.isoformat()}"][data-start="10:00"]')
    page.wait_for_selector("#booking-form")
    assert page.input_value("#day") == tuesday.isoformat()
    assert (page.input_value("#start"), page.input_value("#end")) == ("10:00", "11:00")
    keep_screenshot(page, "week-grid-booking-form")
    context.close()
    assert refused == []


def test_the_branch_day_shows_every_room_and_the_phone_reads_lists(browser, served):
    base, world = served
    context = browser.new_context(locale="en-GB", viewport=DESKTOP)
    page = context.new_page()
    refused = watch_csp(page)
    page.goto(f"{base}/rooms/{world['room']}?week={_next_tuesday().isoformat()}")
    page.click("#branch-day-link")
    page.wait_for_selector("#day-grid")
    page.goto(f"{base}/branches/{world['branch']}/day?day={_next_tuesday().isoformat()}")
    rows = page.locator("#day-grid .day-row[data-room] .room-label").all_inner_texts()
    assert sorted(rows) == sorted(world["rooms"])
    assert page.locator("#day-grid a.cell.booked.public").inner_text() == "Chess club"
    keep_screenshot(page, "branch-day-desktop")
    context.close()

    phone = browser.new_context(locale="en-GB", viewport=PHONE)
    page = phone.new_page()
    refused += watch_csp(page)
    page.goto(f"{base}/branches/{world['branch']}/day?day={_next_tuesday().isoformat()}")
    assert not page.is_visible("#day-grid") and page.is_visible("#day-list")
    assert no_sideways_scroll(page)
    keep_screenshot(page, "branch-day-phone")

    page.goto(f"{base}/rooms/{world['room']}?week={_next_tuesday().isoformat()}")
    assert not page.is_visible("#week-grid") and page.is_visible("#week-list")
    assert no_sideways_scroll(page)
    keep_screenshot(page, "week-grid-phone")
    slot = page.locator("#week-list a.slot").first
    slot.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/signin?next=*")
    page.fill("#email", world["email"])
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_selector("#booking-form")
    assert page.input_value("#day") and page.input_value("#start") and page.input_value("#end")
    assert no_sideways_scroll(page)
    phone.close()
    assert refused == []
