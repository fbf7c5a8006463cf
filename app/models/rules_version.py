"""A counter of changes to what a booking is checked against, kept by the database itself.

On SQLite a booking create reads and checks its room, branch, closures, layout, floor cells
and association before it queues for the single writer slot, and under the slot reads
this counter again: unchanged, every rule it checked still holds, and only the clash
check and the writes are left for the slot. Triggers bump it on every insert, update and
delete of the tables those rules read, so no code path can forget to. PostgreSQL has no
writer slot to save (a create reads and writes in one transaction) and no triggers.
"""

from __future__ import annotations

from sqlalchemy import DDL, event
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base

# What a create's rules read, besides other bookings (which it re-reads under the slot).
WATCHED_TABLES = (
    "branch", "closure", "floor", "room", "floor_cell", "cell_room", "layout",
    "furniture_kind", "association", "membership", "after_hours_terms", "association_trust",
)
_BUMP = "INSERT INTO rules_version (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = n + 1"


class RulesVersion(Base):
    """One row: how many changes the watched tables have seen (SQLite only)."""

    __tablename__ = "rules_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    n: Mapped[int] = mapped_column(default=0)


def sqlite_triggers() -> list[str]:
    """The CREATE TRIGGER statements that keep the counter (one per table and change)."""
    return [f"CREATE TRIGGER IF NOT EXISTS rules_version_{table}_{change.lower()} "
            f"AFTER {change} ON \"{table}\" BEGIN {_BUMP}; END"
            for table in WATCHED_TABLES for change in ("INSERT", "UPDATE", "DELETE")]


for _statement in sqlite_triggers():
    event.listen(Base.metadata, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
