"""The one Chromium every browser test drives: Debian's, through Playwright."""

from __future__ import annotations

import shutil

import pytest

import config

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, headless; skipped where it is missing, except under CI."""
    if CHROMIUM is None:
        if config.running_in_ci():
            pytest.fail("CI=true but Debian's chromium is not installed")
        pytest.skip("install Debian's chromium to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()
