"""The app factory: configuration order, secrets, SQLite pragmas, security headers."""
from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from surveyapp import ConfigError, create_app


def _app(tmp_path: Path, config: dict | None = None, environ: dict | None = None):
    base = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"}
    base.update(config or {})
    app = create_app(base, environ=environ or {})
    return app


@pytest.mark.parametrize("secret", [None, "", "dev", "changeme", "short-secret"])
def test_production_refuses_missing_or_default_secret(tmp_path, secret):
    environ = {"SENIM_ENV": "production"}
    if secret is not None:
        environ["SENIM_SECRET_KEY"] = secret
    with pytest.raises(ConfigError, match="SENIM_SECRET_KEY"):
        _app(tmp_path, environ=environ)


def test_production_accepts_a_long_random_secret(tmp_path):
    app = _app(tmp_path, environ={"SENIM_ENV": "production", "SENIM_SECRET_KEY": "x7" * 24})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-senim"


def test_development_generates_and_keeps_a_secret(tmp_path):
    from surveyapp.config import resolve_secret

    instance = tmp_path / "instance"
    key_file = instance / "secret_key"
    assert not key_file.exists()
    first = resolve_secret({"SENIM_ENV": "development", "SECRET_KEY": None}, instance)
    assert len(first) >= 32 and key_file.read_text(encoding="ascii") == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    again = resolve_secret({"SENIM_ENV": "development", "SECRET_KEY": None}, instance)
    assert again == first  # kept, so sessions survive a restart
    given = resolve_secret({"SENIM_ENV": "development", "SECRET_KEY": "explicit"}, instance)
    assert given == "explicit"
    assert _app(tmp_path).config["SECRET_KEY"]  # the factory wires it in


def test_environment_then_overrides(tmp_path):
    environ = {"SENIM_DATABASE_URL": "postgresql://u@h/db", "SENIM_MAX_CONTENT_LENGTH": "1234"}
    app = create_app({"SECRET_KEY": "k" * 40}, environ=environ)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    assert app.config["MAX_CONTENT_LENGTH"] == 1234
    app = create_app({"SECRET_KEY": "k" * 40, "MAX_CONTENT_LENGTH": 99}, environ=environ)
    assert app.config["MAX_CONTENT_LENGTH"] == 99


def test_bad_integer_in_environment_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="SENIM_MAX_CONTENT_LENGTH"):
        _app(tmp_path, environ={"SENIM_MAX_CONTENT_LENGTH": "ten"})


def test_sqlite_connections_use_wal_full_sync_and_busy_timeout(tmp_path):
    app = _app(tmp_path, {"SECRET_KEY": "k" * 40})
    from models import db

    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 2
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 15000


def test_templates_come_from_the_top_level_folder(app):
    assert Path(app.template_folder) == Path(__file__).resolve().parents[2] / "templates"


def test_security_headers_on_pages_and_errors(client, regions):
    for path in ("/", "/login", "/no-such-page"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "object-src 'none'" in csp and "base-uri 'none'" in csp and "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"


def test_unknown_page_is_a_friendly_404(client, regions):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Traceback" not in response.get_data(as_text=True)


def test_forced_exception_gives_generic_500_with_incident_id(app, regions):
    @app.route("/boom-test")
    def boom():  # pragma: no cover - executed through the client
        raise RuntimeError("SELECT secret FROM users")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    response = client.get("/boom-test")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "SELECT secret" not in body and "Traceback" not in body
    assert "<code>" in body  # the incident id
