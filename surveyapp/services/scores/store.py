"""Replace snapshot and alert rows with a new run's results, in the caller's transaction."""
from __future__ import annotations

import contextlib
import math
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, String, bindparam, delete, insert, literal_column, select

from analysis.monitoring import Alert as AlertRecord
from models import Alert, Response, ResponseWeight, ScoreSnapshot, Survey, db
from models.base import utcnow

BATCH = 5000
#: SQLite page cache (KiB) while a run writes its snapshots and weights.
SQLITE_CACHE_KIB = 256 * 1024


def _num(value: object) -> float | None:
    if value is None or value is pd.NA:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def _int_or_none(value: object) -> int | None:
    number = _num(value)
    return None if number is None else int(number)


def _nullable(values: np.ndarray) -> list[float | None]:
    """Floats as Python floats, NaN as None."""
    return [None if v != v else v for v in values.tolist()]


#: Snapshot columns written by a run, in the order of ``snapshot_rows`` tuples (all but ``id``).
SNAPSHOT_COLUMNS = ("key", "metric", "ngo_id", "region_id", "period", "segment", "estimate", "ci_low", "ci_high", "n",
                    "n_eff", "method", "suppressed", "computed_at")


def _per_distinct(column: pd.Series, convert: Callable[[Any], object], missing: object) -> list[object]:
    """``convert`` of each value of ``column`` (``missing`` for NA), called once per distinct value."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    values = np.empty(len(uniques) + 1, dtype=object)
    values[:-1] = [convert(u) for u in uniques]
    values[-1] = missing
    return values[codes].tolist()  # code −1 (NA) picks ``missing``


def snapshot_rows(table: pd.DataFrame, computed_at: object = None, *,
                  columns: Sequence[str] = SNAPSHOT_COLUMNS) -> list[tuple[object, ...]]:
    """Snapshot rows for bulk insert from the long table, as tuples of ``columns`` (default
    ``SNAPSHOT_COLUMNS``, in that order), one per table row in table order (suppressed rows carry
    no value; ``computed_at`` defaults to now).

    Built column by column (``tolist`` gives plain Python values), not with ``DataFrame.to_dict``,
    which boxes every cell through pandas and took ~15 s for 650,000 rows. Ids and the text parts
    of the key are converted once per distinct value.
    """
    wanted = tuple(columns)
    suppressed = table["suppressed"].fillna(False).astype(bool).to_numpy()
    ngo = _per_distinct(table["ngo_id"], int, None)
    region = _per_distinct(table["region_id"], int, None)
    ngo_text = _per_distinct(table["ngo_id"], lambda v: str(int(v)), "*")
    region_text = _per_distinct(table["region_id"], lambda v: str(int(v)), "*")
    metric, period = table["metric"].astype(str).tolist(), table["period"].astype(str).tolist()
    segment, method = table["segment"].astype(str).tolist(), table["method"].astype(str).tolist()
    values: dict[str, list[object]] = {
        "key": [f"{m}|{g}|{r}|{p}|{s}|{me}"
                for m, g, r, p, s, me in zip(metric, ngo_text, region_text, period, segment, method)],
        "metric": metric, "period": period, "segment": segment, "method": method,
    }
    for column in ("estimate", "ci_low", "ci_high", "n_eff"):
        numbers = pd.to_numeric(table[column], errors="coerce").astype(float).to_numpy().copy()
        numbers[suppressed] = np.nan
        values[column] = _nullable(numbers)
    values["n"] = pd.to_numeric(table["n"], errors="coerce").fillna(0).astype(int).to_numpy().tolist()
    values["suppressed"] = suppressed.tolist()
    values["ngo_id"], values["region_id"] = ngo, region
    if "computed_at" in wanted:
        values["computed_at"] = [utcnow() if computed_at is None else computed_at] * len(table)
    return list(zip(*(values[c] for c in wanted)))


def alert_rows(alerts: list[AlertRecord]) -> list[dict[str, object]]:
    """Alert dicts for bulk insert."""
    now = utcnow()
    return [{
        "kind": a.kind, "metric": a.metric, "ngo_id": _int_or_none(a.keys.get("ngo")),
        "region_id": _int_or_none(a.keys.get("region")), "period": a.period, "previous_period": a.previous_period,
        "value_before": a.value_before, "value_after": a.value_after, "z": a.z, "message": a.message,
        "created_at": now, "acknowledged": False,
    } for a in alerts]


def _copy_rows(connection: Connection, table: str, columns: list[str], rows: Iterable[Sequence[object]]) -> None:
    """Stream ``rows`` into ``table`` with PostgreSQL's COPY (psycopg adapts the values)."""
    quoted = ", ".join(f'"{c}"' for c in columns)
    driver = connection.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)


def _uses_copy(connection: Connection) -> bool:
    """psycopg's executemany sends one statement per row; COPY is ~50x faster for big writes."""
    return connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg"


def _insert_snapshots(table: pd.DataFrame) -> list[tuple[object, ...]]:
    """Bulk insert on the session's connection: COPY on PostgreSQL/psycopg; on SQLite one
    ``executemany`` of a prepared INSERT on the raw cursor (SQLAlchemy's per-row parameter
    processing cost more than SQLite's insert itself); elsewhere a Core INSERT in batches.
    Returns the rows written."""
    connection = db.session.connection()
    columns = list(SNAPSHOT_COLUMNS)
    if _uses_copy(connection):
        rows = snapshot_rows(table)
        if rows:
            _copy_rows(connection, ScoreSnapshot.__tablename__, columns, rows)
        return rows
    if connection.dialect.name != "sqlite":
        rows = snapshot_rows(table)
        for start in range(0, len(rows), BATCH):
            connection.execute(insert(ScoreSnapshot.__table__), [dict(zip(columns, r)) for r in rows[start:start + BATCH]])
        return rows
    # sqlite3 stores bools as 0/1 like SQLAlchemy's Boolean and takes floats, ints and texts as
    # they are. The timestamp, the same for every row, is a literal of the statement (in the
    # dialect's text form, quoted by SQLAlchemy) rather than a parameter bound per row.
    snapshots = ScoreSnapshot.__table__
    bound = [c for c in columns if c != "computed_at"]
    rows = snapshot_rows(table, columns=bound)
    values: dict[str, Any] = {c: bindparam(c, type_=snapshots.c[c].type) for c in bound}
    process = snapshots.c.computed_at.type.dialect_impl(connection.dialect).bind_processor(connection.dialect)
    now = process(utcnow()) if process else utcnow()
    quote = String().literal_processor(connection.dialect)
    if quote is None:
        raise RuntimeError("no literal form for the snapshot timestamp")
    values["computed_at"] = literal_column(quote(str(now)))
    compiled = insert(snapshots).values(values).compile(dialect=connection.dialect)
    if list(compiled.positiontup or []) != bound:
        raise RuntimeError("unexpected parameter order in the compiled snapshot INSERT")
    if rows:
        cursor = connection.connection.cursor()
        try:
            cursor.executemany(str(compiled), rows)
        finally:
            cursor.close()
    return rows


def _store_weights(respondents: pd.DataFrame, periods: list[str] | None) -> None:
    """Replace the stored raking weights (``response_weights``) of the recomputed periods with
    each kept response's new weight.

    One DELETE keeps only the weights of responses in periods not recomputed (so a response
    excluded now keeps none, and no weight outlives its response), then one row per kept response
    is inserted: COPY on PostgreSQL/psycopg, one ``executemany`` of a prepared INSERT on the raw
    cursor on SQLite, Core batches elsewhere. No response row is rewritten.
    """
    connection = db.session.connection()
    old = delete(ResponseWeight)
    if periods:
        others = select(Response.id).join(Survey, Survey.id == Response.survey_id).where(Survey.period.not_in(periods))
        old = old.where(ResponseWeight.response_id.not_in(others))
    db.session.execute(old.execution_options(synchronize_session=False))
    pairs = list(zip(respondents["response_id"].astype(str).tolist(), respondents["weight"].astype(float).tolist()))
    if not pairs:
        return
    if _uses_copy(connection):
        _copy_rows(connection, ResponseWeight.__tablename__, ["response_id", "weight"], pairs)
    elif connection.dialect.name == "sqlite":
        # The ids are the stored text the extract read (SQLAlchemy's Uuid on SQLite: 32 hex digits).
        cursor = connection.connection.cursor()
        try:
            cursor.executemany("INSERT INTO response_weights (response_id, weight) VALUES (?, ?)", pairs)
        finally:
            cursor.close()
    else:
        for start in range(0, len(pairs), BATCH):
            connection.execute(insert(ResponseWeight), [{"response_id": uuid.UUID(i), "weight": w}
                                                        for i, w in pairs[start:start + BATCH]])


@contextlib.contextmanager
def _write_cache(connection: Connection) -> Iterator[None]:
    """On SQLite, a page cache of ``SQLITE_CACHE_KIB`` for the duration of the writes: the
    snapshot indexes of a large run then stay in memory instead of spilling pages to the WAL
    before the commit. The connection's previous setting is restored afterwards."""
    if connection.dialect.name != "sqlite":
        yield
        return
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB:d}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(previous or -2000):d}")


def write_results(table: pd.DataFrame, alerts: list[AlertRecord], *, periods: list[str] | None,
                  respondents: pd.DataFrame) -> tuple[int, int]:
    """Delete the old snapshots and alerts (of ``periods``, or all) and insert the new ones; store
    each kept response's raking weight. Flushes only. Returns (snapshots written, suppressed)."""
    old = delete(ScoreSnapshot)
    old_alerts = delete(Alert)
    if periods:
        old = old.where(ScoreSnapshot.period.in_(periods))
        old_alerts = old_alerts.where(Alert.period.in_(periods) | (Alert.kind == "media_spike"))
    with _write_cache(db.session.connection()):
        db.session.execute(old)
        db.session.execute(old_alerts)
        rows = _insert_snapshots(table)
        if alerts:
            db.session.execute(insert(Alert), alert_rows(alerts))
        _store_weights(respondents, periods)
        db.session.flush()
    return len(rows), int(table["suppressed"].fillna(False).astype(bool).sum())
