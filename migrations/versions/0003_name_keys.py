"""Branch and association names unique by a normalised key (NFKC, case-folded, spaces collapsed).

Replaces the association's ``lower(name)`` index, which folds only ASCII on SQLite.

Revision ID: 0003_name_keys
Revises: 0002_outbox
"""

import unicodedata
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = "0003_name_keys"
down_revision = "0002_outbox"
branch_labels = None
depends_on = None

TABLES = ("branch", "association")


def _name_key(name: str) -> str:
    # A copy of app.models.names.name_key as it was when this revision was written: a
    # migration must keep doing what it did, whatever the application's code becomes.
    folded = unicodedata.normalize("NFKC", name).casefold()
    return unicodedata.normalize("NFKC", " ".join(folded.split()))


@contextmanager
def _batch(table: str) -> Iterator[object]:
    """``batch_alter_table``, quiet about the user table's lower(email) index.

    On SQLite the batch copy reflects the tables the foreign keys point at, and
    SQLAlchemy warns that it skips their expression indexes; it copies only ``table``,
    so that index is untouched.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based",
                                sa.exc.SAWarning)
        with op.batch_alter_table(table) as batch:
            yield batch


def upgrade() -> None:
    # First: SQLite's batch mode copies the table and cannot reflect an expression index.
    op.drop_index("uq_association_name_lower", table_name="association")
    connection = op.get_bind()
    for table in TABLES:
        with _batch(table) as batch:
            batch.add_column(sa.Column("name_key", sa.Text(), nullable=True))
        rows = connection.execute(sa.text(f'SELECT id, name FROM "{table}"')).all()
        for row_id, name in rows:
            connection.execute(sa.text(f'UPDATE "{table}" SET name_key = :key WHERE id = :id'),
                               {"key": _name_key(name), "id": row_id})
        with _batch(table) as batch:
            batch.alter_column("name_key", existing_type=sa.Text(), nullable=False)
            batch.create_unique_constraint(f"uq_{table}_name_key", ["name_key"])


def downgrade() -> None:
    for table in TABLES:
        with _batch(table) as batch:
            batch.drop_constraint(f"uq_{table}_name_key", type_="unique")
            batch.drop_column("name_key")
    op.create_index("uq_association_name_lower", "association", [sa.text("lower(name)")],
                    unique=True)
