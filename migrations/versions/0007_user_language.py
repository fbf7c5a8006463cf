"""The language a user reads Agora in, for their e-mails.

Revision ID: 0007_user_language
Revises: 0006_join_requests
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_user_language"
down_revision = "0006_join_requests"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("user", sa.Column("language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+): the column carries no constraint or index.
    op.drop_column("user", "language")
