"""Trends over periods and the alerts list (significant changes and media spikes)."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from models import Alert, ScoreSnapshot, db
from models.score import ALERT_KINDS

from ..errors import ValidationError
from .cells import EMPTY, Cell, SnapRow, group_cells, snapshot_columns
from .scope import Scope, ScoreQuery, visible_regions

LATEST_ALERTS = 8


@dataclass
class TrendSeries:
    name: str
    code: str | None
    cells: list[Cell]


@dataclass
class Trends:
    query: ScoreQuery
    periods: tuple[str, ...]
    national: TrendSeries
    regions: list[TrendSeries]


def trends(query: ScoreQuery, scope: Scope, lang: str | None, ngo_id: int | None = None) -> Trends:
    """``query.metric`` over every period: the national series and one per visible region, for one
    NGO or (``ngo_id`` None) all NGOs. Two queries."""
    stmt = snapshot_columns().where(
        ScoreSnapshot.metric == query.metric.key, ScoreSnapshot.segment == query.segment,
        ScoreSnapshot.ngo_id.is_(None) if ngo_id is None else ScoreSnapshot.ngo_id == ngo_id)
    if scope.region_ids is not None:
        stmt = stmt.where(or_(ScoreSnapshot.region_id.is_(None), ScoreSnapshot.region_id.in_(scope.region_ids)))
    rows = [SnapRow(*r) for r in db.session.execute(stmt)]
    periods = tuple(sorted({r.period for r in rows}))
    by_region: dict[int | None, list[SnapRow]] = {}
    for r in rows:
        by_region.setdefault(r.region_id, []).append(r)

    def series(region_id: int | None) -> list[Cell]:
        cells = group_cells(query.metric, by_region.get(region_id, []), prefer=query.prefer, key="period")
        return [cells.get(p, EMPTY) for p in periods]

    national = TrendSeries(_("Kazakhstan"), None, series(None))
    regional = [TrendSeries(r.text_in("name", lang), r.code, series(r.id))
                for r in visible_regions(scope) if r.id in by_region]
    return Trends(query, periods, national, regional)


@dataclass
class AlertPage:
    items: list[Alert]
    total: int
    page: int
    per_page: int
    kind: str | None


def alerts(scope: Scope, *, kind: str | None = None, page: int = 1, per_page: int = 50) -> AlertPage:
    """Alerts newest first, limited to national alerts and the scope's regions.

    Raises ``ValidationError`` for an unknown ``kind``.
    """
    if kind is not None and kind not in ALERT_KINDS:
        raise ValidationError(_("Unknown alert kind."), {"kind": _("Use significant_change or media_spike.")})
    cond = [] if kind is None else [Alert.kind == kind]
    if scope.region_ids is not None:
        cond.append(or_(Alert.region_id.is_(None), Alert.region_id.in_(scope.region_ids)))
    total = db.session.scalar(select(func.count(Alert.id)).where(*cond)) or 0
    items = list(db.session.scalars(
        select(Alert).options(joinedload(Alert.ngo), joinedload(Alert.region)).where(*cond)
        .order_by(Alert.created_at.desc(), Alert.id.desc()).offset((page - 1) * per_page).limit(per_page)))
    return AlertPage(items, total, page, per_page, kind)


def latest_alerts(scope: Scope, limit: int = LATEST_ALERTS) -> list[Alert]:
    """The newest alerts the scope may see (for the dashboard home)."""
    return alerts(scope, per_page=limit).items
