"""Score rows for ``GET /api/v1/scores``: published cells, paginated in SQL, disclosure re-checked.

A row is one cell (metric × NGO × region × period × segment) with the method it shows — the same
reduction as the pages (see ``cells``), so the API never publishes what a page would hide.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from models import NGO, Region, ScoreSnapshot, db

from ..errors import ValidationError
from .cells import SnapRow, group_cells, snapshot_columns
from .heatmap import _pick_name
from .scope import Scope, ScoreQuery, parse_id, single

MAX_PER_PAGE = 1000


@dataclass(frozen=True)
class RowFilters:
    ngo: int | None | str  # id, "none" (all-NGO rows) or "any"
    region: int | None | str  # id, "national" or "any"
    page: int
    per_page: int


def parse_row_filters(args: Mapping[str, Any], scope: Scope) -> RowFilters:
    """``ngo`` (id or ``none``), ``region`` (ISO code or ``national``), ``page``, ``per_page``. Raises ``ValidationError`` naming the field; a region outside the scope is
    reported exactly like an unknown one."""
    raw_ngo = single(args, "ngo")
    ngo: int | None | str = "any"
    if raw_ngo == "none":
        ngo = None
    elif raw_ngo is not None:
        ngo = parse_id(raw_ngo, "ngo")
        if db.session.get(NGO, ngo) is None:
            raise ValidationError(_("Unknown NGO."), {"ngo": _("No NGO has this id.")})
    raw_region = single(args, "region")
    region: int | None | str = "any"
    if raw_region == "national":
        region = None
    elif raw_region is not None:
        found = db.session.scalar(select(Region.id).where(Region.code == raw_region.upper()[:8]))
        if found is None or not scope.allows(found):
            raise ValidationError(_("Unknown region."), {"region": _("Use an ISO 3166-2 code such as KZ-75.")})
        region = found
    page = parse_id(single(args, "page"), "page") or 1
    per_page = parse_id(single(args, "per_page"), "per_page") or 100
    if per_page > MAX_PER_PAGE:
        raise ValidationError(_("Too many rows per page."), {"per_page": _("At most 1000.")})
    return RowFilters(ngo, region, page, per_page)


def score_rows(query: ScoreQuery, filters: RowFilters, scope: Scope, lang: str | None) -> tuple[list[dict[str, Any]], int]:
    """The page of cells matching the filters, and the total number of cells. Three queries."""
    s = ScoreSnapshot
    cond = [s.metric == query.metric.key, s.period == query.period, s.segment == query.segment]
    if filters.ngo != "any":
        cond.append(s.ngo_id.is_(None) if filters.ngo is None else s.ngo_id == filters.ngo)
    if filters.region != "any":
        cond.append(s.region_id.is_(None) if filters.region is None else s.region_id == filters.region)
    if scope.region_ids is not None:
        cond.append(or_(s.region_id.is_(None), s.region_id.in_(scope.region_ids)))
    keys = select(s.ngo_id, s.region_id, s.segment).where(*cond).group_by(s.ngo_id, s.region_id, s.segment)
    total = db.session.scalar(select(func.count()).select_from(keys.subquery())) or 0
    page_keys = db.session.execute(
        keys.order_by(s.ngo_id.asc().nulls_first(), s.region_id.asc().nulls_first(), s.segment)
        .offset((filters.page - 1) * filters.per_page).limit(filters.per_page)).all()
    if not page_keys:
        return [], total
    ngo_ids = {k[0] for k in page_keys if k[0] is not None}
    key_set = {tuple(k) for k in page_keys}
    stmt = snapshot_columns().where(*cond)
    if ngo_ids and all(k[0] is not None for k in page_keys):
        stmt = stmt.where(s.ngo_id.in_(ngo_ids))
    elif ngo_ids:
        stmt = stmt.where(or_(s.ngo_id.is_(None), s.ngo_id.in_(ngo_ids)))
    else:
        stmt = stmt.where(s.ngo_id.is_(None))
    rows = [SnapRow(*r) for r in db.session.execute(stmt) if (r[1], r[2], r[4]) in key_set]
    by_segment: dict[str, list[SnapRow]] = {}
    for r in rows:
        by_segment.setdefault(r.segment, []).append(r)
    cells = {(k[0], k[1], seg): c for seg, group in by_segment.items()
             for k, c in group_cells(query.metric, group, prefer=query.prefer).items()}
    names = {nid: _pick_name(lang, en, ru, kk) for nid, en, ru, kk in db.session.execute(
        select(NGO.id, NGO.name_en, NGO.name_ru, NGO.name_kk).where(NGO.id.in_(ngo_ids)))} if ngo_ids else {}
    codes = dict(db.session.execute(select(Region.id, Region.code)).all())
    items = []
    for ngo_id, region_id, segment in page_keys:
        cell = cells[(ngo_id, region_id, segment)]
        items.append({"metric": query.metric.key, "ngo_id": ngo_id, "ngo": names.get(ngo_id) if ngo_id else None,
                      "region": codes.get(region_id) if region_id else None, "period": query.period,
                      "segment": segment, **cell.as_dict()})
    return items, total


__all__ = ["RowFilters", "parse_row_filters", "score_rows"]
