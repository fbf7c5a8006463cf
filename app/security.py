"""Security headers on every answer: pages, API, feeds, drawings, static files and errors.

One ``after_request`` hook, so no view can forget them. Flask runs it for error
answers too (404, 429, the 500 of an unexpected exception), not only for views.
"""

from __future__ import annotations

from flask import Flask, Response, current_app

# Scripts and styles only from our own origin, as files: no inline <script>, no
# on*="..." handlers, no style="..." attributes. Nothing may frame a page.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def init_app(app: Flask) -> None:
    """Add the headers to every response of ``app``."""
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    """Set the headers a response does not set itself; HSTS only where configured.

    ``STRICT_TRANSPORT_SECURITY`` is set by the production settings only: over plain
    HTTP in development it would make the browser refuse the local server for a year.
    """
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    hsts = current_app.config.get("STRICT_TRANSPORT_SECURITY")
    if hsts:
        response.headers.setdefault("Strict-Transport-Security", hsts)
    return response
