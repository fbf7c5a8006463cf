"""The application factory and its layers of settings."""

from __future__ import annotations

import pytest

import config
from app import create_app


def make(tmp_path, **settings):
    return create_app({"INSTANCE_PATH": str(tmp_path / "instance"), **settings})


def test_default_database_is_a_sqlite_file_in_the_instance_folder(tmp_path):
    app = make(tmp_path)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        f"sqlite:///{tmp_path / 'instance' / 'agora.sqlite3'}"
    )


def test_environment_variables_override_class_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("AGORA_BASE_URL", "https://rooms.library.example")
    monkeypatch.setenv("AGORA_DATABASE_URL", "postgresql://agora@db.example/agora")
    app = make(tmp_path)
    assert app.config["BASE_URL"] == "https://rooms.library.example"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://agora@db.example/agora"


def test_instance_config_file_overrides_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("AGORA_BASE_URL", "https://from-env.example")
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text('BASE_URL = "https://from-instance.example"\n')
    assert make(tmp_path).config["BASE_URL"] == "https://from-instance.example"


def test_mapping_given_to_the_factory_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("AGORA_BASE_URL", "https://from-env.example")
    assert make(tmp_path, BASE_URL="https://given.example").config["BASE_URL"] == (
        "https://given.example"
    )


def test_agora_env_selects_the_settings_class(tmp_path, monkeypatch):
    monkeypatch.setenv("AGORA_ENV", "testing")
    assert make(tmp_path).config["ENV_NAME"] == "testing"
    monkeypatch.setenv("AGORA_ENV", "nonsense")
    with pytest.raises(RuntimeError, match="AGORA_ENV"):
        make(tmp_path)


def test_secret_key_is_generated_once_and_kept_in_the_instance_folder(tmp_path):
    first = make(tmp_path).config["SECRET_KEY"]
    second = make(tmp_path).config["SECRET_KEY"]
    assert len(first) >= 48
    assert first == second
    assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o077 == 0


def test_production_refuses_to_start_without_a_real_secret(tmp_path):
    with pytest.raises(RuntimeError, match="AGORA_SECRET_KEY"):
        create_app(_production(tmp_path, ""))
    with pytest.raises(RuntimeError):
        create_app(_production(tmp_path, "changeme"))
    app = create_app(_production(tmp_path, "x" * 40))
    assert app.config["SESSION_COOKIE_SECURE"] is True


def _production(tmp_path, secret: str) -> dict:
    settings = {k: getattr(config.Production, k) for k in dir(config.Production) if k.isupper()}
    return {**settings, "SECRET_KEY": secret, "INSTANCE_PATH": str(tmp_path / "prod")}


def test_session_cookie_is_http_only_and_same_site_lax(tmp_path):
    app = make(tmp_path)
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
