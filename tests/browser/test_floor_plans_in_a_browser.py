"""A visitor on a phone sees each floor's plan on /rooms and follows a room from it."""

from __future__ import annotations

import pytest

from tests.booking_helpers import book, make_booker, make_hall, make_staff_headers
from tests.browser.pages import PHONE, keep_screenshot, no_sideways_scroll, watch_csp
from tests.builders import make_branch, tonight
from tests.e2e.servers import served_library

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _library(app) -> dict:
    """A hall with two halves and a room beside it; the hall is booked today."""
    hall = make_hall(make_branch(name="Main Library"), lead_hours=0)
    start, end = tonight()
    answer = book(app.test_client(), make_booker(), hall.hall, start, end,
                  headers=make_staff_headers())
    assert answer.status_code == 201, answer.get_json()
    return {"half_b": hall.half_b.id, "hall": hall.hall.id}


@pytest.fixture
def served(tmp_path):
    with served_library(tmp_path, _library) as served:
        yield served


def test_a_visitor_on_a_phone_sees_the_plan_and_clicks_a_room_on_it(browser, served, tmp_path):
    base, world = served
    context = browser.new_context(locale="en-GB", viewport=PHONE)
    page = context.new_page()
    refused = watch_csp(page)
    page.goto(f"{base}/rooms")
    plan = page.locator("svg.floor-plan-svg")
    plan.wait_for()
    box = plan.bounding_box()
    assert box is not None and 300 <= box["width"] <= PHONE["width"]
    assert page.locator("svg.floor-plan-svg a").count() == 4
    half_b = page.locator(f'svg.floor-plan-svg a[data-room-id="{world["half_b"]}"]')
    assert "plan-free" not in half_b.get_attribute("class")  # the hall is booked today
    assert no_sideways_scroll(page)
    keep_screenshot(page, "floor-plan-phone")
    half_b.locator("path").click()
    page.wait_for_url(f"{base}/rooms/{world['half_b']}")
    assert page.locator("h1").inner_text() == "Hall B"
    assert refused == []
    context.close()
