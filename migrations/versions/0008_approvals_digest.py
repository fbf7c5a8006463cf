"""Staff opt in to a daily digest of new requests to approve; when it last covered up to.

Revision ID: 0008_approvals_digest
Revises: 0007_user_language
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_approvals_digest"
down_revision = "0007_user_language"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("user", sa.Column("approvals_digest", sa.Boolean(), nullable=False,
                                    server_default=sa.text("false")))
    op.add_column("user", sa.Column("approvals_digest_through", sa.DateTime(timezone=True),
                                    nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+): the columns carry no constraint or index.
    op.drop_column("user", "approvals_digest_through")
    op.drop_column("user", "approvals_digest")
