"""What's on: anyone finds tonight's public events, their pages and calendar files, and
never a private or pending booking."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event as sa_event

from app.extensions import db
from app.models import Booking
from app.services import tokens, whats_on
from tests.booking_helpers import book, make_booker, make_staff_headers
from tests.builders import future_day, local, make_branch, make_room, rect, tonight
from tests.feed_helpers import read, vevents

BASE = "http://agora.test"


@pytest.fixture
def branch(app):
    return make_branch(name="Main Library")


@pytest.fixture
def room(branch):
    return make_room(branch, name="Hall A")


@pytest.fixture
def booker(app):
    return make_booker()


@pytest.fixture
def staff_headers(app):
    return make_staff_headers()


def public_event(client, booker, staff_headers, room, start, end, **extra):
    """A confirmed public event of the booker's association (booked by staff, so it may
    already have begun)."""
    body = {"room_id": room.id, "title": extra.pop("title", "Chess night"), "attendees": 12,
            "start": start.isoformat(), "end": end.isoformat(),
            "association_id": booker.association.id, "public": True, **extra}
    response = client.post("/api/v1/bookings", json=body, headers=staff_headers)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["status"] == "confirmed"
    return response.get_json()


def hidden_bookings(client, booker, branch):
    """A private booking and a pending public one, both in the coming week."""
    day = future_day(2)
    office = make_room(branch, rect(20, 0, 30, 8), name="Back office")
    private = book(client, booker, office, local(day, 10), local(day, 11),
                   title="Secret summit", public=False)
    approval_room = make_room(branch, rect(40, 0, 50, 8), name="Gallery",
                              rules={"requires_approval": True})
    pending = book(client, booker, approval_room, local(day, 12), local(day, 13),
                   title="Pending picnic", public=True)
    assert private.status_code == pending.status_code == 201
    assert pending.get_json()["status"] == "pending"
    return private.get_json(), pending.get_json()


def section(page: str, heading: str) -> str:
    """The HTML of the <section> whose h2 starts with ``heading``."""
    for part in page.split("<section")[1:]:
        if re.search(rf"<h2[^>]*>{re.escape(heading)}", part):
            return part.split("</section>")[0]
    raise AssertionError(f"no section {heading!r}")


# --------------------------------------------------------------------- the home page


def test_anonymous_sees_tonights_public_event_on_home_in_local_time(
    client, room, booker, staff_headers
):
    start, end = tonight()
    created = public_event(client, booker, staff_headers, room, start, end)
    response = client.get("/")
    assert response.status_code == 200
    today = section(response.get_data(as_text=True), "Today")
    assert "Chess night" in today
    assert f'href="/events/{created["id"]}"' in today
    assert f'<time datetime="{start.isoformat()}">{start:%H:%M}</time>' in today
    assert f'<time datetime="{end.isoformat()}">{end:%H:%M}</time>' in today
    assert "Hall A, Main Library" in today
    assert (f'<a href="/associations/{booker.association.id}">{booker.association.name}</a>'
            in today)


def test_private_and_pending_bookings_never_appear_anywhere_public(
    client, branch, room, booker, staff_headers
):
    start, end = tonight()
    public_event(client, booker, staff_headers, room, start, end)
    private, pending = hidden_bookings(client, booker, branch)
    listed = client.get("/api/v1/events").get_data(as_text=True)
    assert "Chess night" in listed
    home = client.get("/").get_data(as_text=True)
    assert "Chess night" in home
    for text in (home, listed):
        assert "Secret summit" not in text and "Pending picnic" not in text
    for hidden in (private, pending):
        for path in (f"/events/{hidden['id']}", f"/events/{hidden['id']}.ics",
                     f"/api/v1/events/{hidden['id']}"):
            response = client.get(path)
            assert response.status_code == 404, path
            assert hidden["title"] not in response.get_data(as_text=True)


def test_the_home_page_groups_the_week_by_local_day_and_stops_after_seven_days(
    app, room, booker, staff_headers, client
):
    first = future_day(10)
    for offset, title in ((0, "Day one"), (1, "Day two"), (7, "Day eight"), (8, "Day nine")):
        day = first + timedelta(days=offset)
        public_event(client, booker, staff_headers, room, local(day, 18), local(day, 20),
                     title=title)
    late = local(first, 23, 30)
    public_event(client, booker, staff_headers, room, late, late + timedelta(hours=1),
                 title="Late show")
    now = local(first, 12)
    days = whats_on.whats_on(now)
    shown = [(day.offset, [e.title for e in day.events]) for day in days]
    assert shown == [(0, ["Day one", "Late show"]), (1, ["Day two"]), (7, ["Day eight"])]
    assert days[0].events[0].start == local(first, 18)
    assert days[0].events[0].start.utcoffset() == local(first, 18).utcoffset()


def test_an_event_that_has_ended_leaves_todays_list(app, room, booker, staff_headers, client):
    day = future_day(5)
    public_event(client, booker, staff_headers, room, local(day, 9), local(day, 10),
                 title="Morning")
    public_event(client, booker, staff_headers, room, local(day, 18), local(day, 19),
                 title="Evening")
    (today,) = whats_on.whats_on(local(day, 12))
    assert [e.title for e in today.events] == ["Evening"]


def test_an_event_still_going_after_midnight_is_todays(app, room, booker, staff_headers,
                                                        client):
    day = future_day(5)
    public_event(client, booker, staff_headers, room, local(day, 22),
                 local(day + timedelta(days=1), 2), title="Night of the museums")
    public_event(client, booker, staff_headers, room, local(day + timedelta(days=1), 18),
                 local(day + timedelta(days=1), 19), title="Evening")
    (today,) = whats_on.whats_on(local(day + timedelta(days=1), 1))
    assert today.offset == 0 and today.date == day + timedelta(days=1)
    assert [e.title for e in today.events] == ["Night of the museums", "Evening"]


def test_the_home_page_reads_its_events_in_one_query(app, room, booker, staff_headers, client):
    first = future_day(10)
    for offset in range(6):
        day = first + timedelta(days=offset)
        public_event(client, booker, staff_headers, room, local(day, 18), local(day, 20),
                     title=f"Event {offset}")
    statements = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", count)
    try:
        days = whats_on.whats_on(local(first, 12))
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", count)
    assert sum(len(day.events) for day in days) == 6
    assert [e.association_name for day in days for e in day.events] == [
        booker.association.name] * 6
    queries = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(queries) == 1, statements


def test_the_home_page_costs_the_same_statements_for_two_events_as_for_eight(
    client, branch, booker, staff_headers
):
    def statements_for_home() -> int:
        statements = []

        def count(*_args) -> None:
            statements.append(1)

        sa_event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get("/").status_code == 200
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    rooms = [make_room(branch, rect(20 * n + 20, 0, 20 * n + 30, 8), name=f"Room {n}")
             for n in range(8)]
    start, end = tonight()
    for room in rooms[:2]:
        public_event(client, booker, staff_headers, room, start, end)
    few = statements_for_home()
    other = make_booker()
    for room in rooms[2:]:
        public_event(client, other, staff_headers, room, start, end)
    assert client.get("/").get_data(as_text=True).count("Chess night") == 8
    assert statements_for_home() == few


def test_an_empty_week_says_nothing_is_on_and_points_to_rooms_and_feeds(client, branch):
    page = client.get("/").get_data(as_text=True)
    assert "Nothing is on" in page
    assert 'href="/rooms"' in page
    assert f"webcal://agora.test/calendars/branches/{branch.id}/events.ics" in page


def test_rooms_have_their_own_page_and_the_header_links_both(client, room):
    page = client.get("/rooms").get_data(as_text=True)
    assert "Rooms to book" in page and "Hall A" in page
    assert '<a href="/" aria-current="page">What\'s on</a>' in client.get("/").get_data(
        as_text=True)
    assert '<a href="/rooms" aria-current="page">Rooms</a>' in page


# --------------------------------------------------------------------- the event page


def test_the_event_page_works_signed_out(client, room, booker, staff_headers):
    start, end = tonight()
    created = public_event(client, booker, staff_headers, room, start, end,
                           description="Bring your own board.")
    response = client.get(f"/events/{created['id']}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count("<h1>") == 1 and "<h1>Chess night</h1>" in page
    assert "Bring your own board." in page
    assert booker.association.name in page and "Hall A, Main Library" in page
    assert f'<time datetime="{start.isoformat()}">' in page
    assert f'href="/events/{created["id"]}.ics"' in page
    assert f"webcal://agora.test/calendars/branches/{room.branch_id}/events.ics" in page
    assert "Cancelled" not in page


def test_a_cancelled_event_says_so_plainly(client, room, booker, staff_headers):
    start, end = tonight()
    created = public_event(client, booker, staff_headers, room, start, end)
    assert client.delete(f"/api/v1/bookings/{created['id']}",
                         headers=staff_headers).status_code in (200, 204)
    page = client.get(f"/events/{created['id']}").get_data(as_text=True)
    assert "<strong>Cancelled.</strong>" in page
    assert "Chess night" not in client.get("/").get_data(as_text=True)
    assert client.get(f"/api/v1/events/{created['id']}").get_json()["status"] == "cancelled"


def test_a_series_page_shows_its_next_dates_and_the_chosen_one(
    client, room, booker, staff_headers
):
    day = future_day(3)
    created = public_event(client, booker, staff_headers, room, local(day, 18),
                           local(day, 20), recurrence={"rrule": "FREQ=WEEKLY;COUNT=4"})
    third = day + timedelta(days=14)
    response = client.get(f"/events/{created['id']}?date={third.isoformat()}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    chosen = page.split('id="chosen-date"')[1].split("</p>")[0]
    assert f'<time datetime="{local(third, 18).isoformat()}">' in chosen
    dates = page.split('<ul class="dates">')[1].split("</ul>")[0]
    assert dates.count("<li>") == 4
    assert client.get(f"/events/{created['id']}?date=soon").status_code == 400
    for far in ("0001-01-01", "9999-12-31"):
        response = client.get(f"/events/{created['id']}?date={far}")
        assert response.status_code == 200
        assert 'id="chosen-date"' not in response.get_data(as_text=True)


def test_a_cancelled_date_of_a_series_leaves_the_lists_and_reads_cancelled_on_its_page(
    client, room, booker, staff_headers
):
    day = future_day(3)
    created = public_event(client, booker, staff_headers, room, local(day, 18),
                           local(day, 20), recurrence={"rrule": "FREQ=WEEKLY;COUNT=3"})
    second = local(day + timedelta(days=7), 18)
    cancelled = client.delete(f"/api/v1/bookings/{created['id']}/occurrences/"
                              f"{second.isoformat()}", headers=staff_headers)
    assert cancelled.status_code in (200, 204), cancelled.get_data(as_text=True)
    window = {"start": local(day, 0).isoformat(),
              "end": local(day + timedelta(days=20), 0).isoformat()}
    starts = [i["start"] for i in
              client.get("/api/v1/events", query_string=window).get_json()["items"]]
    assert starts == [local(day, 18).isoformat(),
                      local(day + timedelta(days=14), 18).isoformat()]
    page = client.get(f"/events/{created['id']}?date={second.date().isoformat()}")
    chosen = page.get_data(as_text=True).split('id="chosen-date"')[1].split("</p>")[0]
    assert f'<time datetime="{second.isoformat()}">' in chosen
    assert "cancelled" in chosen


def test_a_missing_event_is_a_friendly_404(client, app):
    response = client.get("/events/424242")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


# --------------------------------------------------------------------- feeds and .ics


def test_the_feed_url_of_a_public_event_is_its_public_page(client, branch, room, booker,
                                                          staff_headers):
    start, end = tonight()
    created = public_event(client, booker, staff_headers, room, start, end)
    private, _ = hidden_bookings(client, booker, branch)
    body = client.get(f"/calendars/branches/{branch.id}/events.ics").data
    (vevent,) = vevents(body)
    url = str(vevent["URL"])
    assert url == f"{BASE}/events/{created['id']}"
    assert client.get(url.removeprefix(BASE)).status_code == 200
    room_feed = client.get(f"/calendars/rooms/{private['room_id']}.ics").data
    (hidden,) = vevents(room_feed)
    assert str(hidden["SUMMARY"]) == "Booked"
    assert str(hidden["URL"]) == f"{BASE}/rooms/{private['room_id']}"
    assert b"Secret summit" not in room_feed


def test_the_bookers_own_feed_still_leads_to_their_booking_page(client, room, booker):
    day = future_day(3)
    created = book(client, booker, room, local(day, 18), local(day, 20), public=True)
    assert created.status_code == 201
    _, plain = tokens.create_token(booker.user, "feed", "phone")
    db.session.commit()
    (vevent,) = vevents(client.get(f"/calendars/private/{plain}.ics").data)
    assert str(vevent["URL"]) == f"{BASE}/bookings/{created.get_json()['id']}"
    (public,) = vevents(client.get(f"/calendars/rooms/{room.id}.ics").data)
    assert str(public["URL"]) == f"{BASE}/events/{created.get_json()['id']}"


def test_the_ics_download_is_the_event_with_its_uid_and_times(client, room, booker,
                                                             staff_headers):
    start, end = tonight()
    created = public_event(client, booker, staff_headers, room, start, end)
    response = client.get(f"/events/{created['id']}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    (vevent,) = read(response.data).walk("VEVENT")
    assert str(vevent["UID"]) == db.session.get(Booking, created["id"]).uid
    assert vevent["DTSTART"].dt == start and vevent["DTEND"].dt == end
    assert str(vevent["SUMMARY"]) == "Chess night"
    assert str(vevent["URL"]) == f"{BASE}/events/{created['id']}"


def test_the_ics_download_of_a_series_carries_its_rule(client, room, booker, staff_headers):
    day = future_day(3)
    created = public_event(client, booker, staff_headers, room, local(day, 18),
                           local(day, 20), recurrence={"rrule": "FREQ=WEEKLY;COUNT=4"})
    (vevent,) = read(client.get(f"/events/{created['id']}.ics").data).walk("VEVENT")
    assert vevent["RRULE"]["FREQ"] == ["WEEKLY"] and vevent["RRULE"]["COUNT"] == [4]
    assert vevent["DTSTART"].dt == local(day, 18)


# --------------------------------------------------------------------- the API


def test_the_api_lists_public_events_in_the_branchs_zone(client, branch, room, booker,
                                                         staff_headers):
    day = future_day(3)
    created = public_event(client, booker, staff_headers, room, local(day, 18),
                           local(day, 20), recurrence={"rrule": "FREQ=WEEKLY;COUNT=3"})
    other_branch_room = make_room(make_branch(name="North"), name="Loft")
    public_event(client, booker, staff_headers, other_branch_room, local(day, 10),
                 local(day, 11), title="Knitting")
    hidden_bookings(client, booker, branch)
    window = {"start": local(day, 0).isoformat(), "end": local(day + timedelta(days=20), 0)
              .isoformat()}
    answer = client.get("/api/v1/events", query_string=window).get_json()
    assert [(i["title"], i["start"]) for i in answer["items"]] == [
        ("Knitting", local(day, 10).isoformat()),
        ("Chess night", local(day, 18).isoformat()),
        ("Chess night", local(day + timedelta(days=7), 18).isoformat()),
        ("Chess night", local(day + timedelta(days=14), 18).isoformat()),
    ]
    first = answer["items"][1]
    assert first["association"] == {"id": booker.association.id,
                                    "name": booker.association.name}
    assert first["room"] == {"id": room.id, "name": "Hall A"}
    assert first["branch"]["timezone"] == "Europe/Copenhagen"
    assert first["url"] == f"{BASE}/events/{created['id']}"
    only_main = client.get("/api/v1/events",
                           query_string={**window, "branch_id": branch.id}).get_json()
    assert {i["title"] for i in only_main["items"]} == {"Chess night"}


def test_the_api_pages_through_events_in_time_order(client, room, booker, staff_headers):
    day = future_day(3)
    public_event(client, booker, staff_headers, room, local(day, 18), local(day, 20),
                 recurrence={"rrule": "FREQ=DAILY;COUNT=5"})
    window = {"start": local(day, 0).isoformat(),
              "end": local(day + timedelta(days=10), 0).isoformat(), "limit": 2}
    starts, cursor = [], None
    for _ in range(5):
        answer = client.get("/api/v1/events",
                            query_string={**window, **({"cursor": cursor} if cursor else {})}
                            ).get_json()
        starts += [item["start"] for item in answer["items"]]
        cursor = answer["next_cursor"]
        if cursor is None:
            break
    assert starts == [local(day + timedelta(days=n), 18).isoformat() for n in range(5)]


@pytest.mark.parametrize(("query", "status"), [
    ({"start": "2027-01-01T00:00:00Z", "end": "2027-06-01T00:00:00Z"}, 400),
    ({"start": "2027-01-02T00:00:00Z", "end": "2027-01-01T00:00:00Z"}, 400),
    ({"start": "9999-12-31T23:00:00Z"}, 422),
    ({"branch_id": "x"}, 400),
    ({"start": "tomorrow"}, 422),
])
def test_the_api_refuses_a_bad_or_unbounded_window(client, app, query, status):
    response = client.get("/api/v1/events", query_string=query)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"


def test_the_api_reads_one_public_event(client, room, booker, staff_headers):
    start, end = tonight()
    created = public_event(client, booker, staff_headers, room, start, end)
    answer = client.get(f"/api/v1/events/{created['id']}").get_json()
    assert answer["title"] == "Chess night" and answer["status"] == "confirmed"
    assert answer["upcoming"] == [{"start": start.isoformat(), "end": end.isoformat(),
                                   "status": "confirmed"}]
    assert "attendees" not in answer and "booked_by_id" not in answer
    assert answer["ics_url"] == f"{BASE}/events/{created['id']}.ics"
    missing = client.get("/api/v1/events/424242")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"


def test_the_window_check_is_bounded(app):
    start = datetime(2027, 1, 1, tzinfo=UTC)
    whats_on.check_window(start, start + whats_on.MAX_WINDOW)
    with pytest.raises(whats_on.BadInput):
        whats_on.check_window(start, start + whats_on.MAX_WINDOW + timedelta(seconds=1))


def test_a_later_day_is_named_once_in_its_heading(client, booker, staff_headers, room):
    day = future_day(3)
    public_event(client, booker, staff_headers, room, local(day, 18), local(day, 20))
    page = client.get("/").get_data(as_text=True)
    heading = re.search(rf'<h2 id="day-{day.isoformat()}">(.*?)</h2>', page).group(1)
    text = re.sub(r"<[^>]+>", "", heading)
    assert text == f"{day.strftime('%A')} {day.day} {day.strftime('%B %Y')}"
