"""A per-user session generation: sessions and remember cookies carry it, sign-out raises it.

Revision ID: 0004_session_generation
Revises: 0003_name_keys
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_session_generation"
down_revision = "0003_name_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("user", sa.Column("session_generation", sa.Integer(), nullable=False,
                                    server_default=sa.text("0")))


def downgrade() -> None:
    op.drop_column("user", "session_generation")
