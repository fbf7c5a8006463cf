"""Someone with a keyboard only: the skip link comes first, the phone's menu opens and closes."""

from __future__ import annotations

import pytest

from tests.browser.pages import DESKTOP, PHONE, keep_screenshot, no_sideways_scroll, watch_csp
from tests.builders import make_branch, make_room
from tests.e2e.servers import served_library

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _library(app) -> dict:
    """A branch with a room, so the header and What's on have something to show."""
    branch = make_branch(name="Main Library")
    make_room(branch, name="Study room")
    return {"branch": branch.id}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with served_library(tmp_path_factory.mktemp("keyboard"), _library) as served:
        yield served


def _focused(page) -> dict:
    return page.evaluate("""() => {
        const e = document.activeElement;
        return {tag: e.tagName.toLowerCase(), id: e.id, text: e.textContent.trim(),
                visible: e.getBoundingClientRect().top >= 0
                         && e.getBoundingClientRect().bottom <= innerHeight,
                outline: getComputedStyle(e).outlineStyle};
    }""")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_first_tab_focuses_the_skip_link_and_enter_moves_focus_to_main(
        browser, served, viewport):
    base, _ = served
    size = DESKTOP if viewport == "desktop" else PHONE
    context = browser.new_context(locale="en-GB", viewport=size)
    page = context.new_page()
    page.goto(f"{base}/")
    page.keyboard.press("Tab")
    skip = _focused(page)
    assert (skip["tag"], skip["text"]) == ("a", "Skip to content")
    assert skip["visible"], "the skip link shows when it has focus"
    assert skip["outline"] == "solid", "a visible focus ring"
    keep_screenshot(page, f"keyboard_skip_link_{viewport}")
    page.keyboard.press("Enter")
    assert _focused(page)["id"] == "content"
    page.keyboard.press("Tab")
    first = page.evaluate("document.activeElement.closest('main') !== null")
    assert first, "the next Tab stays in the main content, past the header"
    context.close()


@pytest.mark.parametrize("key", ["Enter", " "])
def test_on_a_phone_the_menu_opens_with_the_keyboard_and_closes_with_escape(browser, served, key):
    base, _ = served
    context = browser.new_context(locale="en-GB", viewport=PHONE)
    page = context.new_page()
    refused = watch_csp(page)
    page.goto(f"{base}/")
    toggle = page.locator("header .menu-toggle")
    rooms = page.locator("header nav").get_by_role("link", name="Rooms")
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert not rooms.is_visible(), "the menu is folded on a phone"
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand
    page.keyboard.press("Tab")
    assert _focused(page)["text"] == "Menu"
    page.keyboard.press(key)
    assert toggle.get_attribute("aria-expanded") == "true"
    assert rooms.is_visible()
    assert page.get_by_role("button", name="Dansk").is_visible(), "the language switch is in it"
    assert no_sideways_scroll(page)
    keep_screenshot(page, "keyboard_menu_open_390")
    page.keyboard.press("Tab")
    assert _focused(page)["text"] == "What's on", "the menu's first link comes next"
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not rooms.is_visible()
    assert _focused(page)["text"] == "Menu", "Escape hands focus back to the button"
    context.close()
    assert refused == []


def test_without_javascript_the_menu_stays_open_on_a_phone(browser, served):
    base, _ = served
    context = browser.new_context(locale="en-GB", viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}/")
    assert not page.locator("header .menu-toggle").is_visible()
    assert page.locator("header nav").get_by_role("link", name="Find a room").is_visible()
    assert no_sideways_scroll(page)
    context.close()


def test_on_a_desktop_the_menu_is_never_folded(browser, served):
    base, _ = served
    context = browser.new_context(locale="en-GB", viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{base}/")
    assert not page.locator("header .menu-toggle").is_visible()
    assert page.locator("header nav").get_by_role("link", name="Find a room").is_visible()
    context.close()


def test_in_danish_the_skip_link_the_menu_and_its_name_speak_danish(browser, served):
    base, _ = served
    context = browser.new_context(locale="da-DK", viewport=PHONE)
    page = context.new_page()
    page.goto(f"{base}/")
    page.keyboard.press("Tab")
    assert _focused(page)["text"] == "Gå til indholdet"
    assert page.locator("header .menu-toggle").inner_text() == "Menu"
    assert page.locator("header nav").get_attribute("aria-label") == "Hovedmenu"
    assert page.locator("header form.language").get_attribute("aria-label") == "Sprog"
    context.close()
