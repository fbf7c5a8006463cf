"""Fixtures shared by every tier: the app on each database, clients, builders.

Database tests run once per backend: a real SQLite file, and the PostgreSQL of
AGORA_TEST_DATABASE_URL (a fresh database per run). Under CI a PostgreSQL that
cannot be reached fails the run instead of skipping.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import config
from app import create_app
from app.extensions import db
from app.models import Base

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """Argon2id with tiny costs: the same code path, a thousandth of the time."""
    from argon2 import PasswordHasher

    from app.services import accounts

    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", cheap)
    monkeypatch.setattr(accounts, "_DUMMY_HASH", cheap.hash("dummy"))


@pytest.fixture(scope="session")
def postgres_server_url() -> str | None:
    """The PostgreSQL to test against, checked reachable (None to skip, or fail under CI)."""
    url = config.test_database_url()
    if url is None:
        if config.running_in_ci():
            pytest.fail("CI=true but AGORA_TEST_DATABASE_URL is not set")
        return None
    try:
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as error:  # any failure to connect means "no PostgreSQL"
        if config.running_in_ci():
            pytest.fail(f"PostgreSQL at {url} is not reachable under CI: {error}")
        return None
    return url


def fresh_postgres_database(server_url: str, prefix: str) -> tuple[str, callable]:
    """Create an empty database on the server; returns its URL and a function that drops it."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"
            ), {"name": name})
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()

    return url, drop


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory, postgres_server_url) -> Iterator[str]:
    """A database with Agora's schema, once per backend for the whole run."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "agora-test.sqlite3"
        url = f"sqlite:///{path}"
        drop = None
    else:
        if postgres_server_url is None:
            pytest.skip("set AGORA_TEST_DATABASE_URL to run the PostgreSQL tests")
        url, drop = fresh_postgres_database(postgres_server_url, "agora_test")
    app = create_app(_test_config(url, tmp_path_factory.mktemp("instance")))
    with app.app_context():
        db.create_all()
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    yield url
    if drop is not None:
        drop()


def _test_config(url: str, instance_path) -> dict:
    return {
        "TESTING": True,
        "ENV_NAME": "testing",
        "DATABASE_URL": url,
        "INSTANCE_PATH": str(instance_path),
        "SECRET_KEY": "test-secret-" + uuid.uuid4().hex,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
        "BASE_URL": "http://agora.test",
        "OUTBOX_DELIVERY": "after_response",
        # The test client sends no Accept-Language; tests that read Danish ask for it.
        "DEFAULT_LANGUAGE": "en",
    }


@pytest.fixture
def app(database_url, tmp_path) -> Iterator:
    """The application on a clean database of the current backend."""
    app = create_app(_test_config(database_url, tmp_path / "instance"))
    with app.app_context():
        yield app
        db.session.remove()
        _empty_all_tables()
        for engine in db.engines.values():
            engine.dispose()


def _empty_all_tables() -> None:
    engine = db.engine
    tables = [t.name for t in Base.metadata.sorted_tables]
    with engine.begin() as connection:
        for name in reversed(tables):
            connection.execute(text(f'DELETE FROM "{name}"'))


@pytest.fixture
def client(app):
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner of the app."""
    return app.test_cli_runner()
