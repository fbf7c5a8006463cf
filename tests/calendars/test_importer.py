from datetime import UTC, datetime

import pytest

from calendars.importer import MAX_EVENTS, IcsImportError, ImportedClosure, parse_closures_ics

WINDOW = (datetime(2026, 6, 1, tzinfo=UTC), datetime(2029, 1, 1, tzinfo=UTC))
HOLIDAYS = "\r\n".join(
    [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Test//Holidays//EN",
        "BEGIN:VEVENT",
        "UID:christmas",
        "DTSTAMP:20260101T000000Z",
        "DTSTART;VALUE=DATE:20261224",
        "DTEND;VALUE=DATE:20261227",
        "SUMMARY:Christmas",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:new-year",
        "DTSTAMP:20260101T000000Z",
        "DTSTART;VALUE=DATE:20270101",
        "RRULE:FREQ=YEARLY",
        "SUMMARY:New Year's Day",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:works",
        "DTSTAMP:20260101T000000Z",
        "DTSTART;TZID=Europe/Copenhagen:20270310T120000",
        "DTEND;TZID=Europe/Copenhagen:20270310T170000",
        "SUMMARY:Floor works\\, wing B",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
).encode()


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def read(data: bytes) -> list[ImportedClosure]:
    return parse_closures_ics(data, "Europe/Copenhagen", *WINDOW)


def test_a_holiday_calendar_becomes_closures_in_utc_including_the_local_day_at_the_window_end():
    assert read(HOLIDAYS) == [
        ImportedClosure(utc(2026, 12, 23, 23), utc(2026, 12, 26, 23), "Christmas"),
        ImportedClosure(utc(2026, 12, 31, 23), utc(2027, 1, 1, 23), "New Year's Day"),
        ImportedClosure(utc(2027, 3, 10, 11), utc(2027, 3, 10, 16), "Floor works, wing B"),
        ImportedClosure(utc(2027, 12, 31, 23), utc(2028, 1, 1, 23), "New Year's Day"),
        ImportedClosure(utc(2028, 12, 31, 23), utc(2029, 1, 1, 23), "New Year's Day"),
    ]


def test_a_yearly_holiday_is_expanded_only_within_the_window():
    closures = parse_closures_ics(HOLIDAYS, "Europe/Copenhagen", utc(2027, 6, 1), utc(2028, 6, 1))
    assert [c.start for c in closures] == [utc(2027, 12, 31, 23)]


def test_a_line_without_a_colon_is_reported_with_its_line_number():
    broken = HOLIDAYS.replace(b"SUMMARY:Christmas", b"SUMMARY Christmas")
    with pytest.raises(IcsImportError) as caught:
        read(broken)
    assert caught.value.line == 9
    assert "SUMMARY Christmas" in str(caught.value)


def test_a_bad_date_is_reported_with_its_line_number():
    with pytest.raises(IcsImportError) as caught:
        read(HOLIDAYS.replace(b"DTSTART;VALUE=DATE:20261224", b"DTSTART;VALUE=DATE:20261345"))
    assert caught.value.line == 7


def test_an_unbalanced_end_is_reported_with_its_line_number():
    with pytest.raises(IcsImportError) as caught:
        read(HOLIDAYS.replace(b"END:VEVENT", b"END:VTODO", 1))
    assert caught.value.line == 10


def test_a_file_that_is_not_a_calendar_is_refused():
    with pytest.raises(IcsImportError, match="not an iCalendar"):
        read(b"<html><body>Holidays</body></html>")


def test_a_calendar_without_events_is_refused():
    with pytest.raises(IcsImportError, match="no events"):
        read(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nEND:VCALENDAR\r\n")


def test_a_file_over_two_megabytes_is_refused():
    with pytest.raises(IcsImportError, match="MB"):
        read(HOLIDAYS + b" " * (2 * 1024 * 1024))


def test_a_file_with_too_many_events_is_refused():
    event = b"BEGIN:VEVENT\r\nUID:x\r\nDTSTART;VALUE=DATE:20270101\r\nEND:VEVENT\r\n"
    data = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + event * (MAX_EVENTS + 1) + b"END:VCALENDAR\r\n"
    with pytest.raises(IcsImportError, match="at most"):
        read(data)


def test_a_file_that_is_not_utf8_is_refused_with_its_line():
    with pytest.raises(IcsImportError) as caught:
        read(HOLIDAYS.replace(b"Christmas", b"Jul \xff"))
    assert caught.value.line == 9


def test_a_moved_occurrence_and_an_exdate_of_a_weekly_closure_are_respected():
    weekly = "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "BEGIN:VEVENT",
            "UID:cleaning",
            "DTSTART;TZID=Europe/Copenhagen:20270301T080000",
            "DTEND;TZID=Europe/Copenhagen:20270301T100000",
            "RRULE:FREQ=WEEKLY;COUNT=4",
            "EXDATE;TZID=Europe/Copenhagen:20270308T080000",
            "SUMMARY:Cleaning",
            "END:VEVENT",
            "BEGIN:VEVENT",
            "UID:cleaning",
            "RECURRENCE-ID;TZID=Europe/Copenhagen:20270315T080000",
            "DTSTART;TZID=Europe/Copenhagen:20270316T080000",
            "DTEND;TZID=Europe/Copenhagen:20270316T090000",
            "SUMMARY:Cleaning (moved)",
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
    ).encode()
    assert [(c.start, c.reason) for c in read(weekly)] == [
        (utc(2027, 3, 1, 7), "Cleaning"),
        (utc(2027, 3, 16, 7), "Cleaning (moved)"),
        (utc(2027, 3, 22, 7), "Cleaning"),
    ]
