"""The outbox: e-mails written with the booking change they announce, sent after commit.

Revision ID: 0002_outbox
Revises: 0001_initial
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_outbox"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("to", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("ics", sa.Text(), nullable=True),
        sa.Column("method", sa.String(length=8), nullable=True),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["booking.id"],
            name="fk_outbox_message_booking_id_booking", ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_outbox_message"),
    )
    op.create_index("ix_outbox_message_booking_id", "outbox_message", ["booking_id"])
    op.create_index("ix_outbox_message_due", "outbox_message", ["sent_at", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_message_due", table_name="outbox_message")
    op.drop_index("ix_outbox_message_booking_id", table_name="outbox_message")
    op.drop_table("outbox_message")
