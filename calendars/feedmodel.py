"""The plain values a calendar feed is built from."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

STATUSES = {"confirmed": "CONFIRMED", "pending": "TENTATIVE", "cancelled": "CANCELLED"}
_NAMESPACE = uuid.UUID("6f1c3f2e-5d0a-5b8e-9a43-0c7e2b1d4a90")


def _check_aware(owner: object, *names: str) -> None:
    for name in names:
        value = getattr(owner, name)
        if not isinstance(value, datetime) or value.utcoffset() is None:
            raise ValueError(f"{type(owner).__name__}.{name} must be an aware datetime")


def _check_range_and_status(owner: object) -> None:
    if not owner.start < owner.end:  # type: ignore[attr-defined]
        raise ValueError(f"{type(owner).__name__} must start before it ends")
    if owner.status not in STATUSES:  # type: ignore[attr-defined]
        raise ValueError(f"status must be one of {', '.join(STATUSES)}")


@dataclass(frozen=True)
class FeedOccurrence:
    """One concrete occurrence of a booking, as a feed shows it."""

    start: datetime
    end: datetime
    status: str

    def __post_init__(self) -> None:
        _check_aware(self, "start", "end")
        _check_range_and_status(self)


@dataclass(frozen=True)
class FeedOverride:
    """An occurrence of a series that was moved or cancelled, keyed by its original start."""

    recurrence_id: datetime
    start: datetime
    end: datetime
    status: str

    def __post_init__(self) -> None:
        _check_aware(self, "recurrence_id", "start", "end")
        _check_range_and_status(self)


@dataclass(frozen=True)
class FeedEvent:
    """A booking as a feed shows it: a single event or a series with its exceptions."""

    uid: str
    sequence: int
    title: str
    description: str
    location: str
    url: str | None
    start: datetime
    end: datetime
    status: str
    created: datetime
    last_modified: datetime
    rrule: str | None = None
    exdates: tuple[datetime, ...] = ()
    overrides: tuple[FeedOverride, ...] = ()

    def __post_init__(self) -> None:
        _check_aware(self, "start", "end", "created", "last_modified")
        _check_range_and_status(self)
        for exdate in self.exdates:
            if exdate.utcoffset() is None:
                raise ValueError("FeedEvent.exdates must be aware datetimes")
        if self.sequence < 0:
            raise ValueError("FeedEvent.sequence cannot be negative")


@dataclass(frozen=True)
class FeedAllDay:
    """A whole-day entry such as a closure; last_day_exclusive is the day after it ends."""

    uid: str
    title: str
    first_day: date
    last_day_exclusive: date
    description: str = ""
    last_modified: datetime | None = None

    def __post_init__(self) -> None:
        if not self.first_day < self.last_day_exclusive:
            raise ValueError("FeedAllDay.first_day must come before last_day_exclusive")


@dataclass(frozen=True)
class FeedMeta:
    """What a feed says about itself: name, description, zone, link and refresh rate."""

    name: str
    description: str
    zone: str
    url: str | None
    refresh_minutes: int = 60
    capped: bool = False


def feed_uid(kind: str, id: int, domain: str) -> str:
    """A UID that never changes for one booking (or closure): a UUID 5 of kind, id and domain."""
    return str(uuid.uuid5(_NAMESPACE, f"{domain}/{kind}/{id}"))
