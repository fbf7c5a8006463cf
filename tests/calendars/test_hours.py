from datetime import UTC, datetime, timedelta

import pytest

from calendars.hours import (
    HoursInputError,
    open_intervals,
    validate_opening_hours,
    within_opening_hours,
)
from calendars.intervals import Interval
from calendars.timeutil import get_zone

CPH = get_zone("Europe/Copenhagen")
WEEKDAYS = {day: [["08:00", "21:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
HOURS = {**WEEKDAYS, "sat": [["10:00", "16:00"]], "sun": []}


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=CPH)


def test_validation_fills_missing_days_and_sorts_spans():
    hours = validate_opening_hours({"mon": [["13:00", "17:00"], ["08:00", "12:00"]]})
    assert hours["mon"] == [["08:00", "12:00"], ["13:00", "17:00"]]
    assert hours["sun"] == []
    assert list(hours) == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def test_validation_allows_closing_at_midnight():
    assert validate_opening_hours({"fri": [["18:00", "24:00"]]})["fri"] == [["18:00", "24:00"]]


@pytest.mark.parametrize(
    ("hours", "code", "field"),
    [
        ({"monday": []}, "invalid_opening_hours", "opening_hours.monday"),
        ({"mon": [["8:00", "12:00"]]}, "invalid_time", "opening_hours.mon[0]"),
        ({"mon": [["08:00", "25:00"]]}, "invalid_time", "opening_hours.mon[0]"),
        ({"mon": [["24:00", "24:00"]]}, "invalid_time", "opening_hours.mon[0]"),
        ({"mon": [["12:00", "08:00"]]}, "invalid_opening_hours", "opening_hours.mon[0]"),
        (
            {"mon": [["08:00", "12:00"], ["11:00", "13:00"]]},
            "overlapping_hours",
            "opening_hours.mon",
        ),
        ({"mon": "08:00-12:00"}, "invalid_opening_hours", "opening_hours.mon"),
        ([], "invalid_opening_hours", "opening_hours"),
    ],
)
def test_validation_names_the_field_and_code_of_bad_hours(hours, code, field):
    with pytest.raises(HoursInputError) as caught:
        validate_opening_hours(hours)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert caught.value.message


def test_open_intervals_over_a_week_follow_the_local_hours():
    week = open_intervals(HOURS, [], CPH, local(2027, 3, 1), local(2027, 3, 8))
    assert len(week) == 6
    assert week[0] == Interval(local(2027, 3, 1, 8), local(2027, 3, 1, 21))
    assert week[-1] == Interval(local(2027, 3, 6, 10), local(2027, 3, 6, 16))


def test_open_intervals_keep_local_hours_across_the_dst_change():
    friday, monday = open_intervals(HOURS, [], CPH, local(2027, 3, 26), local(2027, 3, 30))[0::2]
    assert friday.start.astimezone(UTC).hour == 7
    assert monday.start.astimezone(UTC).hour == 6
    assert monday.start.astimezone(CPH).hour == 8


def test_open_intervals_subtract_closures_and_clip_to_the_window():
    closure = Interval(local(2027, 3, 2, 12), local(2027, 3, 3, 0))
    result = open_intervals(HOURS, [closure], CPH, local(2027, 3, 2, 9), local(2027, 3, 3, 10))
    assert result == [
        Interval(local(2027, 3, 2, 9), local(2027, 3, 2, 12)),
        Interval(local(2027, 3, 3, 8), local(2027, 3, 3, 10)),
    ]


def test_open_intervals_join_a_night_open_across_midnight():
    hours = {"fri": [["18:00", "24:00"]], "sat": [["00:00", "02:00"]]}
    result = open_intervals(hours, [], CPH, local(2027, 3, 5), local(2027, 3, 7))
    assert result == [Interval(local(2027, 3, 5, 18), local(2027, 3, 6, 2))]


def test_open_intervals_returns_utc_aware_values():
    result = open_intervals(HOURS, [], CPH, local(2027, 3, 1), local(2027, 3, 2))
    assert result[0].start.utcoffset() == timedelta(0)


def test_an_opening_time_in_the_spring_gap_moves_forward_by_the_gap():
    hours = {"sun": [["02:30", "05:00"]]}
    (only,) = open_intervals(hours, [], CPH, local(2027, 3, 28), local(2027, 3, 29))
    assert only.start.astimezone(CPH).hour == 3
    assert only.start.astimezone(CPH).minute == 30


def test_within_opening_hours_accepts_a_booking_inside_and_refuses_one_past_closing():
    assert within_opening_hours(HOURS, [], CPH, local(2027, 3, 2, 18), local(2027, 3, 2, 20))
    assert not within_opening_hours(HOURS, [], CPH, local(2027, 3, 2, 20), local(2027, 3, 2, 22))


def test_within_opening_hours_refuses_a_booking_during_a_closure():
    christmas = Interval(local(2027, 12, 24), local(2027, 12, 27))
    assert not within_opening_hours(
        HOURS, [christmas], CPH, local(2027, 12, 24, 10), local(2027, 12, 24, 11)
    )
