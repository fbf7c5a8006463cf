"""A citizen, never signed in, finds tonight's event on a phone and takes it home."""

from __future__ import annotations

import pytest
from icalendar import Calendar

from app.extensions import db
from app.models import Booking
from tests.booking_helpers import make_booker, make_staff_headers
from tests.browser.pages import PHONE, keep_screenshot, no_sideways_scroll
from tests.builders import make_branch, make_room, tonight
from tests.e2e.servers import served_library

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _library(app) -> dict:
    """A branch with tonight's public event."""
    branch = make_branch(name="Main Library")
    room = make_room(branch, name="Study room", max_attendees=30)
    booker = make_booker()
    start, end = tonight()
    response = app.test_client().post("/api/v1/bookings", headers=make_staff_headers(), json={
        "room_id": room.id, "title": "Open chess evening", "attendees": 12,
        "start": start.isoformat(), "end": end.isoformat(),
        "association_id": booker.association.id, "public": True,
    })
    assert response.status_code == 201, response.get_json()
    event_id = response.get_json()["id"]
    return {"event": event_id, "branch": branch.id, "start": start, "end": end,
            "uid": db.session.get(Booking, event_id).uid}


@pytest.fixture
def served(tmp_path):
    with served_library(tmp_path, _library) as served:
        yield served


def test_a_citizen_finds_tonights_event_and_its_calendar_in_two_clicks_on_a_phone(
    browser, served, tmp_path
):
    base, world = served
    context = browser.new_context(locale="en-GB", viewport=PHONE, accept_downloads=True)
    page = context.new_page()
    clicks = 0
    page.goto(f"{base}/")
    today = page.locator("section", has=page.locator("h2", has_text="Today"))
    item = today.locator("li", has_text="Open chess evening")
    assert f"{world['start']:%H:%M}" in item.inner_text()
    assert item.locator("time").first.get_attribute("datetime") == world["start"].isoformat()
    assert no_sideways_scroll(page)
    keep_screenshot(page, "whats_on_390")

    item.get_by_role("link", name="Open chess evening").click()
    clicks += 1
    page.wait_for_url(f"{base}/events/{world['event']}")
    assert page.inner_text("h1") == "Open chess evening"
    assert no_sideways_scroll(page)
    webcal = page.get_by_role("link", name="Subscribe (webcal)").get_attribute("href")
    assert webcal.startswith("webcal://")
    assert webcal.endswith(f"/calendars/branches/{world['branch']}/events.ics?lang=en")
    keep_screenshot(page, "event_390")
    page.screenshot(path=str(tmp_path / "event_390.png"), full_page=True)

    with page.expect_download() as downloading:
        page.click("#event-ics")
    clicks += 1
    saved = tmp_path / "event.ics"
    downloading.value.save_as(saved)
    (vevent,) = Calendar.from_ical(saved.read_bytes()).walk("VEVENT")
    assert str(vevent["UID"]) == world["uid"]
    assert vevent["DTSTART"].dt == world["start"]
    assert clicks <= 2
    context.close()
