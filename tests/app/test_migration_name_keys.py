"""Migration 0003 fills the name key of existing branches and associations, then enforces it."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from app import create_app
from app.extensions import db
from tests.app.test_migrations import empty_database  # noqa: F401  (the fixture)


def test_existing_names_get_their_key_and_a_duplicate_is_then_refused(empty_database,  # noqa: F811
                                                                     tmp_path):
    app = create_app({"DATABASE_URL": empty_database, "INSTANCE_PATH": str(tmp_path / "i"),
                      "SECRET_KEY": "migrations-test-secret"})
    with app.app_context():
        upgrade(revision="0002_outbox")
        engine = create_engine(empty_database)
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO branch (name, address, timezone, rule_pack, opening_hours, "
                "created_at) VALUES ('Ｍain  Library', '', 'UTC', 'dk-br18', '{}', "
                "CURRENT_TIMESTAMP)"))
            connection.execute(text(
                "INSERT INTO association (name, description, contact_email, website, "
                "created_at) VALUES ('ÉTÉ Club', '', '', '', CURRENT_TIMESTAMP)"))
        upgrade()
        with engine.connect() as connection:
            assert connection.execute(text("SELECT name_key FROM branch")).scalar() == \
                "main library"
            assert connection.execute(text("SELECT name_key FROM association")).scalar() == \
                "été club"
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO association (name, name_key, description, contact_email, website, "
                "created_at) VALUES ('été club', 'été club', '', '', '', CURRENT_TIMESTAMP)"))
        engine.dispose()
        downgrade(revision="0002_outbox")
        db.engine.dispose()
