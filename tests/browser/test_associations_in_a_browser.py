"""Associations in a real Chromium against a real gunicorn: a member asks to join and the
admin lets them in; staff verify a new association from the list of those waiting."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.booking_helpers import make_staff_headers
from tests.browser.pages import (
    DESKTOP,
    PHONE,
    keep_screenshot,
    no_sideways_scroll,
    sign_in,
    watch_csp,
)
from tests.builders import (
    future_day,
    local,
    make_association,
    make_branch,
    make_room,
    make_user,
)
from tests.e2e.servers import served_library

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _library(app) -> dict:
    """A verified chess club with a public event, someone who wants in, and a newcomer
    association waiting for staff."""
    room = make_room(make_branch(name="Main Library"), name="Study room", max_attendees=30)
    admin = make_user(email="admin@chess.example.org")
    club = make_association(admin)
    club.name, club.description = "Chess club", "We play every Tuesday."
    db.session.commit()
    newcomer_admin = make_user(email="admin@knitting.example.org")
    newcomers = make_association(newcomer_admin, verified=False)
    newcomers.name = "Knitting circle"
    db.session.commit()
    day = future_day(8)
    response = app.test_client().post("/api/v1/bookings", headers=make_staff_headers(), json={
        "room_id": room.id, "title": "Open chess evening", "attendees": 12,
        "start": local(day, 18).isoformat(), "end": local(day, 20).isoformat(),
        "association_id": club.id, "public": True,
    })
    assert response.status_code == 201, response.get_json()
    return {"room": room.id, "club": club.id, "newcomers": newcomers.id,
            "admin": admin.email, "asker": make_user(email="asker@example.org").email,
            "newcomer_admin": newcomer_admin.email, "staff": make_user("staff").email}


@pytest.fixture
def served(tmp_path):
    with served_library(tmp_path, _library) as served:
        yield served


def _signed_in_page(browser, base: str, email: str, viewport: dict):
    context = browser.new_context(locale="en-GB", viewport=viewport)
    page = context.new_page()
    refused = watch_csp(page)
    sign_in(page, base, email)
    return context, page, refused


def test_a_member_asks_to_join_and_the_admin_accepts(browser, served):
    base, world = served
    club_page = f"{base}/associations/{world['club']}"
    asker_context, asker, asker_refused = _signed_in_page(browser, base, world["asker"], PHONE)
    asker.goto(club_page)
    assert "Open chess evening" in asker.inner_text("#association-events")
    asker.fill("#message", "I would love to play on Tuesdays.")
    asker.click("#join-form button[type=submit]")
    asker.wait_for_url(club_page)
    assert "Your request is waiting" in asker.inner_text("#membership-state")
    assert asker.locator("#join-form").count() == 0
    assert no_sideways_scroll(asker)
    keep_screenshot(asker, "association_join_requested_390")

    admin_context, admin, admin_refused = _signed_in_page(browser, base, world["admin"], PHONE)
    admin.goto(club_page)
    request = admin.locator("#join-requests li", has_text="asker@example.org")
    assert "I would love to play on Tuesdays." in request.inner_text()
    assert no_sideways_scroll(admin)
    keep_screenshot(admin, "association_join_request_for_admin_390")
    request.get_by_role("button", name="Accept").click()
    admin.wait_for_url(club_page)
    assert "is now a member" in admin.inner_text("main")
    assert "Nobody is waiting to join." in admin.inner_text("#join-requests")
    assert "asker@example.org" in admin.inner_text("main")

    asker.reload()
    assert asker.inner_text("#membership-state") == "You are a member of this association."
    keep_screenshot(asker, "association_member_390")
    assert asker_refused == [] and admin_refused == []
    asker_context.close()
    admin_context.close()


def test_staff_verify_a_waiting_association_from_the_list(browser, served):
    base, world = served
    newcomer_context, newcomer, newcomer_refused = _signed_in_page(
        browser, base, world["newcomer_admin"], PHONE)
    newcomer.goto(f"{base}/rooms/{world['room']}/book")
    notice = newcomer.locator("#unverified-notice")
    assert "Knitting circle" in notice.inner_text()
    assert no_sideways_scroll(newcomer)
    keep_screenshot(newcomer, "association_unverified_notice_390")

    staff_context, staff, staff_refused = _signed_in_page(browser, base, world["staff"], DESKTOP)
    staff.get_by_role("link", name="To verify").click()
    staff.wait_for_url(f"{base}/associations/waiting")
    card = staff.locator(f"#waiting-{world['newcomers']}")
    assert "admin@knitting.example.org" in card.inner_text()
    assert staff.locator("#waiting-list > li").count() == 1
    keep_screenshot(staff, "associations_waiting")
    card.get_by_role("button", name="Verify Knitting circle").click()
    staff.wait_for_url(f"{base}/associations/waiting")
    assert "Knitting circle is verified" in staff.inner_text("main")
    assert staff.locator("#waiting-none").is_visible()
    staff.set_viewport_size(PHONE)
    assert no_sideways_scroll(staff)
    keep_screenshot(staff, "associations_waiting_done_390")

    newcomer.reload()
    assert newcomer.locator("#unverified-notice").count() == 0
    assert newcomer_refused == [] and staff_refused == []
    newcomer_context.close()
    staff_context.close()
