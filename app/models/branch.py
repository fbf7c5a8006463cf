"""Library buildings, their floors and the days they are closed."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, JSONText, UTCDateTime, utcnow
from app.models.names import UniqueName

if TYPE_CHECKING:
    from app.models.room import Room


class Branch(UniqueName, Base):
    """A library building with its IANA time zone, opening hours and booking quota."""

    __tablename__ = "branch"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    timezone: Mapped[str] = mapped_column(String(64))
    rule_pack: Mapped[str] = mapped_column(String(32), default="dk-br18")
    # {"mon": [["08:00", "21:00"]], ..., "sun": []}: local wall-clock spans per weekday.
    opening_hours: Mapped[dict[str, Any]] = mapped_column(JSONText)
    # Fair use: at most this many hours / bookings per association per ISO week (None: no cap).
    quota_hours_per_week: Mapped[int | None] = mapped_column()
    quota_bookings_per_week: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    floors: Mapped[list[Floor]] = relationship(
        back_populates="branch", cascade="all, delete-orphan", order_by="Floor.level"
    )
    closures: Mapped[list[Closure]] = relationship(
        back_populates="branch", cascade="all, delete-orphan", order_by="Closure.start"
    )


class Floor(Base):
    """A level of a branch; room coordinates are metres in its local plane."""

    __tablename__ = "floor"
    __table_args__ = (UniqueConstraint("branch_id", "name", name="uq_floor_branch_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    level: Mapped[int] = mapped_column(default=0)

    branch: Mapped[Branch] = relationship(back_populates="floors")
    rooms: Mapped[list[Room]] = relationship(back_populates="floor", order_by="Room.name")


class Closure(Base):
    """A time the branch is shut (a holiday, a staff day), in UTC."""

    __tablename__ = "closure"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"), index=True)
    start: Mapped[datetime] = mapped_column(UTCDateTime)
    end: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(16), default="manual")

    branch: Mapped[Branch] = relationship(back_populates="closures")
