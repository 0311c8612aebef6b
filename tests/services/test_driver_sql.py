"""Driver statements (``surveyapp.driver_sql``): the survey API's hot statements run on SQLite's
cursor must store and read exactly what SQLAlchemy's own execution stores and reads."""
from __future__ import annotations

import datetime as dt
import sqlite3
import uuid

import pytest
from sqlalchemy import Integer, bindparam, literal, select, text
from sqlalchemy import exc as sa_exc

from models import Answer, Response, Survey
from surveyapp.driver_sql import StatementCache, compile_statement, execute_many, fetch_all
from surveyapp.services.surveys import validation
from surveyapp.services.surveys.spec import load_spec
from surveyapp.services.surveys.submission import _ANSWER_COLUMNS, _RESPONSE_COLUMNS, prepare_submission
from tests.factories import make_ngo
from tests.survey_factories import make_survey, question_ids, region_id, response_body, submission_input

sqlite_only = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

HOSTILE = "ә ғ қ ң ө ұ ү һ і <script>alert(1)</script> =HYPERLINK(\"x\") '; DROP TABLE answers; --"


def _rows(connection, table: str) -> list[dict]:
    """Every row as stored (no type processing), by column name."""
    return [dict(r._mapping) for r in connection.exec_driver_sql(f"SELECT * FROM {table} ORDER BY id").all()]


def _prepared(db, **options):
    local = make_ngo(region_id=region_id("KZ-55"))
    survey = make_survey(ngos=[local])
    db.session.commit()
    q = question_ids(survey)
    body = response_body(survey, ngos=[local.id], trust=None)  # trust "don't know": no numeric value
    body["answers"] += [{"question": q["comment"], "value": HOSTILE}, {"question": q["channels"], "value": ["tv"]},
                        {"question": q["recommend"], "value": 8}]
    return prepare_submission(load_spec(survey.id), submission_input(body), channel="api", **options)


@sqlite_only
@pytest.mark.parametrize("options", [
    {"flags": ["speeder", "duplicate_device"], "duration_s": 12.6},
    {"flags": None, "duration_s": None, "today": dt.date(2026, 2, 28), "synthetic": True},
])
def test_driver_inserts_store_what_core_stores(db, regions, options):
    prepared = _prepared(db, **options)
    assert tuple(prepared.response_row) == _RESPONSE_COLUMNS  # what the driver statement binds, in its order
    connection = db.session.connection()
    # Core (SQLAlchemy's execution) first, then the same rows under new keys through the driver.
    connection.execute(Response.__table__.insert(), [prepared.response_row])
    connection.execute(Answer.__table__.insert(), prepared.answer_rows)
    driver_id = uuid.uuid4()
    response = dict(prepared.response_row, id=driver_id, submission_id=uuid.uuid4())
    answers = [dict(row, response_id=driver_id) for row in prepared.answer_rows]
    execute_many(connection, compile_statement(Response.__table__.insert(), connection.dialect, _RESPONSE_COLUMNS),
                 [response])
    execute_many(connection, compile_statement(Answer.__table__.insert(), connection.dialect, _ANSWER_COLUMNS),
                 answers)
    stored = {row.pop("id"): row for row in _rows(connection, "responses")}
    core, driver = stored.pop(prepared.response_row["id"].hex), stored.pop(driver_id.hex)
    assert not stored and core.pop("submission_id") != driver.pop("submission_id")
    assert core == driver  # every other column, as stored
    by_response: dict[str, list[dict]] = {}
    for row in _rows(connection, "answers"):
        del row["id"]
        by_response.setdefault(row.pop("response_id"), []).append(row)
    assert by_response[prepared.response_row["id"].hex] == by_response[driver_id.hex]
    assert len(by_response[driver_id.hex]) == len(answers) > 3
    assert HOSTILE in {row["value_text"] for row in by_response[driver_id.hex]}
    # And the ORM reads the driver's row back as it reads the Core one.
    db.session.flush()
    orm = {r.id: r for r in db.session.scalars(select(Response))}
    for name in ("region_id", "settlement", "sex", "age_group", "language", "submitted_on", "duration_s",
                 "flags", "synthetic", "payload_hash", "channel"):
        assert getattr(orm[driver_id], name) == getattr(orm[prepared.response_row["id"]], name)


@sqlite_only
def test_select_processes_results_and_fills_literals(db, regions):
    survey = make_survey()
    db.session.commit()
    statement = select(literal(7, Integer), Survey.created_at, Survey.languages).where(Survey.id == bindparam("sid"))
    connection = db.session.connection()
    compiled = compile_statement(statement, connection.dialect)
    rows = fetch_all(connection, compiled, {"sid": survey.id})
    assert rows == [(7, survey.created_at.replace(tzinfo=None), survey.languages)]
    assert isinstance(rows[0][1], dt.datetime)
    assert fetch_all(connection, compiled, {"sid": survey.id + 1000}) == []
    with pytest.raises(KeyError):
        compiled.params({})
    two = compile_statement(select(Survey.id).where(Survey.id == bindparam("a"), Survey.status == bindparam("b")),
                            connection.dialect)
    assert two.names == ("a", "b") and not two.fixed
    assert fetch_all(connection, two, {"b": "open", "a": survey.id}) == [(survey.id,)]
    assert fetch_all(connection, two, {"b": "draft", "a": survey.id}) == []
    assert fetch_all(connection, compile_statement(select(literal(1, Integer) + 1), connection.dialect), {}) == [(2,)]


@sqlite_only
def test_driver_errors_are_sqlalchemy_errors(db, regions):
    prepared = _prepared(db)
    connection = db.session.connection()
    insert = compile_statement(Response.__table__.insert(), connection.dialect, _RESPONSE_COLUMNS)
    execute_many(connection, insert, [prepared.response_row])
    with pytest.raises(sa_exc.IntegrityError) as caught:  # the same submission again
        execute_many(connection, insert, [dict(prepared.response_row, id=uuid.uuid4())])
    assert isinstance(caught.value.orig, sqlite3.IntegrityError)
    broken = compile_statement(select(text("no_such_column")), connection.dialect)
    with pytest.raises(sa_exc.OperationalError):
        fetch_all(connection, broken, {})


def test_driver_statements_are_sqlite_only(db, backend):
    cache = StatementCache(lambda dialect, _variant: compile_statement(select(Survey.id), dialect))
    built = cache.get(db.engine.dialect)
    assert (built is not None) == (backend == "sqlite")
    assert cache.get(db.engine.dialect) is built  # built once


@pytest.mark.parametrize("count", [1, 3, validation._DRIVER_MAX_NGOS, validation._DRIVER_MAX_NGOS + 1])
def test_region_and_ngos_agree_with_core(db, regions, backend, count):
    here, elsewhere = region_id("KZ-55"), region_id("KZ-75")
    ngos = [make_ngo(region_id=here if i % 3 else elsewhere) for i in range(count)] + [make_ngo()]
    survey = make_survey(ngos=ngos)
    db.session.commit()
    spec = load_spec(survey.id)
    ids = {n.id for n in ngos} | {10**6}
    region, allowed = validation.region_and_ngos(spec, " kz-55", ids)
    connection = db.session.connection()
    core = connection.execute(validation._REGION_AND_NGOS, {"code": "KZ-55", "survey_id": survey.id,
                                                            "ngo_ids": sorted(ids)}).all()
    assert region == here
    assert allowed == validation._allowed(spec, [(n, home) for kind, n, home in core if kind == 1], here)
    assert spec.ngos_by_region  # so NGOs based in another region are left out
    assert set(allowed) == {n.id for n in ngos if n.region_id in (here, None)} and len(allowed) < len(ngos)
    assert validation.region_and_ngos(spec, "KZ-99", ids)[0] is None


@sqlite_only
def test_none_is_processed_once_per_statement_as_the_type_would(db, regions, monkeypatch):
    """A bind processor's value for None is taken once, when the statement is compiled: the rows
    get exactly what the processor gives (JSON 'null' for a None value_list), and no JSON is
    serialised per None value."""
    import json

    from sqlalchemy.sql import sqltypes

    prepared = _prepared(db)
    connection = db.session.connection()
    insert = compile_statement(Answer.__table__.insert(), connection.dialect, _ANSWER_COLUMNS)
    expected = [[value if proc is None else proc(value) for proc, value in zip(insert.bind, insert._getter(row))]
                for row in prepared.answer_rows]
    assert any(row["value_list"] is None for row in prepared.answer_rows)
    assert "null" in {values[insert.names.index("value_list")] for values in expected}
    calls: list[object] = []
    real_dumps = json.dumps
    monkeypatch.setattr(sqltypes.json, "dumps", lambda value, *a, **k: calls.append(value) or real_dumps(value, *a, **k))
    fresh = compile_statement(Answer.__table__.insert(), connection.dialect, _ANSWER_COLUMNS)
    compiled_calls = len(calls)
    assert [fresh.params(row) for row in prepared.answer_rows] == expected
    assert None not in calls[compiled_calls:]  # only the lists were serialised per row
    assert len(calls) - compiled_calls == sum(row["value_list"] is not None for row in prepared.answer_rows)
