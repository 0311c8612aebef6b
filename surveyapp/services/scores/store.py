"""Replace snapshot and alert rows with a new run's results, in the caller's transaction."""
from __future__ import annotations

import math

import numpy as np

import pandas as pd
from sqlalchemy import delete, insert, select, update

from analysis.monitoring import Alert as AlertRecord
from models import Alert, Response, ScoreSnapshot, Survey, db
from models.base import utcnow

BATCH = 5000


def _num(value: object) -> float | None:
    if value is None or value is pd.NA:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def _int_or_none(value: object) -> int | None:
    number = _num(value)
    return None if number is None else int(number)


def snapshot_rows(table: pd.DataFrame) -> list[dict[str, object]]:
    """Snapshot dicts for bulk insert from the long table (suppressed rows carry no value)."""
    suppressed = table["suppressed"].fillna(False).astype(bool).to_numpy()
    ngo = table["ngo_id"].astype("Int64")
    region = table["region_id"].astype("Int64")
    ngo_text = ngo.astype("string").fillna("*")
    region_text = region.astype("string").fillna("*")
    frame = pd.DataFrame({
        "key": (table["metric"].astype(str) + "|" + ngo_text + "|" + region_text + "|" + table["period"].astype(str)
                + "|" + table["segment"].astype(str) + "|" + table["method"].astype(str)),
        "metric": table["metric"].astype(str), "period": table["period"].astype(str),
        "segment": table["segment"].astype(str), "method": table["method"].astype(str),
    })
    for column in ("estimate", "ci_low", "ci_high", "n_eff"):
        values = pd.to_numeric(table[column], errors="coerce").astype(float).to_numpy().copy()
        values[suppressed] = np.nan
        frame[column] = values
    frame["n"] = pd.to_numeric(table["n"], errors="coerce").fillna(0).astype(int).to_numpy()
    frame["suppressed"] = suppressed
    records = frame.to_dict("records")
    now = utcnow()
    ngo_values, region_values = ngo.tolist(), region.tolist()
    for rec, ngo_id, region_id in zip(records, ngo_values, region_values):
        rec["ngo_id"] = None if ngo_id is pd.NA else int(ngo_id)
        rec["region_id"] = None if region_id is pd.NA else int(region_id)
        rec["computed_at"] = now
        for column in ("estimate", "ci_low", "ci_high", "n_eff"):
            if rec[column] != rec[column]:  # NaN
                rec[column] = None
    return records


def alert_rows(alerts: list[AlertRecord]) -> list[dict[str, object]]:
    """Alert dicts for bulk insert."""
    now = utcnow()
    return [{
        "kind": a.kind, "metric": a.metric, "ngo_id": _int_or_none(a.keys.get("ngo")),
        "region_id": _int_or_none(a.keys.get("region")), "period": a.period, "previous_period": a.previous_period,
        "value_before": a.value_before, "value_after": a.value_after, "z": a.z, "message": a.message,
        "created_at": now, "acknowledged": False,
    } for a in alerts]


def _clear_weights(periods: list[str] | None) -> None:
    """Forget earlier weights of the recomputed periods (a response excluded now keeps none)."""
    stmt = update(Response).values(weight=None)
    if periods:
        stmt = stmt.where(Response.survey_id.in_(select(Survey.id).where(Survey.period.in_(periods))))
    db.session.execute(stmt.execution_options(synchronize_session=False))


def _store_weights(respondents: pd.DataFrame) -> None:
    """Write each kept response's raking weight with one executemany on the raw cursor."""
    connection = db.session.connection()
    marker = "%s" if connection.dialect.name == "postgresql" else "?"
    pairs = list(zip(respondents["weight"].astype(float).tolist(), respondents["response_id"].tolist()))
    cursor = connection.connection.cursor()
    try:
        sql = f"UPDATE responses SET weight = {marker} WHERE id = {marker}"
        for start in range(0, len(pairs), BATCH):
            cursor.executemany(sql, pairs[start:start + BATCH])
    finally:
        cursor.close()


def write_results(table: pd.DataFrame, alerts: list[AlertRecord], *, periods: list[str] | None,
                  respondents: pd.DataFrame) -> tuple[int, int]:
    """Delete the old snapshots and alerts (of ``periods``, or all) and insert the new ones; store
    each kept response's raking weight. Flushes only. Returns (snapshots written, suppressed)."""
    old = delete(ScoreSnapshot)
    old_alerts = delete(Alert)
    if periods:
        old = old.where(ScoreSnapshot.period.in_(periods))
        old_alerts = old_alerts.where(Alert.period.in_(periods) | (Alert.kind == "media_spike"))
    db.session.execute(old)
    db.session.execute(old_alerts)
    _clear_weights(periods)
    rows = snapshot_rows(table)
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(ScoreSnapshot), rows[start:start + BATCH])
    if alerts:
        db.session.execute(insert(Alert), alert_rows(alerts))
    _store_weights(respondents)
    db.session.flush()
    return len(rows), sum(1 for r in rows if r["suppressed"])
