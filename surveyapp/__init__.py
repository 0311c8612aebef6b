"""Senim web application: ``create_app`` builds a configured Flask app."""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Mapping

from flask import Flask

from .config import (
    STATIC_DIR, TEMPLATE_DIR, ConfigError, check_job_runner, defaults, from_environment, normalise_database_url,
    resolve_secret,
)

__all__ = ["ConfigError", "create_app"]


def create_app(config: Mapping[str, Any] | None = None, *, environ: Mapping[str, str] | None = None) -> Flask:
    """Build the app: defaults, then ``SENIM_*`` environment variables, then ``config`` overrides.

    Raises ``ConfigError`` when the configuration must not start (e.g. production without a secret).
    """
    app = Flask(
        __name__,
        template_folder=str(TEMPLATE_DIR),
        static_folder=str(STATIC_DIR),
        instance_relative_config=True,
    )
    instance_path = Path(app.instance_path)
    settings = defaults(instance_path)
    settings.update(from_environment(os.environ if environ is None else environ))
    settings.update(config or {})
    settings["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(settings["SQLALCHEMY_DATABASE_URI"])
    if settings["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///") and ":memory:" not in settings[
        "SQLALCHEMY_DATABASE_URI"
    ]:
        instance_path.mkdir(parents=True, exist_ok=True)
    settings["SECRET_KEY"] = resolve_secret(settings, instance_path)
    settings["SENIM_JOB_RUNNER"] = check_job_runner(settings.get("SENIM_JOB_RUNNER", "process"))
    if settings["SENIM_ENV"] == "production":
        settings["SESSION_COOKIE_SECURE"] = True
        settings["SESSION_COOKIE_NAME"] = "__Host-senim"  # Secure, path /, no Domain: browser-enforced
    if settings.get("SENIM_REDIS_URL") and settings.get("RATELIMIT_STORAGE_URI") == "memory://":
        settings["RATELIMIT_STORAGE_URI"] = settings["SENIM_REDIS_URL"]
    app.config.update(settings)
    from .services.users import configure_hasher

    configure_hasher(**app.config["SENIM_ARGON2"])

    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    logging.getLogger("senim").setLevel(logging.INFO)
    return app


def _init_extensions(app: Flask) -> None:
    from models import db

    from .database import install_sqlite_pragmas, sqlite_engine_options
    from .extensions import SessionInterface, csrf, limiter, login_manager, migrate
    from .i18n import init_i18n
    from .security import init_retry_after_scope, init_security

    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = sqlite_engine_options(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    db.init_app(app)
    if uri.startswith("sqlite"):
        with app.app_context():
            install_sqlite_pragmas(db.engine)
        _begin_writes_immediately(app)
    from .config import MIGRATIONS_DIR

    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True)
    app.session_interface = SessionInterface()
    csrf.init_app(app)
    if app.config.get("RATELIMIT_STORAGE_URI") == "memory://":
        app.config["RATELIMIT_STORAGE_URI"] = "senim-memory://"  # same counters, no thread per request
    init_retry_after_scope(app)  # before the limiter, so that it runs after the limiter's headers
    limiter.init_app(app)
    login_manager.init_app(app)
    init_i18n(app)
    init_security(app)
    from .auth.sessions import init_sessions

    init_sessions(app)


def _begin_writes_immediately(app: Flask) -> None:
    """On SQLite, a request that may write (POST, PUT, PATCH, DELETE) takes the write lock first,
    unless its view takes it itself, late and briefly (``database.write_transaction``)."""
    from flask import request

    from models import db

    from .database import OWN_WRITES_ATTR, begin_write

    @app.before_request
    def _writer() -> None:
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            if getattr(app.view_functions.get(request.endpoint or ""), OWN_WRITES_ATTR, False):
                return
            begin_write(db.session)


def _register_blueprints(app: Flask) -> None:
    from .admin import bp as admin_bp
    from .api import bp as api_bp
    from .auth import bp as auth_bp
    from .dashboard import bp as dashboard_bp
    from .errors import init_errors
    from .monitor import bp as monitor_bp
    from .public import bp as public_bp
    from .routing import init_routing

    init_routing(app)  # before the first rule: <int:…> ids stay within the database's integer range
    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(dashboard_bp, url_prefix="/dashboard")
    app.register_blueprint(monitor_bp, url_prefix="/monitor")
    from .extensions import csrf

    csrf.exempt(api_bp)  # JSON only (Content-Type checked); staff calls authenticate with bearer tokens
    init_errors(app)
    from .navigation import init_navigation

    init_navigation(app)


def _register_cli(app: Flask) -> None:
    from .cli import register_commands

    register_commands(app)
