"""How pages offer a feed: webcal:// to subscribe, https to copy, and Google Calendar."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from flask import current_app

from app.feeds import bp
from app.i18n import current_language

GOOGLE_SUBSCRIBE = "https://calendar.google.com/calendar/r?cid="


@dataclass(frozen=True)
class FeedLinks:
    """The three ways to reach one feed."""

    https: str
    webcal: str
    google: str


def links_for(base_url: str, path: str) -> FeedLinks:
    """The links of the feed at ``path`` (a path from url_for) under ``base_url``."""
    https = base_url.rstrip("/") + path
    webcal = "webcal://" + https.split("://", 1)[1]
    return FeedLinks(https, webcal, GOOGLE_SUBSCRIBE + quote(webcal, safe=":/"))


@bp.app_template_global("feed_links")
def feed_links(path: str) -> FeedLinks:
    """The links of a feed in the reader's language, with the configured BASE_URL (for
    templates): a calendar subscribed from a Danish page stays Danish."""
    return links_for(current_app.config["BASE_URL"], f"{path}?lang={current_language()}")

