"""Fixtures: ``app``/``client``/``runner``/``db`` on SQLite *and* PostgreSQL, isolated per test.

PostgreSQL comes from ``SENIM_TEST_POSTGRES`` (default: the local server, database ``test``). Each
pytest-xdist worker gets its own database. Locally an unreachable server skips the PostgreSQL half;
with ``CI=true`` (or ``SENIM_REQUIRE_POSTGRES=1``) it fails instead.
"""
from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from models import db as _db
from tests.guards import no_network  # noqa: F401  (autouse)

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REQUIRE_ALL = os.environ.get("CI", "").lower() == "true" or os.environ.get("SENIM_REQUIRE_POSTGRES") == "1"
CHEAP_ARGON2 = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


def _pg_admin_url() -> str:
    from surveyapp.config import normalise_database_url

    return normalise_database_url(os.environ.get("SENIM_TEST_POSTGRES", DEFAULT_PG))


def _pg_reachable(url: str) -> str | None:
    """None when the server answers, else the reason."""
    u = make_url(url)
    try:
        with socket.create_connection((u.host or "127.0.0.1", u.port or 5432), timeout=2):
            pass
        engine = create_engine(url)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure means "not available"
        return f"{type(exc).__name__}: {exc}".splitlines()[0]
    return None


@contextmanager
def scratch_postgres_database(prefix: str, worker_id: str) -> Iterator[str]:
    """A new, empty PostgreSQL database ``<prefix>_<worker>_<pid>`` on the test server (its URL),
    dropped on exit."""
    admin_url = _pg_admin_url()
    name = f"{prefix}_{worker_id}_{os.getpid()}".replace("-", "_")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_url(worker_id: str) -> Iterator[str]:
    """A fresh PostgreSQL database for this worker, with the schema created from the models."""
    reason = _pg_reachable(_pg_admin_url())
    if reason:
        if REQUIRE_ALL:
            pytest.fail(f"PostgreSQL is required in CI but unreachable: {reason}")
        pytest.skip(f"PostgreSQL unavailable: {reason}")
    with scratch_postgres_database("senim_test", worker_id) as url:
        engine = create_engine(url)
        _db.metadata.create_all(engine)
        engine.dispose()
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def blank_database_url(request: pytest.FixtureRequest, tmp_path: Path, worker_id: str) -> Iterator[str]:
    """The URL of a database with no tables at all: a new SQLite file, or a scratch PostgreSQL
    database (skipped or failed exactly like the other PostgreSQL tests when there is no server)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'blank.db'}"
        return
    request.getfixturevalue("postgres_url")
    with scratch_postgres_database("senim_blank", worker_id) as url:
        yield url


@pytest.fixture(scope="session")
def worker_id(request: pytest.FixtureRequest) -> str:
    return getattr(getattr(request.config, "workerinput", None), "get", lambda *_: "main")("workerid", "main")


def _fresh_request_state() -> None:
    """Test requests share the ``db`` fixture's app context (a real server has one per request), so
    forget what extensions cache in ``g``: the signed-in user, the CSRF token, the locale, the
    demo-banner flag."""
    from flask import g
    from flask_babel import refresh

    for name in ("_login_user", "demo_notice", "csrf_token"):
        g.pop(name, None)
    refresh()


class EnglishClient(FlaskClient):
    """A test client that asks for English unless a test sends its own Accept-Language."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.environ_base.setdefault("HTTP_ACCEPT_LANGUAGE", "en")


def make_test_app(database_url: str, tmp_path: Path, **overrides: Any) -> Flask:
    from surveyapp import create_app

    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production-0123456789",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SENIM_ARGON2": CHEAP_ARGON2,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
    }
    config.update(overrides)
    app = create_app(config, environ={})
    app.instance_path = str(tmp_path / "instance")
    app.before_request_funcs.setdefault(None, []).insert(0, _fresh_request_state)
    app.test_client_class = EnglishClient
    return app


def _truncate_all(app: Flask) -> None:
    with app.app_context():
        names = ", ".join(f'"{t.name}"' for t in _db.metadata.sorted_tables)
        with _db.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        _db.engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Override in a test module to change the app's configuration."""
    return {}


@pytest.fixture
def app(backend: str, request: pytest.FixtureRequest, tmp_path: Path, app_config: dict[str, Any]) -> Iterator[Flask]:
    """A configured app on a fresh, empty schema (SQLite file or a truncated PostgreSQL database)."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'senim-test.db'}"
        application = make_test_app(url, tmp_path, **app_config)
        with application.app_context():
            _db.create_all()
        yield application
        with application.app_context():
            _db.session.remove()
            _db.engine.dispose()
    else:
        url = request.getfixturevalue("postgres_url")
        application = make_test_app(url, tmp_path, **app_config)
        yield application
        with application.app_context():
            _db.session.remove()
        _truncate_all(application)


@pytest.fixture
def db(app: Flask) -> Iterator[Any]:
    """The SQLAlchemy handle inside an app context."""
    with app.app_context():
        yield _db
        _db.session.rollback()


@pytest.fixture
def regions(db: Any) -> dict[str, Any]:
    """The 20 regions, loaded and committed; keyed by ISO code."""
    from surveyapp.services.regions import load_regions, regions_by_code

    load_regions()
    db.session.commit()
    return regions_by_code()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


def login(client: FlaskClient, email: str, password: str) -> Any:
    """Sign in through the real form (with its CSRF token)."""
    from tests.helpers import csrf_token_from

    page = client.get("/login")
    token = csrf_token_from(page.get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI, a skipped PostgreSQL or browser test fails the run: CI must exercise both."""
    if not REQUIRE_ALL:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    skipped = [r.nodeid for r in reporter.stats.get("skipped", [])
               if "postgresql" in r.nodeid or "/browser/" in r.nodeid]
    if skipped:
        reporter.write_line(f"CI requires PostgreSQL and Chromium, but {len(skipped)} such tests were skipped:",
                            red=True)
        for nodeid in skipped[:20]:
            reporter.write_line(f"  {nodeid}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
