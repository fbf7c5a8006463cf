"""Bookable spaces: polygons on a floor, with doors, obstacles and booking rules."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, JSONText, UTCDateTime, utcnow
from app.models.branch import Branch, Floor

if TYPE_CHECKING:
    from app.models.layout import Layout


class Room(Base):
    """A bookable space. Geometry is GeoJSON in metres in the floor's local plane."""

    __tablename__ = "room"
    __table_args__ = (
        UniqueConstraint("branch_id", "name", name="uq_room_branch_name"),
        CheckConstraint("slot_minutes > 0", name="slot_positive"),
        CheckConstraint("min_minutes > 0 AND max_minutes >= min_minutes", name="durations"),
        CheckConstraint("buffer_minutes >= 0 AND changeover_minutes >= 0", name="buffers"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"), index=True)
    floor_id: Mapped[int] = mapped_column(ForeignKey("floor.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    outline: Mapped[dict[str, Any]] = mapped_column(JSONText)
    doors: Mapped[list[dict[str, Any]]] = mapped_column(JSONText, default=list)
    obstacles: Mapped[list[dict[str, Any]]] = mapped_column(JSONText, default=list)
    amenities: Mapped[list[str]] = mapped_column(JSONText, default=list)
    area_m2: Mapped[float] = mapped_column(Float, default=0.0)
    # The staff-set policy cap; a layout's derived capacity never exceeds it.
    max_attendees: Mapped[int | None] = mapped_column()
    slot_minutes: Mapped[int] = mapped_column(default=15)
    min_minutes: Mapped[int] = mapped_column(default=30)
    max_minutes: Mapped[int] = mapped_column(default=480)
    buffer_minutes: Mapped[int] = mapped_column(default=0)
    lead_hours: Mapped[int] = mapped_column(default=24)
    horizon_days: Mapped[int] = mapped_column(default=180)
    requires_approval: Mapped[bool] = mapped_column(default=False)
    changeover_minutes: Mapped[int] = mapped_column(default=0)
    bookable: Mapped[bool] = mapped_column(default=True)
    revision: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Indexed: every feed version reads the newest change.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    branch: Mapped[Branch] = relationship()
    floor: Mapped[Floor] = relationship(back_populates="rooms")
    layouts: Mapped[list[Layout]] = relationship(
        back_populates="room", cascade="all, delete-orphan", order_by="Layout.name"
    )

    RULE_FIELDS = (
        "slot_minutes",
        "min_minutes",
        "max_minutes",
        "buffer_minutes",
        "lead_hours",
        "horizon_days",
        "requires_approval",
        "changeover_minutes",
    )

    @property
    def rules(self) -> dict[str, Any]:
        """The booking rules, as the API shows them."""
        return {name: getattr(self, name) for name in self.RULE_FIELDS}


class FloorCell(Base):
    """An atomic face of the overlay of a floor's room outlines.

    A booking claims every cell of its room, so rooms that overlap on the floor
    (a hall and its halves) compete for the cells they share.
    """

    __tablename__ = "floor_cell"

    id: Mapped[int] = mapped_column(primary_key=True)
    floor_id: Mapped[int] = mapped_column(ForeignKey("floor.id", ondelete="CASCADE"), index=True)
    area_m2: Mapped[float] = mapped_column(Float)
    geometry: Mapped[dict[str, Any]] = mapped_column(JSONText)


class CellRoom(Base):
    """Which rooms cover which cell."""

    __tablename__ = "cell_room"

    cell_id: Mapped[int] = mapped_column(
        ForeignKey("floor_cell.id", ondelete="CASCADE"), primary_key=True
    )
    room_id: Mapped[int] = mapped_column(
        ForeignKey("room.id", ondelete="CASCADE"), primary_key=True, index=True
    )
