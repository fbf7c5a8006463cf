"""Asking to join an association, its admins' answer, and staff verifying it: the API and
the e-mails each step puts in the outbox, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import JoinRequest, Membership, OutboxMessage
from tests.builders import bearer, make_association, make_token, make_user


def outbox(kind: str) -> list[OutboxMessage]:
    """The messages of one kind waiting in (or gone through) the outbox, by recipient."""
    db.session.expire_all()
    return list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.to)))


def ask(client, association, token, **body):
    return client.post(f"/api/v1/associations/{association.id}/join-requests",
                       json=body, headers=bearer(token))


def answer(client, association, request_id, verdict, token):
    return client.post(
        f"/api/v1/associations/{association.id}/join-requests/{request_id}/{verdict}",
        headers=bearer(token))


@pytest.fixture
def club(app):
    """An association with two admins and a plain member."""
    first, second = make_user(email="anna@example.org"), make_user(email="bo@example.org")
    club = make_association(first, members=[make_user(email="carl@example.org")])
    club.memberships.append(Membership(user=second, role="admin"))
    db.session.commit()
    return club


def test_a_non_member_asks_to_join_and_every_admin_gets_an_e_mail(client, club):
    asker = make_user(email="dina@example.org")
    response = ask(client, club, make_token(asker), message="I play on Tuesdays")
    assert response.status_code == 201
    body = response.get_json()
    assert (body["status"], body["user_id"], body["message"]) == (
        "pending", asker.id, "I play on Tuesdays")
    assert body["decided_at"] is None
    mails = outbox("join_request")
    assert [m.to for m in mails] == ["anna@example.org", "bo@example.org"]
    assert all("dina@example.org" in m.text and "I play on Tuesdays" in m.text for m in mails)
    assert all(f"/associations/{club.id}" in m.text for m in mails)
    assert all(m.booking_id is None and m.ics is None for m in mails)


def test_asking_twice_while_waiting_is_a_409_and_one_request_is_kept(client, club):
    token = make_token(make_user())
    assert ask(client, club, token).status_code == 201
    again = ask(client, club, token, message="hello?")
    assert again.status_code == 409
    assert again.mimetype == "application/problem+json"
    assert "waiting" in again.get_json()["detail"]
    assert len(db.session.scalars(select(JoinRequest)).all()) == 1
    assert len(outbox("join_request")) == 2  # the two admins, once


def test_the_database_refuses_a_second_pending_request_even_if_a_check_is_skipped(app, club):
    asker = make_user()
    db.session.add(JoinRequest(association_id=club.id, user_id=asker.id))
    db.session.commit()
    db.session.add(JoinRequest(association_id=club.id, user_id=asker.id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(JoinRequest(association_id=club.id, user_id=asker.id, status="declined"))
    db.session.commit()  # answered requests do not count


def test_members_cannot_ask_and_anonymous_callers_must_sign_in(client, club):
    member = next(m.user for m in club.memberships if m.role == "member")
    response = ask(client, club, make_token(member))
    assert response.status_code == 409
    assert "already a member" in response.get_json()["detail"]
    assert client.post(f"/api/v1/associations/{club.id}/join-requests",
                       json={}).status_code == 401
    assert ask(client, club, make_token(make_user()), colour="red").status_code == 400
    assert db.session.scalars(select(JoinRequest)).all() == []
    assert outbox("join_request") == []


def test_only_admins_and_staff_list_the_waiting_requests(client, club):
    asker = make_user()
    asker_token = make_token(asker)
    ask(client, club, asker_token, message="hi")
    path = f"/api/v1/associations/{club.id}/join-requests"
    admin = club.memberships[0].user
    listed = client.get(path, headers=bearer(make_token(admin)))
    assert listed.status_code == 200
    assert [(r["email"], r["message"]) for r in listed.get_json()["items"]] == [
        (asker.email, "hi")]
    assert client.get(path, headers=bearer(make_token(make_user("staff")))).status_code == 200
    member = next(m.user for m in club.memberships if m.role == "member")
    assert client.get(path, headers=bearer(make_token(member))).status_code == 403
    assert client.get(path, headers=bearer(asker_token)).status_code == 403
    assert client.get(path).status_code == 401


def test_accepting_makes_the_asker_a_member_and_tells_them(client, club):
    asker = make_user(email="eva@example.org")
    request_id = ask(client, club, make_token(asker)).get_json()["id"]
    admin_token = make_token(club.memberships[0].user)
    response = answer(client, club, request_id, "accept", admin_token)
    assert response.status_code == 200
    assert response.get_json()["status"] == "accepted"
    assert response.get_json()["decided_at"] is not None
    assert db.session.get(Membership, (club.id, asker.id)).role == "member"
    mails = outbox("join_accepted")
    assert [m.to for m in mails] == ["eva@example.org"]
    assert "you are now a member" in mails[0].text
    again = answer(client, club, request_id, "decline", admin_token)
    assert again.status_code == 409
    assert outbox("join_declined") == []
    listed = client.get(f"/api/v1/associations/{club.id}/join-requests",
                        headers=bearer(admin_token)).get_json()
    assert listed["items"] == []


def test_declining_tells_the_asker_who_may_ask_again(client, club):
    asker = make_user(email="finn@example.org")
    token = make_token(asker)
    request_id = ask(client, club, token).get_json()["id"]
    response = answer(client, club, request_id, "decline", make_token(club.memberships[0].user))
    assert response.status_code == 200
    assert response.get_json()["status"] == "declined"
    assert db.session.get(Membership, (club.id, asker.id)) is None
    assert [m.to for m in outbox("join_declined")] == ["finn@example.org"]
    assert outbox("join_accepted") == []
    assert ask(client, club, token).status_code == 201


def test_members_and_the_asker_cannot_answer_but_staff_can(client, club):
    asker = make_user()
    asker_token = make_token(asker)
    request_id = ask(client, club, asker_token).get_json()["id"]
    member = next(m.user for m in club.memberships if m.role == "member")
    assert answer(client, club, request_id, "accept", make_token(member)).status_code == 403
    assert answer(client, club, request_id, "accept", asker_token).status_code == 403
    assert answer(client, club, request_id, "accept", None).status_code == 401
    assert db.session.get(Membership, (club.id, asker.id)) is None
    staff = make_token(make_user("staff"))
    assert answer(client, club, request_id, "accept", staff).status_code == 200
    assert db.session.get(Membership, (club.id, asker.id)) is not None


def test_a_request_is_answered_only_through_its_own_association(client, club):
    request_id = ask(client, club, make_token(make_user())).get_json()["id"]
    other = make_association()
    response = answer(client, other, request_id, "accept", make_token(other.memberships[0].user))
    assert response.status_code == 404
    assert answer(client, club, 2_000_000_000, "accept",
                  make_token(club.memberships[0].user)).status_code == 404


def test_verifying_e_mails_every_admin_once(client):
    admin = make_user(email="gry@example.org")
    association = make_association(admin, verified=False,
                                   members=[make_user(email="hans@example.org")])
    staff = bearer(make_token(make_user("staff")))
    path = f"/api/v1/associations/{association.id}"
    assert client.patch(path, json={"verified": True}, headers=staff).status_code == 200
    mails = outbox("verified")
    assert [m.to for m in mails] == ["gry@example.org"]
    assert "is verified" in mails[0].subject
    assert "book" in mails[0].text and "http://agora.test/rooms" in mails[0].text
    assert client.patch(path, json={"verified": True}, headers=staff).status_code == 200
    assert client.patch(path, json={"description": "x"}, headers=staff).status_code == 200
    assert len(outbox("verified")) == 1


def test_the_e_mails_go_out_after_the_commit(client, club, monkeypatch):
    from app.services import mail

    sent = []
    monkeypatch.setattr(mail, "transport", lambda message, settings: sent.append(message.to))
    response = ask(client, club, make_token(make_user()))
    response.close()
    assert sorted(sent) == ["anna@example.org", "bo@example.org"]
    assert all(m.sent_at is not None for m in outbox("join_request"))


def test_each_admin_reads_the_request_in_the_language_they_chose(client, club):
    anna = db.session.scalars(
        select(Membership).where(Membership.association_id == club.id)).first().user
    anna.language = "da"
    db.session.commit()
    ask(client, club, make_token(make_user(email="dina@example.org")))
    danish, english = outbox("join_request")
    assert (danish.to, english.to) == ("anna@example.org", "bo@example.org")
    assert "vil gerne være medlem af" in danish.subject
    assert "Besvar anmodningen" in danish.text
    assert "asks to join" in english.subject and "Answer the request" in english.text
