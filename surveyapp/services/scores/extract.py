"""Bulk reads for ``senim scores compute``: the database into pandas DataFrames, one query each.

No Python loop per response: rows come back from one SELECT per table through the DBAPI cursor,
or, for the two big reads on PostgreSQL/psycopg, by COPY: respondents as CSV parsed by pandas,
answers in the binary format viewed as numpy records.
"""
from __future__ import annotations

import io
import json
import select as io_select
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Select, String, cast, func, select

from models import (
    NGO, Answer, Article, Mention, Outlet, Project, ProjectVote, Question, Region, RegionMargin, Response,
    Survey, TransparencyChecklist, db,
)

#: Rows fetched per round trip by the chunked answer readers.
CHUNK = 500_000
#: Bytes of COPY output parsed at a time on PostgreSQL.
COPY_BLOCK = 32 * 2**20
#: Start of PostgreSQL's binary COPY output: signature, flags (0: no OIDs), header extension length (0).
PGCOPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
#: One answer row of the binary COPY: the field count (4), then each field after its byte length:
#: response id (uuid, 16 bytes), question id and NGO id (int4), value (float8), big-endian. The
#: query leaves no field NULL (a missing NGO is sent as −1), so every row has this one size and a
#: block of rows is a numpy record array without any per-row parsing.
ANSWER_ROW = np.dtype([("fields", ">i2"), ("id_len", ">i4"), ("id", "V16"), ("question_len", ">i4"),
                       ("question", ">i4"), ("ngo_len", ">i4"), ("ngo", ">i4"), ("value_len", ">i4"),
                       ("value", ">f8")])
ANSWER_FIELDS = {"fields": 4, "id_len": 16, "question_len": 4, "ngo_len": 4, "value_len": 8}


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


def _csv_frame(statement: Select[Any], columns: list[str]) -> pd.DataFrame:
    """``statement`` by ``COPY … TO STDOUT (FORMAT csv)`` on PostgreSQL/psycopg, parsed by pandas'
    C reader: the same frame as ``_frame`` gives for columns of text and integers (text as
    ``str``, NULL as NaN; only an empty field is NA, so no text such as "NA" is taken for one)
    without a Python tuple per row. JSON comes as its text, which the caller decodes."""
    connection = db.session.connection()
    sql = str(statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    data = b"".join(_copy_out(connection, sql, "FORMAT csv"))
    if not data:
        return pd.DataFrame.from_records([], columns=columns)
    return pd.read_csv(io.BytesIO(data), header=None, names=columns, keep_default_na=False, na_values=[""])


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
    columns = ["response_id", "survey_id", "period", "region_id", "settlement", "sex", "age_group", "duration_s",
               "flags", "mode"]
    frame = _csv_frame(stmt, columns) if _binary_copy(db.session.connection()) else _frame(stmt, columns)
    frame["flags"] = _flag_lists(frame["flags"])
    frame["rid"] = np.arange(len(frame), dtype=np.int64)
    return frame


def _copy_out(connection: Any, sql: str, options: str) -> Iterator[bytes]:
    """The output of ``COPY (sql) TO STDOUT (options)`` on PostgreSQL/psycopg, in blocks of whole
    rows of about ``COPY_BLOCK`` bytes.

    The server sends one message per row. They are taken straight from libpq through psycopg's
    public ``pgconn`` (``get_copy_data``, waiting on the socket with ``select`` when none is
    buffered) and appended to one buffer: ``Copy.read()`` runs a few Python generator frames per
    row, ~0.7 µs, which for 11 million answers cost more than everything else of the read. Raises
    ``psycopg.DatabaseError`` when the server reports an error."""
    import psycopg

    driver = connection.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(f"COPY ({sql}) TO STDOUT ({options})"):
        pgconn = driver.pgconn
        get = pgconn.get_copy_data
        pending = bytearray()
        while True:
            nbytes, data = get(1)  # 1: never block inside libpq; wait on the socket below instead
            if nbytes > 0:
                pending += data
                if len(pending) >= COPY_BLOCK:
                    yield bytes(pending)
                    pending.clear()
            elif nbytes == 0:
                io_select.select([pgconn.socket], [], [])
                pgconn.consume_input()
            else:
                break
        # The rows are complete (or the server failed): collect the COPY's own result, as
        # ``Copy.read()`` does after the last row.
        failed = nbytes == -2
        while (result := pgconn.get_result()) is not None:
            failed = failed or result.status != psycopg.pq.ExecStatus.COMMAND_OK
        if failed:
            raise psycopg.DatabaseError(pgconn.get_error_message() or "COPY failed")
    if pending:
        yield bytes(pending)


AnswerArrays = tuple[list[Any], np.ndarray, np.ndarray, np.ndarray]


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


def _binary_frames(connection: Any, sql: str) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """``COPY (sql) TO STDOUT`` in PostgreSQL's binary format, for rows of ``ANSWER_ROW``: each
    block of about ``COPY_BLOCK`` bytes is viewed as a record array (no Python object per row or
    value; the server sends ids as 16 bytes instead of formatting 36 characters of text). Yields
    (ids as an ``n × 2`` uint64 array of their bytes, question, NGO (NaN for −1), value). Raises
    RuntimeError if the output is not laid out as ``ANSWER_ROW`` (a NULL or another type)."""
    pending = b""
    header = True
    size = ANSWER_ROW.itemsize

    def rows(data: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        records = np.frombuffer(data, dtype=ANSWER_ROW)
        for field, expected in ANSWER_FIELDS.items():
            if (records[field] != expected).any():
                raise RuntimeError(f"unexpected binary COPY layout ({field})")
        ids = np.ascontiguousarray(records["id"]).view(np.uint64).reshape(-1, 2)
        ngo = records["ngo"].astype(np.float64)
        ngo[ngo < 0] = np.nan
        return ids, records["question"].astype(np.int64), ngo, records["value"].astype(np.float64)

    for block in _copy_out(connection, sql, "FORMAT binary"):
        data = pending + block if pending else block
        if header:
            if data[:len(PGCOPY_HEADER)] != PGCOPY_HEADER:
                raise RuntimeError("unexpected binary COPY header")
            data, header = data[len(PGCOPY_HEADER):], False
        cut = len(data) // size * size
        if cut:
            yield rows(data[:cut])
        pending = data[cut:]
    if header or len(pending) != 2 or pending != b"\xff\xff":
        raise RuntimeError("unexpected end of binary COPY output")


#: Odd 64-bit multiplier mixing the two halves of a UUID into one hash key (Fibonacci hashing).
_MIX = np.uint64(0x9E3779B97F4A7C15)


def _uuid_words(ids: pd.Index) -> np.ndarray:
    """The 16 bytes of each canonical UUID text (with or without dashes) as an ``n × 2`` uint64
    array, laid out as the binary COPY sends them."""
    hexes = "".join(ids.astype(str)).replace("-", "")
    if len(hexes) != 32 * len(ids):
        raise RuntimeError("response ids are not UUIDs")
    return np.frombuffer(bytes.fromhex(hexes), dtype=np.uint64).reshape(-1, 2)


def _word_positions(words: np.ndarray, index: pd.Index, index_words: np.ndarray) -> np.ndarray:
    """Position in ``index`` of each id given as a row of ``words`` (−1: unknown), ids in runs as
    for ``_positions``. Ids are looked up by one uint64 mixing both halves, then the whole id is
    compared; if two responses share a mixed key (~1e-7 at a million) by their full bytes."""
    if not len(words):
        return np.zeros(0, dtype=np.int64)
    change = np.empty(len(words), dtype=bool)
    change[0] = True
    np.any(words[1:] != words[:-1], axis=1, out=change[1:])
    heads = np.flatnonzero(change)
    head_words = words[heads]
    mixed = pd.Index(index_words[:, 0] ^ (index_words[:, 1] * _MIX))
    if mixed.is_unique:
        found = mixed.get_indexer(head_words[:, 0] ^ (head_words[:, 1] * _MIX)).astype(np.int64)
        same = (index_words[found] == head_words).all(axis=1)
        found[(found < 0) | ~same] = -1
    else:
        exact = pd.Index([bytes(w) for w in index_words])
        found = exact.get_indexer([bytes(w) for w in head_words]).astype(np.int64)
    return np.repeat(found, np.diff(np.append(heads, len(words))))


def _binary_copy(connection: Any) -> bool:
    return connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg"


def _answer_chunks(statement: Select[Any], response_ids: pd.Index) -> tuple[np.ndarray, ...]:
    """Rows (response id, question id, ngo id, value) of ``statement`` as arrays, read in chunks:
    response ids become positions in ``response_ids`` (−1: unknown) as they arrive, so the ids of
    millions of answers are never held at once. On PostgreSQL/psycopg the rows come by binary COPY
    (``statement`` as built by ``_answer_select`` for it); elsewhere from the DBAPI cursor."""
    connection = db.session.connection()
    sql = str(statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    if _binary_copy(connection):
        index_words = _uuid_words(response_ids)
        parts = [(_word_positions(ids, response_ids, index_words), question, ngo, value)
                 for ids, question, ngo, value in _binary_frames(connection, sql) if len(ids)]
    else:
        parts = [(_positions(ids, response_ids), question, ngo, value)
                 for ids, question, ngo, value in _fetch_frames(connection, sql) if len(ids)]
    if not parts:
        return tuple(np.zeros(0, dtype=t) for t in (np.int64, np.int64, np.float64, np.float64))
    return tuple(np.concatenate(column) for column in zip(*parts))


def _answer_select() -> Select[Any]:
    """SELECT of (response id, question id, NGO id, value) from answers: on PostgreSQL/psycopg the
    uuid itself and the NGO as −1 when missing (the fixed ``ANSWER_ROW`` of the binary COPY); else
    the id as text, as the DBAPI cursor gives it."""
    if _binary_copy(db.session.connection()):
        return select(Answer.response_id, Answer.question_id, func.coalesce(Answer.ngo_id, -1), Answer.value_num)
    return select(cast(Answer.response_id, String), Answer.question_id, Answer.ngo_id, Answer.value_num)


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
    stmt = _answer_select().where(Answer.ngo_id.is_not(None), Answer.value_num.is_not(None))
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
        _answer_select()
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
