"""My bookings: the dates to come; cancel or move one date, cancel this and following, or all."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from flask_babel import refresh

from app.extensions import db
from app.models import Membership, utcnow
from app.services import bookings
from app.services.bookings import BookingInput
from tests.booking_helpers import book, make_booker, make_staff_headers
from tests.builders import (
    PASSWORD,
    future_day,
    local,
    make_branch,
    make_room,
    make_user,
)
from tests.feed_helpers import vevents
from tests.web_helpers import csrf_token, sign_in


@pytest.fixture
def room(app):
    return make_room(make_branch(name="Main Library"), name="Study room", max_attendees=12)


@pytest.fixture
def booker(app):
    return make_booker()


def weekly(count: int) -> dict:
    return {"recurrence": {"rrule": f"FREQ=WEEKLY;COUNT={count}"}}


def key(start: str) -> str:
    """How the pages name a date in their addresses: its start in UTC."""
    return datetime.fromisoformat(start).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def a_series(client, booker, room, count: int = 4, day: date | None = None) -> dict:
    day = day or future_day(7, weekday=1)
    response = book(client, booker, room, local(day, 18), local(day, 20), title="Chess club",
                    **weekly(count))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def read_api(client, booker, booking_id: int) -> dict:
    return client.get(f"/api/v1/bookings/{booking_id}", headers=booker.headers).get_json()


def statuses(booking: dict) -> list[str]:
    return [o["status"] for o in booking["occurrences"]]


def confirm_and_post(client, path: str, **data) -> tuple[str, object]:
    """The confirmation page's text, then the answer to its button."""
    page = client.get(path)
    assert page.status_code == 200, page.get_data(as_text=True)
    text = page.get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text).group(1)
    action = re.search(r'<form method="post" action="([^"]+)" id="cancel-form">', text).group(1)
    return text, client.post(action.replace("&amp;", "&"), data={"csrf_token": token, **data})


# ------------------------------------------------------------------ the list


def test_my_bookings_lists_upcoming_dates_in_local_time_with_their_actions(client, booker, room):
    series = a_series(client, booker, room, count=5)
    sign_in(client, booker.user.email, PASSWORD)
    text = client.get("/bookings").get_data(as_text=True)
    first = datetime.fromisoformat(series["occurrences"][0]["start"])
    assert first.strftime("%a %d %b %Y, 18:00") + "–20:00" in text
    assert "Study room, Main Library" in text and "5 dates to come" in text
    assert "See all 5 dates" in text
    assert text.count("Move this date") == 3  # the next three dates; the rest on its page
    assert "Cancel this and following" in text and "Cancel all dates" in text


def test_past_and_cancelled_bookings_are_out_of_the_way(client, booker, room):
    day = future_day(7)
    later = book(client, booker, room, local(day, 10), local(day, 11), title="Coming up")
    gone = book(client, booker, room, local(day, 12), local(day, 13), title="Called off")
    assert later.status_code == gone.status_code == 201
    bookings.cancel_booking(booker.user, gone.get_json()["id"])
    long_ago = (utcnow() - timedelta(days=20)).replace(minute=0, second=0, microsecond=0)
    bookings.create_booking(booker.user, BookingInput(
        room_id=room.id, title="Long ago", attendees=4, association_id=booker.association.id,
        start=(long_ago + timedelta(days=1)).isoformat(),
        end=(long_ago + timedelta(days=1, hours=1)).isoformat()), now=long_ago)
    db.session.commit()
    sign_in(client, booker.user.email, PASSWORD)
    text = client.get("/bookings").get_data(as_text=True)
    upcoming, _, rest = text.partition('id="past-heading"')
    assert "Coming up" in upcoming
    assert "Called off" not in upcoming and "Long ago" not in upcoming
    assert "Called off" in rest and "Long ago" in rest and "<details" in text


def test_a_pending_booking_says_who_approves_what_happens_and_since_when(client, booker):
    room = make_room(make_branch(name="Harbour Branch"), name="Reading room",
                     rules={"requires_approval": True})
    day = future_day(8)
    response = book(client, booker, room, local(day, 18), local(day, 20))
    assert response.json["status"] == "pending"
    sign_in(client, booker.user.email, PASSWORD)
    for path in ("/bookings", f"/bookings/{response.json['id']}"):
        text = client.get(path).get_data(as_text=True)
        assert "Waiting for approval since" in text
        assert "Staff at Harbour Branch approve or reject requests for Reading room." in text
        assert "the time is held for you: nobody else can book it" in text
        assert f"You will get an e-mail at {booker.user.email}" in text
    # What the page promises is true: the time is held ...
    other = make_booker()
    assert book(client, other, room, local(day, 19), local(day, 20)).status_code == 409


# ------------------------------------------------------- cancel one date


def test_cancelling_one_date_keeps_the_others_and_the_feed_shows_it_cancelled(
        client, booker, room):
    series = a_series(client, booker, room, count=3)
    second = series["occurrences"][1]["start"]
    sign_in(client, booker.user.email, PASSWORD)
    text, answer = confirm_and_post(
        client, f"/bookings/{series['id']}/dates/{key(second)}/cancel?scope=this")
    assert "1 date will be cancelled" in text
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/bookings")
    assert "1 date is cancelled." in client.get("/bookings").get_data(as_text=True)
    after = read_api(client, booker, series["id"])
    assert statuses(after) == ["confirmed", "cancelled", "confirmed"]
    assert after["sequence"] == series["sequence"] + 1
    assert after["status"] == "confirmed"
    feed = client.get(f"/calendars/rooms/{room.id}.ics").data
    events = vevents(feed)
    master = next(e for e in events if "RRULE" in e)
    cancelled = [e for e in events if "RECURRENCE-ID" in e]
    assert [str(e["STATUS"]) for e in cancelled] == ["CANCELLED"]
    assert cancelled[0]["RECURRENCE-ID"].dt == datetime.fromisoformat(second)
    assert str(master["UID"]) == str(cancelled[0]["UID"])
    assert int(master["SEQUENCE"]) == series["sequence"] + 1


# ------------------------------------------------------------ move a date


def test_moving_one_date_in_local_time_across_the_clock_change(client, booker, room):
    # Tuesdays 16, 23 and 30 March 2027; summer time begins on Sunday 28 March.
    series = a_series(client, booker, room, count=3, day=date(2027, 3, 16))
    third = series["occurrences"][2]["start"]
    sign_in(client, booker.user.email, PASSWORD)
    path = f"/bookings/{series['id']}/dates/{key(third)}/move"
    form = client.get(path).get_data(as_text=True)
    assert 'value="2027-03-30"' in form and 'value="18:00"' in form
    answer = client.post(path, data={"csrf_token": csrf_token(client, path), "day": "2027-03-31",
                                     "start": "17:00", "end": "19:00"})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    after = read_api(client, booker, series["id"])
    assert [o["start"] for o in after["occurrences"]] == [
        "2027-03-16T18:00:00+01:00", "2027-03-23T18:00:00+01:00", "2027-03-31T17:00:00+02:00"]
    assert after["sequence"] == series["sequence"] + 1
    page = client.get(f"/bookings/{series['id']}").get_data(as_text=True)
    assert "Wed 31 Mar 2027, 17:00–19:00" in page


def test_a_move_onto_a_taken_time_is_refused_next_to_the_field(client, booker, room):
    series = a_series(client, booker, room, count=2)
    day = date.fromisoformat(series["occurrences"][1]["start"][:10]) + timedelta(days=1)
    other = make_booker()
    assert book(client, other, room, local(day, 17), local(day, 19)).status_code == 201
    sign_in(client, booker.user.email, PASSWORD)
    second = series["occurrences"][1]["start"]
    path = f"/bookings/{series['id']}/dates/{key(second)}/move"
    answer = client.post(path, data={"csrf_token": csrf_token(client, path),
                                     "day": day.isoformat(), "start": "18:00", "end": "20:00"})
    assert answer.status_code == 409
    text = answer.get_data(as_text=True)
    assert re.search(r'id="start-error">Choose another day or time: this one clashes', text)
    assert 'id="conflict"' in text and 'id="suggestions"' in text
    assert read_api(client, booker, series["id"])["occurrences"] == series["occurrences"]


def test_a_move_that_breaks_a_rule_is_shown_next_to_the_field(client, booker, room):
    series = a_series(client, booker, room, count=2)
    sign_in(client, booker.user.email, PASSWORD)
    first = series["occurrences"][0]["start"]
    path = f"/bookings/{series['id']}/dates/{key(first)}/move"
    answer = client.post(path, data={"csrf_token": csrf_token(client, path),
                                     "day": first[:10], "start": "20:00", "end": "19:00"})
    assert answer.status_code == 422
    assert 'id="end-error"' in answer.get_data(as_text=True)
    assert read_api(client, booker, series["id"])["occurrences"] == series["occurrences"]


# ------------------------------------------- cancel this and following, all


def test_cancelling_this_and_the_following_dates(client, booker, room):
    series = a_series(client, booker, room, count=4)
    second = series["occurrences"][1]["start"]
    sign_in(client, booker.user.email, PASSWORD)
    text, answer = confirm_and_post(
        client, f"/bookings/{series['id']}/dates/{key(second)}/cancel?scope=following&back=booking",
        back="booking")
    assert "3 dates will be cancelled" in text
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(f"/bookings/{series['id']}")
    after = read_api(client, booker, series["id"])
    assert statuses(after) == ["confirmed", "cancelled", "cancelled", "cancelled"]
    assert after["uid"] == series["uid"] and after["sequence"] == series["sequence"] + 1


def test_cancelling_all_dates_says_how_many_first(client, booker, room):
    series = a_series(client, booker, room, count=4)
    client.delete(f"/api/v1/bookings/{series['id']}/occurrences/"
                  f"{series['occurrences'][3]['start']}", headers=booker.headers)
    sign_in(client, booker.user.email, PASSWORD)
    text, answer = confirm_and_post(client, f"/bookings/{series['id']}/cancel")
    assert "3 dates will be cancelled" in text
    assert answer.status_code == 302
    after = read_api(client, booker, series["id"])
    assert after["status"] == "cancelled" and set(statuses(after)) == {"cancelled"}
    assert after["uid"] == series["uid"]


# ----------------------------------------------------------------- access


def cancel_paths(series: dict) -> list[str]:
    start = key(series["occurrences"][1]["start"])
    return [f"/bookings/{series['id']}/dates/{start}/cancel?scope=this",
            f"/bookings/{series['id']}/dates/{start}/cancel?scope=following",
            f"/bookings/{series['id']}/dates/{start}/move",
            f"/bookings/{series['id']}/cancel"]


def test_another_member_cannot_see_or_change_the_dates(client, booker, room):
    series = a_series(client, booker, room, count=3)
    stranger = make_user()
    sign_in(client, stranger.email, PASSWORD)
    token = csrf_token(client, "/")
    for path in cancel_paths(series):
        assert client.get(path).status_code == 404, path
        assert client.post(path, data={"csrf_token": token}).status_code == 404, path
    assert statuses(read_api(client, booker, series["id"])) == ["confirmed"] * 3


def test_a_plain_member_of_the_association_sees_but_may_not_change(client, booker, room):
    series = a_series(client, booker, room, count=3)
    member = make_user()
    db.session.add(Membership(user=member, association=booker.association, role="member"))
    db.session.commit()
    sign_in(client, member.email, PASSWORD)
    token = csrf_token(client, "/")
    assert "Chess club" in client.get("/bookings").get_data(as_text=True)
    assert "Move this date" not in client.get("/bookings").get_data(as_text=True)
    for path in cancel_paths(series):
        assert client.get(path).status_code == 403, path
        assert client.post(path, data={"csrf_token": token, "day": "2030-01-01",
                                       "start": "10:00", "end": "11:00"}).status_code == 403, path
    assert statuses(read_api(client, booker, series["id"])) == ["confirmed"] * 3


@pytest.mark.parametrize("who", ["admin", "staff"])
def test_an_association_admin_and_staff_may_cancel_a_date(client, booker, room, who):
    series = a_series(client, booker, room, count=3)
    if who == "admin":
        actor = make_user()
        db.session.add(Membership(user=actor, association=booker.association, role="admin"))
        db.session.commit()
    else:
        actor = make_user("staff")
    sign_in(client, actor.email, PASSWORD)
    _, answer = confirm_and_post(client, cancel_paths(series)[0])
    assert answer.status_code == 302
    assert statuses(read_api(client, booker, series["id"])) == [
        "confirmed", "cancelled", "confirmed"]


def test_a_cancellation_needs_the_csrf_token_of_its_confirmation(client, booker, room):
    series = a_series(client, booker, room, count=3)
    sign_in(client, booker.user.email, PASSWORD)
    for path in cancel_paths(series):
        assert client.post(path, data={}).status_code == 400, path
    assert statuses(read_api(client, booker, series["id"])) == ["confirmed"] * 3
    _, answer = confirm_and_post(client, cancel_paths(series)[0])
    assert answer.status_code == 302
    assert statuses(read_api(client, booker, series["id"])) == [
        "confirmed", "cancelled", "confirmed"]


def test_a_date_the_booking_does_not_have_is_404(client, booker, room):
    series = a_series(client, booker, room, count=2)
    sign_in(client, booker.user.email, PASSWORD)
    never = f"/bookings/{series['id']}/dates/2031-01-01T10:00:00Z/cancel"
    assert client.get(never).status_code == 404
    assert client.get(f"/bookings/{series['id']}/dates/nonsense/move").status_code == 404
    start = key(series["occurrences"][0]["start"])
    assert client.get(f"/bookings/{series['id']}/dates/{start}/cancel?scope=all").status_code == 400


# -------------------------------------------------------------------- API


def test_the_api_cancels_this_and_the_following_dates(client, booker, room):
    series = a_series(client, booker, room, count=4)
    third = series["occurrences"][2]["start"]
    response = client.delete(f"/api/v1/bookings/{series['id']}/occurrences/{third}"
                             "?scope=following", headers=booker.headers)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert statuses(body) == ["confirmed", "confirmed", "cancelled", "cancelled"]
    assert body["uid"] == series["uid"] and body["sequence"] == series["sequence"] + 1
    assert body["status"] == "confirmed"
    # From the first date on, it is every date: the booking itself is cancelled.
    first = series["occurrences"][0]["start"]
    response = client.delete(f"/api/v1/bookings/{series['id']}/occurrences/{first}"
                             "?scope=following", headers=booker.headers)
    assert response.get_json()["status"] == "cancelled"


def test_the_api_refuses_an_unknown_scope_and_strangers(client, booker, room):
    series = a_series(client, booker, room, count=2)
    first = series["occurrences"][0]["start"]
    path = f"/api/v1/bookings/{series['id']}/occurrences/{first}"
    bad = client.delete(f"{path}?scope=everything", headers=booker.headers)
    assert bad.status_code == 400
    assert bad.headers["Content-Type"].startswith("application/problem+json")
    stranger = make_booker()
    assert client.delete(f"{path}?scope=following", headers=stranger.headers).status_code == 404
    assert client.delete(f"{path}?scope=following",
                         headers=make_staff_headers()).status_code == 200


def test_my_bookings_speaks_danish(client, booker, room):
    series = a_series(client, booker, room, count=2)
    sign_in(client, booker.user.email, PASSWORD)
    danish = {"Accept-Language": "da"}
    # The tests' app context outlives each request: forget the English it remembered.
    refresh()
    text = client.get("/bookings", headers=danish).get_data(as_text=True)
    assert "Dine bookinger" in text and "Aflys denne dato" in text and "Flyt denne dato" in text
    second = key(series["occurrences"][1]["start"])
    confirm = client.get(f"/bookings/{series['id']}/dates/{second}/cancel?scope=following",
                         headers=danish).get_data(as_text=True)
    assert "1 dato bliver aflyst" in confirm and "Ja, aflys 1 dato" in confirm
