from bisect import bisect_right
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil import rrule, tz
from icalendar import Calendar

from calendars.vtimezone import vtimezone_for

FIXED_TODAY = datetime(2026, 6, 1, tzinfo=UTC)
ZONES = [
    "Europe/Copenhagen",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Tokyo",
    "America/Sao_Paulo",
]


def reparsed(zone_name: str, start_year: int, end_year: int):
    """The VTIMEZONE serialised and parsed back, as a stranger would read it."""
    calendar = Calendar()
    calendar.add_component(vtimezone_for(zone_name, start_year, end_year))
    (component,) = Calendar.from_ical(calendar.to_ical()).walk("VTIMEZONE")
    return component


def onsets(component, until: datetime) -> list[tuple[datetime, timedelta]]:
    """Every (UTC instant, offset after) the component defines, by our own reading of RFC 5545."""
    found = []
    for observance in component.walk():
        if observance.name not in ("STANDARD", "DAYLIGHT"):
            continue
        offset_from = observance["TZOFFSETFROM"].td
        start = observance["DTSTART"].dt.replace(tzinfo=tz.tzoffset(None, offset_from))
        if "RRULE" in observance:
            text = observance["RRULE"].to_ical().decode()
            times = rrule.rrulestr(text, dtstart=start).between(start, until, inc=True)
        else:
            times = [start]
        found += [(moment.astimezone(UTC), observance["TZOFFSETTO"].td) for moment in times]
    return sorted(found)


def hours_between(start: datetime, end: datetime):
    moment = start
    while moment < end:
        yield moment
        moment += timedelta(hours=1)


def assert_offsets_match(zone_name: str, start: datetime, end: datetime) -> None:
    component = reparsed(zone_name, start.year, end.year)
    table = onsets(component, end + timedelta(days=400))
    instants = [instant for instant, _ in table]
    zone, parsed_tz = ZoneInfo(zone_name), component.to_tz(lookup_tzid=False)
    for moment in hours_between(start, end):
        expected = moment.astimezone(zone).utcoffset()
        index = bisect_right(instants, moment) - 1
        assert index >= 0, f"{moment} is before the first observance"
        assert table[index][1] == expected, f"{zone_name} at {moment}"
        assert moment.astimezone(parsed_tz).utcoffset() == expected, f"{zone_name} at {moment}"


@pytest.mark.parametrize("zone_name", ZONES)
def test_vtimezone_offsets_match_zoneinfo_every_hour_from_a_year_back_to_three_ahead(zone_name):
    start = FIXED_TODAY.replace(year=FIXED_TODAY.year - 1)
    end = FIXED_TODAY.replace(year=FIXED_TODAY.year + 3)
    assert_offsets_match(zone_name, start, end)


@pytest.mark.parametrize(
    ("zone_name", "first", "last"),
    [("America/Sao_Paulo", 2015, 2021), ("America/New_York", 2005, 2009)],
)
def test_vtimezone_offsets_stay_exact_when_the_rules_change_within_the_range(
    zone_name, first, last
):
    assert_offsets_match(
        zone_name, datetime(first, 1, 1, tzinfo=UTC), datetime(last, 12, 31, tzinfo=UTC)
    )


def test_copenhagen_is_described_by_two_yearly_rules_for_the_last_sundays():
    component = vtimezone_for("Europe/Copenhagen", 2026, 2029)
    rules = {sub.name: sub["RRULE"].to_ical().decode() for sub in component.subcomponents}
    assert rules == {
        "DAYLIGHT": "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
        "STANDARD": "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
    }
    assert b"RDATE" not in component.to_ical()


def test_new_york_after_2007_uses_the_second_sunday_of_march():
    component = vtimezone_for("America/New_York", 2026, 2029)
    (daylight,) = component.walk("DAYLIGHT")
    assert daylight["RRULE"].to_ical() == b"FREQ=YEARLY;BYDAY=2SU;BYMONTH=3"
    assert daylight["DTSTART"].dt.hour == 2


def test_a_zone_without_dst_has_a_single_standard_observance():
    component = vtimezone_for("Asia/Tokyo", 2026, 2029)
    (standard,) = component.subcomponents
    assert standard.name == "STANDARD"
    assert standard["TZOFFSETTO"].td == timedelta(hours=9)
    assert "RRULE" not in standard


def test_a_rule_that_stopped_inside_the_range_ends_with_until():
    component = vtimezone_for("America/Sao_Paulo", 2015, 2021)
    rules = [sub["RRULE"] for sub in component.subcomponents if "RRULE" in sub]
    assert rules
    assert all("UNTIL" in rule for rule in rules)
