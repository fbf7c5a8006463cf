"""Trusted associations after hours (terms, trusts, access codes) and rules stretched on record.

Revision ID: 0010_after_hours
Revises: 0009_proposals
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_after_hours"
down_revision = "0009_proposals"
branch_labels = None
depends_on = None

LIVE = sa.text("revoked_at IS NULL")


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"],
                                   name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete)


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "after_hours_terms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("latest_end", sa.String(length=5), nullable=False),
        sa.Column("room_ids", sa.Text(), nullable=False),
        sa.Column("evenings_per_month", sa.Integer(), nullable=False),
        _when("updated_at"),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("evenings_per_month >= 0",
                           name=op.f("ck_after_hours_terms_evenings_not_negative")),
        _fk("after_hours_terms", "branch_id", "branch", "CASCADE"),
        _fk("after_hours_terms", "updated_by_id", "user", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_after_hours_terms")),
        sa.UniqueConstraint("branch_id", name=op.f("uq_after_hours_terms_branch_id")),
    )
    op.create_table(
        "association_trust",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("association_id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("key_holder_id", sa.Integer(), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        _when("granted_at"),
        _when("terms_accepted_at", nullable=True),
        _when("revoked_at", nullable=True),
        _fk("association_trust", "association_id", "association", "CASCADE"),
        _fk("association_trust", "branch_id", "branch", "CASCADE"),
        _fk("association_trust", "key_holder_id", "user", "CASCADE"),
        _fk("association_trust", "granted_by_id", "user", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_association_trust")),
    )
    op.create_index("ix_association_trust_association_id", "association_trust",
                    ["association_id"])
    op.create_index("ix_association_trust_key_holder_id", "association_trust",
                    ["key_holder_id"])
    op.create_index("uq_association_trust_live", "association_trust",
                    ["association_id", "branch_id"], unique=True,
                    sqlite_where=LIVE, postgresql_where=LIVE)
    op.create_table(
        "access_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        _when("original_start"),
        sa.Column("code", sa.String(length=16), nullable=False),
        _when("valid_from"),
        _when("valid_until"),
        _when("created_at"),
        _when("revoked_at", nullable=True),
        _fk("access_code", "booking_id", "booking", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_code")),
        sa.UniqueConstraint("booking_id", "original_start",
                            name=op.f("uq_access_code_booking_date")),
    )
    op.create_table(
        "rule_exception",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        _when("granted_at"),
        sa.CheckConstraint("rule IN ('max_duration', 'lead_time', 'horizon', 'quota')",
                           name=op.f("ck_rule_exception_rule")),
        _fk("rule_exception", "booking_id", "booking", "CASCADE"),
        _fk("rule_exception", "granted_by_id", "user", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_exception")),
        sa.UniqueConstraint("booking_id", "rule", name=op.f("uq_rule_exception_booking_rule")),
    )
    op.create_index("ix_rule_exception_booking_id", "rule_exception", ["booking_id"])


def downgrade() -> None:
    op.drop_index("ix_rule_exception_booking_id", table_name="rule_exception")
    op.drop_table("rule_exception")
    op.drop_table("access_code")
    op.drop_index("uq_association_trust_live", table_name="association_trust")
    op.drop_index("ix_association_trust_key_holder_id", table_name="association_trust")
    op.drop_index("ix_association_trust_association_id", table_name="association_trust")
    op.drop_table("association_trust")
    op.drop_table("after_hours_terms")
