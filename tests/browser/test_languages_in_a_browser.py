"""A visitor switches the site to Danish once, and it stays Danish page after page."""

from __future__ import annotations

import pytest

from tests.browser.pages import PHONE, keep_screenshot, no_sideways_scroll, open_menu, watch_csp
from tests.builders import make_branch, make_room
from tests.e2e.servers import served_library

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _library(app) -> dict:
    """A branch with one room to browse."""
    branch = make_branch(name="Hovedbiblioteket")
    make_room(branch, name="Mødelokale 1", amenities=["projector"])
    return {"branch": branch.id}


@pytest.fixture
def served(tmp_path):
    with served_library(tmp_path, _library) as served:
        yield served


def test_a_visitor_switches_to_danish_and_the_site_stays_danish(browser, served):
    base, world = served
    context = browser.new_context(locale="en-GB", viewport=PHONE)
    page = context.new_page()
    refused = watch_csp(page)

    page.goto(f"{base}/")
    assert page.inner_text("h1") == "What's on"
    assert page.get_attribute("html", "lang") == "en"

    open_menu(page)
    page.get_by_role("button", name="Dansk").click()
    page.wait_for_function("document.documentElement.lang === 'da'")
    assert page.inner_text("h1") == "Det sker"
    assert page.url == f"{base}/"  # back on the page it was chosen on
    assert page.locator("form.language button[value=da]").get_attribute("aria-pressed") == "true"
    feed = page.get_by_role("link", name="Abonnér (webcal)").first.get_attribute("href")
    assert feed.endswith(f"/calendars/branches/{world['branch']}/events.ics?lang=da")
    keep_screenshot(page, "languages_whats_on_da_390")

    open_menu(page)
    page.get_by_role("link", name="Lokaler", exact=True).click()
    page.wait_for_url(f"{base}/rooms")
    assert page.inner_text("h1") == "Lokaler til booking"
    assert "projektor" in page.inner_text("main")
    assert no_sideways_scroll(page)

    open_menu(page)
    page.get_by_role("link", name="Log ind").click()
    page.wait_for_url(f"{base}/signin")
    assert page.inner_text("h1") == "Log ind"
    page.click("main form button[type=submit]")
    page.wait_for_selector(".field-error")
    errors = page.locator(".field-error").all_inner_texts()
    assert errors and set(errors) == {"Feltet skal udfyldes."}
    assert page.get_by_label("Adgangskode").count() == 1
    assert no_sideways_scroll(page)
    keep_screenshot(page, "languages_signin_errors_da_390")
    assert refused == []
    context.close()
