"""Bookings flagged when a forced room or layout change leaves them over capacity.

Revision ID: 0005_capacity_flags
Revises: 0004_session_generation
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_capacity_flags"
down_revision = "0004_session_generation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("booking", sa.Column("capacity_flag", sa.Text(), nullable=True))
    op.add_column("booking",
                  sa.Column("capacity_flagged_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+): the columns carry no constraint or index.
    op.drop_column("booking", "capacity_flagged_at")
    op.drop_column("booking", "capacity_flag")
