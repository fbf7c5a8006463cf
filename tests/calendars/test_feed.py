import re
from datetime import UTC, date, datetime, timedelta

import pytest
import recurring_ical_events
import vobject
from icalendar import Calendar

from calendars.feed import (
    FeedAllDay,
    FeedEvent,
    FeedOverride,
    build_feed,
    build_freebusy,
    build_invitation,
    feed_uid,
)
from calendars.intervals import Interval
from tests.calendars.calendar_builders import CPH, STAMP, make_event, make_meta

SERIES = dict(rrule="FREQ=WEEKLY;COUNT=6", start=datetime(2027, 3, 16, 18, tzinfo=CPH))


def lines(data: bytes) -> list[bytes]:
    return data.split(b"\r\n")[:-1]


def unfolded(data: bytes) -> list[str]:
    return data.decode().replace("\r\n ", "").split("\r\n")[:-1]


def test_a_feed_carries_the_calendar_properties(meta):
    text = unfolded(build_feed(meta, [make_event()]))
    for expected in [
        "VERSION:2.0",
        "PRODID:-//Agora//Room booking//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "NAME:Hall A",
        "X-WR-CALNAME:Hall A",
        "DESCRIPTION:Bookings of Hall A",
        "X-WR-CALDESC:Bookings of Hall A",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
        "X-WR-TIMEZONE:Europe/Copenhagen",
        "URL;VALUE=URI:https://library.example/calendars/rooms/1.ics",
    ]:
        assert expected in text


def test_a_capped_feed_says_so_in_its_description():
    text = unfolded(build_feed(make_meta(capped=True), [make_event()]))
    assert any(line.startswith("X-WR-CALDESC:") and "capped" in line for line in text)


def test_an_event_is_written_in_local_time_with_tzid_and_its_stamps(meta):
    text = unfolded(build_feed(meta, [make_event(sequence=3, status="pending")]))
    assert "DTSTART;TZID=Europe/Copenhagen:20270302T180000" in text
    assert "DTEND;TZID=Europe/Copenhagen:20270302T200000" in text
    assert "DTSTAMP:20270105T120000Z" in text
    assert "SEQUENCE:3" in text
    assert "STATUS:TENTATIVE" in text
    assert text.count("BEGIN:VTIMEZONE") == 1


def test_the_vtimezone_is_rule_based_not_a_list_of_rdates(meta):
    data = build_feed(meta, [make_event()])
    assert b"RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in data
    assert b"RDATE" not in data


def test_a_series_is_one_vevent_with_rrule_exdate_and_overrides(meta):
    event = make_event(
        **SERIES,
        exdates=(datetime(2027, 3, 30, 18, tzinfo=CPH),),
        overrides=(
            FeedOverride(
                datetime(2027, 4, 6, 18, tzinfo=CPH),
                datetime(2027, 4, 6, 19, tzinfo=CPH),
                datetime(2027, 4, 6, 21, tzinfo=CPH),
                "confirmed",
            ),
        ),
    )
    text = unfolded(build_feed(meta, [event]))
    assert "RRULE:FREQ=WEEKLY;COUNT=6" in text
    assert "EXDATE;TZID=Europe/Copenhagen:20270330T180000" in text
    assert "RECURRENCE-ID;TZID=Europe/Copenhagen:20270406T180000" in text
    assert text.count(f"UID:{event.uid}") == 2


def test_a_date_until_is_written_as_the_utc_end_of_that_local_day(meta):
    text = unfolded(build_feed(meta, [make_event(rrule="FREQ=DAILY;UNTIL=20270304")]))
    assert "RRULE:FREQ=DAILY;UNTIL=20270304T225959Z" in text


def series_feed() -> bytes:
    cancelled = datetime(2027, 3, 23, 18, tzinfo=CPH)
    moved = datetime(2027, 4, 13, 18, tzinfo=CPH)
    event = make_event(
        **SERIES,
        exdates=(datetime(2027, 3, 30, 18, tzinfo=CPH),),
        overrides=(
            FeedOverride(cancelled, cancelled, cancelled + timedelta(hours=2), "cancelled"),
            FeedOverride(
                moved, moved + timedelta(hours=1), moved + timedelta(hours=3), "confirmed"
            ),
        ),
    )
    return build_feed(make_meta(), [event])


def test_recurring_ical_events_expands_the_series_to_exactly_the_expected_occurrences():
    calendar = Calendar.from_ical(series_feed())
    found = recurring_ical_events.of(calendar).between(date(2027, 3, 1), date(2027, 6, 1))
    seen = sorted(
        (e["DTSTART"].dt.astimezone(CPH).strftime("%m-%d %H:%M"), str(e["STATUS"])) for e in found
    )
    assert seen == [
        ("03-16 18:00", "CONFIRMED"),
        ("03-23 18:00", "CANCELLED"),
        ("04-06 18:00", "CONFIRMED"),
        ("04-13 19:00", "CONFIRMED"),
        ("04-20 18:00", "CONFIRMED"),
    ]


def test_the_series_stays_at_18_local_across_dst_for_a_reader():
    calendar = Calendar.from_ical(series_feed())
    found = recurring_ical_events.of(calendar).between(date(2027, 3, 1), date(2027, 6, 1))
    utc_hours = {e["DTSTART"].dt.astimezone(UTC).hour for e in found if e["DTSTART"].dt.month == 3}
    assert utc_hours == {17}
    assert {e["DTSTART"].dt.astimezone(UTC).hour for e in found if e["DTSTART"].dt.day == 20} == {
        16
    }


def test_vobject_reads_the_feed_and_its_series():
    calendar = vobject.readOne(series_feed().decode())
    masters = [e for e in calendar.vevent_list if not hasattr(e, "recurrence_id")]
    (master,) = masters
    starts = list(master.getrruleset(addRDate=True))
    assert len(starts) == 5  # six by COUNT, one EXDATE
    assert starts[0].astimezone(UTC) == datetime(2027, 3, 16, 17, tzinfo=UTC)
    assert starts[-1].astimezone(UTC) == datetime(2027, 4, 20, 16, tzinfo=UTC)


def test_all_day_entries_use_dates_with_an_exclusive_end(meta):
    closure = FeedAllDay("closure-1", "Christmas", date(2027, 12, 24), date(2027, 12, 27))
    data = build_feed(meta, [], [closure])
    text = unfolded(data)
    assert "DTSTART;VALUE=DATE:20271224" in text
    assert "DTEND;VALUE=DATE:20271227" in text
    (event,) = Calendar.from_ical(data).walk("VEVENT")
    assert event["DTEND"].dt - event["DTSTART"].dt == timedelta(days=3)


def nasty_titles() -> list[str]:
    return [
        "Evil\r\nX-INJECTED:1",
        "Evil\rBEGIN:VEVENT",
        "Evil\nEND:VCALENDAR",
        "semi;colon, comma \\ backslash C:\\New \\n",
        "Emoji 🎉👩‍👩‍👧 party " * 6,
        "مكتبة عامة — נאום בעברית — RTL \u202eevil",
        "ææææææææææææææææææææææææææææææææææææææææææææææææææææææææææææææææææææææææææææææææææ",
    ]


def nasty_feed() -> bytes:
    events = [
        make_event(uid=f"u{n}", title=title, description=title, location=title)
        for n, title in enumerate(nasty_titles())
    ]
    return build_feed(make_meta(name="Hall ; , \\ \r\nX-EVIL:1"), events)


def test_every_line_ends_crlf_and_no_bare_cr_or_lf_is_left():
    data = nasty_feed()
    assert data.endswith(b"\r\n")
    assert b"\r" not in data.replace(b"\r\n", b"")
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_no_line_is_longer_than_75_octets_and_no_character_is_split():
    for raw in lines(nasty_feed()):
        assert len(raw) <= 75
        raw.decode("utf-8")  # a split character would not decode


def test_titles_that_try_to_inject_never_start_a_new_property():
    text = unfolded(nasty_feed())
    names = {re.split("[;:]", line, maxsplit=1)[0] for line in text}
    assert not any("INJECTED" in name or "EVIL" in name for name in names)
    assert text.count("BEGIN:VEVENT") == len(nasty_titles())
    assert text.count("END:VCALENDAR") == 1


def test_nasty_titles_round_trip_through_icalendar_and_vobject():
    data = nasty_feed()
    expected = [t.replace("\r\n", "\n").replace("\r", "\n") for t in nasty_titles()]
    by_icalendar = {
        str(e["UID"]): str(e["SUMMARY"]) for e in Calendar.from_ical(data).walk("VEVENT")
    }
    by_vobject = {e.uid.value: e.summary.value for e in vobject.readOne(data.decode()).vevent_list}
    for n, title in enumerate(expected):
        assert by_icalendar[f"u{n}"] == title
        assert by_vobject[f"u{n}"] == title


def test_the_same_input_gives_the_same_bytes_whatever_the_order():
    events = [
        make_event(uid=f"u{n}", start=datetime(2027, 3, n + 1, 18, tzinfo=CPH)) for n in range(5)
    ]
    assert build_feed(make_meta(), events) == build_feed(make_meta(), list(reversed(events)))


def test_a_url_with_a_line_break_is_refused():
    with pytest.raises(ValueError):
        build_feed(make_meta(), [make_event(url="https://x.example/\r\nX-EVIL:1")])


def test_feed_events_refuse_naive_times_and_unknown_statuses():
    with pytest.raises(ValueError):
        make_event(start=datetime(2027, 3, 2, 18))
    with pytest.raises(ValueError):
        make_event(status="maybe")


def test_feed_uid_is_stable_and_differs_per_booking():
    assert feed_uid("booking", 7, "library.example") == feed_uid("booking", 7, "library.example")
    assert feed_uid("booking", 7, "library.example") != feed_uid("booking", 8, "library.example")
    assert feed_uid("booking", 7, "library.example") != feed_uid("closure", 7, "library.example")


def test_freebusy_lists_merged_busy_periods_in_utc_clipped_to_the_window(meta):
    start, end = datetime(2027, 3, 2, tzinfo=UTC), datetime(2027, 3, 3, tzinfo=UTC)
    busy = [
        Interval(start - timedelta(hours=1), start + timedelta(hours=1)),
        Interval(start + timedelta(hours=5), start + timedelta(hours=6)),
        Interval(start + timedelta(hours=6), start + timedelta(hours=7)),
    ]
    data = build_freebusy(meta, busy, start, end, now=STAMP)
    text = unfolded(data)
    assert "DTSTAMP:20270105T120000Z" in text
    assert [line for line in text if line.startswith("FREEBUSY")] == [
        "FREEBUSY;FBTYPE=BUSY:20270302T000000Z/20270302T010000Z",
        "FREEBUSY;FBTYPE=BUSY:20270302T050000Z/20270302T070000Z",
    ]
    (freebusy,) = Calendar.from_ical(data).walk("VFREEBUSY")
    assert freebusy["DTSTART"].dt == start


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL"])
def test_an_invitation_names_organizer_and_attendee_with_the_same_uid_and_sequence(method):
    event = make_event(sequence=4)
    data = build_invitation(
        method, event, "desk@library.example", "ada@example.org", "Europe/Copenhagen"
    )
    (parsed,) = Calendar.from_ical(data).walk("VEVENT")
    assert Calendar.from_ical(data)["METHOD"] == method
    assert str(parsed["UID"]) == event.uid
    assert parsed["SEQUENCE"] == 4
    assert str(parsed["ORGANIZER"]) == "mailto:desk@library.example"
    assert str(parsed["ATTENDEE"]) == "mailto:ada@example.org"
    assert str(parsed["STATUS"]) == ("CANCELLED" if method == "CANCEL" else "CONFIRMED")


def test_an_invitation_refuses_an_address_that_could_inject():
    with pytest.raises(ValueError):
        build_invitation(
            "REQUEST", make_event(), "desk@library.example", "a@b.c\r\nX:1", "Europe/Copenhagen"
        )


def test_feed_event_is_frozen():
    with pytest.raises(AttributeError):
        make_event().title = "changed"  # type: ignore[misc]
    assert isinstance(make_event(), FeedEvent)
