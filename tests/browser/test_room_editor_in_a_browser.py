"""Staff reshape a room in the room editor, in a real Chromium against a real gunicorn:
a corner dragged so that a layout and a booking break, the report read, the change saved
anyway and seen on the room's page; a corner moved, a door added and an obstacle removed
with the keyboard alone; a bad door refused next to the shape; the page on a phone."""

from __future__ import annotations

import pytest

from tests.browser.pages import (
    DESKTOP,
    PHONE,
    keep_screenshot,
    no_sideways_scroll,
    sign_in,
    watch_csp,
)
from tests.builders import door, future_day, local, make_branch, make_room, make_user, rect
from tests.e2e.servers import served_library
from tests.layout_helpers import chairs

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _library(app) -> dict:
    """A 10 x 8 m reading hall with two doors in its west wall and a pillar, a layout of ten
    chairs in a row along y = 2 (x 2 to 7.4), a booking of it in ten days, and staff."""
    from app.extensions import db
    from app.services import bookings, rooms
    from app.services import layouts as layout_service
    from app.services.bookings import BookingInput
    from tests.booking_helpers import make_booker

    room = make_room(make_branch(name="Main Library"), rect(0, 0, 10, 8), name="Reading hall",
                     floor="First floor", doors=[door(0, 1, 0, 2.2), door(0, 5, 0, 6.2)],
                     obstacles=[rect(8, 6, 8.4, 6.4)], max_attendees=None)
    layout = layout_service.create_layout(rooms.get_room(room.id), {
        "name": "Row of ten", "style": "custom", "items": chairs(10)})
    booker = make_booker()
    day = future_day(10)
    bookings.create_booking(booker.user, BookingInput(
        room_id=room.id, layout_id=layout.id, title="Poetry reading", attendees=9,
        association_id=booker.association.id, start=local(day, 18).isoformat(),
        end=local(day, 20).isoformat()))
    db.session.commit()
    return {"room": room.id, "email": make_user("staff").email,
            "association": booker.association.name,
            "when": (local(day, 18).strftime("%-d %b %Y"), "18:00–20:00")}


@pytest.fixture
def served(tmp_path):
    with served_library(tmp_path, _library) as served:
        yield served


def _staff_page(browser, served, viewport=DESKTOP):
    base, world = served
    context = browser.new_context(locale="en-GB", viewport=viewport)
    page = context.new_page()
    refused = watch_csp(page)
    sign_in(page, base, world["email"])
    return context, page, refused


def _previews(page) -> int:
    return int(page.get_attribute("#room-editor", "data-previewed") or 0)


def _wait_for_preview(page, seen: int) -> None:
    page.wait_for_function(
        "seen => { const r = document.getElementById('room-editor');"
        " return Number(r.dataset.previewed) > seen && !r.hasAttribute('aria-busy'); }",
        arg=seen)


def _on_screen(page, x: float, y: float) -> dict:
    return page.evaluate(
        "([x, y]) => { const m = document.getElementById('plan-world').getScreenCTM();"
        " return {x: m.a * x + m.c * y + m.e, y: m.b * x + m.d * y + m.f}; }", [x, y])


def _open(page, base: str, room: int) -> None:
    page.goto(f"{base}/rooms/{room}")
    page.click("#room-outline-link")
    page.wait_for_selector("#room-editor[data-previewed]")
    _wait_for_preview(page, 0)


def test_staff_drag_a_corner_so_a_layout_breaks_see_the_report_and_save_anyway(browser,
                                                                               served):
    base, world = served
    context, page, refused = _staff_page(browser, served)
    _open(page, base, world["room"])
    assert page.url == f"{base}/rooms/{world['room']}/outline"
    assert page.inner_text("#shape-status") == "The shape is valid: 80 m²."
    corner = page.locator(".item-layer .vertex[data-index='1']")
    assert corner.get_attribute("aria-label") == "Corner 2 at 10 m, 0 m"

    # Drag the south-east corner 5 m west: the east wall now cuts through the row of chairs.
    seen = _previews(page)
    start, end = _on_screen(page, 10, 0), _on_screen(page, 5.03, 0.02)
    page.mouse.move(start["x"], start["y"])
    page.mouse.down()
    page.mouse.move(end["x"], end["y"], steps=12)
    page.mouse.up()
    _wait_for_preview(page, seen)
    assert corner.get_attribute("aria-label") == "Corner 2 at 5 m, 0 m"  # snapped to 10 cm
    assert page.input_value("#outline") == "0, 0\n5, 0\n10, 8\n0, 8"
    assert page.inner_text("#shape-status").startswith("The shape is valid: 60 m², but")

    page.click("#save-shape")
    page.wait_for_selector("#impact:not([hidden]) #save-anyway")
    report = page.inner_text("#impact")
    assert "Row of ten no longer fits the room: saving anyway marks it invalid." in report
    booking = page.locator("#impact-list .impact-bookings li")
    assert booking.count() == 1
    assert "Poetry reading" in booking.inner_text()
    assert f"({world['association']})" in booking.inner_text()
    assert "9 people, where there is then room for 0." in booking.inner_text()
    assert "Saving anyway flags the booking and tells the booker." in booking.inner_text()
    assert all(part in booking.inner_text() for part in world["when"])
    assert page.inner_text("#save-status") == (
        "Not saved yet: this change breaks what is listed below.")
    keep_screenshot(page, "room_editor_report")

    # Cancel changes nothing; saving again shows the same report, and then it is forced.
    page.click("#cancel-save")
    assert page.is_hidden("#impact")
    assert page.inner_text("#save-status") == "Nothing was saved; the room is as it was."
    page.click("#save-shape")
    page.wait_for_selector("#impact:not([hidden]) #save-anyway")
    page.click("#save-anyway")
    page.wait_for_function("() => document.getElementById('room-editor').dataset.saved")
    assert page.inner_text("#save-status") == (
        "Saved anyway. What it invalidated is listed below.")
    assert page.inner_text("#impact-heading") == "What the change invalidated"
    assert page.locator("#impact-list .impact-bookings li").count() == 1
    assert page.is_hidden("#impact-actions")
    keep_screenshot(page, "room_editor_saved_anyway")

    page.click("#impact-done a")
    page.wait_for_url(f"{base}/rooms/{world['room']}")
    assert "60.0 m²" in page.inner_text("main")  # was 80.0
    keep_screenshot(page, "room_editor_room_page_after")
    assert refused == []
    context.close()


def test_staff_reshape_a_room_with_the_keyboard_alone(browser, served):
    base, world = served
    context, page, refused = _staff_page(browser, served)
    _open(page, base, world["room"])

    page.focus("#zoom-fit")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.getAttribute('aria-label')")
    assert focused == "Corner 1 at 0 m, 0 m"
    seen = _previews(page)
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Shift+ArrowRight")
    _wait_for_preview(page, seen)
    focused = page.evaluate("() => document.activeElement.getAttribute('aria-label')")
    assert focused == "Corner 1 at 0.01 m, 0.1 m"
    assert page.input_value("#outline").startswith("0.01, 0.1\n10, 0\n")

    # Undo both steps, go to the south wall, add a corner in its middle, then remove it.
    page.keyboard.press("Control+z")
    page.keyboard.press("Control+z")
    assert page.input_value("#outline").startswith("0, 0\n10, 0\n")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.dataset.kind") == "edge"
    page.keyboard.press("Enter")
    assert page.locator(".item-layer .vertex").count() == 5
    page.focus(".item-layer .vertex[data-index='1']")
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == (
        "Corner 2 at 5 m, 0 m")
    page.keyboard.press("Delete")
    assert page.locator(".item-layer .vertex").count() == 4

    # A door on the north wall (wall 3), from the toolbar, 1.2 m wide.
    page.fill("#door-width", "1.2")
    page.focus(".item-layer .edge[data-index='2']")
    page.focus("#add-door")
    assert page.is_enabled("#add-door")
    seen = _previews(page)
    page.keyboard.press("Enter")
    _wait_for_preview(page, seen)
    assert page.locator(".item-layer .door").count() == 3
    assert "5.6, 8; 4.4, 8; 1.2" in page.input_value("#doors")
    assert page.inner_text("#shape-status") == "The shape is valid: 80 m²."

    # Slide it 2 m along its wall into the corner and off the wall: refused, next to it.
    page.focus(".item-layer .door[data-index='2']")
    seen = _previews(page)
    for _ in range(60):
        page.keyboard.press("ArrowLeft")
    _wait_for_preview(page, seen)
    page.wait_for_selector(".label-layer .fault-label")
    assert page.locator(".item-layer .door.fault").count() == 1
    listed = page.inner_text("#shape-errors")
    assert listed.startswith("Door 3: the door does not lie on a wall of the room")
    assert page.inner_text("#shape-status") == "The server refuses this shape:"
    keep_screenshot(page, "room_editor_door_off_the_wall")

    # The obstacle: Tab to it and Delete it; undo all the way back.
    page.focus(".item-layer .obstacle[data-index='0']")
    page.keyboard.press("Delete")
    assert page.locator(".item-layer .obstacle").count() == 0
    assert page.input_value("#obstacles") == ""
    assert refused == []
    context.close()


def test_the_room_editor_on_a_phone_stacks_its_panels_and_keeps_the_text_form(browser,
                                                                              served):
    base, world = served
    context, page, refused = _staff_page(browser, served, PHONE)
    page.goto(f"{base}/rooms/{world['room']}/outline")
    page.wait_for_selector("#room-editor[data-previewed]")
    _wait_for_preview(page, 0)
    assert no_sideways_scroll(page)
    canvas = page.locator("#shape-canvas").bounding_box()
    side = page.locator("#shape-save").bounding_box()
    assert side["y"] > canvas["y"] + canvas["height"] - 1
    page.fill("#doors", "0, 1; 0, 2.2; 1.2\n3, 3; 4, 3; 0.9")
    page.click("#shape-form button[type=submit]")
    error = page.locator("#doors-error")
    assert "Door 2: the door does not lie on a wall" in error.inner_text()
    keep_screenshot(page, "room_editor_phone_form_error")
    assert no_sideways_scroll(page)
    assert refused == []
    context.close()
