"""A counter of changes to what a booking is checked against (``app.models.rules_version``).

The table on both databases; on SQLite the triggers that bump it on every insert, update
and delete of the tables a create's rules read, so that a create can check its rules
before it takes the writer slot and, under it, see in one read whether they still hold.

Revision ID: 0013_rules_version
Revises: 0012_consortium_indexes
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_rules_version"
down_revision = "0012_consortium_indexes"
branch_labels = None
depends_on = None

WATCHED_TABLES = (
    "branch", "closure", "floor", "room", "floor_cell", "cell_room", "layout",
    "furniture_kind", "association", "membership", "after_hours_terms", "association_trust",
)
CHANGES = ("INSERT", "UPDATE", "DELETE")
BUMP = "INSERT INTO rules_version (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = n + 1"


def upgrade() -> None:
    op.create_table(
        "rules_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rules_version")),
    )
    if op.get_bind().dialect.name == "sqlite":
        for table in WATCHED_TABLES:
            for change in CHANGES:
                op.execute(f"CREATE TRIGGER rules_version_{table}_{change.lower()} "
                           f'AFTER {change} ON "{table}" BEGIN {BUMP}; END')


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in WATCHED_TABLES:
            for change in CHANGES:
                op.execute(f"DROP TRIGGER rules_version_{table}_{change.lower()}")
    op.drop_table("rules_version")
