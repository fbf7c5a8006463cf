"""People who sign in, and the tokens that stand in for them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.association import Membership

ROLES = ("staff", "member")
TOKEN_PURPOSES = ("api", "feed")


class User(UserMixin, Base):
    """A person with an account: library staff or a member of associations."""

    __tablename__ = "user"
    __table_args__ = (
        Index("uq_user_email_lower", text("lower(email)"), unique=True),
        CheckConstraint("role IN ('staff', 'member')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="member")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Part of the id every session and remember cookie carries: raising it (sign-out,
    # password change, "sign out everywhere") makes every cookie issued before void.
    session_generation: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    # The language their e-mails are written in ('da', 'en'): set when they sign up or
    # switch; None (never chosen) means the library's DEFAULT_LANGUAGE.
    language: Mapped[str | None] = mapped_column(String(8))
    # Staff who opted in get one e-mail a day listing the new requests to approve;
    # ``approvals_digest_through`` is the instant the last digest covered up to.
    approvals_digest: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    approvals_digest_through: Mapped[datetime | None] = mapped_column(UTCDateTime)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember cookie: ``id:generation``."""
        return f"{self.id}:{self.session_generation}"

    @property
    def is_staff(self) -> bool:
        """Whether the user is library staff."""
        return self.role == "staff"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class ApiToken(Base):
    """A bearer token (API) or a private feed token; only its SHA-256 is stored."""

    __tablename__ = "api_token"
    __table_args__ = (CheckConstraint("purpose IN ('api', 'feed')", name="purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(8), default="api")
    name: Mapped[str] = mapped_column(String(80), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="tokens")

    @property
    def is_revoked(self) -> bool:
        """Whether the token no longer grants anything."""
        return self.revoked_at is not None
