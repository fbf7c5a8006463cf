"""What every browser test needs of a page: a phone's size, the CSP's refusals, artifacts."""

from __future__ import annotations

from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def keep_screenshot(page, name: str) -> Path:
    """A full-page screenshot kept as a test artifact in ``tests/artifacts/screenshots``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def watch_csp(page) -> list[str]:
    """The console messages in which the browser refused something under the CSP, as they come."""
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    return refused


def no_sideways_scroll(page) -> bool:
    """Whether the page fits its viewport's width (nothing to scroll sideways)."""
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def open_menu(page) -> None:
    """On a phone the header folds into a menu: open it (nothing to do on a wide screen)."""
    toggle = page.locator("header .menu-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()


def sign_in(page, base: str, email: str, password: str | None = None) -> None:
    """Sign in through the sign-in page and land on the home page."""
    from tests.builders import PASSWORD

    page.goto(f"{base}/signin")
    page.fill("#email", email)
    page.fill("#password", password or PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/")
