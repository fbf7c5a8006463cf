"""The association pages: asking to join and answering, staff's list of associations
waiting for verification, what an unverified association's members read meanwhile, and
the association's upcoming public events and feed."""

from __future__ import annotations

from datetime import timedelta

from flask import g
from sqlalchemy import select

from app.extensions import db
from app.models import Association, Membership, OutboxMessage, utcnow
from app.services import whats_on
from tests.booking_helpers import Booker, book
from tests.builders import (
    PASSWORD,
    future_day,
    local,
    make_association,
    make_room,
    make_token,
    make_user,
)
from tests.web_helpers import csrf_token, sign_in


def forget_cached_csrf_token() -> None:
    """The tests' app context outlives requests, and Flask-WTF caches the token in ``g``:
    drop it, so each of several clients gets the token of its own session."""
    g.pop("csrf_token", None)


def signed_in(app, user):
    """A test client of its own, signed in as the user."""
    client = app.test_client()
    forget_cached_csrf_token()
    assert sign_in(client, user.email, PASSWORD).status_code == 302
    return client


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def post(client, path: str, token_page: str, **data):
    forget_cached_csrf_token()
    return client.post(path, data={"csrf_token": csrf_token(client, token_page), **data})


def mails(kind: str) -> list[str]:
    db.session.expire_all()
    return sorted(db.session.scalars(
        select(OutboxMessage.to).where(OutboxMessage.kind == kind)))


def test_a_member_asks_to_join_on_the_page_and_the_admin_accepts(app):
    admin = make_user(email="ida@example.org")
    club = make_association(admin)
    asker = make_user(email="jens@example.org")
    path = f"/associations/{club.id}"
    as_asker = signed_in(app, asker)
    assert 'id="join-form"' in page(as_asker, path)
    response = post(as_asker, f"{path}/join", path, message="Can I come on Thursdays?")
    assert response.status_code == 302
    html = page(as_asker, path)
    assert "Your request is waiting" in html
    assert 'id="join-form"' not in html
    assert mails("join_request") == ["ida@example.org"]

    again = post(as_asker, f"{path}/join", path)
    assert again.status_code == 302
    assert "already asked to join" in page(as_asker, path)
    assert mails("join_request") == ["ida@example.org"]

    as_admin = signed_in(app, admin)
    html = page(as_admin, path)
    assert "Can I come on Thursdays?" in html and "jens@example.org" in html
    request_id = club_request_id(club)
    assert post(as_admin, f"{path}/join-requests/{request_id}/accept", path).status_code == 302
    assert "is now a member" in page(as_admin, path)
    assert db.session.get(Membership, (club.id, asker.id)) is not None
    assert mails("join_accepted") == ["jens@example.org"]
    assert "You are a member of this association." in page(as_asker, path)


def club_request_id(club: Association) -> int:
    from app.models import JoinRequest

    return db.session.scalar(select(JoinRequest.id).where(JoinRequest.association_id == club.id))


def test_the_admin_declines_and_only_admins_see_the_requests(app):
    admin = make_user()
    club = make_association(admin, members=[member := make_user()])
    asker = make_user(email="karl@example.org")
    path = f"/associations/{club.id}"
    post(signed_in(app, asker), f"{path}/join", path)
    request_id = club_request_id(club)
    as_member = signed_in(app, member)
    assert "karl@example.org" not in page(as_member, path)
    assert post(as_member, f"{path}/join-requests/{request_id}/decline",
                path).status_code == 403
    assert "karl@example.org" not in page(app.test_client(), path)
    as_admin = signed_in(app, admin)
    assert post(as_admin, f"{path}/join-requests/{request_id}/decline",
                path).status_code == 302
    assert mails("join_declined") == ["karl@example.org"]
    assert db.session.get(Membership, (club.id, asker.id)) is None
    assert "Nobody is waiting to join." in page(as_admin, path)


def test_members_see_no_join_form_and_a_too_long_message_is_refused_beside_its_field(app):
    member = make_user()
    club = make_association(members=[member])
    path = f"/associations/{club.id}"
    as_member = signed_in(app, member)
    assert 'id="join-form"' not in page(as_member, path)
    assert "You are a member of this association." in page(as_member, path)
    outsider = signed_in(app, make_user())
    response = post(outsider, f"{path}/join", path, message="x" * 1001)
    assert response.status_code == 422
    assert 'class="field-error"' in response.get_data(as_text=True)
    assert "Sign in to ask to join" in page(app.test_client(), path)


def test_the_waiting_list_is_for_staff_only_oldest_first_with_the_admins(app):
    older_admin = make_user(email="lars@example.org")
    older = make_association(older_admin, verified=False)
    newer = make_association(make_user(email="mia@example.org"), verified=False)
    older.created_at = utcnow() - timedelta(days=3)
    older.name, newer.name = "Older chess club", "Newer knitting circle"
    db.session.commit()
    done = make_association(verified=True)
    done.name = "Verified choir"
    db.session.commit()
    anonymous = app.test_client().get("/associations/waiting")
    assert anonymous.status_code == 302 and "/signin" in anonymous.headers["Location"]
    assert signed_in(app, make_user()).get("/associations/waiting").status_code == 403
    staff = make_user("staff")
    as_staff = signed_in(app, staff)
    html = page(as_staff, "/associations/waiting")
    assert html.index(older.name) < html.index(newer.name)
    assert done.name not in html
    assert "lars@example.org" in html and "mia@example.org" in html
    assert 'href="/associations/waiting"' in page(as_staff, "/")  # the header's link
    assert 'href="/associations/waiting"' not in page(signed_in(app, make_user()), "/")

    response = post(as_staff, f"/associations/{older.id}/verify", "/associations/waiting",
                    back="waiting")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/associations/waiting")
    html = page(as_staff, "/associations/waiting")
    assert "Older chess club is verified and may book rooms" in html
    assert f'id="waiting-{older.id}"' not in html and f'id="waiting-{newer.id}"' in html
    assert mails("verified") == ["lars@example.org"]


def test_a_member_of_an_unverified_association_is_told_what_to_do_meanwhile(app):
    room = make_room()
    waiting_member = make_user()
    waiting = make_association(waiting_member, verified=False)
    as_waiting = signed_in(app, waiting_member)
    for path in (f"/rooms/{room.id}/book", f"/associations/{waiting.id}"):
        html = page(as_waiting, path)
        assert 'id="unverified-notice"' in html
        assert "ask the library staff" in html
    verified_member = make_user()
    verified = make_association(verified_member)
    as_verified = signed_in(app, verified_member)
    assert 'id="unverified-notice"' not in page(as_verified, f"/rooms/{room.id}/book")
    assert 'id="unverified-notice"' not in page(as_verified, f"/associations/{verified.id}")
    # someone else's unverified association says nothing to a visitor
    assert 'id="unverified-notice"' not in page(as_verified, f"/associations/{waiting.id}")
    assert 'id="unverified-notice"' not in page(app.test_client(), f"/associations/{waiting.id}")


def test_the_page_lists_the_upcoming_public_events_and_the_feed(app):
    room = make_room(name="Studio")
    admin = make_user()
    club = make_association(admin)
    booker = Booker(admin, club, make_token(admin))
    client = app.test_client()
    day = future_day(6)
    public = book(client, booker, room, local(day, 18), local(day, 20),
                  title="Open chess night", public=True)
    private = book(client, booker, room, local(day, 10), local(day, 11),
                   title="Board meeting", public=False)
    other = Booker(admin, make_association(admin), booker.token)
    book(client, other, room, local(day, 12), local(day, 13), title="Not ours", public=True)
    assert public.status_code == 201 and private.status_code == 201
    html = page(client, f"/associations/{club.id}")
    assert "Open chess night" in html
    assert f'href="/events/{public.get_json()["id"]}"' in html
    assert "Board meeting" not in html and "Not ours" not in html
    assert "Studio" in html and "18:00" in html
    assert f"webcal://agora.test/calendars/associations/{club.id}.ics" in html
    after = local(day, 21)
    assert whats_on.association_events(club.id, after) == []
    assert [e.title for e in whats_on.association_events(club.id, local(day, 19))] == [
        "Open chess night"]


def test_the_association_pages_speak_danish(app):
    from flask_babel import refresh

    asker = make_user()
    club = make_association(make_user(), verified=False)
    client = signed_in(app, asker)
    danish = {"Accept-Language": "da"}

    def read(path: str) -> str:
        refresh()  # the tests' app context would keep the last request's language
        return client.get(path, headers=danish).get_data(as_text=True)

    assert "venter på godkendelse" in read("/associations")
    html = read(f"/associations/{club.id}")
    assert "Bed om at blive medlem" in html and "Besked til administratorerne" in html
    assert "Kommende offentlige arrangementer" in html
    assert "Hvad I laver" in read("/associations/new")
    refresh()
