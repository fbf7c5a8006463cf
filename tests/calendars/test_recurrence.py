from datetime import UTC, datetime, timedelta

import pytest

from calendars.recurrence import RecurrenceError, expand_series, parse_rrule
from calendars.timeutil import get_zone, to_rfc3339

CPH = get_zone("Europe/Copenhagen")
NYC = get_zone("America/New_York")
TWO_HOURS = timedelta(hours=2)


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("FREQ=WEEKLY;COUNT=12", "FREQ=WEEKLY;COUNT=12"),
        ("RRULE:freq=daily;interval=2;until=20270601", "FREQ=DAILY;INTERVAL=2;UNTIL=20270601"),
        ("FREQ=MONTHLY;BYDAY=2TU;COUNT=6", "FREQ=MONTHLY;BYDAY=2TU;COUNT=6"),
        (
            "FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20271231T230000Z",
            "FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20271231T230000Z",
        ),
        ("FREQ=MONTHLY;BYMONTHDAY=1,15;COUNT=4", "FREQ=MONTHLY;BYMONTHDAY=1,15;COUNT=4"),
        ("FREQ=WEEKLY;BYDAY=MO,WE;COUNT=4", "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=4"),
    ],
)
def test_parse_rrule_accepts_supported_rules_and_normalises_them(text, normalised):
    assert parse_rrule(text) == normalised


@pytest.mark.parametrize(
    "text",
    [
        "",
        "garbage",
        "FREQ=YEARLY;COUNT=3",
        "FREQ=HOURLY;COUNT=3",
        "FREQ=WEEKLY",
        "FREQ=WEEKLY;COUNT=3;UNTIL=20270101",
        "FREQ=WEEKLY;COUNT=3;BYSETPOS=1",
        "FREQ=WEEKLY;COUNT=0",
        "FREQ=WEEKLY;COUNT=x",
        "FREQ=WEEKLY;COUNT=3;COUNT=4",
        "FREQ=WEEKLY;BYDAY=XX;COUNT=3",
        "FREQ=WEEKLY;BYDAY=2TU;COUNT=3",
        "FREQ=MONTHLY;BYDAY=6TU;COUNT=3",
        "FREQ=MONTHLY;BYMONTHDAY=32;COUNT=3",
        "FREQ=WEEKLY;BYMONTHDAY=3;COUNT=3",
        "FREQ=WEEKLY;UNTIL=20271301",
        "FREQ=WEEKLY;UNTIL=20270101T100000",
        "FREQ=WEEKLY;COUNT=3\r\nSUMMARY:x",
    ],
)
def test_parse_rrule_rejects_bad_rules_with_invalid_rrule(text):
    with pytest.raises(RecurrenceError) as caught:
        parse_rrule(text)
    assert caught.value.code == "invalid_rrule"
    assert caught.value.message


def test_a_rule_without_count_or_until_is_refused_in_words():
    with pytest.raises(RecurrenceError, match="COUNT or UNTIL"):
        parse_rrule("FREQ=DAILY")


def local_times(pairs, zone=CPH):
    return [to_rfc3339(start, zone) for start, _ in pairs]


def test_weekly_series_keeps_local_time_across_spring_dst():
    pairs = expand_series(
        datetime(2027, 3, 16, 18, tzinfo=CPH), TWO_HOURS, "FREQ=WEEKLY;COUNT=4", CPH
    )
    assert local_times(pairs) == [
        "2027-03-16T18:00:00+01:00",
        "2027-03-23T18:00:00+01:00",
        "2027-03-30T18:00:00+02:00",
        "2027-04-06T18:00:00+02:00",
    ]


def test_weekly_series_keeps_local_time_across_autumn_dst():
    pairs = expand_series(
        datetime(2027, 10, 19, 18, tzinfo=CPH), TWO_HOURS, "FREQ=WEEKLY;COUNT=3", CPH
    )
    assert local_times(pairs) == [
        "2027-10-19T18:00:00+02:00",
        "2027-10-26T18:00:00+02:00",
        "2027-11-02T18:00:00+01:00",
    ]
    assert [start.hour for start, _ in pairs] == [16, 16, 17]


def test_expanded_occurrences_are_utc_and_last_the_duration():
    pairs = expand_series(
        datetime(2027, 3, 2, 18, tzinfo=CPH), TWO_HOURS, "FREQ=DAILY;COUNT=3", CPH
    )
    assert all(
        start.utcoffset() == timedelta(0) and end - start == TWO_HOURS for start, end in pairs
    )


def test_exdates_remove_occurrences_by_instant_whatever_their_offset():
    exdate = datetime(2027, 4, 13, 16, tzinfo=UTC)
    pairs = expand_series(
        datetime(2027, 3, 2, 18, tzinfo=CPH), TWO_HOURS, "FREQ=WEEKLY;COUNT=12", CPH, [exdate]
    )
    assert len(pairs) == 11
    assert "2027-04-13T18:00:00+02:00" not in local_times(pairs)


def test_a_start_given_in_another_offset_is_expanded_in_the_branch_zone():
    start = datetime(2027, 3, 2, 17, tzinfo=UTC)
    pairs = expand_series(start, TWO_HOURS, "FREQ=WEEKLY;COUNT=5", CPH)
    assert local_times(pairs)[-1] == "2027-03-30T18:00:00+02:00"


def test_monthly_ordinal_weekdays_expand_to_the_right_dates():
    start = datetime(2027, 1, 12, 10, tzinfo=NYC)
    pairs = expand_series(start, TWO_HOURS, "FREQ=MONTHLY;BYDAY=2TU;COUNT=4", NYC)
    assert [s.astimezone(NYC).day for s, _ in pairs] == [12, 9, 9, 13]


def test_until_as_a_date_includes_that_whole_local_day():
    start = datetime(2027, 3, 1, 20, tzinfo=CPH)
    pairs = expand_series(start, TWO_HOURS, "FREQ=DAILY;UNTIL=20270303", CPH)
    assert len(pairs) == 3


def test_an_occurrence_in_the_spring_gap_moves_forward_by_the_gap():
    start = datetime(2027, 3, 27, 2, 30, tzinfo=CPH)
    pairs = expand_series(start, timedelta(hours=1), "FREQ=DAILY;COUNT=3", CPH)
    assert local_times(pairs) == [
        "2027-03-27T02:30:00+01:00",
        "2027-03-28T03:30:00+02:00",
        "2027-03-29T02:30:00+02:00",
    ]


def test_a_count_over_the_maximum_is_series_too_long():
    with pytest.raises(RecurrenceError) as caught:
        expand_series(datetime(2027, 1, 1, 9, tzinfo=CPH), TWO_HOURS, "FREQ=DAILY;COUNT=201", CPH)
    assert caught.value.code == "series_too_long"


def test_an_until_making_too_many_occurrences_is_series_too_long():
    with pytest.raises(RecurrenceError) as caught:
        expand_series(
            datetime(2027, 1, 1, 9, tzinfo=CPH), TWO_HOURS, "FREQ=DAILY;UNTIL=20280101", CPH
        )
    assert caught.value.code == "series_too_long"


def test_an_until_too_far_ahead_is_series_too_long():
    with pytest.raises(RecurrenceError) as caught:
        expand_series(
            datetime(2027, 1, 1, 9, tzinfo=CPH), TWO_HOURS, "FREQ=MONTHLY;UNTIL=20300101", CPH
        )
    assert caught.value.code == "series_too_long"


def test_a_first_occurrence_off_the_rule_is_refused():
    monday = datetime(2027, 3, 1, 18, tzinfo=CPH)
    with pytest.raises(RecurrenceError) as caught:
        expand_series(monday, TWO_HOURS, "FREQ=WEEKLY;BYDAY=TU;COUNT=3", CPH)
    assert caught.value.code == "invalid_rrule"
