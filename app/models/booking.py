"""Bookings, their concrete occurrences, and the claims that make double booking impossible."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    DDL,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.association import Association
from app.models.base import Base, JSONText, UTCDateTime, utcnow
from app.models.layout import Layout
from app.models.room import Room
from app.models.user import User

if TYPE_CHECKING:
    from app.models.after_hours import AccessCode, RuleException

BOOKING_STATUSES = ("pending", "confirmed", "rejected", "cancelled")
ACTIVE_STATUSES = ("pending", "confirmed")


class Booking(Base):
    """One booking or a recurring series; its occurrences are stored rows."""

    __tablename__ = "booking"
    __table_args__ = (
        CheckConstraint("attendees > 0", name="attendees_positive"),
        CheckConstraint('"end" > start', name="end_after_start"),
        CheckConstraint(
            "status IN ('pending', 'confirmed', 'rejected', 'cancelled')", name="status"
        ),
        # A room's bookings from a date on (its feed's version), without its whole history.
        Index("ix_booking_room_start", "room_id", "start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(64), unique=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id", ondelete="RESTRICT"))
    layout_id: Mapped[int | None] = mapped_column(ForeignKey("layout.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    attendees: Mapped[int] = mapped_column()
    booked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    association_id: Mapped[int | None] = mapped_column(
        ForeignKey("association.id", ondelete="SET NULL"), index=True
    )
    public: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(12), default="confirmed")
    status_reason: Mapped[str] = mapped_column(Text, default="")
    # Set when a forced change to the room or layout left it holding fewer people than
    # booked; cleared when the booking is changed to fit again.
    capacity_flag: Mapped[str | None] = mapped_column(Text)
    capacity_flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The first occurrence; a series repeats it by ``rrule`` in the branch's local time.
    start: Mapped[datetime] = mapped_column(UTCDateTime)
    end: Mapped[datetime] = mapped_column(UTCDateTime)
    rrule: Mapped[str | None] = mapped_column(String(300))
    exdates: Mapped[list[str]] = mapped_column(JSONText, default=list)
    series_parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("booking.id", ondelete="SET NULL")
    )
    # Raised on every change: the feeds' SEQUENCE.
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    room: Mapped[Room] = relationship()
    layout: Mapped[Layout | None] = relationship()
    booked_by: Mapped[User | None] = relationship()
    association: Mapped[Association | None] = relationship()
    occurrences: Mapped[list[Occurrence]] = relationship(
        back_populates="booking", cascade="all, delete-orphan", order_by="Occurrence.start"
    )
    # Rules staff let this booking break (app.models.after_hours), kept with the booking.
    rule_exceptions: Mapped[list[RuleException]] = relationship(
        cascade="all, delete-orphan", order_by="RuleException.id"
    )
    # Door codes of its after-hours dates (app.models.after_hours), for the booker's e-mail.
    access_codes: Mapped[list[AccessCode]] = relationship(
        cascade="all, delete-orphan", order_by="AccessCode.original_start"
    )


class Occurrence(Base):
    """One concrete time range of a booking, half-open ``[start, end)`` in UTC.

    ``block_start``/``block_end`` widen it by the room's buffer: that is the range
    that must not overlap another active occurrence of an overlapping room.
    """

    __tablename__ = "occurrence"
    __table_args__ = (
        UniqueConstraint("booking_id", "original_start", name="uq_occurrence_booking_original"),
        CheckConstraint('"end" > start', name="end_after_start"),
        CheckConstraint("block_end >= \"end\" AND block_start <= start", name="block_covers"),
        Index("ix_occurrence_room_block", "room_id", "block_start"),
        Index("ix_occurrence_start_end", "start", "end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"))
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id", ondelete="RESTRICT"))
    start: Mapped[datetime] = mapped_column(UTCDateTime)
    end: Mapped[datetime] = mapped_column(UTCDateTime)
    block_start: Mapped[datetime] = mapped_column(UTCDateTime)
    block_end: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(12), default="confirmed")
    # The RECURRENCE-ID: where the series rule put this occurrence before any change.
    original_start: Mapped[datetime] = mapped_column(UTCDateTime)
    modified: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    booking: Mapped[Booking] = relationship(back_populates="occurrences")


class OccurrenceClaim(Base):
    """An active occurrence's hold on one floor cell for its blocked range.

    On PostgreSQL an exclusion constraint forbids two claims on the same cell
    whose ranges overlap; the check in Python gives the friendly answer first.
    """

    __tablename__ = "occurrence_claim"
    __table_args__ = (
        Index("ix_occurrence_claim_cell_start", "cell_id", "block_start"),
        ExcludeConstraint(
            ("cell_id", "="),
            (text("tstzrange(block_start, block_end, '[)')"), "&&"),
            name="ex_occurrence_claim_no_overlap",
            using="gist",
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(
        ForeignKey("occurrence.id", ondelete="CASCADE"), index=True
    )
    cell_id: Mapped[int] = mapped_column(ForeignKey("floor_cell.id", ondelete="CASCADE"))
    block_start: Mapped[datetime] = mapped_column(UTCDateTime)
    block_end: Mapped[datetime] = mapped_column(UTCDateTime)


# The exclusion constraint compares an integer with "=" inside a GiST index.
event.listen(
    Base.metadata,
    "before_create",
    DDL("CREATE EXTENSION IF NOT EXISTS btree_gist").execute_if(dialect="postgresql"),
)
