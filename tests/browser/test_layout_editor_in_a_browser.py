"""Staff plan a room's layout in the editor, in a real Chromium against a real gunicorn:
a chair dragged onto the pillar is outlined and listed, then undone; a theatre arranged
with its capacity and binding limit read from the panel; a layout saved and shown on the
room's public page; an item moved and rotated with the keyboard alone."""

from __future__ import annotations

import pytest
import requests

from app.services import layouts as layout_service
from app.services import rooms
from tests.browser.pages import (
    DESKTOP,
    PHONE,
    keep_screenshot,
    no_sideways_scroll,
    sign_in,
    watch_csp,
)
from tests.builders import make_branch, make_user
from tests.e2e.servers import served_library
from tests.layout_helpers import room_with_pillar

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LIMIT_NAMES = {"places": "Places", "floor_area": "Floor area", "exits": "Exits",
               "policy": "The library's cap"}


def _library(app) -> dict:
    """A hall with a pillar in its middle, one saved layout of a single chair, and staff."""
    room = room_with_pillar(make_branch(name="Main Library"))
    layout = layout_service.create_layout(rooms.get_room(room.id), {
        "name": "One chair", "style": "custom",
        "items": [{"kind": "chair", "x": 2.0, "y": 6.0, "rotation": 0}]})
    three = layout_service.create_layout(rooms.get_room(room.id), {
        "name": "Three chairs", "style": "custom",
        "items": [{"kind": "chair", "x": 2.0 + i, "y": 6.0, "rotation": 0} for i in range(3)]})
    theatre = layout_service.propose(rooms.get_room(room.id), "theatre", None)
    staff = make_user("staff")
    return {"room": room.id, "layout": layout.id, "three": three.id, "email": staff.email,
            "theatre": {"capacity": theatre["capacity"], "binding": theatre["binding"]}}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with served_library(tmp_path_factory.mktemp("editor"), _library) as served:
        yield served


def _staff_page(browser, served, viewport=DESKTOP):
    base, world = served
    context = browser.new_context(locale="en-GB", viewport=viewport)
    page = context.new_page()
    refused = watch_csp(page)
    sign_in(page, base, world["email"])
    return context, page, refused


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#planner[data-previewed]")


def _previews(page) -> int:
    return int(page.get_attribute("#planner", "data-previewed") or 0)


def _wait_for_preview(page, seen: int) -> None:
    """Until a preview later than ``seen`` has been answered and drawn."""
    page.wait_for_function(
        "seen => { const p = document.getElementById('planner');"
        " return Number(p.dataset.previewed) > seen && !p.hasAttribute('aria-busy'); }",
        arg=seen)


def _on_screen(page, x: float, y: float) -> dict:
    """Where a point of the floor (metres, y up) is on the screen."""
    return page.evaluate(
        "([x, y]) => { const m = document.getElementById('plan-world').getScreenCTM();"
        " return {x: m.a * x + m.c * y + m.e, y: m.b * x + m.d * y + m.f}; }", [x, y])


def _drag(page, start: dict, end: dict) -> None:
    page.mouse.move(start["x"], start["y"])
    page.mouse.down()
    page.mouse.move(end["x"], end["y"], steps=10)
    page.mouse.up()


def test_staff_drag_a_chair_onto_the_pillar_see_it_drawn_and_listed_and_undo_it(
        browser, served):
    base, world = served
    context, page, refused = _staff_page(browser, served)
    page.goto(f"{base}/rooms/{world['room']}")
    page.click("#staff-layout-links a.button")
    page.wait_for_selector("#planner[data-previewed]")
    assert page.url == f"{base}/rooms/{world['room']}/layouts/new"

    seen = _previews(page)
    plan = page.locator("#plan").bounding_box()
    drop = _on_screen(page, 2.0, 6.0)
    page.locator(".palette-item[data-kind=chair]").drag_to(
        page.locator("#plan"), target_position={"x": drop["x"] - plan["x"],
                                                "y": drop["y"] - plan["y"]})
    _wait_for_preview(page, seen)
    chair = page.locator(".item-layer .item").first
    assert chair.get_attribute("aria-label") == "Chair 1 at 2 m, 6 m, 0°"
    assert page.inner_text("#preview-status") == "No problems: the layout is safe."

    seen = _previews(page)
    _drag(page, _on_screen(page, 2.0, 6.0), _on_screen(page, 5.0, 4.0))
    _wait_for_preview(page, seen)
    assert chair.get_attribute("aria-label") == "Chair 1 at 5 m, 4 m, 0°"
    assert page.locator(".item-layer .item.fault").count() == 1
    assert "fault" in chair.get_attribute("class")
    listed = page.locator("#violations li[data-code=on_obstacle]")
    assert listed.count() == 1
    assert "On a pillar or fixed obstacle" in listed.inner_text()
    assert "Chair 1" in listed.inner_text()
    assert page.inner_text("#preview-status").startswith("1 problem: On a pillar")
    assert "BR18" in page.inner_text("#citation")
    assert page.locator(".zone-layer .door-zone").count() == 2
    assert page.locator(".route-layer .route").count() >= 1
    keep_screenshot(page, "layout_editor_chair_on_pillar")

    seen = _previews(page)
    page.click("#undo")
    _wait_for_preview(page, seen)
    assert chair.get_attribute("aria-label") == "Chair 1 at 2 m, 6 m, 0°"
    assert page.locator(".item-layer .item.fault").count() == 0
    assert page.locator("#violations li").count() == 0
    assert page.inner_text("#preview-status") == "No problems: the layout is safe."
    keep_screenshot(page, "layout_editor_pillar_undone")
    assert refused == []
    context.close()


def test_staff_auto_arrange_a_theatre_and_read_its_capacity_and_binding_reason(browser, served):
    base, world = served
    context, page, refused = _staff_page(browser, served)
    _open(page, f"{base}/rooms/{world['room']}/layouts/new")

    seen = _previews(page)
    page.select_option("#arrange-style", "theatre")
    page.click("#arrange-form button[type=submit]")
    _wait_for_preview(page, seen)

    expected = world["theatre"]
    limit = LIMIT_NAMES[expected["binding"]]
    assert page.inner_text("#capacity-figure") == f"Capacity: {expected['capacity']}"
    assert page.inner_text("#binding-sentence") == (
        f"The capacity is {expected['capacity']}: {limit} is the binding limit.")
    assert page.get_attribute("#limits tr.binding", "data-limit") == expected["binding"]
    for key in ("places", "floor_area", "exits"):
        assert page.inner_text(f"#limits tr[data-limit={key}] td.value").isdigit()
    assert page.is_hidden("#limits tr[data-limit=policy]")
    assert page.input_value("#layout-style") == "theatre"
    assert page.locator(".item-layer .item").count() > 10
    keep_screenshot(page, "layout_editor_theatre")
    assert refused == []
    context.close()


def test_staff_save_a_named_layout_and_the_rooms_page_shows_its_capacity(browser, served):
    base, world = served
    context, page, refused = _staff_page(browser, served)
    _open(page, f"{base}/rooms/{world['room']}/layouts/new")
    seen = _previews(page)
    page.select_option("#arrange-style", "theatre")
    page.fill("#arrange-attendees", "30")
    page.click("#arrange-form button[type=submit]")
    _wait_for_preview(page, seen)
    capacity = int(page.inner_text("#capacity-figure").removeprefix("Capacity: "))
    assert capacity >= 30

    page.fill("#layout-name", "Talk for thirty")
    page.click("#save-form button[type=submit]")
    page.wait_for_function(
        "() => document.getElementById('save-status').textContent.startsWith('Saved')")
    assert page.inner_text("#save-status") == (
        f"Saved: Talk for thirty holds {capacity} people.")
    layout_id = int(page.get_attribute("#planner", "data-layout-id"))
    assert page.url == f"{base}/layouts/{layout_id}/edit"
    assert page.is_visible("#poster-link")
    keep_screenshot(page, "layout_editor_saved")

    page.goto(f"{base}/rooms/{world['room']}")
    caption = page.inner_text(f"#layout-{layout_id}")
    assert caption.startswith(f"Talk for thirty: holds {capacity} people")

    page.goto(f"{base}/layouts/{layout_id}/poster")
    assert page.inner_text("#poster-capacity") == f"At most {capacity} people"
    assert page.locator("#poster-exits li").count() == 2
    keep_screenshot(page, "layout_poster")
    assert refused == []
    context.close()


def test_staff_move_and_rotate_an_item_with_the_keyboard_alone(browser, served):
    base, world = served
    context, page, refused = _staff_page(browser, served)
    _open(page, f"{base}/layouts/{world['layout']}/edit")

    for _ in range(120):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('item')"):
            break
    else:
        pytest.fail("Tab never reached the chair on the plan")
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == "Chair 1 at 2 m, 6 m, 0°"

    seen = _previews(page)
    for key in ["ArrowRight", "ArrowRight", "ArrowRight", "Shift+ArrowUp", "Shift+ArrowUp",
                "r", "r"]:
        page.keyboard.press(key)
    _wait_for_preview(page, seen)
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        "Chair 1 at 2.3 m, 6.02 m, 30°")
    assert page.inner_text("#preview-status") == "No problems: the layout is safe."

    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('#save-form button[type=submit]')"):
            break
    else:
        pytest.fail("Tab never reached the Save button")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.getElementById('save-status').textContent.startsWith('Saved')")
    keep_screenshot(page, "layout_editor_keyboard")

    saved = requests.get(f"{base}/api/v1/layouts/{world['layout']}", timeout=10).json()
    assert saved["items"] == [{"kind": "chair", "x": 2.3, "y": 6.02, "rotation": 30.0}]
    assert saved["revision"] == 2
    assert refused == []
    context.close()


def test_staff_select_several_by_shift_click_and_box_duplicate_delete_and_undo(
        browser, served):
    base, world = served
    context, page, refused = _staff_page(browser, served)
    _open(page, f"{base}/layouts/{world['three']}/edit")
    items = page.locator(".item-layer .item")
    assert items.count() == 3

    page.mouse.click(**_on_screen(page, 2.0, 6.0))
    page.keyboard.down("Shift")
    page.mouse.click(**_on_screen(page, 3.0, 6.0))
    page.keyboard.up("Shift")
    assert page.inner_text("#selection-legend") == "2 selected"
    assert page.locator(".item-layer .item.selected").count() == 2

    seen = _previews(page)
    page.click("#duplicate")
    _wait_for_preview(page, seen)
    assert items.count() == 5
    assert items.nth(3).get_attribute("aria-label") == "Chair 4 at 2.6 m, 5.4 m, 0°"
    assert page.locator(".item-layer .item.selected").count() == 2

    seen = _previews(page)
    page.click("#delete")
    _wait_for_preview(page, seen)
    assert items.count() == 3

    _drag(page, _on_screen(page, 1.0, 7.5), _on_screen(page, 4.6, 5.2))
    assert page.inner_text("#selection-legend") == "3 selected"
    seen = _previews(page)
    page.click("#delete")
    _wait_for_preview(page, seen)
    assert items.count() == 0
    assert page.inner_text("#capacity-figure") == "Capacity: 0"

    seen = _previews(page)
    page.click("#undo")
    _wait_for_preview(page, seen)
    assert items.count() == 3
    assert page.inner_text("#capacity-figure") == "Capacity: 3"
    keep_screenshot(page, "layout_editor_several")
    assert refused == []
    context.close()


def test_the_editor_stacks_its_panels_on_a_phone(browser, served):
    base, world = served
    context, page, refused = _staff_page(browser, served, viewport=PHONE)
    _open(page, f"{base}/layouts/{world['layout']}/edit")
    assert no_sideways_scroll(page)
    plan = page.locator("#plan").bounding_box()
    capacity = page.locator("#capacity-panel").bounding_box()
    assert capacity["y"] > plan["y"] + plan["height"]
    keep_screenshot(page, "layout_editor_390")
    assert refused == []
    context.close()
