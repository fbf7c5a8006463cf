"""Proposals: activities citizens propose, "I'd come" / "I can help", the coffee that starts it.

Revision ID: 0009_proposals
Revises: 0008_approvals_digest
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_proposals"
down_revision = "0008_approvals_digest"
branch_labels = None
depends_on = None


def _instant(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("association_id", sa.Integer(), nullable=True),
        sa.Column("branch_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("for_whom", sa.Text(), nullable=False),
        sa.Column("wants", sa.Text(), nullable=False),
        sa.Column("people_expected", sa.Integer(), nullable=False),
        sa.Column("room_kind", sa.String(length=200), nullable=False),
        sa.Column("furniture", sa.Text(), nullable=False),
        sa.Column("staff_help", sa.Text(), nullable=False),
        sa.Column("timing", sa.String(length=300), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("not_now_reason", sa.Text(), nullable=False),
        _instant("created_at", nullable=False),
        _instant("dialogue_at"),
        _instant("scheduled_at"),
        _instant("happened_at"),
        _instant("not_now_at"),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        _instant("coffee_requested_at"),
        _instant("coffee_start"),
        _instant("coffee_end"),
        sa.Column("coffee_place", sa.String(length=200), nullable=False),
        sa.Column("coffee_branch_id", sa.Integer(), nullable=True),
        sa.Column("coffee_staff_id", sa.Integer(), nullable=True),
        sa.Column("coffee_sequence", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "state IN ('proposed', 'dialogue', 'scheduled', 'happened', 'not_now')",
            name=op.f("ck_proposal_state")),
        sa.CheckConstraint("people_expected > 0", name=op.f("ck_proposal_people_positive")),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"],
                                name=op.f("fk_proposal_author_id_user"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["association_id"], ["association.id"],
                                name=op.f("fk_proposal_association_id_association"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"],
                                name=op.f("fk_proposal_branch_id_branch"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["booking_id"], ["booking.id"],
                                name=op.f("fk_proposal_booking_id_booking"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["coffee_branch_id"], ["branch.id"],
                                name=op.f("fk_proposal_coffee_branch_id_branch"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["coffee_staff_id"], ["user.id"],
                                name=op.f("fk_proposal_coffee_staff_id_user"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal")),
        sa.UniqueConstraint("booking_id", name=op.f("uq_proposal_booking_id")),
    )
    op.create_index("ix_proposal_author_id", "proposal", ["author_id"])
    op.create_index("ix_proposal_state", "proposal", ["state"])
    op.create_index("ix_proposal_created_at", "proposal", ["created_at"])
    op.create_table(
        "proposal_support",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("notify", sa.Boolean(), nullable=False),
        _instant("created_at", nullable=False),
        sa.CheckConstraint("kind IN ('come', 'help')", name=op.f("ck_proposal_support_kind")),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposal.id"],
                                name=op.f("fk_proposal_support_proposal_id_proposal"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"],
                                name=op.f("fk_proposal_support_user_id_user"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_support")),
        sa.UniqueConstraint("proposal_id", "user_id", "kind",
                            name="uq_proposal_support_once"),
    )
    op.create_index("ix_proposal_support_proposal_id", "proposal_support", ["proposal_id"])
    op.create_index("ix_proposal_support_user_id", "proposal_support", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_proposal_support_user_id", table_name="proposal_support")
    op.drop_index("ix_proposal_support_proposal_id", table_name="proposal_support")
    op.drop_table("proposal_support")
    op.drop_index("ix_proposal_created_at", table_name="proposal")
    op.drop_index("ix_proposal_state", table_name="proposal")
    op.drop_index("ix_proposal_author_id", table_name="proposal")
    op.drop_table("proposal")
