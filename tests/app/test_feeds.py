"""Feed content: every client reads the same bookings the database holds, and no more."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Booking, Closure, Occurrence, utcnow
from app.services import feeds
from calendars.feed import CAPPED_NOTE
from tests.booking_helpers import book, make_booker, make_hall, make_staff_headers
from tests.builders import ZONE, future_day, local, make_branch, make_room
from tests.feed_helpers import expanded, make_layout, read, vevents, window_of

INJECTED = "Chess\r\nX-INJECTED:1;a,b\\c\nEND:VEVENT 😀 שלום עולם"


@pytest.fixture
def branch(app):
    return make_branch(name="Main Library")


@pytest.fixture
def room(branch):
    return make_room(branch, name="Hall A", rules={"horizon_days": 3 * 365})


@pytest.fixture
def booker(app):
    return make_booker()


def weekly(count: int) -> dict:
    return {"recurrence": {"rrule": f"FREQ=WEEKLY;COUNT={count}"}}


def feed(client, path: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.data


def stored_occurrences(booking_ids=None) -> set[tuple]:
    start, end = window_of()
    query = select(Occurrence).where(Occurrence.start < end, Occurrence.end > start)
    if booking_ids is not None:
        query = query.where(Occurrence.booking_id.in_(booking_ids))
    rows = db.session.scalars(query)
    return {
        (row.start, row.end, "CANCELLED" if row.status == "cancelled" else "CONFIRMED")
        for row in rows
    }


def test_a_series_with_a_moved_and_a_cancelled_occurrence_expands_to_the_stored_rows(
    client, room, booker
):
    day = future_day(3, weekday=1)
    single = book(client, booker, room, local(day + timedelta(days=1), 9),
                  local(day + timedelta(days=1), 10), title="Single", public=True)
    series = book(client, booker, room, local(day, 18), local(day, 20), title="Series",
                  public=True, **weekly(8))
    assert single.status_code == series.status_code == 201
    booking_id = series.get_json()["id"]
    moved_from = local(day + timedelta(weeks=2), 18)
    moved = client.patch(
        f"/api/v1/bookings/{booking_id}/occurrences/{moved_from.isoformat()}",
        json={"start": local(day + timedelta(weeks=2, days=1), 17).isoformat(),
              "end": local(day + timedelta(weeks=2, days=1), 19).isoformat()},
        headers=booker.headers)
    assert moved.status_code == 200, moved.get_json()
    cancelled = client.delete(
        f"/api/v1/bookings/{booking_id}/occurrences/"
        f"{local(day + timedelta(weeks=4), 18).isoformat()}", headers=booker.headers)
    assert cancelled.status_code in (200, 204), cancelled.get_data(as_text=True)

    body = feed(client, f"/calendars/rooms/{room.id}.ics")
    read(body)
    assert expanded(body, *window_of()) == stored_occurrences()
    masters = [e for e in vevents(body) if "RRULE" in e]
    assert len(masters) == 1
    overrides = [e for e in vevents(body) if "RECURRENCE-ID" in e]
    assert {str(e["STATUS"]) for e in overrides} == {"CONFIRMED", "CANCELLED"}
    assert str(masters[0]["RRULE"].to_ical().decode()).startswith("FREQ=WEEKLY")
    assert masters[0]["DTSTART"].params["TZID"] == "Europe/Copenhagen"


def test_a_weekly_series_keeps_its_local_time_across_both_dst_changes(client, room, booker):
    day = future_day(2, weekday=2)
    response = book(client, booker, room, local(day, 18), local(day, 20), public=True,
                    **weekly(50))
    assert response.status_code == 201, response.get_json()
    body = feed(client, f"/calendars/rooms/{room.id}.ics")
    instances = expanded(body, *window_of())
    assert instances == stored_occurrences()
    assert {start.astimezone(ZONE).strftime("%H:%M") for start, _, _ in instances} == {"18:00"}
    offsets = {start.astimezone(ZONE).utcoffset() for start, _, _ in instances}
    assert offsets == {timedelta(hours=1), timedelta(hours=2)}


def test_titles_with_line_breaks_delimiters_emoji_and_rtl_text_cannot_inject(
    client, room, booker
):
    day = future_day(5)
    response = book(client, booker, room, local(day, 10), local(day, 11), title=INJECTED,
                    public=True, description="Line one\r\nBEGIN:VALARM\\;,")
    assert response.status_code == 201, response.get_json()
    body = feed(client, f"/calendars/rooms/{room.id}.ics")
    calendar = read(body)
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == INJECTED.replace("\r\n", "\n")
    assert "BEGIN:VALARM\\;," in str(event["DESCRIPTION"])
    lines = body.decode().split("\r\n")
    assert not any(line.startswith(("X-INJECTED", "BEGIN:VALARM")) for line in lines)
    assert sum(line == "END:VEVENT" for line in lines) == 1


def test_a_room_feed_never_shows_another_associations_private_title(client, room, booker):
    other = make_booker()
    day = future_day(4)
    secret = book(client, other, room, local(day, 9), local(day, 10), title="Secret summit",
                  description="Only for the inner circle", public=False)
    open_ = book(client, booker, room, local(day, 12), local(day, 13), title="Open chess",
                 public=True)
    assert secret.status_code == open_.status_code == 201
    body = feed(client, f"/calendars/rooms/{room.id}.ics")
    text = body.decode()
    summaries = sorted(str(e["SUMMARY"]) for e in vevents(body))
    assert summaries == ["Booked", "Open chess"]
    for leaked in ("Secret", "inner circle", other.association.name, other.user.email):
        assert leaked not in text
    for path in (f"/calendars/branches/{room.branch_id}/events.ics",
                 f"/calendars/associations/{other.association.id}.ics"):
        assert "Secret" not in feed(client, path).decode()


def test_each_event_carries_location_link_layout_and_capacity(client, room, booker):
    layout = make_layout(room, "Theatre 30", 30)
    day = future_day(6)
    response = book(client, booker, room, local(day, 18), local(day, 20), title="Talk",
                    public=True, layout_id=layout.id)
    assert response.status_code == 201, response.get_json()
    booking = db.session.get(Booking, response.get_json()["id"])
    (event,) = vevents(feed(client, f"/calendars/rooms/{room.id}.ics"))
    assert str(event["UID"]) == booking.uid
    assert str(event["LOCATION"]) == "Main Library, Hall A"
    assert str(event["URL"]) == f"http://agora.test/events/{booking.id}"
    assert "Theatre 30" in str(event["DESCRIPTION"])
    assert "capacity 30" in str(event["DESCRIPTION"])
    assert booker.association.name in str(event["DESCRIPTION"])


def test_uid_stays_sequence_rises_and_stamps_move_only_on_a_change(client, room, booker):
    day = future_day(6)
    response = book(client, booker, room, local(day, 18), local(day, 20), public=True)
    booking_id = response.get_json()["id"]
    booking = db.session.get(Booking, booking_id)
    booking.updated_at -= timedelta(hours=1)  # so the change lands in a later second
    db.session.commit()
    path = f"/calendars/rooms/{room.id}.ics"
    (before,) = vevents(feed(client, path))
    (again,) = vevents(feed(client, path))
    assert again["DTSTAMP"].to_ical() == before["DTSTAMP"].to_ical()
    changed = client.patch(f"/api/v1/bookings/{booking_id}", json={"title": "Renamed"},
                           headers=booker.headers)
    assert changed.status_code == 200, changed.get_json()
    (after,) = vevents(feed(client, path))
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after["LAST-MODIFIED"].dt > before["LAST-MODIFIED"].dt
    assert str(after["SUMMARY"]) == "Renamed"


def test_a_cancelled_booking_shows_cancelled_for_30_days_then_drops_out(client, room, booker):
    day = future_day(60)
    response = book(client, booker, room, local(day, 18), local(day, 20), public=True)
    assert client.delete(f"/api/v1/bookings/{response.get_json()['id']}",
                         headers=booker.headers).status_code in (200, 204)
    (event,) = vevents(feed(client, f"/calendars/rooms/{room.id}.ics"))
    assert str(event["STATUS"]) == "CANCELLED"
    spec = feeds.room_feed(room.id, "http://agora.test")
    later = feeds.render_feed(spec, utcnow() + timedelta(days=31), "http://agora.test")
    assert vevents(later) == []


def test_closures_are_all_day_events_in_room_and_branch_feeds(client, room):
    day = future_day(20)
    start = local(day, 0)
    db.session.add(Closure(branch_id=room.branch_id, start=start,
                           end=start + timedelta(days=2), reason="Inventory"))
    db.session.commit()
    for path in (f"/calendars/rooms/{room.id}.ics",
                 f"/calendars/branches/{room.branch_id}/events.ics"):
        (event,) = vevents(feed(client, path))
        assert str(event["SUMMARY"]) == "Closed: Inventory"
        assert event["DTSTART"].dt == day
        assert event["DTEND"].dt == day + timedelta(days=2)


def test_branch_and_association_feeds_show_only_public_bookings(client, room, booker):
    day = future_day(8)
    book(client, booker, room, local(day, 9), local(day, 10), title="Open day", public=True)
    book(client, booker, room, local(day, 11), local(day, 12), title="Board", public=False)
    for path in (f"/calendars/branches/{room.branch_id}/events.ics",
                 f"/calendars/associations/{booker.association.id}.ics"):
        assert [str(e["SUMMARY"]) for e in vevents(feed(client, path))] == ["Open day"]


def test_the_private_feed_shows_everything_and_pending_as_tentative(client, branch, booker):
    from app.services.tokens import create_token

    approval_room = make_room(branch, rules={"requires_approval": True})
    day = future_day(9)
    pending = book(client, booker, approval_room, local(day, 9), local(day, 10),
                   title="Private board", public=False, description="Agenda: budget")
    assert pending.get_json()["status"] == "pending"
    _, plain = create_token(booker.user, "feed", "phone")
    db.session.commit()
    (event,) = vevents(feed(client, f"/calendars/private/{plain}.ics"))
    assert str(event["SUMMARY"]) == "Private board"
    assert str(event["STATUS"]) == "TENTATIVE"
    assert "Agenda: budget" in str(event["DESCRIPTION"])


def test_a_capped_feed_says_so(client, room, booker, monkeypatch):
    monkeypatch.setattr(feeds, "MAX_EVENTS", 2)
    day = future_day(10)
    for hour in (8, 10, 12):
        assert book(client, booker, room, local(day, hour), local(day, hour + 1),
                    public=True).status_code == 201
    calendar = read(feed(client, f"/calendars/rooms/{room.id}.ics"))
    assert len(calendar.walk("VEVENT")) == 2
    assert CAPPED_NOTE in str(calendar["X-WR-CALDESC"])


def test_freebusy_lists_the_room_busy_when_its_hall_is_booked(client, app):
    branch = make_branch()
    hall = make_hall(branch)
    day = future_day(7)
    response = client.post("/api/v1/bookings", headers=make_staff_headers(), json={
        "room_id": hall.hall.id, "title": "Gala", "attendees": 50,
        "start": local(day, 18).isoformat(), "end": local(day, 22).isoformat()})
    assert response.status_code == 201, response.get_json()
    body = feed(client, f"/calendars/rooms/{hall.half_a.id}/freebusy.ics")
    (freebusy,) = read(body).walk("VFREEBUSY")
    assert freebusy is not None
    busy = "/".join(local(day, hour).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
                    for hour in (18, 22))
    assert f"FREEBUSY;FBTYPE=BUSY:{busy}" in body.decode().split("\r\n")
    assert "Gala" not in body.decode()
