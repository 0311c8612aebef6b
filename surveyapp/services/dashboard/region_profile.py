"""A region's profile: NGOs ranked, the urban/rural gap, media coverage, and the national figure."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from models import NGO, Region, ScoreSnapshot, db

from ..metrics import METRICS_BY_KEY, Metric
from .cells import EMPTY, Cell, SnapRow, group_cells, snapshot_columns
from .heatmap import _pick_name
from .scope import Scope, ScoreQuery, get_region

COVERAGE_METRICS = ("media_coverage", "media_stories", "media_net_tone", "media_share_of_voice")


@dataclass
class RankedNgo:
    ngo_id: int
    name: str
    sector: str
    cell: Cell
    national: Cell
    urban: Cell
    rural: Cell
    #: Urban minus rural, only when both are published (a derived number never uses a hidden cell).
    gap: float | None
    coverage: Cell


@dataclass
class RegionProfile:
    region: Region
    name: str
    query: ScoreQuery
    overall: Cell
    overall_national: Cell
    overall_urban: Cell
    overall_rural: Cell
    overall_gap: float | None
    ranked: list[RankedNgo]
    unranked: list[RankedNgo]
    coverage: dict[str, Cell]


def gap(urban: Cell, rural: Cell) -> float | None:
    """Urban minus rural estimate; None unless both cells are published."""
    if urban.has_value and rural.has_value and urban.estimate is not None and rural.estimate is not None:
        return urban.estimate - rural.estimate
    return None


def region_profile(code: str, query: ScoreQuery, scope: Scope, lang: str | None) -> RegionProfile:
    """NGOs in the region ranked by ``query.metric`` (published cells first, suppressed after, by
    name), each with its national figure, urban/rural cells and gap and its coverage index.

    Raises ``NotFoundError`` for an unknown region or one outside ``scope`` (same message).
    """
    region = get_region(code, scope)
    metric = query.metric
    keys = (metric.key, "media_coverage") + COVERAGE_METRICS
    stmt = snapshot_columns().where(
        ScoreSnapshot.period == query.period, ScoreSnapshot.metric.in_(set(keys)),
        or_(ScoreSnapshot.region_id == region.id, ScoreSnapshot.region_id.is_(None)))
    rows = [SnapRow(*r) for r in db.session.execute(stmt)]

    def cells(metric_obj: Metric, segment: str) -> dict[tuple[int | None, int | None], Cell]:
        return group_cells(metric_obj, [r for r in rows if r.metric == metric_obj.key and r.segment == segment],
                           prefer=query.prefer)

    main, urban, rural = cells(metric, "all"), cells(metric, "urban"), cells(metric, "rural")
    coverage_metric = METRICS_BY_KEY["media_coverage"]
    coverage = cells(coverage_metric, "all")
    ngo_ids = {k[0] for k in main if k[0] is not None and k[1] == region.id}
    names = db.session.execute(select(NGO.id, NGO.name_en, NGO.name_ru, NGO.name_kk, NGO.sector)
                               .where(NGO.id.in_(ngo_ids))).all() if ngo_ids else []
    items = []
    for nid, en, ru, kk, sector in names:
        u, r = urban.get((nid, region.id), EMPTY), rural.get((nid, region.id), EMPTY)
        items.append(RankedNgo(nid, _pick_name(lang, en, ru, kk), sector, main.get((nid, region.id), EMPTY),
                               main.get((nid, None), EMPTY), u, r, gap(u, r),
                               coverage.get((nid, region.id), EMPTY)))
    sign = -1 if metric.higher_is_better else 1
    ranked = sorted((i for i in items if i.cell.has_value),
                    key=lambda i: (sign * (i.cell.estimate or 0.0), i.name.casefold()))
    unranked = sorted((i for i in items if not i.cell.has_value), key=lambda i: i.name.casefold())
    ou, orr = urban.get((None, region.id), EMPTY), rural.get((None, region.id), EMPTY)
    cov = {}
    for key in COVERAGE_METRICS:
        m = METRICS_BY_KEY[key]
        cov[key] = cells(m, "all").get((None, region.id), EMPTY)
    return RegionProfile(region=region, name=region.text_in("name", lang), query=query,
                         overall=main.get((None, region.id), EMPTY), overall_national=main.get((None, None), EMPTY),
                         overall_urban=ou, overall_rural=orr, overall_gap=gap(ou, orr), ranked=ranked,
                         unranked=unranked, coverage=cov)
