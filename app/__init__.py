"""Agora: room and space booking with a layout planner, for public libraries."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

import config as settings

INSECURE_SECRETS = {"", "dev", "secret", "changeme", "change-me", "development"}


def create_app(config: Mapping[str, Any] | type | None = None) -> Flask:
    """Build the Flask application: settings in layers, extensions, blueprints, CLI."""
    instance_path = settings.instance_path_from_environment()
    if isinstance(config, Mapping) and config.get("INSTANCE_PATH"):
        instance_path = config["INSTANCE_PATH"]
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path)
    load_settings(app, config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    ensure_secret_key(app)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(app)
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A server may drop idle connections; a local SQLite file cannot.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "pool_pre_ping": True, **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})}

    from app import auth, errors, i18n, security, throttle
    from app.api import bp as api_bp
    from app.auth import bp as auth_bp
    from app.cli import register_cli
    from app.db import configure_engines
    from app.extensions import csrf, db, limiter, login_manager, migrate
    from app.feeds import bp as feeds_bp
    from app.ids import IdConverter
    from app.web import bp as web_bp

    throttle.trust_proxies(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent.parent / "migrations"))
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    with app.app_context():
        configure_engines(db.engines.values())

    i18n.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    # Before any route is added: every <int:...> in the app is an id within the columns' range.
    app.url_map.converters["int"] = IdConverter
    app.register_blueprint(web_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(feeds_bp, url_prefix="/calendars")
    register_cli(app)
    return app


def load_settings(app: Flask, config: Mapping[str, Any] | type | None) -> None:
    """Class defaults, then AGORA_* environment, then instance/config.py, then ``config``."""
    if isinstance(config, type):
        app.config.from_object(config)
    else:
        app.config.from_object(settings.environment_config())
    app.config.from_prefixed_env("AGORA")
    app.config.from_pyfile("config.py", silent=True)
    if isinstance(config, Mapping):
        app.config.update(config)


def ensure_secret_key(app: Flask) -> None:
    """Use the configured secret, or one generated once and kept in the instance folder.

    Production never generates one: a missing or weak secret stops the start.
    """
    secret = app.config.get("SECRET_KEY") or ""
    if app.config.get("ENV_NAME") == "production":
        if secret in INSECURE_SECRETS or len(secret) < 32:
            raise RuntimeError(
                "Production needs a real secret: set AGORA_SECRET_KEY to at least 32 random "
                "characters (python -c 'import secrets; print(secrets.token_urlsafe(48))')."
            )
        return
    if secret:
        return
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(48))
    app.config["SECRET_KEY"] = key_file.read_text().strip()


def database_url(app: Flask) -> str:
    """``DATABASE_URL`` if set, else a SQLite file in the instance folder."""
    url = app.config.get("DATABASE_URL") or ""
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url or f"sqlite:///{Path(app.instance_path) / 'agora.sqlite3'}"
