"""Names that must be unique however they are typed: a normalised key, stored and indexed.

``lower()`` folds only ASCII on SQLite, so ``ÀB dup`` and ``àb dup`` were two
associations there and one on PostgreSQL. The key is computed in Python, the same
for every database, and a unique index on it lets the database itself refuse a
duplicate, even from two requests racing.
"""

from __future__ import annotations

import unicodedata

from sqlalchemy import Text
from sqlalchemy.orm import Mapped, mapped_column, validates


def name_key(name: str) -> str:
    """``name`` compared as people read it: NFKC, case-folded, whitespace collapsed."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return unicodedata.normalize("NFKC", " ".join(folded.split()))


class UniqueName:
    """A model whose ``name`` is unique by :func:`name_key`, kept in ``name_key``."""

    name_key: Mapped[str] = mapped_column(Text, unique=True)

    @validates("name")
    def _keep_name_key(self, _field: str, name: str) -> str:
        self.name_key = name_key(name)
        return name
