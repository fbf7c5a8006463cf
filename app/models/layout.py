"""Furniture kinds and the named arrangements of furniture in a room."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, JSONText, UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.room import Room


class FurnitureKind(Base):
    """A kind of furniture the library owns, mirrored from the layouts catalogue with stock."""

    __tablename__ = "furniture_kind"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    width: Mapped[float] = mapped_column(Float)
    depth: Mapped[float] = mapped_column(Float)
    seats: Mapped[int] = mapped_column(default=0)
    clearance: Mapped[float] = mapped_column(Float, default=0.0)
    stackable: Mapped[bool] = mapped_column(default=False)
    stock: Mapped[int | None] = mapped_column()


class Layout(Base):
    """A named arrangement of furniture in a room, with the capacity derived from it."""

    __tablename__ = "layout"
    __table_args__ = (UniqueConstraint("room_id", "name", name="uq_layout_room_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    style: Mapped[str] = mapped_column(String(20), default="custom")
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSONText, default=list)
    capacity: Mapped[int] = mapped_column(default=0)
    limits: Mapped[dict[str, Any]] = mapped_column(JSONText, default=dict)
    binding: Mapped[str] = mapped_column(String(40), default="")
    valid: Mapped[bool] = mapped_column(default=True)
    revision: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Indexed: every feed version reads the newest change.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    room: Mapped[Room] = relationship(back_populates="layouts")
