"""The proposal walk in a real browser: a citizen proposes on a phone, two others say
"I'd come" (one by keyboard alone), staff schedule it into a room whose layout holds
them, and it is on What's on with the citizen as co-host."""

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
from tests.builders import future_day, make_branch, make_user
from tests.e2e.servers import served_library
from tests.layout_helpers import room_with_layouts

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _library(app) -> dict:
    """A branch with a small study and a workshop; a citizen, two neighbours, staff."""
    branch = make_branch(name="Main Library")
    room_with_layouts(branch, "Small study", [2])
    room_with_layouts(branch, "Workshop", [5, 30])
    people = {}
    for key, name in (("citizen", "Aisha"), ("ole", "Ole"), ("mette", "Mette"),
                      ("staff", "Birgit")):
        user = make_user("staff" if key == "staff" else "member")
        user.name = name
        people[key] = user.email
    from app.extensions import db

    db.session.commit()
    return {"branch": branch.id, "emails": people, "day": future_day(3)}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with served_library(tmp_path_factory.mktemp("proposals"), _library) as served:
        yield served


def _tab_to(page, element_id: str, limit: int = 80) -> None:
    """Press Tab until the element with ``element_id`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} never got the focus by Tab")


def test_propose_others_would_come_staff_schedule_and_it_is_on_whats_on(browser, served):
    base, world = served
    emails = world["emails"]

    # A citizen on a phone proposes an activity and asks for a cup of coffee.
    citizen = browser.new_context(locale="en-GB", viewport=PHONE)
    page = citizen.new_page()
    refused = watch_csp(page)
    sign_in(page, base, emails["citizen"])
    open_menu(page)
    page.locator("#site-menu").get_by_role("link", name="Proposals", exact=True).click()
    page.wait_for_url(f"{base}/proposals")
    page.get_by_role("link", name="Propose an activity").click()
    page.fill("#title", "Repair café")
    page.fill("#for_whom", "Neighbours with broken toasters and bikes")
    page.fill("#wants", "Fix things together instead of throwing them away.")
    page.fill("#people_expected", "3")
    page.fill("#furniture", "tables, sockets")
    page.select_option("#branch_id", label="Main Library")
    assert no_sideways_scroll(page)
    keep_screenshot(page, "proposal_new_390")
    page.click("#proposal-form button[type=submit]")
    page.wait_for_url(f"{base}/proposals/*")
    proposal_url = page.url
    assert page.inner_text("h1").startswith("Repair café")
    page.click("#ask-coffee")
    assert "Coffee asked for" in page.inner_text("#coffee")
    assert no_sideways_scroll(page)
    keep_screenshot(page, "proposal_by_its_proposer_390")
    citizen.close()

    # Ole, on a phone, says "I'd come" and asks to be told.
    ole = browser.new_context(locale="en-GB", viewport=PHONE)
    page = ole.new_page()
    refused += watch_csp(page)
    sign_in(page, base, emails["ole"])
    page.goto(proposal_url)
    page.click("#come-add")
    page.click("#come-notify")
    assert "1 would come" in page.inner_text("#support-counts")
    assert "we will e-mail you" in page.inner_text("#support-mine")
    assert no_sideways_scroll(page)
    keep_screenshot(page, "proposal_id_come_390")
    ole.close()

    # Mette does the same with the keyboard alone.
    mette = browser.new_context(locale="en-GB", viewport=DESKTOP)
    page = mette.new_page()
    refused += watch_csp(page)
    sign_in(page, base, emails["mette"])
    page.goto(proposal_url)
    _tab_to(page, "come-add")
    page.keyboard.press("Enter")
    page.wait_for_selector("#come-notify")
    assert "2 would come" in page.inner_text("#support-counts")
    _tab_to(page, "come-notify")
    page.keyboard.press("Enter")
    page.wait_for_selector("#come-quiet")
    keep_screenshot(page, "proposal_id_come_by_keyboard")
    mette.close()

    # Staff find a room that holds the three and schedule it there.
    staff = browser.new_context(locale="en-GB", viewport=DESKTOP)
    page = staff.new_page()
    refused += watch_csp(page)
    sign_in(page, base, emails["staff"])
    page.goto(proposal_url)
    assert "must hold 3 people" in page.inner_text("#host")
    page.select_option("#room-search #branch_id", label="Main Library")
    page.fill("#room-search #day", world["day"].isoformat())
    page.fill("#room-search #start", "10:00")
    page.fill("#room-search #end", "12:00")
    page.click("#room-search button[type=submit]")
    candidates = page.locator("#candidates")
    assert "Workshop" in candidates.inner_text()
    assert "layout 5 chairs holds 5" in candidates.inner_text()
    keep_screenshot(page, "proposal_staff_candidates")
    page.get_by_role("button", name="Schedule in Workshop").click()
    page.wait_for_selector("#scheduled")
    assert page.inner_text("#proposal-state") == "scheduled"
    keep_screenshot(page, "proposal_scheduled")
    staff.close()

    # Anyone finds it on What's on, hosted with the citizen.
    visitor = browser.new_context(locale="en-GB", viewport=PHONE)
    page = visitor.new_page()
    refused += watch_csp(page)
    page.goto(f"{base}/")
    page.get_by_role("link", name="Repair café").click()
    page.wait_for_url(f"{base}/events/*")
    assert "Hosted by the library with Aisha" in page.inner_text("#cohost")
    assert no_sideways_scroll(page)
    keep_screenshot(page, "proposal_event_390")
    visitor.close()
    assert refused == []
