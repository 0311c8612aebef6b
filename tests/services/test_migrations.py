"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""
from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from models import db
from tests.conftest import _pg_admin_url, make_test_app


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path, worker_id):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    request.getfixturevalue("postgres_url")  # skips or fails exactly like the other PostgreSQL tests
    admin = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    name = f"senim_migrate_{worker_id}_{os.getpid()}".replace("-", "_")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0'))
    yield make_url(_pg_admin_url()).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_migrated_schema_equals_models(empty_database_url, tmp_path):
    app = make_test_app(empty_database_url, tmp_path)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        db.engine.dispose()


def test_init_on_empty_and_existing_database(empty_database_url, tmp_path):
    app = make_test_app(empty_database_url, tmp_path)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["init"])
    assert first.exit_code == 0, first.output
    assert "20 created" in first.output
    second = runner.invoke(args=["init"])
    assert second.exit_code == 0, second.output
    assert "0 created, 20 updated" in second.output
    with app.app_context():
        assert "alembic_version" in inspect(db.engine).get_table_names()
        downgrade(revision="base")
        assert "regions" not in inspect(db.engine).get_table_names()
        db.engine.dispose()
