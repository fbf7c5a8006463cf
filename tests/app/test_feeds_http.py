"""Feeds over HTTP: conditional requests, HEAD, caching, cookies, private addresses and links."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from werkzeug.http import http_date

from app.extensions import db
from app.models import ApiToken
from app.services import feeds
from app.services.tokens import create_token
from tests.booking_helpers import book, make_booker
from tests.builders import PASSWORD, future_day, local, make_branch, make_room
from tests.feed_helpers import read, vevents
from tests.web_helpers import csrf_token, sign_in

CALENDAR = "text/calendar; charset=utf-8"


@pytest.fixture
def room(app):
    return make_room(make_branch(name="North Library"), name="Studio")


@pytest.fixture
def booker(app):
    return make_booker()


@pytest.fixture
def public_paths(room, booker):
    return [
        f"/calendars/rooms/{room.id}.ics",
        f"/calendars/rooms/{room.id}/freebusy.ics",
        f"/calendars/branches/{room.branch_id}/events.ics",
        f"/calendars/associations/{booker.association.id}.ics",
    ]


def private_path(user) -> str:
    _, plain = create_token(user, "feed", "phone")
    db.session.commit()
    return f"/calendars/private/{plain}.ics"


def test_every_feed_answers_text_calendar_to_get_and_head_whatever_is_accepted(
    client, public_paths, booker
):
    for path in [*public_paths, private_path(booker.user)]:
        for accept in ("text/html", "application/json", "*/*"):
            got = client.get(path, headers={"Accept": accept})
            head = client.head(path, headers={"Accept": accept})
            assert got.status_code == head.status_code == 200, path
            assert got.headers["Content-Type"] == head.headers["Content-Type"] == CALENDAR
            assert head.data == b""
            assert head.headers["ETag"] == got.headers["ETag"]
            read(got.data)


def test_a_matching_etag_or_date_gets_304_and_a_change_gets_a_new_etag(client, room, booker):
    day = future_day(5)
    created = book(client, booker, room, local(day, 10), local(day, 11), public=True)
    path = f"/calendars/rooms/{room.id}.ics"
    first = client.get(path)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)  # strong
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(path, headers={"If-None-Match": f'"x", W/{etag}'}).status_code == 304
    assert client.head(path, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200

    client.patch(f"/api/v1/bookings/{created.get_json()['id']}", json={"title": "New"},
                 headers=booker.headers)
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert [str(e["SUMMARY"]) for e in vevents(changed.data)] == ["New"]


def test_304_is_answered_without_building_the_feed(client, room, monkeypatch):
    path = f"/calendars/rooms/{room.id}.ics"
    etag = client.get(path).headers["ETag"]

    def refuse(*args, **kwargs):
        raise AssertionError("the feed was built for a conditional request")

    monkeypatch.setattr(feeds, "render_feed", refuse)
    not_modified = client.get(path, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.data == b""
    assert not_modified.headers["ETag"] == etag


def test_an_old_if_modified_since_gets_the_feed(client, room):
    path = f"/calendars/rooms/{room.id}.ics"
    modified = client.get(path).last_modified
    older = http_date(modified - timedelta(days=2))
    assert client.get(path, headers={"If-Modified-Since": older}).status_code == 200


def test_public_feeds_are_cacheable_and_private_ones_are_not_indexed(
    client, public_paths, booker
):
    for path in public_paths:
        headers = client.get(path).headers
        assert headers["Cache-Control"] == "public, max-age=300"
        assert "X-Robots-Tag" not in headers
    headers = client.get(private_path(booker.user)).headers
    assert headers["Cache-Control"].startswith("private")
    assert "noindex" in headers["X-Robots-Tag"]


def test_feeds_set_no_cookie_even_for_a_signed_in_visitor(client, public_paths, booker):
    for path in public_paths:
        assert "Set-Cookie" not in client.get(path).headers
    sign_in(client, booker.user.email, PASSWORD)
    for path in public_paths:
        response = client.get(path)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers


def test_unknown_things_and_revoked_or_forged_tokens_answer_404(client, booker):
    path = private_path(booker.user)
    assert client.get(path).status_code == 200
    token = db.session.query(ApiToken).filter_by(purpose="feed").one()
    token.revoked_at = token.created_at
    db.session.commit()
    for missing in (path, "/calendars/private/feed_" + "A" * 43 + ".ics",
                    "/calendars/private/nonsense.ics", "/calendars/rooms/9999.ics",
                    "/calendars/branches/9999/events.ics", "/calendars/associations/9999.ics",
                    "/calendars/rooms/9999/freebusy.ics"):
        response = client.get(missing)
        assert response.status_code == 404, missing
        assert "Set-Cookie" not in response.headers


def test_an_api_token_is_no_feed_address(client, booker):
    assert client.get(f"/calendars/private/{booker.token}.ics").status_code == 404


def test_a_user_creates_sees_once_and_revokes_a_private_feed_on_the_profile(client, booker):
    sign_in(client, booker.user.email, PASSWORD)
    page = client.post("/profile/feeds", data={"feed-name": "Phone",
                                               "feed-csrf_token": csrf_token(client, "/profile")})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    (https,) = set(re.findall(
        r'value="(http://agora\.test/calendars/private/[^"]+\.ics\?lang=en)"', html))
    webcal = "webcal://" + https.removeprefix("http://")
    assert f'href="{webcal}"' in html
    assert "https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe=":/") in html
    assert len(https) < 256 and len(webcal) < 256
    path = https.removeprefix("http://agora.test")
    assert client.get(path).status_code == 200

    listing = client.get("/profile").get_data(as_text=True)
    assert "Phone" in listing
    assert https not in listing  # shown once
    token = db.session.query(ApiToken).filter_by(purpose="feed").one()
    revoked = client.post(f"/profile/feeds/{token.id}/revoke",
                          data={"csrf_token": csrf_token(client, "/profile")})
    assert revoked.status_code == 302
    assert client.get(path).status_code == 404


def assert_offers(html: str, feed_path: str) -> None:
    """The page offers the feed in the reader's language (English in tests)."""
    feed_path += "?lang=en"
    assert f'href="webcal://agora.test{feed_path}"' in html
    assert f'value="http://agora.test{feed_path}"' in html
    google = "https://calendar.google.com/calendar/r?cid=" + quote(
        f"webcal://agora.test{feed_path}", safe=":/")
    assert google in html



def test_the_room_page_offers_its_feeds_as_webcal_https_and_google_links(client, room):
    html = client.get(f"/rooms/{room.id}").get_data(as_text=True)
    assert_offers(html, f"/calendars/rooms/{room.id}.ics")
    assert_offers(html, f"/calendars/rooms/{room.id}/freebusy.ics")
    assert_offers(html, f"/calendars/branches/{room.branch_id}/events.ics")


def test_the_association_page_offers_its_feed(client, booker):
    page = client.get(f"/associations/{booker.association.id}")
    assert page.status_code == 200
    assert_offers(page.get_data(as_text=True),
                  f"/calendars/associations/{booker.association.id}.ics")


def test_a_change_from_another_worker_shows_once_the_remembered_version_expires(client, room):
    from sqlalchemy import text

    from app.feeds import versions

    path = f"/calendars/rooms/{room.id}.ics"
    etag = client.get(path).headers["ETag"]
    with db.engine.begin() as other_worker:
        other_worker.execute(text("UPDATE room SET name = 'Renamed', updated_at = :now"),
                             {"now": local(future_day(1), 12)})
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    versions.forget_all()
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 200
