from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calendars.intervals import Interval, clip, covers, expand, merge, overlaps, subtract


def at(hour: float) -> datetime:
    return datetime(2027, 1, 1, tzinfo=UTC) + timedelta(hours=hour)


def iv(a: float, b: float) -> Interval:
    return Interval(at(a), at(b))


def test_an_interval_must_start_before_it_ends():
    with pytest.raises(ValueError):
        iv(2, 2)


def test_an_interval_refuses_naive_datetimes():
    with pytest.raises(ValueError):
        Interval(datetime(2027, 1, 1), datetime(2027, 1, 2))


def test_back_to_back_intervals_do_not_overlap():
    assert not overlaps(iv(1, 2), iv(2, 3))
    assert overlaps(iv(1, 2.5), iv(2, 3))


def test_intervals_in_different_offsets_compare_by_instant():
    plus_one = timezone(timedelta(hours=1))
    local = Interval(at(1).astimezone(plus_one), at(2).astimezone(plus_one))
    assert overlaps(local, iv(1.5, 3))


def test_merge_joins_overlapping_and_touching_intervals():
    assert merge([iv(5, 6), iv(1, 2), iv(2, 3), iv(2.5, 4)]) == [iv(1, 4), iv(5, 6)]


def test_subtract_cuts_busy_time_out_of_a_base():
    assert subtract(iv(0, 10), [iv(2, 3), iv(5, 7), iv(9, 12)]) == [iv(0, 2), iv(3, 5), iv(7, 9)]


def test_subtract_of_a_covering_block_leaves_nothing():
    assert subtract([iv(1, 2), iv(3, 4)], [iv(0, 5)]) == []


def test_clip_keeps_only_the_part_inside_the_window():
    assert clip([iv(0, 2), iv(3, 4), iv(9, 12)], iv(1, 10)) == [iv(1, 2), iv(3, 4), iv(9, 10)]


def test_expand_adds_buffers_on_both_sides():
    assert expand(iv(2, 3), timedelta(minutes=15), timedelta(minutes=30)) == Interval(
        at(1.75), at(3.5)
    )


def test_covers_needs_the_whole_target():
    assert covers([iv(0, 2), iv(2, 5)], iv(1, 4))
    assert not covers([iv(0, 2), iv(2.5, 5)], iv(1, 4))


spans = st.lists(
    st.tuples(st.integers(0, 100), st.integers(1, 20)).map(lambda p: iv(p[0], p[0] + p[1])),
    max_size=8,
)


def total(intervals) -> timedelta:
    return sum((i.duration for i in intervals), timedelta())


@settings(database=None, deadline=None)
@given(spans, spans)
def test_subtract_leaves_exactly_the_base_time_that_is_not_busy(base, busy):
    free = subtract(base, busy)
    busy_inside = [part for window in merge(base) for part in clip(busy, window)]
    assert all(not overlaps(f, b) for f in free for b in busy)
    assert all(any(b.contains(f) for b in merge(base)) for f in free)
    assert total(free) + total(busy_inside) == total(merge(base))
