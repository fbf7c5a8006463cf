"""A WSGI app that does nothing: what wrk and gunicorn reach with no Flask and no database.

``bench/booking.py`` serves it to show that its load generator is not the limit.
"""


def app(environ, start_response):
    """Answer every request with a tiny JSON body."""
    body = b'{"ok": true}'
    start_response("200 OK", [("Content-Type", "application/json"),
                              ("Content-Length", str(len(body)))])
    return [body]
