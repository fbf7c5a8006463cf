"""Everyone a proposal concerns hears of it: staff when coffee is asked for, helpers when it
is scheduled, supporters when it is "not now" or its event is cancelled; and the proposer
may change it until it is scheduled.

The e-mails go to a real SMTP server (aiosmtpd).
"""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Proposal
from tests.app.test_mail import finished, smtp  # noqa: F401 (the SMTP fixture)
from tests.app.test_proposals import PROPOSAL, Person, invitation, propose, say
from tests.booking_helpers import book, make_booker, make_hall
from tests.builders import PASSWORD, door, future_day, iso, local, make_branch, rect
from tests.layout_helpers import room_with_layouts
from tests.web_helpers import csrf_token, sign_in


@pytest.fixture
def people(app):
    return {"citizen": Person(name="Aisha"), "ole": Person(name="Ole"),
            "mette": Person(name="Mette"), "staff": Person("staff", "Birgit")}


def told(smtp):  # noqa: F811
    """Each recipient's messages, by address."""
    by_address: dict[str, list] = {}
    for recipients, message in zip(smtp.recipients, smtp.messages, strict=True):
        by_address.setdefault(recipients[0], []).append(message)
    return by_address


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def schedule(client, people, proposal, room, day):
    answer = finished(client.post(f"/api/v1/proposals/{proposal['id']}/schedule", json={
        "room_id": room.id, "layout_id": room.layouts[0].id,
        "start": iso(local(day, 18)), "end": iso(local(day, 20))},
        headers=people["staff"].headers))
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_asking_for_coffee_mails_the_staff_who_watch_approvals_in_their_language(
    client, smtp, people  # noqa: F811
):
    watcher, other = Person("staff", "Karen"), people["staff"]
    watcher.user.approvals_digest, watcher.user.language = True, "da"
    db.session.commit()
    proposal = propose(client, people["citizen"])
    asked = finished(client.post(f"/api/v1/proposals/{proposal['id']}/coffee",
                                 headers=people["citizen"].headers))
    assert asked.status_code == 200
    by_address = told(smtp)
    assert set(by_address) == {watcher.user.email}  # not Birgit: she does not watch
    (message,) = by_address[watcher.user.email]
    assert message["Subject"].startswith("Kaffe ønsket: Repair café")
    assert f"/proposals/{proposal['id']}" in text_of(message)
    assert "Aisha" in text_of(message)
    again = finished(client.post(f"/api/v1/proposals/{proposal['id']}/coffee",
                                 headers=people["citizen"].headers))
    assert again.status_code == 200 and len(smtp.messages) == 1  # asked once, told once
    assert other.user.email not in told(smtp)


def test_without_anyone_watching_approvals_every_staff_member_hears_of_coffee(
    client, smtp, people  # noqa: F811
):
    second = Person("staff", "Jens")
    proposal = propose(client, people["citizen"])
    finished(client.post(f"/api/v1/proposals/{proposal['id']}/coffee",
                         headers=people["citizen"].headers))
    assert set(told(smtp)) == {people["staff"].user.email, second.user.email}
    assert all(m["Subject"] == "Coffee asked for: Repair café" for m in smtp.messages)


def test_staff_find_the_proposals_waiting_for_coffee_on_the_page_and_in_the_api(
    client, people
):
    waiting = propose(client, people["citizen"], title="Waiting for coffee")
    propose(client, people["citizen"], title="Nobody asked")
    offered = propose(client, people["citizen"], title="Coffee offered")
    for proposal in (waiting, offered):
        client.post(f"/api/v1/proposals/{proposal['id']}/coffee",
                    headers=people["citizen"].headers)
    day = future_day(2)
    client.post(f"/api/v1/proposals/{offered['id']}/coffee", json={
        "start": iso(local(day, 10)), "end": iso(local(day, 11)),
        "branch_id": make_branch().id}, headers=people["staff"].headers)
    listed = client.get("/api/v1/proposals?coffee=asked").get_json()["items"]
    assert [p["title"] for p in listed] == ["Waiting for coffee"]
    assert client.get("/api/v1/proposals?coffee=maybe").status_code == 400
    sign_in(client, people["staff"].user.email, PASSWORD)
    everything = client.get("/proposals").get_data(as_text=True)
    assert 'id="coffee-asked-filter"' in everything
    page = client.get("/proposals?coffee=asked").get_data(as_text=True)
    assert "Waiting for coffee" in page
    assert "Nobody asked" not in page and "Coffee offered" not in page


def test_helpers_are_told_it_is_scheduled_with_the_invitation(client, smtp, people):  # noqa: F811
    room = room_with_layouts(make_branch(name="North Library"), "Workshop", [10])
    proposal = propose(client, people["citizen"])
    say(client, people["ole"], proposal["id"], kind="help", notify=False)
    say(client, people["mette"], proposal["id"], kind="come", notify=False)
    scheduled = schedule(client, people, proposal, room, future_day(4))
    by_address = told(smtp)
    del by_address[people["staff"].user.email]  # the booker's own confirmation
    assert set(by_address) == {people["citizen"].user.email, people["ole"].user.email}
    (message,) = by_address[people["ole"].user.email]
    assert "which you offered to help with" in text_of(message)
    event = invitation(message).walk("VEVENT")[0]
    assert str(event["UID"]) == db.session.get(Proposal, scheduled["id"]).booking.uid


def test_not_now_is_news_for_those_who_asked_to_be_told(client, smtp, people):  # noqa: F811
    proposal = propose(client, people["citizen"])
    say(client, people["ole"], proposal["id"], notify=True)
    say(client, people["mette"], proposal["id"], notify=False)
    answer = finished(client.post(f"/api/v1/proposals/{proposal['id']}/state", json={
        "state": "not_now", "reason": "The hall is closed for repairs this spring."},
        headers=people["staff"].headers))
    assert answer.status_code == 200
    by_address = told(smtp)
    assert set(by_address) == {people["citizen"].user.email, people["ole"].user.email}
    (message,) = by_address[people["ole"].user.email]
    assert "which you said you would come to, cannot happen just now" in text_of(message)
    assert "closed for repairs" in text_of(message)


def test_cancelling_its_event_puts_the_proposal_back_in_dialogue_and_says_it_is_off(
    client, smtp, people  # noqa: F811
):
    room = room_with_layouts(make_branch(name="North Library"), "Workshop", [10])
    proposal = propose(client, people["citizen"])
    say(client, people["ole"], proposal["id"], notify=True)
    say(client, people["mette"], proposal["id"], kind="help", notify=False)
    scheduled = schedule(client, people, proposal, room, future_day(4))
    booking_id = scheduled["event_id"]
    before = len(smtp.messages)
    cancelled = finished(client.delete(f"/api/v1/bookings/{booking_id}",
                                       headers=people["staff"].headers))
    assert cancelled.status_code == 200, cancelled.get_json()
    again = client.get(f"/api/v1/proposals/{proposal['id']}").get_json()
    assert again["state"] == "dialogue"
    off = {recipients[0]: message for recipients, message in zip(
        smtp.recipients[before:], smtp.messages[before:], strict=True)}
    for person in ("citizen", "ole", "mette"):
        message = off[people[person].user.email]
        assert message["Subject"].startswith("Cancelled: Repair café")
        assert "back in dialogue" in text_of(message)
        calendar = invitation(message)
        assert str(calendar["METHOD"]) == "CANCEL"
    page = client.get(f"/proposals/{proposal['id']}").get_data(as_text=True)
    assert 'id="event-cancelled"' in page and "It is happening" not in page
    rescheduled = schedule(client, people, proposal, room, future_day(5))
    assert rescheduled["state"] == "scheduled" and rescheduled["event_id"] != booking_id


def test_cancelling_the_only_date_of_its_event_is_cancelling_the_event(client, people):
    room = room_with_layouts(make_branch(), "Workshop", [10])
    proposal = propose(client, people["citizen"])
    day = future_day(4)
    scheduled = schedule(client, people, proposal, room, day)
    refused = client.delete(f"/api/v1/bookings/{scheduled['event_id']}",
                            headers=people["ole"].headers)
    assert refused.status_code in (403, 404)
    assert client.get(f"/api/v1/proposals/{proposal['id']}").get_json()["state"] == "scheduled"
    answer = client.delete(
        f"/api/v1/bookings/{scheduled['event_id']}/occurrences/{iso(local(day, 18))}",
        headers=people["staff"].headers)
    assert answer.status_code == 200, answer.get_json()
    assert client.get(f"/api/v1/proposals/{proposal['id']}").get_json()["state"] == "dialogue"


def test_the_proposer_edits_the_proposal_until_it_is_scheduled(client, people):
    room = room_with_layouts(make_branch(), "Workshop", [10])
    proposal = propose(client, people["citizen"])
    url = f"/api/v1/proposals/{proposal['id']}"
    changed = client.patch(url, json={"title": "Repair café and bike clinic",
                                      "people_expected": 12},
                           headers=people["citizen"].headers)
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert body["title"] == "Repair café and bike clinic"
    assert body["needs"]["people_expected"] == 12 and body["wants"] == PROPOSAL["wants"]
    assert client.patch(url, json={"title": "Mine now"},
                        headers=people["ole"].headers).status_code == 403
    assert client.patch(url, json={"title": ""},
                        headers=people["citizen"].headers).status_code == 400
    assert client.patch(url, json={"branch_id": 999_999},
                        headers=people["citizen"].headers).status_code == 422
    schedule(client, people, proposal, room, future_day(4))
    late = client.patch(url, json={"title": "Too late"}, headers=people["citizen"].headers)
    assert late.status_code == 409
    assert late.get_json()["errors"][0]["code"] == "proposal_state"
    assert db.session.get(Proposal, proposal["id"]).title == "Repair café and bike clinic"


def test_the_proposer_changes_it_on_a_page(client, people):
    proposal = propose(client, people["citizen"])
    sign_in(client, people["citizen"].user.email, PASSWORD)
    detail = client.get(f"/proposals/{proposal['id']}").get_data(as_text=True)
    assert 'id="edit-proposal"' in detail
    url = f"/proposals/{proposal['id']}/edit"
    form = client.get(url)
    assert form.status_code == 200 and "Repair café" in form.get_data(as_text=True)
    bad = client.post(url, data={"csrf_token": csrf_token(client), "title": "",
                                 "people_expected": "5", "association_id": "0",
                                 "branch_id": "0"})
    assert bad.status_code == 422
    saved = client.post(url, data={"csrf_token": csrf_token(client),
                                   "title": "Repair café on Saturdays",
                                   "people_expected": "6", "association_id": "0",
                                   "branch_id": "0"})
    assert saved.status_code == 302
    stored = db.session.get(Proposal, proposal["id"])
    db.session.refresh(stored)
    assert stored.title == "Repair café on Saturdays" and stored.people_expected == 6
    client.post("/signout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, people["ole"].user.email, PASSWORD)
    assert client.get(url).status_code == 403


def test_a_room_change_that_cancels_its_event_puts_the_proposal_back_in_dialogue(
    client, people
):
    hall = make_hall(make_branch())
    day = future_day(10)
    assert book(client, make_booker(), hall.hall, local(day, 10),
                local(day, 12)).status_code == 201
    proposal = propose(client, people["citizen"])
    answer = client.post(f"/api/v1/proposals/{proposal['id']}/schedule", json={
        "room_id": hall.beside.id, "start": iso(local(day, 10)), "end": iso(local(day, 12))},
        headers=people["staff"].headers)
    assert answer.status_code == 200, answer.get_json()
    widened = {"outline": rect(16, 0, 24, 5), "doors": [door(19, 5, 20, 5, 0.9)],
               "force": True}
    forced = client.patch(f"/api/v1/rooms/{hall.beside.id}", json=widened,
                          headers=people["staff"].headers)
    assert forced.status_code == 200, forced.get_json()
    assert client.get(f"/api/v1/proposals/{proposal['id']}").get_json()["state"] == "dialogue"
