"""Alembic migrations build the schema from nothing and take it down again, on both databases."""

from __future__ import annotations

import warnings

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect
from sqlalchemy.exc import SAWarning

from app import create_app
from app.extensions import db
from app.models import Base
from tests.conftest import fresh_postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path, postgres_server_url):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrate.sqlite3'}"
        return
    if postgres_server_url is None:
        pytest.skip("set AGORA_TEST_DATABASE_URL to run the PostgreSQL tests")
    url, drop = fresh_postgres_database(postgres_server_url, "agora_migrate")
    yield url
    drop()


def table_names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_builds_every_table_and_downgrade_removes_them(empty_database, tmp_path):
    app = create_app({"DATABASE_URL": empty_database, "INSTANCE_PATH": str(tmp_path / "i"),
                      "SECRET_KEY": "migrations-test-secret"})
    with app.app_context():
        upgrade()
        assert table_names(empty_database) == set(Base.metadata.tables)
        downgrade(revision="base")
        assert table_names(empty_database) == set()
        db.engine.dispose()


def test_upgrade_gives_every_table_the_columns_of_its_model(empty_database, tmp_path):
    app = create_app({"DATABASE_URL": empty_database, "INSTANCE_PATH": str(tmp_path / "i"),
                      "SECRET_KEY": "migrations-test-secret"})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    engine = create_engine(empty_database)
    try:
        inspector = inspect(engine)
        migrated = {table: {c["name"] for c in inspector.get_columns(table)}
                    for table in Base.metadata.tables}
    finally:
        engine.dispose()
    assert migrated == {name: set(table.columns.keys())
                        for name, table in Base.metadata.tables.items()}


def test_postgres_schema_has_the_exclusion_constraint(tmp_path, postgres_server_url):
    if postgres_server_url is None:
        pytest.skip("set AGORA_TEST_DATABASE_URL to run the PostgreSQL tests")
    url, drop = fresh_postgres_database(postgres_server_url, "agora_migrate")
    try:
        app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path / "i"),
                          "SECRET_KEY": "migrations-test-secret"})
        with app.app_context():
            upgrade()
            db.engine.dispose()
        engine = create_engine(url)
        with engine.connect() as connection:
            kinds = connection.exec_driver_sql(
                "SELECT conname FROM pg_constraint WHERE contype = 'x'"
            ).scalars().all()
        engine.dispose()
        assert kinds == ["ex_occurrence_claim_no_overlap"]
    finally:
        drop()


def test_upgrade_builds_every_index_of_the_models(empty_database, tmp_path):
    app = create_app({"DATABASE_URL": empty_database, "INSTANCE_PATH": str(tmp_path / "i"),
                      "SECRET_KEY": "migrations-test-secret"})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    engine = create_engine(empty_database)
    try:
        inspector = inspect(engine)
        with warnings.catch_warnings():
            # SQLite cannot reflect the expression index on users' e-mails; it is not compared.
            warnings.simplefilter("ignore", SAWarning)
            migrated = {table: {(i["name"], tuple(i["column_names"]))
                                for i in inspector.get_indexes(table)}
                        for table in Base.metadata.tables}
    finally:
        engine.dispose()
    # Indexes on plain columns (an expression index has no column names to compare).
    declared = {name: {(i.name, tuple(c.name for c in i.columns)) for i in table.indexes
                       if i.columns and len(i.columns) == len(i.expressions)}
                for name, table in Base.metadata.tables.items()}
    assert {table: indexes - migrated[table] for table, indexes in declared.items()
            if indexes - migrated[table]} == {}


def test_upgrade_and_create_all_both_give_sqlite_the_rules_version_triggers(tmp_path):
    """A create checks its rules before SQLite's writer slot and trusts them while the
    rules version holds: every watched table must bump it, however the schema was made."""
    from app.models.rules_version import WATCHED_TABLES

    wanted = {f"rules_version_{table}_{change}" for table in WATCHED_TABLES
              for change in ("insert", "update", "delete")}
    for made_by in ("upgrade", "create_all"):
        url = f"sqlite:///{tmp_path / f'{made_by}.sqlite3'}"
        app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path / "i"),
                          "SECRET_KEY": "migrations-test-secret"})
        with app.app_context():
            upgrade() if made_by == "upgrade" else db.create_all()
            db.engine.dispose()
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                triggers = set(connection.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars())
        finally:
            engine.dispose()
        assert triggers == wanted, made_by
