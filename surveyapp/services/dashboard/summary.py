"""The public, read-only summary: national figures only (rows with ``region_id`` None).

Suppressed stays suppressed. No regional or segment cell is read, so nothing regional can leak.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from models import NGO, ScoreSnapshot, db

from ..metrics import METRICS_BY_KEY, Metric
from .cells import EMPTY, Cell, SnapRow, group_cells, snapshot_columns
from .heatmap import _pick_name
from .scope import available_periods, default_period

HEADLINE = ("trust_index", "net_trust", "trust_share", "distrust_share", "awareness", "external_assessment")
NGO_TABLE = ("external_assessment", "trust_index", "awareness")


@dataclass
class PublicSummary:
    period: str
    periods: tuple[str, ...]
    headline: list[tuple[Metric, Cell]]
    ngos: list[tuple[int, str, dict[str, Cell]]]
    table_metrics: tuple[Metric, ...]


def public_summary(lang: str | None) -> PublicSummary:
    """National all-NGO headline figures and each NGO's national figures for the latest finished
    period (``default_period``)."""
    periods = available_periods()
    period = default_period(periods)
    keys = set(HEADLINE) | set(NGO_TABLE)
    stmt = snapshot_columns().where(ScoreSnapshot.period == period, ScoreSnapshot.region_id.is_(None),
                                    ScoreSnapshot.segment == "all", ScoreSnapshot.metric.in_(keys))
    rows = [SnapRow(*r) for r in db.session.execute(stmt)]
    cells = {k: group_cells(METRICS_BY_KEY[k], [r for r in rows if r.metric == k], prefer="direct") for k in keys}
    headline = [(METRICS_BY_KEY[k], cells[k].get((None, None), EMPTY)) for k in HEADLINE]
    ngo_ids = {r.ngo_id for r in rows if r.ngo_id is not None}
    names = db.session.execute(select(NGO.id, NGO.name_en, NGO.name_ru, NGO.name_kk)
                               .where(NGO.id.in_(ngo_ids))).all() if ngo_ids else []
    table = [(nid, _pick_name(lang, en, ru, kk), {k: cells[k].get((nid, None), EMPTY) for k in NGO_TABLE})
             for nid, en, ru, kk in names]
    first = NGO_TABLE[0]
    table.sort(key=lambda t: (not t[2][first].has_value, -(t[2][first].estimate or 0.0), t[1].casefold()))
    return PublicSummary(period, periods, headline, table, tuple(METRICS_BY_KEY[k] for k in NGO_TABLE))
