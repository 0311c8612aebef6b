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


@sqlite_only
def test_inserts_go_as_multi_row_statements_in_order(db, regions, monkeypatch):
    """Many rows: multi-row INSERTs of at most MAX_PARAMETERS parameters each, every row stored
    once and in the given order (ids ascending), as executemany stored them. A response's answers
    (fewer than 142) go in one statement."""
    from surveyapp import driver_sql

    prepared = _prepared(db)
    connection = db.session.connection()
    execute_many(connection, compile_statement(Response.__table__.insert(), connection.dialect, _RESPONSE_COLUMNS),
                 [prepared.response_row])
    insert = compile_statement(Answer.__table__.insert(), connection.dialect, _ANSWER_COLUMNS)
    per_response = len(prepared.answer_rows)
    responses = [dict(prepared.response_row, id=uuid.uuid4(), submission_id=uuid.uuid4())
                 for _ in range(300 // per_response + 1)]
    execute_many(connection, compile_statement(Response.__table__.insert(), connection.dialect, _RESPONSE_COLUMNS),
                 responses)
    rows = [dict(row, response_id=r["id"], value_text=f"{HOSTILE} {n}")
            for n, (r, row) in enumerate((r, row) for r in responses for row in prepared.answer_rows)][:300]
    assert insert.multi_row_sql(3).count("(?, ") == 3 and insert.multi_row_sql(3).startswith("INSERT INTO answers")
    assert len(insert.names) == 7
    monkeypatch.setattr(driver_sql, "MAX_PARAMETERS", 7 * 70 + 6)  # 70 rows per statement: 5 statements
    statements: list[str] = []
    driver = connection.connection.driver_connection

    class Recording:
        """The driver's cursor, recording the SQL it is sent; executemany is refused."""

        def __init__(self) -> None:
            self.inner = driver.cursor()

        def execute(self, sql, params=()):
            statements.append(sql)
            return self.inner.execute(sql, params)

        def executemany(self, sql, params):
            raise AssertionError("executemany for an INSERT")

        def close(self) -> None:
            self.inner.close()

    execute_many(_Recorded(connection, Recording), insert, rows)
    assert [s.count("(?, ") for s in statements] == [70, 70, 70, 70, 20]
    stored = _rows(connection, "answers")
    assert [r["value_text"] for r in stored] == [f"{HOSTILE} {n}" for n in range(300)]
    assert [(r["response_id"], r["question_id"], r["ngo_key"]) for r in stored] == \
        [(row["response_id"].hex, row["question_id"], row["ngo_key"]) for row in rows]


class _Recorded:
    """Stands in for a SQLAlchemy connection: same dialect, a driver connection whose cursors are
    ``cursor_type`` (what ``execute_many`` uses of a connection)."""

    def __init__(self, real, cursor_type) -> None:
        self.dialect = real.dialect
        self.connection = type("Pooled", (), {"driver_connection": type("Driver", (), {"cursor": cursor_type})})()


@sqlite_only
def test_non_inserts_and_odd_inserts_keep_executemany(db, regions):
    connection = db.session.connection()
    update = compile_statement(Survey.__table__.update().where(Survey.id == bindparam("sid"))
                               .values(status=bindparam("st")), connection.dialect)
    assert update.multi_row_sql(2) is None
    survey, other = make_survey(), make_survey()
    db.session.commit()
    connection = db.session.connection()
    execute_many(connection, update, [{"sid": survey.id, "st": "closed"}, {"sid": other.id, "st": "open"}])
    assert dict(connection.exec_driver_sql("SELECT id, status FROM surveys").all()) == {survey.id: "closed",
                                                                                      other.id: "open"}
    select_stmt = compile_statement(select(Survey.id), connection.dialect)
    assert select_stmt.multi_row_sql(2) is None


@sqlite_only
def test_a_failing_multi_row_insert_stores_none_of_its_rows(db, regions):
    prepared = _prepared(db)
    connection = db.session.connection()
    execute_many(connection, compile_statement(Response.__table__.insert(), connection.dialect, _RESPONSE_COLUMNS),
                 [prepared.response_row])
    insert = compile_statement(Answer.__table__.insert(), connection.dialect, _ANSWER_COLUMNS)
    rows = prepared.answer_rows + [prepared.answer_rows[0]]  # the last row repeats the first: unique violation
    with pytest.raises(sa_exc.IntegrityError):
        execute_many(connection, insert, rows)
    assert _rows(connection, "answers") == []
