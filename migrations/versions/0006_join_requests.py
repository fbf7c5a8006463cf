"""Join requests: people asking to join an association, answered by its admins.

Revision ID: 0006_join_requests
Revises: 0005_capacity_flags
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_join_requests"
down_revision = "0005_capacity_flags"
branch_labels = None
depends_on = None

PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    op.create_table(
        "join_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("association_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'accepted', 'declined')",
                           name=op.f("ck_join_request_status")),
        sa.ForeignKeyConstraint(
            ["association_id"], ["association.id"],
            name=op.f("fk_join_request_association_id_association"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_join_request_user_id_user"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user.id"],
            name=op.f("fk_join_request_decided_by_id_user"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_join_request")),
    )
    op.create_index("ix_join_request_association_id", "join_request", ["association_id"])
    op.create_index("ix_join_request_user_id", "join_request", ["user_id"])
    op.create_index("uq_join_request_pending", "join_request", ["association_id", "user_id"],
                    unique=True, sqlite_where=PENDING, postgresql_where=PENDING)


def downgrade() -> None:
    op.drop_index("uq_join_request_pending", table_name="join_request")
    op.drop_index("ix_join_request_user_id", table_name="join_request")
    op.drop_index("ix_join_request_association_id", table_name="join_request")
    op.drop_table("join_request")
