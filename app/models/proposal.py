"""Activities citizens propose, the people who would come or help, and the coffee that starts it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.association import Association
from app.models.base import Base, UTCDateTime, utcnow
from app.models.booking import Booking
from app.models.branch import Branch
from app.models.user import User

PROPOSAL_STATES = ("proposed", "dialogue", "scheduled", "happened", "not_now")
SUPPORT_KINDS = ("come", "help")


class Proposal(Base):
    """An activity someone would like the library to host with them: what, for whom,
    what they want and need, roughly when; staff move it from proposed to happened."""

    __tablename__ = "proposal"
    __table_args__ = (
        CheckConstraint(
            "state IN ('proposed', 'dialogue', 'scheduled', 'happened', 'not_now')",
            name="state"),
        CheckConstraint("people_expected > 0", name="people_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    association_id: Mapped[int | None] = mapped_column(
        ForeignKey("association.id", ondelete="SET NULL"))
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    for_whom: Mapped[str] = mapped_column(Text, default="")
    wants: Mapped[str] = mapped_column(Text, default="")
    people_expected: Mapped[int] = mapped_column(default=10)
    room_kind: Mapped[str] = mapped_column(String(200), default="")
    furniture: Mapped[str] = mapped_column(Text, default="")
    staff_help: Mapped[str] = mapped_column(Text, default="")
    timing: Mapped[str] = mapped_column(String(300), default="")
    state: Mapped[str] = mapped_column(String(12), default="proposed", index=True)
    not_now_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    dialogue_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    happened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    not_now_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("booking.id", ondelete="SET NULL"), unique=True)
    # The conversation over a cup of coffee: asked for by the proposer, offered by staff.
    coffee_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    coffee_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    coffee_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    coffee_place: Mapped[str] = mapped_column(String(200), default="")
    coffee_branch_id: Mapped[int | None] = mapped_column(
        ForeignKey("branch.id", ondelete="SET NULL"))
    coffee_staff_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Raised on every change of the coffee time: the invitation's SEQUENCE.
    coffee_sequence: Mapped[int] = mapped_column(default=0)

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    association: Mapped[Association | None] = relationship()
    branch: Mapped[Branch | None] = relationship(foreign_keys=[branch_id])
    booking: Mapped[Booking | None] = relationship()
    coffee_branch: Mapped[Branch | None] = relationship(foreign_keys=[coffee_branch_id])
    coffee_staff: Mapped[User | None] = relationship(foreign_keys=[coffee_staff_id])
    supports: Mapped[list[ProposalSupport]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan")

    @property
    def host_name(self) -> str:
        """Who hosts it with the library: their association, else the proposer."""
        if self.association is not None:
            return self.association.name
        return self.author.name or self.author.email.split("@")[0]


class ProposalSupport(Base):
    """One person saying "I'd come" or "I can help" (and whether to be told when it happens)."""

    __tablename__ = "proposal_support"
    __table_args__ = (
        UniqueConstraint("proposal_id", "user_id", "kind", name="uq_proposal_support_once"),
        CheckConstraint("kind IN ('come', 'help')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    notify: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="supports")
    user: Mapped[User] = relationship()
