"""Trusted associations after hours: a branch's terms and limits, who holds the key,
the access codes of after-hours bookings, and rules stretched for one booking on record."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.association import Association
from app.models.base import Base, JSONText, UTCDateTime, utcnow
from app.models.branch import Branch
from app.models.user import User

# Access codes are this many random digits.
ACCESS_CODE_DIGITS = 8

# The rules staff may stretch for one booking, and the error code each one answers with.
STRETCHABLE_RULES = {
    "max_duration": "too_long",
    "lead_time": "too_late_to_book",
    "horizon": "beyond_horizon",
    "quota": "quota_exceeded",
}


class AfterHoursTerms(Base):
    """A branch's terms for trusted associations, and the limits of their after-hours use."""

    __tablename__ = "after_hours_terms"
    __table_args__ = (
        CheckConstraint("evenings_per_month >= 0", name="evenings_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(
        ForeignKey("branch.id", ondelete="CASCADE"), unique=True)
    terms: Mapped[str] = mapped_column(Text, default="")
    # Local wall-clock time ("22:30") by which an after-hours booking must end.
    latest_end: Mapped[str] = mapped_column(String(5))
    # The rooms open to after-hours bookings.
    room_ids: Mapped[list[int]] = mapped_column(JSONText, default=list)
    evenings_per_month: Mapped[int] = mapped_column(default=4)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    branch: Mapped[Branch] = relationship()


class AssociationTrust(Base):
    """Staff trust an association at a branch; it counts once its key-holder accepts the terms.

    At most one trust per association and branch is live (not revoked) at a time.
    """

    __tablename__ = "association_trust"
    __table_args__ = (
        Index("uq_association_trust_live", "association_id", "branch_id", unique=True,
              sqlite_where=text("revoked_at IS NULL"),
              postgresql_where=text("revoked_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("association.id", ondelete="CASCADE"), index=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"))
    key_holder_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), index=True)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    terms_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    association: Mapped[Association] = relationship()
    branch: Mapped[Branch] = relationship()
    key_holder: Mapped[User] = relationship(foreign_keys=[key_holder_id])

    @property
    def active(self) -> bool:
        """Accepted by the key-holder and not revoked: only then may the association book late."""
        return self.terms_accepted_at is not None and self.revoked_at is None


class AccessCode(Base):
    """The door code of one after-hours date of a booking (by where its series first put it).

    Kept readable: the booker and the key-holder are shown it. Valid from 30 minutes
    before the start to the end; revoked when the date or the booking is cancelled.
    """

    __tablename__ = "access_code"
    __table_args__ = (
        UniqueConstraint("booking_id", "original_start", name="uq_access_code_booking_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"))
    original_start: Mapped[datetime] = mapped_column(UTCDateTime)
    code: Mapped[str] = mapped_column(String(16))
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime)
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RuleException(Base):
    """One named rule that staff let one booking (or series) break, with why, who and when."""

    __tablename__ = "rule_exception"
    __table_args__ = (
        UniqueConstraint("booking_id", "rule", name="uq_rule_exception_booking_rule"),
        CheckConstraint("rule IN ('max_duration', 'lead_time', 'horizon', 'quota')",
                        name="rule"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("booking.id", ondelete="CASCADE"), index=True)
    rule: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    granted_by: Mapped[User | None] = relationship()
