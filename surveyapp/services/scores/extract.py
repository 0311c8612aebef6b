"""Bulk reads for ``senim scores compute``: the database into pandas DataFrames, one query each.

No Python loop per response: rows come back from one SELECT per table through the DBAPI cursor.
"""
from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Select, String, cast, select

from models import (
    NGO, Answer, Article, Mention, Outlet, Project, ProjectVote, Question, Region, RegionMargin, Response,
    Survey, TransparencyChecklist, db,
)

#: Rows fetched per round trip by the chunked answer readers.
CHUNK = 500_000
#: Bytes of CSV parsed at a time when reading with COPY on PostgreSQL.
COPY_BLOCK = 32 * 2**20


def _frame(statement: Select[Any], columns: list[str]) -> pd.DataFrame:
    """Run ``statement`` on the raw DBAPI cursor (no per-row ORM type processing) into a DataFrame.

    Identifiers come back as the driver gives them (UUIDs as hex text on SQLite), which is all the
    pipeline needs to join frames; JSON columns are decoded by the caller.
    """
    connection = db.session.connection()
    compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
    cursor = connection.connection.cursor()
    try:
        cursor.execute(str(compiled))
        rows = cursor.fetchall()
    finally:
        cursor.close()
    return pd.DataFrame.from_records(rows, columns=columns)


def _json_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (bytes, str)):
        return list(json.loads(value) or [])
    return list(value)


def load_regions() -> pd.DataFrame:
    """Regions: id, code, kind."""
    return _frame(select(Region.id, Region.code, Region.kind), ["region_id", "code", "kind"])


def load_margins() -> pd.DataFrame:
    """Adult population per region × sex × age group × settlement (persons)."""
    return _frame(
        select(RegionMargin.region_id, RegionMargin.sex, RegionMargin.age_group, RegionMargin.settlement,
               RegionMargin.population),
        ["region_id", "sex", "age_group", "settlement", "population"],
    )


def _flag_lists(values: pd.Series) -> pd.Series:
    """Decode a JSON flags column. Texts (SQLite) are decoded once per distinct value, not per row."""
    if len(values) and pd.api.types.infer_dtype(values, skipna=True) in ("string", "bytes", "empty"):
        codes, uniques = pd.factorize(values.where(values.notna(), "[]"))
        decoded = pd.Series([_json_list(u) for u in uniques] or [[]], dtype=object)
        return pd.Series(decoded.to_numpy()[codes], index=values.index, dtype=object)
    return values.map(_json_list)


def load_respondents(periods: list[str] | None = None) -> pd.DataFrame:
    """One row per response of a closed or open survey: demographics, period, flags, duration (s),
    and ``rid``, the row's position (0 … n−1), by which answers refer to their response."""
    stmt = (
        select(cast(Response.id, String), Response.survey_id, Survey.period, Response.region_id, Response.settlement,
               Response.sex, Response.age_group, Response.duration_s, Response.flags, Survey.mode)
        .join(Survey, Survey.id == Response.survey_id)
    )
    if periods:
        stmt = stmt.where(Survey.period.in_(periods))
    frame = _frame(stmt, ["response_id", "survey_id", "period", "region_id", "settlement", "sex", "age_group",
                          "duration_s", "flags", "mode"])
    frame["flags"] = _flag_lists(frame["flags"])
    frame["rid"] = np.arange(len(frame), dtype=np.int64)
    return frame


def _read_csv(data: bytes, columns: list[str]) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), header=None, names=columns, dtype={columns[0]: str})


AnswerArrays = tuple[list[Any] | pd.Series, np.ndarray, np.ndarray, np.ndarray]


def _csv_arrays(chunk: pd.DataFrame) -> AnswerArrays:
    ids, question, ngo, value = (chunk[c] for c in chunk.columns)
    return (ids, question.to_numpy(dtype=np.int64), pd.to_numeric(ngo).to_numpy(dtype=np.float64),
            pd.to_numeric(value).to_numpy(dtype=np.float64))


def _copy_frames(connection: Any, sql: str, columns: list[str]) -> Iterator[AnswerArrays]:
    """``COPY (sql) TO STDOUT`` as CSV on PostgreSQL/psycopg, parsed by pandas' C reader in blocks
    of about ``COPY_BLOCK`` bytes (no Python object per value, no ``uuid.UUID`` per id)."""
    driver = connection.connection.driver_connection
    pending = bytearray()
    with driver.cursor() as cursor, cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)") as copy:
        for block in copy:
            pending += block
            if len(pending) >= COPY_BLOCK:
                cut = pending.rindex(b"\n") + 1
                yield _csv_arrays(_read_csv(bytes(pending[:cut]), columns))
                del pending[:cut]
    if pending:
        yield _csv_arrays(_read_csv(bytes(pending), columns))


def _fetch_frames(connection: Any, sql: str) -> Iterator[AnswerArrays]:
    """The rows (id, integer, number or None, number or None) of ``sql`` from the DBAPI cursor,
    ``CHUNK`` rows at a time, as a list of ids and three arrays (None becomes NaN). One list
    comprehension per column: several times cheaper than ``DataFrame.from_records``."""
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(CHUNK):
            yield ([r[0] for r in rows], np.array([r[1] for r in rows], dtype=np.int64),
                   np.array([r[2] for r in rows], dtype=np.float64), np.array([r[3] for r in rows], dtype=np.float64))
    finally:
        cursor.close()


def _positions(ids: list[Any] | pd.Series, index: pd.Index) -> np.ndarray:
    """Position of each id in ``index`` (−1: unknown). A response's answers are stored together,
    so ids come in runs: only the first id of each run is looked up (one string comparison per
    row instead of a hash lookup); the result is the same for any order."""
    values = np.asarray(ids, dtype=object)
    if not len(values):
        return np.zeros(0, dtype=np.int64)
    change = np.empty(len(values), dtype=bool)
    change[0] = True
    np.not_equal(values[1:], values[:-1], out=change[1:])
    heads = np.flatnonzero(change)
    return np.repeat(index.get_indexer(values[heads]).astype(np.int64), np.diff(np.append(heads, len(values))))


def _answer_chunks(statement: Select[Any], response_ids: pd.Index) -> tuple[np.ndarray, ...]:
    """Rows (response id as text, question id, ngo id, value) of ``statement`` as arrays, read in
    chunks: response ids become positions in ``response_ids`` (−1: unknown) as they arrive, so
    the id strings of millions of answers are never held at once."""
    connection = db.session.connection()
    sql = str(statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    columns = ["response_id", "question_id", "ngo_id", "value"]
    copying = connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg"
    chunks = _copy_frames(connection, sql, columns) if copying else _fetch_frames(connection, sql)
    parts = [(_positions(ids, response_ids), question, ngo, value)
             for ids, question, ngo, value in chunks if len(ids)]
    if not parts:
        return tuple(np.zeros(0, dtype=t) for t in (np.int64, np.int64, np.float64, np.float64))
    return tuple(np.concatenate(column) for column in zip(*parts))


def _question_columns(frame: pd.DataFrame, question: np.ndarray) -> None:
    """Add ``construct, code, type`` as categoricals looked up from the (small) questions table."""
    questions = _frame(select(Question.id, Question.construct, Question.code, Question.type),
                       ["question_id", "construct", "code", "type"]).set_index("question_id")
    position = questions.index.get_indexer(question)
    used = np.unique(position[position >= 0])
    for column in ("construct", "code", "type"):
        labels = questions[column]
        categories = pd.Index(labels.iloc[used].dropna().unique()).sort_values()
        lookup = np.append(categories.get_indexer(labels), -1)
        frame[column] = pd.Categorical.from_codes(lookup[position], categories=categories)


def load_answers(respondents: pd.DataFrame, periods: list[str] | None = None) -> pd.DataFrame:
    """Numeric answers to per-NGO questions: ``rid`` (the response's position in ``respondents``),
    construct, question code and type (categoricals from the small questions table, not strings
    per row), NGO, value (scale points).

    "Don't know" (no numeric value) is left out in SQL: every estimate leaves it out of its base,
    so those rows (~5% of answers) are not read at all."""
    stmt = select(cast(Answer.response_id, String), Answer.question_id, Answer.ngo_id, Answer.value_num).where(
        Answer.ngo_id.is_not(None), Answer.value_num.is_not(None))
    if periods:
        stmt = (stmt.join(Response, Response.id == Answer.response_id)
                .join(Survey, Survey.id == Response.survey_id).where(Survey.period.in_(periods)))
    rid, question, ngo, value = _answer_chunks(stmt, pd.Index(respondents["response_id"]))
    frame = pd.DataFrame({"rid": rid})
    _question_columns(frame, question)
    frame["ngo_id"] = ngo.astype(np.int64)
    frame["value"] = value
    return frame[frame["rid"] >= 0].reset_index(drop=True) if (rid < 0).any() else frame


def load_scale_answers_general(respondents: pd.DataFrame, periods: list[str] | None = None) -> pd.DataFrame:
    """Numeric answers to general (not per-NGO) scale questions, for straight-lining checks:
    ``rid`` (position in ``respondents``), code, type, value."""
    stmt = (
        select(cast(Answer.response_id, String), Answer.question_id, Answer.ngo_id, Answer.value_num)
        .join(Question, Question.id == Answer.question_id)
        .join(Response, Response.id == Answer.response_id)
        .join(Survey, Survey.id == Response.survey_id)
        .where(Question.type.in_(("scale5", "scale10")), Answer.ngo_id.is_(None), Answer.value_num.is_not(None))
    )
    if periods:
        stmt = stmt.where(Survey.period.in_(periods))
    rid, question, _ngo, value = _answer_chunks(stmt, pd.Index(respondents["response_id"]))
    frame = pd.DataFrame({"rid": rid})
    _question_columns(frame, question)
    frame["value"] = value
    return frame.loc[frame["rid"] >= 0, ["rid", "code", "type", "value"]].reset_index(drop=True)


def load_votes() -> pd.DataFrame:
    """Project votes with the project's NGO and the vote's date: rating 1–5 (or None), support (bool or None)."""
    stmt = (
        select(ProjectVote.project_id, Project.ngo_id, ProjectVote.voted_on, ProjectVote.region_id,
               ProjectVote.rating, ProjectVote.support, ProjectVote.flags)
        .join(Project, Project.id == ProjectVote.project_id)
    )
    frame = _frame(stmt, ["project_id", "ngo_id", "voted_on", "region_id", "rating", "support", "flags"])
    frame["flags"] = frame["flags"].map(_json_list)
    return frame


def load_checklists() -> pd.DataFrame:
    """Analysts' disclosure checklists: NGO, period (year or wave label) and the five items (bool)."""
    return _frame(
        select(TransparencyChecklist.ngo_id, TransparencyChecklist.period, TransparencyChecklist.annual_report,
               TransparencyChecklist.audited_statements, TransparencyChecklist.funding_sources,
               TransparencyChecklist.governing_body, TransparencyChecklist.state_contracts_published),
        ["ngo_id", "period", "annual_report", "audited_statements", "funding_sources", "governing_body",
         "state_contracts_published"],
    )


def load_mentions() -> pd.DataFrame:
    """NGO mentions (not rejected) with article date, duplicate group, outlet reach and home region."""
    stmt = (
        select(Mention.ngo_id, Mention.tone, Mention.article_id, Article.duplicate_group_id, Article.published_on,
               Article.outlet_id, Outlet.reach, Outlet.region_id)
        .join(Article, Article.id == Mention.article_id)
        .outerjoin(Outlet, Outlet.id == Article.outlet_id)
        .where(Mention.ngo_id.is_not(None), Mention.status != "rejected")
    )
    return _frame(stmt, ["ngo_id", "tone", "article_id", "group_id", "published_on", "outlet_id", "reach",
                         "outlet_region_id"])


def load_region_mentions() -> pd.DataFrame:
    """Region mentions (not rejected): which articles speak of which region."""
    stmt = select(Mention.article_id, Mention.region_id).where(Mention.region_id.is_not(None),
                                                                Mention.status != "rejected")
    return _frame(stmt, ["article_id", "region_id"])


def load_ngos() -> pd.DataFrame:
    """NGOs: id, home region (None for national), sector."""
    return _frame(select(NGO.id, NGO.region_id, NGO.sector), ["ngo_id", "home_region_id", "sector"])
