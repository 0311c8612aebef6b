"""`senim demo`: loads the synthetic demo once, prints progress and a summary, refuses bad input."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import NGO, Response, Setting, Survey, User
from models import db as _db
from tests.conftest import make_test_app


def test_demo_loads_commits_and_prints_a_summary(runner, db, client):
    result = runner.invoke(args=["demo", "--scale", "0.05", "--seed", "42"])
    assert result.exit_code == 0, result.output
    assert "seed 42, scale 0.05" in result.output
    assert "survey 2025-Q4 (closed)" in result.output and "survey 2026-Q4 (open)" in result.output
    summary = result.output.strip().splitlines()[-1]
    assert summary.startswith("Demo loaded") and "60 NGOs" in summary and "synthetic" in summary
    db.session.rollback()  # what follows must have been committed by the command
    assert db.session.scalar(select(func.count()).select_from(NGO)) == 60
    responses = db.session.scalar(select(func.count()).select_from(Response))
    assert f"{responses:,} responses" in summary
    assert db.session.get(Setting, "demo").value["seed"] == 42
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    page = client.get("/")
    assert page.status_code == 200 and 'class="demo-banner"' in page.get_data(as_text=True)


def test_regions_are_loaded_when_init_was_not_run(runner, db):
    result = runner.invoke(args=["demo", "--scale", "0.02"])
    assert result.exit_code == 0, result.output
    assert "regions: 20 (20 loaded now)" in result.output


@pytest.mark.parametrize("args, expected", [
    (["--scale", "0"], "--scale"), (["--scale", "-1"], "--scale"), (["--scale", "abc"], "--scale"),
    (["--scale", "nan"], "--scale"), (["--scale", "5.5"], "--scale"), (["--seed", "abc"], "--seed"),
    (["--seed", "-3"], "--seed"),
])
def test_bad_input_exits_non_zero_with_one_line(runner, db, regions, args, expected):
    result = runner.invoke(args=["demo", *args])
    assert result.exit_code != 0
    assert expected in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert db.session.scalar(select(func.count()).select_from(NGO)) == 0


def test_second_run_is_refused_with_one_line(runner, db, regions):
    assert runner.invoke(args=["demo", "--scale", "0.02"]).exit_code == 0
    surveys = db.session.scalar(select(func.count()).select_from(Survey))
    again = runner.invoke(args=["demo", "--scale", "0.02"])
    assert again.exit_code != 0
    assert len(again.output.strip().splitlines()) == 1 and "already" in again.output
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Survey)) == surveys == 5
    assert db.session.scalar(select(func.count()).select_from(NGO)) == 60


def test_partial_schema_is_a_one_line_error(tmp_path):
    """A database with some of Senim's tables but not all is left to `senim init` (a database with
    none is set up by demo itself: tests/web/test_cli_missing_schema.py)."""
    app = make_test_app(f"sqlite:///{tmp_path / 'partial.db'}", tmp_path)
    with app.app_context():
        _db.metadata.tables["regions"].create(_db.engine)
    result = app.test_cli_runner().invoke(args=["demo", "--scale", "0.02"])
    assert result.exit_code != 0
    assert "senim init" in result.output and len(result.output.strip().splitlines()) == 1
    with app.app_context():
        assert _db.inspect(_db.engine).get_table_names() == ["regions"]
        _db.session.remove()
        _db.engine.dispose()


def test_if_empty_skips_a_loaded_database_but_not_a_missing_schema(runner, db, regions):
    from sqlalchemy import func, select

    from models import Response

    assert runner.invoke(args=["demo", "--scale", "0.02", "--if-empty"]).exit_code == 0
    count = db.session.scalar(select(func.count()).select_from(Response))
    again = runner.invoke(args=["demo", "--scale", "0.02", "--if-empty"])
    assert again.exit_code == 0 and "nothing loaded" in again.output
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Response)) == count
