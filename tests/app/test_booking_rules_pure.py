"""The booking rules as pure functions: no database, no request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from app.services.booking_rules import (
    BranchHours,
    RoomRules,
    check_duration,
    check_grid,
    check_lead_and_horizon,
    check_open,
    check_quota,
)
from calendars import Interval

CPH = ZoneInfo("Europe/Copenhagen")
RULES = RoomRules(slot_minutes=15, min_minutes=30, max_minutes=240, buffer_minutes=0,
                  lead_hours=24, horizon_days=30)
HOURS = BranchHours(CPH, {"mon": [["08:00", "21:00"]]}, [])
NOW = datetime(2027, 3, 1, 9, tzinfo=UTC)


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2027, 3, day, hour, minute, tzinfo=CPH)


def span(day: int, h0: int, m0: int, h1: int, m1: int = 0) -> Interval:
    return Interval(local(day, h0, m0), local(day, h1, m1))


def codes(errors) -> list[str]:
    return [e.code for e in errors]


def test_the_grid_is_counted_in_local_time():
    assert codes(check_grid(span(8, 18, 0, 20), RULES, CPH)) == []
    assert codes(check_grid(span(8, 18, 10, 20), RULES, CPH)) == ["not_on_slot_grid"]


def test_durations_have_a_floor_and_a_ceiling():
    assert codes(check_duration(span(8, 18, 0, 18, 15), RULES)) == ["too_short"]
    assert codes(check_duration(span(8, 10, 0, 14, 15), RULES)) == ["too_long"]
    assert codes(check_duration(span(8, 10, 0, 14), RULES)) == []


def test_lead_time_binds_members_and_not_staff():
    soon = Interval(NOW + timedelta(hours=2), NOW + timedelta(hours=3))
    assert codes(check_lead_and_horizon(soon, RULES, NOW, CPH, staff=False)) == [
        "too_late_to_book"]
    assert codes(check_lead_and_horizon(soon, RULES, NOW, CPH, staff=True)) == []


def test_the_horizon_binds_everyone():
    late = Interval(NOW + timedelta(days=31), NOW + timedelta(days=31, hours=1))
    assert codes(check_lead_and_horizon(late, RULES, NOW, CPH, staff=True)) == ["beyond_horizon"]


def test_opening_hours_and_closures():
    assert codes(check_open(span(8, 18, 0, 20), HOURS)) == []
    assert codes(check_open(span(8, 20, 0, 22), HOURS)) == ["outside_opening_hours"]
    assert codes(check_open(span(9, 18, 0, 20), HOURS)) == ["outside_opening_hours"]
    closed = BranchHours(CPH, HOURS.opening_hours,
                         [(Interval(local(8, 0), local(9, 0)), "Staff day")])
    errors = check_open(span(8, 18, 0, 20), closed)
    assert codes(errors) == ["branch_closed"] and "Staff day" in errors[0].message


def test_the_quota_counts_hours_per_iso_week():
    existing = [span(1, 10, 0, 12)]
    assert codes(check_quota([span(2, 10, 0, 11)], existing, CPH, 3, None)) == []
    assert codes(check_quota([span(2, 10, 0, 12)], existing, CPH, 3, None)) == ["quota_exceeded"]
    assert codes(check_quota([span(8, 10, 0, 12)], existing, CPH, 3, None)) == []
    assert codes(check_quota([span(2, 10, 0, 11)], existing, CPH, None, 1)) == ["quota_exceeded"]
