"""The e-mail a key-holder gets when staff trust their association after hours.

It asks them to read and accept the branch's terms at /after-hours/keys; it never
carries a door code (codes belong to bookings, and are shown only where one signs in).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import force_locale, gettext
from markupsafe import escape

from app.extensions import db
from app.i18n import known_language
from app.models import AssociationTrust, utcnow

TRUST_KIND = "trusted"


@dataclass(frozen=True)
class TrustNews:
    """Staff trusted an association at a branch; its key-holder should accept the terms."""

    trust: AssociationTrust


def announce_trust(trust: AssociationTrust) -> None:
    """Say that the key-holder should hear of the trust once the transaction commits."""
    from app.services.mail import ANNOUNCE_KEY

    db.session.info.setdefault(ANNOUNCE_KEY, []).append((TrustNews(trust), TRUST_KIND))


def trust_messages(news: TrustNews, settings: Any) -> list[dict[str, Any]]:
    """The key-holder's e-mail, in their language, as outbox column values."""
    user = news.trust.key_holder
    if not user.email or not user.active:
        return []
    with force_locale(known_language(user.language, settings.default_language)):
        subject, text, html = compose_trust(news, settings)
    now = utcnow()
    return [{"to": user.email, "subject": subject[:300], "text": text, "html": html,
             "ics": None, "method": None, "booking_id": None, "kind": TRUST_KIND,
             "created_at": now, "attempts": 0, "next_attempt_at": now}]


def compose_trust(news: TrustNews, settings: Any) -> tuple[str, str, str]:
    """The subject, plain text and HTML, in the current language."""
    trust = news.trust
    user, association, branch = trust.key_holder, trust.association, trust.branch
    subject = gettext("%(association)s is trusted after hours at %(branch)s",
                      association=association.name, branch=branch.name)
    greeting = gettext("Hello %(name)s,", name=user.name) if user.name else gettext("Hello,")
    sentences = [
        gettext("Library staff trust %(association)s to use %(branch)s after opening hours, "
                "with you as its key-holder.", association=association.name,
                branch=branch.name),
        gettext("Read and accept the branch's terms: from then on your association may book "
                "rooms there in the evening. The door code of each evening is shown with its "
                "booking, to you and the booker, when you are signed in."),
    ]
    link = (gettext("Read and accept the terms"), f"{settings.base_url}/after-hours/keys")
    text = "\n".join([greeting, "", *sentences, "", f"{link[0]}: {link[1]}", "",
                      gettext("Agora, your library's room booking")])
    html = (f"<p>{escape(greeting)}</p>"
            + "".join(f"<p>{escape(sentence)}</p>" for sentence in sentences)
            + f'<p><a href="{escape(link[1])}">{escape(link[0])}</a></p>')
    return subject, text, html
