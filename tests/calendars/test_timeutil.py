from datetime import UTC, datetime

import pytest

from calendars.timeutil import (
    TimeInputError,
    get_zone,
    local_text,
    localize,
    parse_instant,
    to_rfc3339,
)

CPH = get_zone("Europe/Copenhagen")


def test_get_zone_returns_a_known_iana_zone():
    assert get_zone("America/New_York").key == "America/New_York"


@pytest.mark.parametrize(
    "name",
    ["Mars/Olympus", "", "../etc/passwd", "/usr/share/zoneinfo/UTC", "Europe/../UTC", "a b", None],
)
def test_get_zone_rejects_unknown_or_dangerous_names(name):
    with pytest.raises(TimeInputError) as caught:
        get_zone(name)
    assert caught.value.code == "invalid_timezone"
    assert caught.value.field == "timezone"


def test_parse_instant_converts_an_offset_to_utc():
    parsed = parse_instant("2027-03-02T18:00:00+01:00", "start")
    assert parsed == datetime(2027, 3, 2, 17, tzinfo=UTC)
    assert parsed.utcoffset().total_seconds() == 0


def test_parse_instant_accepts_z_and_fractions():
    assert parse_instant("2027-03-02T17:00:00.123456789Z", "start").microsecond == 123456


def test_parse_instant_without_offset_is_rejected_as_naive():
    with pytest.raises(TimeInputError) as caught:
        parse_instant("2027-03-02T18:00:00", "start")
    assert (caught.value.code, caught.value.field) == ("naive_datetime", "start")


@pytest.mark.parametrize(
    "text", ["tomorrow", "2027-13-02T18:00:00Z", "2027-02-30T18:00:00Z", "", 42]
)
def test_parse_instant_rejects_garbage_as_invalid_datetime(text):
    with pytest.raises(TimeInputError) as caught:
        parse_instant(text, "end")
    assert caught.value.code == "invalid_datetime"
    assert caught.value.message


def test_localize_attaches_the_zone_to_an_ordinary_wall_time():
    aware = localize(datetime(2027, 3, 2, 18), CPH)
    assert aware.utcoffset().total_seconds() == 3600


def test_localize_refuses_a_time_in_the_spring_gap():
    with pytest.raises(TimeInputError) as caught:
        localize(datetime(2027, 3, 28, 2, 30), CPH)
    assert caught.value.code == "nonexistent_local_time"


def test_localize_refuses_a_time_in_the_autumn_fold():
    with pytest.raises(TimeInputError) as caught:
        localize(datetime(2027, 10, 31, 2, 30), CPH)
    assert caught.value.code == "ambiguous_local_time"


def test_to_rfc3339_writes_seconds_and_offset_without_microseconds():
    instant = datetime(2027, 3, 2, 17, 0, 0, 999, tzinfo=UTC)
    assert to_rfc3339(instant, CPH) == "2027-03-02T18:00:00+01:00"


def test_to_rfc3339_writes_a_local_mean_time_instant_in_utc_as_offsets_are_whole_minutes():
    instant = datetime(1800, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert to_rfc3339(instant, CPH) == "1800-01-01T12:00:00+00:00"
    assert to_rfc3339(instant, get_zone("America/New_York")) == "1800-01-01T12:00:00+00:00"
    assert to_rfc3339(datetime(1900, 1, 1, 12, tzinfo=UTC), CPH) == "1900-01-01T13:00:00+01:00"


def test_to_rfc3339_refuses_a_naive_datetime():
    with pytest.raises(TimeInputError):
        to_rfc3339(datetime(2027, 3, 2, 17), CPH)


@pytest.mark.parametrize(("utc", "shown"), [
    (datetime(2026, 12, 8, 17, 0, tzinfo=UTC), "Tue 08 Dec 2026, 18:00"),
    (datetime(2027, 6, 15, 16, 0, tzinfo=UTC), "Tue 15 Jun 2027, 18:00"),
])
def test_local_text_shows_the_wall_time_of_the_zone_winter_and_summer(utc, shown):
    assert local_text(utc, CPH) == shown
    assert local_text(utc, CPH, "time") == "18:00"


def test_local_text_refuses_a_naive_instant():
    with pytest.raises(TimeInputError):
        local_text(datetime(2026, 12, 8, 18, 0), CPH)
