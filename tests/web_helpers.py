"""Helpers for tests that use the pages like a browser would (with CSRF tokens)."""

from __future__ import annotations

import re

_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def csrf_token(client, path: str = "/signin") -> str:
    """The CSRF token a page hands the browser."""
    page = client.get(path)
    match = _META.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client, email: str, password: str):
    """Sign in through the form; returns the response."""
    return client.post(
        "/signin",
        data={"email": email, "password": password, "csrf_token": csrf_token(client)},
    )
