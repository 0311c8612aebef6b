"""A database that cannot be reached or stays locked answers 503 with Retry-After, never a 500 with a
traceback (battery cases 15 and 17); a bug in SQL stays a 500 with an incident id."""
from __future__ import annotations

import socket
import sqlite3
import uuid

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import func, select

from models import Response
from tests.conftest import make_test_app
from tests.factories import make_ngo
from tests.survey_factories import (
    fresh_request_state,
    make_survey,
    region_id,
    response_body,
)

LEAKS = ("Traceback", "psycopg", "sqlite3", "SELECT", "OperationalError", "127.0.0.1")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _no_leak(text: str) -> None:
    for word in LEAKS:
        assert word not in text, word


def test_unreachable_postgres_answers_503_with_retry_after(tmp_path):
    """Nothing listens on the port: the API and the pages say "try again", with no detail."""
    url = f"postgresql+psycopg://postgres@127.0.0.1:{_free_port()}/senim"
    app = make_test_app(url, tmp_path, SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True,
                                                                  "connect_args": {"connect_timeout": 2}})
    client = app.test_client()
    body = {"submission_id": str(uuid.uuid4()), "language": "ru", "region": "KZ-55", "settlement": "urban",
            "sex": "female", "age_group": "30-44", "answers": [{"question": 1, "value": 4}]}
    for response in (client.post("/api/v1/surveys/1/responses", json=body), client.get("/api/v1/surveys")):
        assert response.status_code == 503
        assert int(response.headers["Retry-After"]) > 0
        data = response.get_json()
        assert data["incident"] and data["fields"] == {}
        _no_leak(response.get_data(as_text=True))
    page = client.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 503 and int(page.headers["Retry-After"]) > 0
    assert page.mimetype == "text/html"
    _no_leak(page.get_data(as_text=True))


@pytest.mark.parametrize(("error", "status"), [
    (sa_exc.OperationalError("BEGIN IMMEDIATE", {}, sqlite3.OperationalError("database is locked")), 503),
    (sa_exc.OperationalError("INSERT", {}, sqlite3.OperationalError("database or disk is full")), 503),
    (sa_exc.InterfaceError("SELECT 1", {}, Exception("connection already closed")), 503),
    (sa_exc.TimeoutError("QueuePool limit of size 5 overflow 10 reached"), 503),
    (sa_exc.OperationalError("SELECT x FROM nowhere", {}, sqlite3.OperationalError("no such table: nowhere")), 500),
    (RuntimeError("boom"), 500),
])
def test_which_database_errors_mean_unavailable(tmp_path, error, status):
    app = make_test_app(f"sqlite:///{tmp_path / 'e.db'}", tmp_path)

    @app.get("/__raise")
    def _raise():
        raise error

    response = app.test_client().get("/__raise", headers={"Accept": "application/json"})
    assert response.status_code == status
    assert ("Retry-After" in response.headers) == (status == 503)
    assert response.get_json()["incident"]
    _no_leak(response.get_data(as_text=True))


def test_sqlite_lock_held_past_busy_timeout_is_503_then_the_retry_is_stored_once(tmp_path, monkeypatch):
    """Another process holds the write lock longer than busy_timeout: 503 and no row; once it lets
    go, the client's retry with the same submission_id is stored, exactly once."""
    from models import db
    from surveyapp import database

    path = tmp_path / "locked.db"
    app = make_test_app(f"sqlite:///{path}", tmp_path)
    with app.app_context():
        db.create_all()
        from surveyapp.services.regions import load_regions

        load_regions()
        db.session.commit()
        ngo = make_ngo(region_id=region_id("KZ-55"))
        survey = make_survey(ngos=[ngo])
        body = response_body(survey, ngos=[ngo.id])
        survey_id = survey.id
        db.session.remove()
        db.engine.dispose()  # pooled connections keep the 15 s busy timeout they were opened with
    monkeypatch.setattr(database, "SQLITE_PRAGMAS", tuple(
        "PRAGMA busy_timeout=50" if p.startswith("PRAGMA busy_timeout") else p for p in database.SQLITE_PRAGMAS))
    client = app.test_client()
    holder = sqlite3.connect(path, isolation_level=None, timeout=1)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        fresh_request_state()
        locked = client.post(f"/api/v1/surveys/{survey_id}/responses", json=body)
        assert locked.status_code == 503, locked.get_data(as_text=True)
        assert int(locked.headers["Retry-After"]) > 0
        _no_leak(locked.get_data(as_text=True))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    fresh_request_state()
    retried = client.post(f"/api/v1/surveys/{survey_id}/responses", json=body)
    assert retried.status_code == 201
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1
        db.session.remove()
        db.engine.dispose()


def test_connection_dropped_before_teardown_is_not_a_500(app, backend):
    """The server ends the connection after the view ran (a restart): the response stands, and
    the next request gets a working connection."""
    if backend != "postgresql":
        pytest.skip("a server-side disconnect needs PostgreSQL")
    from sqlalchemy import create_engine, text

    from models import db

    killer = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])

    @app.get("/__dropped")
    def _dropped():
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
        with killer.connect() as conn:
            assert conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar()
        return "done"

    @app.get("/__count")
    def _count():
        return str(db.session.scalar(select(func.count()).select_from(Response)))

    client = app.test_client()
    try:
        response = client.get("/__dropped")
        assert response.status_code == 200 and response.get_data(as_text=True) == "done"
        again = client.get("/__count")
        assert again.status_code == 200 and again.get_data(as_text=True) == "0"
    finally:
        killer.dispose()
