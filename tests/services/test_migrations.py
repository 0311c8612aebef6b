"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""
from __future__ import annotations


import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from models import db
from tests.conftest import make_test_app


def test_migrated_schema_equals_models(blank_database_url, tmp_path):
    app = make_test_app(blank_database_url, tmp_path)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        db.engine.dispose()


def test_init_on_empty_and_existing_database(blank_database_url, tmp_path):
    app = make_test_app(blank_database_url, tmp_path)
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


def _fill(conn, table: str, **values):
    """Insert one row into ``table`` with ``values`` and a placeholder in every other NOT NULL column."""
    from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Integer, Uuid

    placeholders = [(Integer, 1), (Float, 1.0), (Boolean, False), (JSON, "[]"), (Uuid, "0" * 32),
                    (DateTime, "2026-01-01 00:00:00"), (Date, "2026-01-01")]
    row = dict(values)
    for column in inspect(conn).get_columns(table):
        if column["name"] in row or column["nullable"]:
            continue
        row[column["name"]] = next((v for t, v in placeholders if isinstance(column["type"], t)), "x")
    names = ", ".join(row)
    conn.execute(text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + n for n in row)})"), row)


def test_weights_move_to_their_table_and_sqlite_keeps_every_row_and_check(tmp_path):
    """The SQLite rebuild of ``responses`` neither cascades to the answers nor loses a CHECK, and
    each stored weight moves to ``response_weights`` (and back on downgrade)."""
    from sqlalchemy.exc import IntegrityError

    app = make_test_app(f"sqlite:///{tmp_path / 'weights.db'}", tmp_path)
    with app.app_context():
        upgrade(revision="5e8570697239")
        with db.engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA ignore_check_constraints=ON")  # placeholders need not be valid
            _fill(conn, "regions", id=1)
            _fill(conn, "surveys", id=1)
            _fill(conn, "questions", id=1, survey_id=1)
            for n, weight in enumerate([1.5, None]):
                _fill(conn, "responses", id=f"{n:032x}", survey_id=1, region_id=1, submission_id=f"{n + 9:032x}",
                      channel="web", language="ru", weight=weight)
                _fill(conn, "answers", id=n + 1, response_id=f"{n:032x}", question_id=1, ngo_key=0)
            conn.exec_driver_sql("PRAGMA ignore_check_constraints=OFF")
        upgrade()
        with db.engine.begin() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM answers").scalar() == 2
            assert conn.exec_driver_sql("SELECT count(*) FROM responses").scalar() == 2
            assert conn.exec_driver_sql("SELECT response_id, weight FROM response_weights").all() == [("0" * 32, 1.5)]
            assert "weight" not in {c["name"] for c in inspect(conn).get_columns("responses")}
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE responses SET channel = 'fax'")  # the CHECKs came along
        downgrade(revision="5e8570697239")
        with db.engine.begin() as conn:
            assert sorted(conn.exec_driver_sql("SELECT weight FROM responses").scalars(), key=str) == [1.5, None]
            assert conn.exec_driver_sql("SELECT count(*) FROM answers").scalar() == 2
        db.engine.dispose()


def _answer_indexes() -> set[str]:
    """Names of the ``ix_`` indexes on ``answers`` (in an app context)."""
    with db.engine.connect() as conn:
        return {ix["name"] for ix in inspect(conn).get_indexes("answers") if ix["name"].startswith("ix_")}


def test_answers_response_index_dropped_and_restored(blank_database_url, tmp_path):
    """95197372be08 drops ix_answers_response_id (the unique constraint leads with response_id)
    and its downgrade puts it back."""
    app = make_test_app(blank_database_url, tmp_path)

    with app.app_context():
        upgrade(revision="3c1f9a7d2b64")
        assert "ix_answers_response_id" in _answer_indexes()
        upgrade(revision="95197372be08")
        assert _answer_indexes() == {"ix_answers_ngo_id", "ix_answers_question_id"}
        downgrade(revision="3c1f9a7d2b64")
        assert _answer_indexes() == {"ix_answers_ngo_id", "ix_answers_question_id", "ix_answers_response_id"}
        db.engine.dispose()


def test_answers_question_and_ngo_indexes_dropped_and_restored(blank_database_url, tmp_path):
    """d7a3e1f05c92 drops ix_answers_question_id and ix_answers_ngo_id; its downgrade puts both back."""
    app = make_test_app(blank_database_url, tmp_path)

    with app.app_context():
        upgrade(revision="b41d7c2e9a15")
        assert _answer_indexes() == {"ix_answers_ngo_id", "ix_answers_question_id"}
        upgrade(revision="d7a3e1f05c92")
        assert _answer_indexes() == set()
        downgrade(revision="b41d7c2e9a15")
        assert _answer_indexes() == {"ix_answers_ngo_id", "ix_answers_question_id"}
        db.engine.dispose()


def test_article_url_hash_made_unique_keeping_every_row(blank_database_url, tmp_path):
    """b41d7c2e9a15: articles sharing a URL hash keep all their rows; the later ones lose only the
    hash; afterwards the database refuses a second article with a URL hash; downgrade relaxes it."""
    from sqlalchemy.exc import IntegrityError

    app = make_test_app(blank_database_url, tmp_path)
    insert = text("INSERT INTO articles (id, url_hash, title, body, published_on, content_hash, status, synthetic, "
                  "created_at) VALUES (:id, :h, 'Жаңалық', 'мәтін', '2026-11-02', :c, 'accepted', false, "
                  "'2026-11-02 10:00:00+00:00')")

    def rows() -> list[tuple[int, str | None]]:
        with db.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text("SELECT id, url_hash FROM articles ORDER BY id"))]

    with app.app_context():
        upgrade(revision="95197372be08")
        with db.engine.begin() as conn:
            for id_, h in ((1, "a" * 64), (2, "b" * 64), (3, "a" * 64), (4, None), (5, "a" * 64), (6, None)):
                conn.execute(insert, {"id": id_, "h": h, "c": f"{id_:064d}"})
        upgrade(revision="b41d7c2e9a15")
        assert rows() == [(1, "a" * 64), (2, "b" * 64), (3, None), (4, None), (5, None), (6, None)]
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(insert, {"id": 7, "h": "b" * 64, "c": "7" * 64})
        with db.engine.begin() as conn:
            conn.execute(insert, {"id": 8, "h": None, "c": "8" * 64})  # articles without a URL: any number
        downgrade(revision="95197372be08")
        with db.engine.begin() as conn:
            conn.execute(insert, {"id": 9, "h": "b" * 64, "c": "9" * 64})
        assert len(rows()) == 8
        db.engine.dispose()
