"""Half-open interval arithmetic on aware datetimes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import NamedTuple


class _Span(NamedTuple):
    start: datetime
    end: datetime


class Interval(_Span):
    """The half-open time range [start, end) between two aware datetimes.

    A tuple underneath: availability builds and sorts thousands of these per request,
    and tuples compare in C (a dataclass with ``order=True`` builds two tuples for
    every comparison). Orders by start, then end; immutable; hashable.
    """

    __slots__ = ()

    def __new__(cls, start: datetime, end: datetime) -> Interval:
        if start.tzinfo is None or end.tzinfo is None:
            raise ValueError("Interval.start and Interval.end must be aware datetimes")
        if not start < end:
            raise ValueError("Interval.start must be before Interval.end")
        return tuple.__new__(cls, (start, end))

    @property
    def duration(self) -> timedelta:
        """The length of the interval."""
        return self.end - self.start

    def contains(self, other: Interval) -> bool:
        """Whether `other` lies wholly inside this interval."""
        return self.start <= other.start and other.end <= self.end


def overlaps(a: Interval, b: Interval) -> bool:
    """Whether two intervals share time; back-to-back intervals do not."""
    return a.start < b.end and b.start < a.end


def intersection(a: Interval, b: Interval) -> Interval | None:
    """The time both intervals share, or None."""
    if not overlaps(a, b):
        return None
    return Interval(max(a.start, b.start), min(a.end, b.end))


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sort and join intervals that overlap or touch."""
    merged: list[Interval] = []
    for current in sorted(intervals):
        if merged and current.start <= merged[-1].end:
            last = merged[-1]
            merged[-1] = Interval(last.start, max(last.end, current.end))
        else:
            merged.append(current)
    return merged


def subtract(base: Interval | Iterable[Interval], busy: Iterable[Interval]) -> list[Interval]:
    """The parts of `base` not covered by any interval in `busy`, sorted."""
    bases = merge([base] if isinstance(base, Interval) else base)
    blocks = merge(busy)
    free: list[Interval] = []
    for piece in bases:
        free.extend(_subtract_one(piece, blocks))
    return free


def _subtract_one(piece: Interval, blocks: list[Interval]) -> list[Interval]:
    free: list[Interval] = []
    cursor = piece.start
    for block in blocks:
        if block.end <= cursor or not overlaps(piece, block):
            continue
        if block.start > cursor:
            free.append(Interval(cursor, block.start))
        cursor = max(cursor, block.end)
        if cursor >= piece.end:
            return free
    if cursor < piece.end:
        free.append(Interval(cursor, piece.end))
    return free


def clip(intervals: Iterable[Interval], window: Interval) -> list[Interval]:
    """The parts of `intervals` inside `window`, sorted and merged."""
    clipped = (intersection(item, window) for item in intervals)
    return merge(item for item in clipped if item is not None)


def expand(interval: Interval, before: timedelta, after: timedelta) -> Interval:
    """Widen an interval by a buffer before its start and after its end."""
    return Interval(interval.start - before, interval.end + after)


def covers(intervals: Iterable[Interval], target: Interval) -> bool:
    """Whether the union of `intervals` covers `target` without a gap."""
    return not subtract(target, intervals)
