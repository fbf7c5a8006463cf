"""Staff plan a room's layout in the editor, in a real Chromium against a real gunicorn:
a chair dragged onto the pillar is outlined and listed, then undone; a theatre arranged
with its capacity and binding limit read from the panel; a layout saved and shown on the
room's public page; an item moved and rotated with the keyboard alone; a chair turned
freely by its handle; the plan panned and zoomed and several items chosen by keyboard; a
chair snapped to its neighbour; a layout that a future booking no longer fits reported,
then saved anyway."""

from __future__ import annotations

import pytest
import requests

from app.services import layouts as layout_service
from app.services import rooms
from tests.booking_helpers import make_booker
from tests.browser.pages import (
    DESKTOP,
    PHONE,
    keep_screenshot,
    no_sideways_scroll,
    sign_in,
    watch_csp,
)
from tests.builders import future_day, local, make_branch, make_user
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
            "theatre": {"capacity": theatre["capacity"], "binding": theatre["binding"]},
            **_more_layouts(room)}


def _more_layouts(room) -> dict:
    """A lone chair to turn, two chairs apart to snap together, and a row of four chairs
    that a future booking of four people uses."""
    from app.extensions import db
    from app.services import bookings
    from app.services.bookings import BookingInput

    def chairs(name: str, places: list[tuple[float, float]]) -> int:
        return layout_service.create_layout(rooms.get_room(room.id), {
            "name": name, "style": "custom",
            "items": [{"kind": "chair", "x": x, "y": y, "rotation": 0} for x, y in places]}).id

    lone = chairs("Lone chair", [(2.0, 6.0)])
    apart = chairs("Two apart", [(2.0, 6.0), (4.0, 2.5)])
    row = chairs("Row of four", [(2.0 + 0.6 * i, 6.0) for i in range(4)])
    booker, day = make_booker(), future_day(10)
    booked = bookings.create_booking(booker.user, BookingInput(
        room_id=room.id, layout_id=row, title="Reading circle", attendees=4,
        association_id=booker.association.id, start=local(day, 18).isoformat(),
        end=local(day, 20).isoformat())).booking
    db.session.commit()
    return {"lone": lone, "apart": apart, "row": row, "booking": booked.id,
            "booked_on": local(day, 18).strftime("%-d %b %Y")}


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


def _label(page, index: int) -> str:
    return page.locator(".item-layer .item").nth(index).get_attribute("aria-label")


def _view_box(page) -> list[float]:
    return [float(v) for v in page.get_attribute("#plan", "viewBox").split()]


def _tab_to(page, condition: str, presses: int = 120, key: str = "Tab") -> None:
    """Press Tab (or ``key``) until ``condition`` (JavaScript) holds of the focused element."""
    for _ in range(presses):
        page.keyboard.press(key)
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {condition}; }})()"):
            return
    pytest.fail(f"Tab never reached {condition}")


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


def _rotation(label: str) -> float:
    return float(label.rsplit(", ", 1)[1].removesuffix("°"))


def test_staff_turn_a_chair_freely_by_its_handle_and_in_15_degree_steps_with_shift(
        browser, served):
    base, world = served
    context, page, refused = _staff_page(browser, served)
    _open(page, f"{base}/layouts/{world['lone']}/edit")
    assert page.locator(".rotate-handle").count() == 0
    page.mouse.click(**_on_screen(page, 2.0, 6.0))
    knob = page.locator(".rotate-handle .knob").bounding_box()
    grab = {"x": knob["x"] + knob["width"] / 2, "y": knob["y"] + knob["height"] / 2}
    in_front = _on_screen(page, 2.0, 6.6)  # the knob sits 0.6 m in front of a chair
    assert abs(grab["x"] - in_front["x"]) < 2 and abs(grab["y"] - in_front["y"]) < 2

    # Three metres out at 37° anticlockwise from the front: a free angle, no 15° step.
    seen = _previews(page)
    _drag(page, grab, _on_screen(page, 2.0 - 3 * 0.6018, 6.0 + 3 * 0.7986))
    _wait_for_preview(page, seen)
    turned = _rotation(_label(page, 0))
    assert abs(turned - 37) <= 1 and turned % 15 != 0
    assert _label(page, 0).startswith("Chair 1 at 2 m, 6 m, ")
    assert page.input_value("#item-rotation") == f"{turned:g}"
    keep_screenshot(page, "layout_editor_turned_by_handle")

    # With Shift held the handle turns in 15° steps: 50° becomes 45°.
    knob = page.locator(".rotate-handle .knob").bounding_box()
    grab = {"x": knob["x"] + knob["width"] / 2, "y": knob["y"] + knob["height"] / 2}
    seen = _previews(page)
    page.keyboard.down("Shift")
    _drag(page, grab, _on_screen(page, 2.0 - 3 * 0.7660, 6.0 + 3 * 0.6428))
    page.keyboard.up("Shift")
    _wait_for_preview(page, seen)
    assert _label(page, 0) == "Chair 1 at 2 m, 6 m, 45°"

    seen = _previews(page)
    page.click("#undo")
    _wait_for_preview(page, seen)
    assert _rotation(_label(page, 0)) == turned
    assert refused == []
    context.close()


def test_staff_pan_zoom_add_and_choose_several_with_the_keyboard_alone(browser, served):
    base, world = served
    context, page, refused = _staff_page(browser, served)
    _open(page, f"{base}/layouts/{world['three']}/edit")
    whole = _view_box(page)

    _tab_to(page, "el.id === 'plan'")
    page.keyboard.press("+")
    x, y, w, h = _view_box(page)
    assert w == pytest.approx(whole[2] / 1.25) and h == pytest.approx(whole[3] / 1.25)
    page.keyboard.press("ArrowRight")
    assert _view_box(page)[0] == pytest.approx(x + 0.1 * w)
    page.keyboard.press("ArrowUp")
    assert _view_box(page)[1] == pytest.approx(y - 0.1 * w)
    page.keyboard.press("-")
    assert _view_box(page)[2] == pytest.approx(whole[2])
    keep_screenshot(page, "layout_editor_keyboard_panned")
    page.keyboard.press("0")
    assert _view_box(page) == pytest.approx(whole)

    # Tab reaches the first chair and selects it; the arrows now move it, not the view.
    _tab_to(page, "el.classList.contains('item')")
    assert page.inner_text("#selection-legend") == "Chair 1 at 2 m, 6 m, 0°"
    seen = _previews(page)
    page.keyboard.press("ArrowDown")
    _wait_for_preview(page, seen)
    assert _label(page, 0) == "Chair 1 at 2 m, 5.9 m, 0°"
    assert _view_box(page) == pytest.approx(whole)

    # Space keeps the selection while Tab moves on; Space on the next chair adds it.
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.index") == "1"
    assert page.inner_text("#selection-legend") == "Chair 1 at 2 m, 5.9 m, 0°"
    page.keyboard.press("Space")
    assert page.inner_text("#selection-legend") == "2 selected"
    seen = _previews(page)
    page.keyboard.press("ArrowUp")
    _wait_for_preview(page, seen)
    assert [_label(page, i) for i in range(3)] == [
        "Chair 1 at 2 m, 6 m, 0°", "Chair 2 at 3 m, 6.1 m, 0°", "Chair 3 at 4 m, 6 m, 0°"]

    # Escape chooses nothing, and the arrows pan again; Ctrl+A chooses everything.
    page.keyboard.press("Escape")
    assert page.inner_text("#selection-legend") == "Nothing selected"
    page.keyboard.press("ArrowLeft")
    assert _view_box(page)[0] == pytest.approx(whole[0] - 0.1 * whole[2])
    page.keyboard.press("Control+a")
    assert page.inner_text("#selection-legend") == "3 selected"
    seen = _previews(page)
    page.keyboard.press("Delete")
    _wait_for_preview(page, seen)
    assert page.locator(".item-layer .item").count() == 0
    seen = _previews(page)
    page.keyboard.press("Control+z")
    _wait_for_preview(page, seen)
    assert page.locator(".item-layer .item").count() == 3
    seen = _previews(page)
    page.keyboard.press("Control+Shift+z")
    _wait_for_preview(page, seen)
    assert page.locator(".item-layer .item").count() == 0

    # The palette's buttons add by keyboard too: a chair in the middle of the view, focused.
    page.keyboard.press("0")
    _tab_to(page, "el.matches('.palette-item[data-kind=chair]')", presses=200)
    seen = _previews(page)
    page.keyboard.press("Enter")
    _wait_for_preview(page, seen)
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        "Chair 1 at 5 m, 4 m, 0°")
    # A second one stands beside it rather than on it.
    _tab_to(page, "el.matches('.palette-item[data-kind=chair]')", key="Shift+Tab")
    seen = _previews(page)
    page.keyboard.press("Enter")
    _wait_for_preview(page, seen)
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        "Chair 2 at 5.6 m, 4 m, 0°")
    keep_screenshot(page, "layout_editor_keyboard_added")

    # Zoomed in and panned away, the item Tab reaches is brought into view.
    for key in ["+", "+", "+", "Escape"] + ["ArrowRight"] * 10:
        page.keyboard.press(key)
    x, y, w, h = _view_box(page)
    assert x > 5.6 + 0.25
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.dataset.index") == "0"
    x, y, w, h = _view_box(page)
    assert x + 0.5 <= 5.0 <= x + w - 0.5 and -y - h + 0.5 <= 4.0 <= -y - 0.5
    assert refused == []
    context.close()


def test_staff_snap_a_chair_to_its_neighbours_edge_with_a_guide_shown(browser, served):
    base, world = served
    context, page, refused = _staff_page(browser, served)
    _open(page, f"{base}/layouts/{world['apart']}/edit")
    page.uncheck("#snap-grid")  # what lines it up below is the neighbour alone

    # Let go 7 cm right of touching the first chair and 5 cm above its line.
    seen = _previews(page)
    near = _on_screen(page, 2.57, 6.05)
    page.mouse.move(**_on_screen(page, 4.0, 2.5))
    page.mouse.down()
    page.mouse.move(near["x"], near["y"], steps=10)
    assert page.locator(".snap-guide.vertical").count() == 1
    assert page.locator(".snap-guide.horizontal").count() == 1
    keep_screenshot(page, "layout_editor_snap_guides")
    page.mouse.up()
    _wait_for_preview(page, seen)
    assert _label(page, 1) == "Chair 2 at 2.5 m, 6 m, 0°"
    assert page.locator(".snap-guide").count() == 0
    assert page.inner_text("#preview-status") == "No problems: the layout is safe."

    # Without snapping to neighbours the same drop stays where it fell.
    page.click("#undo")
    page.uncheck("#snap-items")
    seen = _previews(page)
    _drag(page, _on_screen(page, 4.0, 2.5), near)
    _wait_for_preview(page, seen)
    x, y = (float(v.removesuffix(" m")) for v in _label(page, 1).split(" at ")[1].split(", ")[:2])
    assert x == pytest.approx(2.57, abs=0.03) and y == pytest.approx(6.05, abs=0.03)
    assert (x, y) != (2.5, 6.0)
    assert refused == []
    context.close()


def test_staff_save_a_layout_a_future_booking_no_longer_fits_read_it_and_save_anyway(
        browser, served):
    base, world = served
    context, page, refused = _staff_page(browser, served)
    _open(page, f"{base}/layouts/{world['row']}/edit")
    seen = _previews(page)
    page.mouse.click(**_on_screen(page, 3.8, 6.0))
    page.keyboard.press("Delete")
    _wait_for_preview(page, seen)
    assert page.inner_text("#capacity-figure") == "Capacity: 3"

    page.click("#save-form button[type=submit]")
    page.wait_for_selector("#save-conflict:not([hidden])")
    assert page.inner_text("#save-status") == "Not saved: future bookings would no longer fit."
    assert page.inner_text("#save-conflict-summary") == (
        "1 future booking expects more people than this layout's new capacity of 3:")
    listed = page.locator("#save-conflict-bookings li")
    assert listed.count() == 1
    assert listed.get_attribute("data-booking-id") == str(world["booking"])
    text = listed.inner_text()
    assert text.startswith("Reading circle, ") and world["booked_on"] in text
    assert text.endswith(": 4 people")
    assert page.evaluate("document.activeElement.id") == "save-conflict-summary"
    keep_screenshot(page, "layout_editor_save_conflict")
    stored = page.request.get(f"{base}/api/v1/layouts/{world['row']}").json()
    assert stored["capacity"] == 4 and stored["revision"] == 1

    # Keep editing puts the report away; saving again brings it back; then save anyway.
    page.click("#save-keep-editing")
    assert page.is_hidden("#save-conflict")
    page.click("#save-form button[type=submit]")
    page.wait_for_selector("#save-conflict:not([hidden])")
    page.click("#save-anyway")
    page.wait_for_function(
        "() => document.getElementById('save-status').textContent.startsWith('Saved')")
    assert page.inner_text("#save-status") == (
        "Saved: Row of four holds 3 people. The booking is flagged and its booker told.")
    assert page.is_hidden("#save-conflict")
    keep_screenshot(page, "layout_editor_saved_anyway")

    stored = page.request.get(f"{base}/api/v1/layouts/{world['row']}").json()
    assert stored["capacity"] == 3 and stored["revision"] == 2
    booking = page.request.get(f"{base}/api/v1/bookings/{world['booking']}").json()
    assert booking["status"] in ("confirmed", "pending") and booking["capacity_flag"]
    assert refused == []
    context.close()


def test_on_a_touch_phone_two_fingers_pinch_and_pan_the_plan_and_one_drags_a_chair(
        browser, served):
    base, world = served
    context = browser.new_context(locale="en-GB", viewport=PHONE, has_touch=True,
                                  is_mobile=True)
    page = context.new_page()
    refused = watch_csp(page)
    sign_in(page, base, world["email"])
    _open(page, f"{base}/layouts/{world['lone']}/edit")
    page.locator("#plan").scroll_into_view_if_needed()
    assert no_sideways_scroll(page)
    touch = context.new_cdp_session(page)
    plan = page.locator("#plan").bounding_box()
    centre = {"x": plan["x"] + plan["width"] / 2, "y": plan["y"] + plan["height"] / 2}

    def fingers(kind: str, *points: tuple[float, float]) -> None:
        touch.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [
            {"x": x, "y": y, "id": n} for n, (x, y) in enumerate(points)]})

    def spread(apart: float, shift: float = 0) -> tuple[tuple[float, float], ...]:
        return ((centre["x"] - apart + shift, centre["y"]),
                (centre["x"] + apart + shift, centre["y"]))

    whole = _view_box(page)
    fingers("touchStart", *spread(40))
    for step in range(1, 11):
        fingers("touchMove", *spread(40 + 4 * step))
    fingers("touchEnd")
    pinched = _view_box(page)
    assert pinched[2] == pytest.approx(whole[2] / 2, rel=0.05)
    keep_screenshot(page, "layout_editor_pinched_390")

    metres_per_pixel = pinched[2] / plan["width"]
    fingers("touchStart", *spread(50))
    for step in range(1, 11):
        fingers("touchMove", *spread(50, shift=6 * step))
    fingers("touchEnd")
    panned = _view_box(page)
    assert panned[0] == pytest.approx(pinched[0] - 60 * metres_per_pixel, rel=0.05)
    assert panned[2] == pytest.approx(pinched[2], rel=0.01)
    assert page.locator(".item-layer .item").count() == 1  # two fingers move no furniture

    seen = _previews(page)
    start, end = _on_screen(page, 2.0, 6.0), _on_screen(page, 2.5, 5.0)
    fingers("touchStart", (start["x"], start["y"]))
    for step in range(1, 11):
        fingers("touchMove", (start["x"] + (end["x"] - start["x"]) * step / 10,
                              start["y"] + (end["y"] - start["y"]) * step / 10))
    fingers("touchEnd")
    _wait_for_preview(page, seen)
    assert _label(page, 0) == "Chair 1 at 2.5 m, 5 m, 0°"
    keep_screenshot(page, "layout_editor_touch_dragged_390")
    assert refused == []
    context.close()
