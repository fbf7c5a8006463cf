"""A member books a room in a real Chromium, against a real gunicorn."""

from __future__ import annotations

import pytest

from tests.booking_helpers import make_booker
from tests.browser.pages import sign_in
from tests.builders import future_day, make_branch, make_room
from tests.e2e.servers import served_library

pytestmark = pytest.mark.browser


def _library(app) -> dict:
    """A study room for 8 and a member of a verified association."""
    room = make_room(make_branch(name="Main Library"), name="Study room", max_attendees=8)
    booker = make_booker()
    return {"room": room.id, "email": booker.user.email, "association": booker.association.name}


@pytest.fixture
def served(tmp_path):
    with served_library(tmp_path, _library) as served:
        yield served


def test_a_member_signs_in_books_and_sees_the_clash_the_second_time(browser, served):
    base, world = served
    page = browser.new_page(locale="en-GB")
    # Chromium reports whatever the Content-Security-Policy refuses on the console.
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    sign_in(page, base, world["email"])
    day = future_day(10).isoformat()

    def book() -> None:
        page.goto(f"{base}/rooms/{world['room']}/book")
        page.select_option("#association_id", label=world["association"])
        page.fill("#title", "Chess for beginners")
        page.fill("#attendees", "6")
        page.fill("#day", day)
        page.fill("#start", "17:00")
        page.fill("#end", "19:00")
        page.click("#booking-form button[type=submit]")

    book()
    page.wait_for_selector("#booking-status")
    assert page.inner_text("#booking-status") == "confirmed"
    assert "Chess for beginners" in page.inner_text("h1")
    book()
    page.wait_for_selector("#conflict")
    assert "That time is taken" in page.inner_text("#conflict")
    page.goto(f"{base}/rooms/{world['room']}")
    page.goto(f"{base}/profile")
    page.close()
    assert refused == []
