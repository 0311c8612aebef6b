"""The NGO × region matrix of one metric, period and segment.

Subtraction rule: the matrix shows stored snapshot cells only. The "Kazakhstan" column and the
"All NGOs" row are the stored national / all-NGO snapshots (the same whatever the filter), never
sums or means of the cells on screen, so no filter combination yields a number from which a
suppressed cell can be derived. Sorting puts suppressed and empty cells last regardless of their
(unknown) value, so the order reveals nothing either.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import or_, select

from models import NGO, ScoreSnapshot, Survey, SurveyNGO, db
from models.ngo import SECTORS

from ..errors import ValidationError
from ..metrics import Metric
from .cells import EMPTY, Cell, group_cells, snapshot_columns
from .scope import Scope, ScoreQuery, parse_id, single, visible_regions

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500
MAX_NGO_FILTER = 200


@dataclass(frozen=True)
class Column:
    region_id: int | None
    code: str
    name: str


@dataclass
class Row:
    ngo_id: int | None
    name: str
    sector: str | None
    national: Cell
    cells: list[Cell]


@dataclass
class Heatmap:
    query: ScoreQuery
    columns: list[Column]
    rows: list[Row]
    total: int
    page: int
    per_page: int
    sort: str
    sector: str | None
    ngo_ids: tuple[int, ...]
    all_ngos: Row | None
    suppressed_cells: int = 0
    low_precision_cells: int = 0
    sectors: tuple[str, ...] = field(default=SECTORS)

    @property
    def metric(self) -> Metric:
        return self.query.metric

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class HeatmapFilters:
    sector: str | None
    ngo_ids: tuple[int, ...]
    sort: str
    page: int
    per_page: int
    survey_id: int | None = None


def parse_filters(args: Mapping[str, Any], scope: Scope) -> HeatmapFilters:
    """Validate ``sector``, ``ngo`` (repeatable id), ``survey`` (its NGO set), ``sort``, ``page``
    and ``per_page``.

    ``sort`` is ``name``, ``national`` or a region code, with ``-`` for descending. Raises
    ``ValidationError`` naming the field.
    """
    sector = single(args, "sector")
    if sector is not None and sector not in SECTORS:
        raise ValidationError(_("Unknown sector."), {"sector": _("Choose one of the listed sectors.")})
    raw_ids = args.getlist("ngo") if hasattr(args, "getlist") else ([args["ngo"]] if "ngo" in args else [])
    ngo_ids = tuple(sorted({i for i in (parse_id(v.strip(), "ngo") for v in raw_ids if v.strip()) if i}))
    if len(ngo_ids) > MAX_NGO_FILTER:
        raise ValidationError(_("Too many NGOs chosen."), {"ngo": _("Choose at most 200.")})
    if ngo_ids:
        found = set(db.session.scalars(select(NGO.id).where(NGO.id.in_(ngo_ids))))
        if found != set(ngo_ids):
            raise ValidationError(_("Unknown NGO."), {"ngo": _("Choose NGOs from the registry.")})
    survey_id = parse_id(single(args, "survey"), "survey")
    if survey_id is not None:
        if db.session.get(Survey, survey_id) is None:
            raise ValidationError(_("Unknown survey."), {"survey": _("Choose one of the listed surveys.")})
        members = set(db.session.scalars(select(SurveyNGO.ngo_id).where(SurveyNGO.survey_id == survey_id)))
        chosen = members & set(ngo_ids) if ngo_ids else members
        ngo_ids = tuple(sorted(chosen)) or (0,)  # an empty set shows no NGO, never all of them
    sort = single(args, "sort") or "name"
    bare = sort.lstrip("-")
    if bare not in ("name", "national") and not (bare.startswith("KZ-") and len(bare) <= 8):
        raise ValidationError(_("Unknown sort order."), {"sort": _("Sort by name, national or a region code.")})
    page = parse_id(single(args, "page"), "page") or 1
    per_page = parse_id(single(args, "per_page"), "per_page") or DEFAULT_PER_PAGE
    if per_page > MAX_PER_PAGE:
        raise ValidationError(_("Too many rows per page."), {"per_page": _("At most 500.")})
    return HeatmapFilters(sector, ngo_ids, sort, page, per_page, survey_id)


def _value_key(cell: Cell, descending: bool, name: str) -> tuple[Any, ...]:
    if not cell.has_value:
        return (1, 0.0, name.casefold())  # suppressed/empty: always last, by name
    value = cell.estimate or 0.0
    return (0, -value if descending else value, name.casefold())


def build_heatmap(query: ScoreQuery, filters: HeatmapFilters, scope: Scope, lang: str | None) -> Heatmap:
    """The matrix for ``query`` limited to ``scope``'s regions, filtered, sorted and paginated.

    Set-based reads, independent of the number of NGOs: visible regions, NGOs matching the
    filters, which of them have cells, the sort column's cells (when sorting by a value) and the
    cells of the page's rows. Raises ``ValidationError`` when sorting by a region outside the scope.
    """
    regions = visible_regions(scope)
    columns = [Column(r.id, r.code, r.text_in("name", lang)) for r in regions]
    col_index = {c.code: i for i, c in enumerate(columns)}
    bare = filters.sort.lstrip("-")
    if bare.startswith("KZ-") and bare not in col_index:
        raise ValidationError(_("Unknown sort order."), {"sort": _("Sort by name, national or a region code.")})
    ngo_stmt = select(NGO.id, NGO.name_en, NGO.name_ru, NGO.name_kk, NGO.sector)
    if filters.sector:
        ngo_stmt = ngo_stmt.where(NGO.sector == filters.sector)
    if filters.ngo_ids:
        ngo_stmt = ngo_stmt.where(NGO.id.in_(filters.ngo_ids))
    ngos = {nid: (_pick_name(lang, en, ru, kk), sector) for nid, en, ru, kk, sector in db.session.execute(ngo_stmt)}
    base = [ScoreSnapshot.metric == query.metric.key, ScoreSnapshot.period == query.period,
            ScoreSnapshot.segment == query.segment]
    if scope.region_ids is not None:
        base.append(or_(ScoreSnapshot.region_id.is_(None), ScoreSnapshot.region_id.in_(scope.region_ids)))
    with_data = set(db.session.scalars(select(ScoreSnapshot.ngo_id).where(*base, ScoreSnapshot.ngo_id.is_not(None))
                                       .distinct()))
    candidates = [nid for nid in ngos if nid in with_data]
    if bare == "name":
        candidates.sort(key=lambda nid: ngos[nid][0].casefold(), reverse=filters.sort.startswith("-"))
    else:
        region_id = None if bare == "national" else columns[col_index[bare]].region_id
        col_rows = db.session.execute(snapshot_columns().where(
            *base, ScoreSnapshot.ngo_id.is_not(None),
            ScoreSnapshot.region_id.is_(None) if region_id is None else ScoreSnapshot.region_id == region_id)).all()
        col_cells = group_cells(query.metric, col_rows, prefer=query.prefer)
        descending = filters.sort.startswith("-")
        candidates.sort(key=lambda nid: _value_key(col_cells.get((nid, region_id), EMPTY), descending, ngos[nid][0]))
    start = (filters.page - 1) * filters.per_page
    page_ids = candidates[start:start + filters.per_page]
    snap = snapshot_columns().where(*base)
    snap = snap.where(or_(ScoreSnapshot.ngo_id.is_(None), ScoreSnapshot.ngo_id.in_(page_ids)) if page_ids
                      else ScoreSnapshot.ngo_id.is_(None))
    cells = group_cells(query.metric, db.session.execute(snap).all(), prefer=query.prefer)
    page_rows = [Row(nid, ngos[nid][0], ngos[nid][1], cells.get((nid, None), EMPTY),
                     [cells.get((nid, c.region_id), EMPTY) for c in columns]) for nid in page_ids]
    all_ngos = None
    if any(k[0] is None for k in cells):
        all_ngos = Row(None, _("All NGOs"), None, cells.get((None, None), EMPTY),
                       [cells.get((None, c.region_id), EMPTY) for c in columns])
    shown = [c for r in page_rows for c in [r.national, *r.cells]]
    return Heatmap(query=query, columns=columns, rows=page_rows, total=len(candidates), page=filters.page,
                   per_page=filters.per_page, sort=filters.sort, sector=filters.sector,
                   ngo_ids=filters.ngo_ids, all_ngos=all_ngos,
                   suppressed_cells=sum(c.suppressed for c in shown),
                   low_precision_cells=sum(c.low_precision for c in shown))


def _pick_name(lang: str | None, en: str | None, ru: str | None, kk: str | None) -> str:
    """An NGO's name in ``lang``, else English, Russian, Kazakh (as ``Multilingual.text_in``)."""
    names = {"en": en, "ru": ru, "kk": kk}
    for code in ([lang] if lang in names else []) + ["en", "ru", "kk"]:
        if names[code]:
            return names[code] or ""
    return ""
