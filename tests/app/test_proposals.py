"""Proposals: a citizen proposes, others say "I'd come", staff talk over coffee and host it.

The e-mails go to a real SMTP server (aiosmtpd), each with its .ics; scheduling books
through the booking service, so the event is on What's on and in the feeds.
"""

from __future__ import annotations

import pytest
from icalendar import Calendar
from sqlalchemy import select

from app.extensions import db
from app.models import Booking, Layout, Proposal
from tests.app.test_mail import Inbox, finished, smtp  # noqa: F401 (the SMTP fixture)
from tests.booking_helpers import book, make_booker
from tests.builders import (
    bearer,
    future_day,
    iso,
    local,
    make_association,
    make_branch,
    make_token,
    make_user,
)
from tests.layout_helpers import room_with_layouts


class Person:
    """A signed-up person with an API token."""

    def __init__(self, role: str = "member", name: str = "") -> None:
        self.user = make_user(role)
        if name:
            self.user.name = name
            db.session.commit()
        self.headers = bearer(make_token(self.user))


@pytest.fixture
def people(app):
    return {"citizen": Person(name="Aisha"), "ole": Person(name="Ole"),
            "mette": Person(name="Mette"), "staff": Person("staff", "Birgit")}


PROPOSAL = {
    "title": "Repair café", "for_whom": "Neighbours with broken toasters and bikes",
    "wants": "Fix things together instead of throwing them away.", "people_expected": 3,
    "room_kind": "a workshop or a hall", "furniture": "tables, sockets",
    "staff_help": "someone to open the makerspace", "timing": "a Saturday in spring",
}


def propose(client, person: Person, **overrides):
    response = client.post("/api/v1/proposals", json={**PROPOSAL, **overrides},
                           headers=person.headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def say(client, person: Person, proposal_id: int, kind: str = "come", notify: bool = True):
    return client.post(f"/api/v1/proposals/{proposal_id}/support",
                       json={"kind": kind, "notify": notify}, headers=person.headers)


def invitation(message) -> Calendar:
    (attachment,) = [part for part in message.iter_attachments()
                     if part.get_filename() == "invite.ics"]
    return Calendar.from_ical(attachment.get_content())


def test_a_proposal_two_would_come_to_is_scheduled_into_a_room_that_holds_them_and_all_are_told(
    client, smtp, people  # noqa: F811
):
    branch = make_branch(name="North Library")
    room_with_layouts(branch, "Small study", [2])
    hall = room_with_layouts(branch, "Workshop", [5, 40])
    proposal = propose(client, people["citizen"], branch_id=branch.id)
    assert proposal["state"] == "proposed" and proposal["come"] == 0
    for person in (people["ole"], people["mette"]):
        assert say(client, person, proposal["id"]).status_code == 200
    day = future_day(3)
    start, end = local(day, 10), local(day, 13)

    rooms = client.get(f"/api/v1/proposals/{proposal['id']}/rooms",
                       query_string={"start": iso(start), "end": iso(end)},
                       headers=people["staff"].headers).get_json()
    assert rooms["people"] == 3  # the two who would come, and the proposer
    first = rooms["items"][0]
    assert first["room"]["name"] == "Workshop" and first["layout"]["name"] == "5 chairs"
    assert first["capacity"] >= 3 and first["arrange"] is False
    assert [item["room"]["name"] for item in rooms["items"] if not item["arrange"]] == [
        "Workshop"]  # the study's only layout holds two

    answer = finished(client.post(f"/api/v1/proposals/{proposal['id']}/schedule", json={
        "room_id": hall.id, "layout_id": first["layout"]["id"],
        "start": iso(start), "end": iso(end)}, headers=people["staff"].headers))
    assert answer.status_code == 200, answer.get_json()
    scheduled = answer.get_json()
    assert scheduled["state"] == "scheduled"
    booking = db.session.get(Booking, scheduled["event_id"])
    assert booking.public and booking.status == "confirmed" and booking.attendees == 3
    assert booking.title == "Repair café" and booking.room_id == hall.id

    told = {recipients[0]: message for recipients, message in zip(
        smtp.recipients, smtp.messages, strict=True)}
    for person in ("citizen", "ole", "mette"):
        message = told[people[person].user.email]
        assert "Repair café" in message["Subject"]
        event = invitation(message).walk("VEVENT")[0]
        assert str(event["UID"]) == booking.uid
        assert event["DTSTART"].dt == start
        assert "Workshop, North Library" in message.get_body(("plain",)).get_content()

    events = client.get("/api/v1/events").get_json()["items"]
    assert [e["title"] for e in events] == ["Repair café"]
    whats_on = client.get("/").get_data(as_text=True)
    assert "Repair café" in whats_on and "/proposals" in whats_on
    page = client.get(f"/events/{booking.id}").get_data(as_text=True)
    assert "Hosted by the library with Aisha" in page
    feed = client.get(f"/calendars/branches/{branch.id}/events.ics").get_data(as_text=True)
    assert "Repair café" in feed


def test_an_associations_proposal_is_booked_with_the_association_as_co_host(
    client, people
):
    branch = make_branch()
    room = room_with_layouts(branch, "Hall", [10])
    citizen = people["citizen"]
    club = make_association(citizen.user)
    proposal = propose(client, citizen, association_id=club.id)
    day = future_day(4)
    answer = client.post(f"/api/v1/proposals/{proposal['id']}/schedule", json={
        "room_id": room.id, "layout_id": room.layouts[0].id,
        "start": iso(local(day, 18)), "end": iso(local(day, 20))},
        headers=people["staff"].headers)
    assert answer.status_code == 200, answer.get_json()
    booking = db.session.get(Booking, answer.get_json()["event_id"])
    assert booking.association_id == club.id
    assert answer.get_json()["association"]["name"] == club.name


def test_when_no_saved_layout_holds_them_the_planner_arranges_the_room(client, people):
    branch = make_branch()
    room = room_with_layouts(branch, "Reading room", [2])
    proposal = propose(client, people["citizen"])
    for person in (people["ole"], people["mette"]):
        say(client, person, proposal["id"])
    day = future_day(5)
    window = {"start": iso(local(day, 10)), "end": iso(local(day, 12))}
    rooms = client.get(f"/api/v1/proposals/{proposal['id']}/rooms", query_string=window,
                       headers=people["staff"].headers).get_json()
    (candidate,) = rooms["items"]
    assert candidate["arrange"] is True and candidate["layout"] is None
    answer = client.post(f"/api/v1/proposals/{proposal['id']}/schedule", json={
        "room_id": room.id, "arrange": "theatre", **window}, headers=people["staff"].headers)
    assert answer.status_code == 200, answer.get_json()
    booking = db.session.get(Booking, answer.get_json()["event_id"])
    layout = db.session.get(Layout, booking.layout_id)
    assert layout.room_id == room.id and layout.capacity >= 3 and layout.style == "theatre"


def test_scheduling_keeps_every_booking_rule_and_changes_nothing_on_a_clash(client, people):
    branch = make_branch()
    room = room_with_layouts(branch, "Hall", [10])
    day = future_day(6)
    booker = make_booker()
    taken = book(client, booker, room, local(day, 10), local(day, 12))
    assert taken.status_code == 201
    proposal = propose(client, people["citizen"])
    answer = client.post(f"/api/v1/proposals/{proposal['id']}/schedule", json={
        "room_id": room.id, "layout_id": room.layouts[0].id,
        "start": iso(local(day, 11)), "end": iso(local(day, 13))},
        headers=people["staff"].headers)
    assert answer.status_code == 409
    again = client.get(f"/api/v1/proposals/{proposal['id']}").get_json()
    assert again["state"] == "proposed" and again["event_id"] is None
    assert db.session.scalar(select(Booking).where(Booking.title == "Repair café")) is None


def test_id_come_counts_once_and_is_taken_back_as_easily(client, people):
    proposal = propose(client, people["citizen"])
    ole = people["ole"]
    say(client, ole, proposal["id"], notify=False)
    twice = say(client, ole, proposal["id"], notify=True).get_json()
    assert twice["come"] == 1 and twice["mine"] == {"come": True, "help": False,
                                                    "notify": True}
    helped = say(client, ole, proposal["id"], kind="help", notify=False).get_json()
    assert helped["help"] == 1
    back = client.delete(f"/api/v1/proposals/{proposal['id']}/support",
                         query_string={"kind": "come"}, headers=ole.headers).get_json()
    assert back["come"] == 0 and back["help"] == 1 and back["mine"]["come"] is False
    public = client.get(f"/api/v1/proposals/{proposal['id']}").get_json()
    assert public["mine"] is None and public["come"] == 0


def test_only_those_who_would_come_ask_to_be_told(client, people):
    proposal = propose(client, people["citizen"])
    answer = say(client, people["ole"], proposal["id"], kind="help", notify=True)
    assert answer.status_code == 422
    assert answer.get_json()["errors"][0]["code"] == "notify_needs_come"


def test_the_list_shows_the_newest_or_the_most_wanted_first(client, people):
    quiet = propose(client, people["citizen"], title="Knitting circle")
    loved = propose(client, people["citizen"], title="Board games")
    newest = propose(client, people["citizen"], title="Poetry slam")
    for person in (people["ole"], people["mette"]):
        say(client, person, loved["id"])
    say(client, people["ole"], quiet["id"])
    by_time = client.get("/api/v1/proposals").get_json()["items"]
    assert [p["id"] for p in by_time] == [newest["id"], loved["id"], quiet["id"]]
    wanted = client.get("/api/v1/proposals?order=wanted&limit=2").get_json()
    assert [p["id"] for p in wanted["items"]] == [loved["id"], quiet["id"]]
    rest = client.get(f"/api/v1/proposals?order=wanted&cursor={wanted['next_cursor']}")
    assert [p["id"] for p in rest.get_json()["items"]] == [newest["id"]]
    page = client.get("/proposals?order=wanted").get_data(as_text=True)
    assert page.index("Board games") < page.index("Knitting circle") < page.index("Poetry slam")


def test_not_now_needs_a_kind_reason_which_the_proposer_reads(client, smtp, people):  # noqa: F811
    proposal = propose(client, people["citizen"])
    url = f"/api/v1/proposals/{proposal['id']}/state"
    staff = people["staff"].headers
    bare = client.post(url, json={"state": "not_now"}, headers=staff)
    assert bare.status_code == 422
    assert bare.get_json()["errors"][0]["code"] == "reason_required"
    reason = "The makerspace is being rebuilt until June; we would love to try again then."
    answer = finished(client.post(url, json={"state": "not_now", "reason": reason},
                                  headers=staff))
    assert answer.status_code == 200 and answer.get_json()["not_now_reason"] == reason
    page = client.get(f"/proposals/{proposal['id']}").get_data(as_text=True)
    assert "Not now." in page and "rebuilt until June" in page
    (message,) = smtp.messages
    assert smtp.recipients == [[people["citizen"].user.email]]
    assert "rebuilt until June" in message.get_body(("plain",)).get_content()
    member = client.post(url, json={"state": "dialogue"}, headers=people["ole"].headers)
    assert member.status_code == 403


def test_a_transition_that_is_not_allowed_is_a_409_proposal_state(client, people):
    proposal = propose(client, people["citizen"])
    url = f"/api/v1/proposals/{proposal['id']}/state"
    answer = client.post(url, json={"state": "happened"}, headers=people["staff"].headers)
    assert answer.status_code == 409
    assert answer.get_json()["errors"][0]["code"] == "proposal_state"
    assert db.session.get(Proposal, proposal["id"]).state == "proposed"


def test_coffee_asked_for_by_the_proposer_and_offered_by_staff_invites_both_in_their_language(
    client, smtp, people  # noqa: F811
):
    branch = make_branch(name="Harbour Library")
    people["staff"].user.language = "da"
    db.session.commit()
    proposal = propose(client, people["citizen"])
    url = f"/api/v1/proposals/{proposal['id']}/coffee"
    assert client.post(url, headers=people["ole"].headers).status_code == 403
    asked = client.post(url, headers=people["citizen"].headers)
    assert asked.status_code == 200 and asked.get_json()["coffee"]["requested_at"]
    day = future_day(2)
    offered = finished(client.post(url, json={
        "start": iso(local(day, 10)), "end": iso(local(day, 10, 30)),
        "branch_id": branch.id, "place": "the café by the entrance"},
        headers=people["staff"].headers))
    assert offered.status_code == 200, offered.get_json()
    body = offered.get_json()
    assert body["state"] == "dialogue"
    assert body["coffee"]["start"] == iso(local(day, 10))
    assert sorted(r[0] for r in smtp.recipients) == sorted(
        [people["citizen"].user.email, people["staff"].user.email])
    for message in smtp.messages:
        event = invitation(message).walk("VEVENT")[0]
        assert event["DTSTART"].dt == local(day, 10)
        assert "Harbour Library" in str(event["LOCATION"])
        assert "Repair café" in message["Subject"]
    subjects = {r[0]: m["Subject"] for r, m in zip(smtp.recipients, smtp.messages, strict=True)}
    assert subjects[people["citizen"].user.email].startswith("A cup of coffee about")
    assert subjects[people["staff"].user.email].startswith("En kop kaffe om")


def test_proposing_needs_a_sign_in_and_a_title(client, people):
    assert client.post("/api/v1/proposals", json=PROPOSAL).status_code == 401
    answer = client.post("/api/v1/proposals", json={**PROPOSAL, "title": ""},
                         headers=people["citizen"].headers)
    assert answer.status_code == 400
    club = make_association()
    foreign = client.post("/api/v1/proposals", json={**PROPOSAL, "association_id": club.id},
                          headers=people["citizen"].headers)
    assert foreign.status_code == 403
    assert db.session.scalar(select(Proposal)) is None
