"""Community groups that book rooms, and who belongs to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow
from app.models.names import UniqueName
from app.models.user import User

MEMBERSHIP_ROLES = ("member", "admin")
JOIN_REQUEST_STATUSES = ("pending", "accepted", "declined")


class Association(UniqueName, Base):
    """A chess club, a language café, a Red Cross branch: verified by staff before it books."""

    __tablename__ = "association"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="association", cascade="all, delete-orphan"
    )

    @property
    def verified(self) -> bool:
        """Whether staff have verified the association (only then may it book)."""
        return self.verified_at is not None


class Membership(Base):
    """A user's place in an association: a member, or an admin who manages it."""

    __tablename__ = "membership"
    __table_args__ = (CheckConstraint("role IN ('member', 'admin')", name="role"),)

    association_id: Mapped[int] = mapped_column(
        ForeignKey("association.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(8), default="member")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    association: Mapped[Association] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships")


class JoinRequest(Base):
    """Someone asking to join an association; its admins (or staff) accept or decline.

    At most one request per person and association waits at a time: a partial unique
    index on the pending ones settles two clicks racing each other.
    """

    __tablename__ = "join_request"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'accepted', 'declined')", name="status"),
        Index("uq_join_request_pending", "association_id", "user_id", unique=True,
              sqlite_where=text("status = 'pending'"),
              postgresql_where=text("status = 'pending'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("association.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(8), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    association: Mapped[Association] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
