"""The proposal pages through the test client: forms with CSRF, errors next to their field."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Booking, Proposal, ProposalSupport
from tests.builders import PASSWORD, future_day, make_branch, make_user
from tests.layout_helpers import room_with_layouts
from tests.web_helpers import csrf_token, sign_in


@pytest.fixture
def citizen(app):
    return make_user()


@pytest.fixture
def proposal(app, citizen):
    proposal = Proposal(author_id=citizen.id, title="Language café", state="proposed",
                        people_expected=8)
    db.session.add(proposal)
    db.session.commit()
    return proposal


def signed_in(app, user):
    client = app.test_client()
    assert sign_in(client, user.email, PASSWORD).status_code == 302
    return client


def test_proposing_needs_a_sign_in_and_shows_a_missing_title_next_to_its_field(app, client,
                                                                              citizen):
    assert client.get("/proposals/new").status_code == 302
    client = signed_in(app, citizen)
    token = csrf_token(client, "/proposals/new")
    bad = client.post("/proposals/new", data={"csrf_token": token, "title": "",
                                              "people_expected": "5", "association_id": "0",
                                              "branch_id": "0"})
    assert bad.status_code == 422
    assert 'id="title-error"' in bad.get_data(as_text=True)
    good = client.post("/proposals/new", data={
        "csrf_token": token, "title": "Chess for seniors", "for_whom": "Retired neighbours",
        "people_expected": "12", "association_id": "0", "branch_id": "0"})
    assert good.status_code == 302
    proposal = db.session.scalar(select(Proposal))
    assert good.headers["Location"].endswith(f"/proposals/{proposal.id}")
    assert proposal.author_id == citizen.id and proposal.people_expected == 12


def test_one_click_to_come_to_be_told_and_to_take_it_back(app, proposal):
    neighbour = make_user()
    client = signed_in(app, neighbour)
    url = f"/proposals/{proposal.id}"
    token = csrf_token(client, url)
    for action in ("add", "notify"):
        answer = client.post(f"{url}/support", data={"csrf_token": token, "kind": "come",
                                                     "action": action})
        assert answer.status_code == 302
    (support,) = db.session.scalars(select(ProposalSupport)).all()
    assert support.kind == "come" and support.notify
    page = client.get(url).get_data(as_text=True)
    assert "1 would come" in page and 'id="come-quiet"' in page
    client.post(f"{url}/support", data={"csrf_token": token, "kind": "come",
                                        "action": "remove"})
    assert db.session.scalars(select(ProposalSupport)).all() == []
    assert client.post(f"{url}/support", data={"kind": "come", "action": "add"}).status_code \
        == 400  # no CSRF token


def test_not_now_without_a_reason_is_refused_next_to_the_field(app, proposal):
    staff = signed_in(app, make_user("staff"))
    url = f"/proposals/{proposal.id}"
    token = csrf_token(staff, url)
    bare = staff.post(f"{url}/state", data={"csrf_token": token, "state": "not_now"})
    assert bare.status_code == 422
    assert 'id="reason-error"' in bare.get_data(as_text=True)
    kind = staff.post(f"{url}/state", data={"csrf_token": token, "state": "not_now",
                                            "reason": "We have no room for it before autumn."})
    assert kind.status_code == 302
    page = app.test_client().get(url).get_data(as_text=True)
    assert "Not now." in page and "before autumn" in page


def test_members_may_not_host(app, proposal, citizen):
    client = signed_in(app, citizen)
    url = f"/proposals/{proposal.id}"
    token = csrf_token(client, url)
    assert client.post(f"{url}/state", data={"csrf_token": token,
                                              "state": "dialogue"}).status_code == 403
    assert 'id="host"' not in client.get(url).get_data(as_text=True)


def test_staff_find_a_room_and_schedule_it_from_the_page(app, proposal):
    branch = make_branch(name="East Library")
    room = room_with_layouts(branch, "Café corner", [10])
    staff = signed_in(app, make_user("staff"))
    url = f"/proposals/{proposal.id}"
    day = future_day(4).isoformat()
    search = staff.get(url, query_string={"branch_id": branch.id, "day": day,
                                          "start": "17:00", "end": "19:00"})
    page = search.get_data(as_text=True)
    assert "Schedule in Café corner" in page and "layout 10 chairs holds 10" in page
    token = csrf_token(staff, url)
    answer = staff.post(f"{url}/schedule", data={
        "csrf_token": token, "room_id": room.id, "layout_id": room.layouts[0].id,
        "arrange": "", "branch_id": branch.id, "day": day, "start": "17:00", "end": "19:00"})
    assert answer.status_code == 302
    booking = db.session.scalar(select(Booking))
    assert booking.title == "Language café" and booking.public
    assert db.session.get(Proposal, proposal.id).state == "scheduled"


def test_a_coffee_time_that_has_passed_is_refused_next_to_the_field(app, proposal):
    branch = make_branch()
    staff = signed_in(app, make_user("staff"))
    url = f"/proposals/{proposal.id}"
    token = csrf_token(staff, url)
    answer = staff.post(f"{url}/coffee/offer", data={
        "csrf_token": token, "branch_id": branch.id, "place": "Café", "day": "2020-01-06",
        "start": "10:00", "end": "10:30"})
    assert answer.status_code == 422
    assert "Offer a time that has not passed." in answer.get_data(as_text=True)
    assert db.session.get(Proposal, proposal.id).coffee_start is None
