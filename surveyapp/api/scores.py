"""``GET /scores``, ``GET /heatmap`` and ``GET /ngos/<id>``: published score cells as JSON.

Staff only (analyst or admin, bearer token or session) for scores and the heatmap; an analyst
limited to regions gets only those regions (and national rows). ``/ngos/<id>`` is public for the
registry facts and national figures; staff also get the regional cells in their scope. Bad query
parameters are 400 ``{"error", "fields"}`` naming the field; an unknown NGO in the path is 404.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Optional, TypeVar

from flask import Response, jsonify, request
from flask_login import current_user
from pydantic import BaseModel, Field

from ..i18n import current_language
from ..services.dashboard.api_rows import parse_row_filters, score_rows
from ..services.dashboard.cells import Cell
from ..services.dashboard.heatmap import build_heatmap, parse_filters
from ..services.dashboard.ngo_profile import CRITERIA, ngo_profile, ngo_summary
from ..services.dashboard.quality import period_quality
from ..services.dashboard.scope import Scope, get_ngo, parse_query, scope_for
from ..services.errors import DomainError, NotFoundError
from . import bp
from .openapi import operation, path_param, query_param

F = TypeVar("F", bound=Callable[..., Any])
STAFF = ("analyst", "admin")


class CellOut(BaseModel):
    estimate: Optional[float] = Field(None, description="In the metric's unit; null when suppressed or missing.")
    ci_low: Optional[float] = None
    ci_high: Optional[float] = None
    n: Optional[int] = Field(None, description="Respondents (stories for media metrics); null when suppressed.")
    n_eff: Optional[float] = None
    method: Optional[str] = Field(None, description="direct | shrunk")
    suppressed: bool = False
    reason: Optional[str] = Field(None, description="small_base | withheld | no_data")
    low_precision: bool = Field(False, description="95% interval wider than 20% of the scale.")


class ScoreRow(CellOut):
    metric: str
    ngo_id: Optional[int] = Field(None, description="null: all NGOs")
    ngo: Optional[str] = None
    region: Optional[str] = Field(None, description="ISO 3166-2 code; null: national")
    period: str
    segment: str


class QualityOut(BaseModel):
    period: str
    indicative: bool = Field(description="Open-link survey responses are in these results: read them as indicative.")
    flagged_responses: Optional[int] = Field(
        None, description="Responses of the period excluded by quality checks (all survey modes); null if not counted.")
    open_link_responses: Optional[int] = Field(None, description="Open-link responses kept in the period's results.")


class ScoreList(BaseModel):
    items: list[ScoreRow]
    total: int
    quality: Optional[QualityOut] = Field(None, description="Survey quality note of the period (null: no period).")


class RegionRef(BaseModel):
    code: str
    name: str


class HeatmapRow(BaseModel):
    ngo_id: Optional[int]
    ngo: str
    sector: Optional[str]
    national: CellOut
    cells: dict[str, CellOut] = Field(description="Keyed by region ISO code.")


class HeatmapOut(BaseModel):
    metric: str
    period: str
    segment: str
    method: str
    regions: list[RegionRef]
    all_ngos: Optional[HeatmapRow] = None
    items: list[HeatmapRow]
    total: int
    quality: Optional[QualityOut] = Field(None, description="Survey quality note of the period (null: no period).")


class NgoOut(BaseModel):
    id: int
    name: str
    name_en: Optional[str] = None
    name_ru: Optional[str] = None
    name_kk: Optional[str] = None
    display_name: str
    sector: str
    bin: Optional[str] = None
    region: Optional[str] = None
    website: Optional[str] = None
    period: Optional[str] = None
    scores: dict[str, CellOut] = Field(default_factory=dict, description="National cells for the period.")
    regions: dict[str, dict[str, CellOut]] = Field(default_factory=dict,
                                                   description="Staff only: region code → metric → cell.")
    quality: Optional[QualityOut] = Field(None, description="Survey quality note of the period (null: no period).")


def _errors(view: F) -> F:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except NotFoundError as exc:
            return jsonify({"error": exc.message, "fields": exc.fields}), 404
        except DomainError as exc:
            return jsonify({"error": exc.message, "fields": exc.fields}), 400

    return wrapped  # type: ignore[return-value]


def _staff(view: F) -> F:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return jsonify({"error": "Authentication required", "fields": {}}), 401
        if current_user.role not in STAFF:
            return jsonify({"error": "Analysts and administrators only", "fields": {}}), 403
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def _is_staff() -> bool:
    return bool(current_user.is_authenticated and current_user.role in STAFF)


QUERY_PARAMS = [
    query_param("metric", {"type": "string"}, "Metric key from the catalogue (default trust_index)."),
    query_param("period", {"type": "string"}, "Period such as 2026-Q3 (default: the latest with data)."),
    query_param("segment", {"type": "string", "enum": ["all", "urban", "rural"]}),
    query_param("method", {"type": "string", "enum": ["shrunk", "direct"]},
                "Preferred estimate for regional cells (default shrunk; national cells are direct)."),
]
PAGE_PARAMS = [query_param("page", {"type": "integer", "minimum": 1}),
               query_param("per_page", {"type": "integer", "minimum": 1})]


@bp.get("/scores")
@operation("/scores", "get", summary="Published score cells", tags=["scores"], auth=True,
           parameters=QUERY_PARAMS + [
               query_param("ngo", {"type": "string"}, "NGO id, or none for the all-NGO rows."),
               query_param("region", {"type": "string"}, "ISO 3166-2 code, or national."), *PAGE_PARAMS],
           responses={200: ("Cells", ScoreList), 400: ("Bad parameter", None), 401: ("Not signed in", None),
                      403: ("Not an analyst", None)})
@_staff
@_errors
def scores() -> Response:
    scope = scope_for(current_user)
    query = parse_query(request.args)
    items, total = score_rows(query, parse_row_filters(request.args, scope), scope, current_language())
    return jsonify({"items": items, "total": total, "quality": _quality(query.period)})


def _quality(period: str) -> dict[str, Any] | None:
    note = period_quality(period)
    return note.as_dict() if note else None


def _row(ngo_id: int | None, name: str, sector: str | None, national: Cell, codes: list[str],
         cells: list[Cell]) -> dict[str, Any]:
    return {"ngo_id": ngo_id, "ngo": name, "sector": sector, "national": national.as_dict(),
            "cells": {code: c.as_dict() for code, c in zip(codes, cells)}}


@bp.get("/heatmap")
@operation("/heatmap", "get", summary="NGO × region matrix", tags=["scores"], auth=True,
           parameters=QUERY_PARAMS + [
               query_param("sector", {"type": "string"}), query_param("ngo", {"type": "integer"}, "Repeatable."),
               query_param("survey", {"type": "integer"}, "Limit to a survey's NGO set."),
               query_param("sort", {"type": "string"}, "name, national or a region code; - for descending."),
               *PAGE_PARAMS],
           responses={200: ("The matrix", HeatmapOut), 400: ("Bad parameter", None), 401: ("Not signed in", None),
                      403: ("Not an analyst", None)})
@_staff
@_errors
def heatmap() -> Response:
    scope = scope_for(current_user)
    query = parse_query(request.args)
    hm = build_heatmap(query, parse_filters(request.args, scope), scope, current_language())
    codes = [c.code for c in hm.columns]
    return jsonify({
        "metric": query.metric.key, "period": query.period, "segment": query.segment, "method": query.prefer,
        "regions": [{"code": c.code, "name": c.name} for c in hm.columns],
        "all_ngos": _row(None, hm.all_ngos.name, None, hm.all_ngos.national, codes, hm.all_ngos.cells)
        if hm.all_ngos else None,
        "items": [_row(r.ngo_id, r.name, r.sector, r.national, codes, r.cells) for r in hm.rows],
        "total": hm.total, "quality": _quality(query.period)})


@bp.get("/ngos/<int:ngo_id>")
@operation("/ngos/{ngo_id}", "get", summary="An NGO with its published figures", tags=["ngos"],
           parameters=[path_param("ngo_id"), query_param("period", {"type": "string"})],
           responses={200: ("The NGO", NgoOut), 400: ("Bad parameter", None), 404: ("Unknown NGO", None)})
@_errors
def ngo_detail(ngo_id: int) -> Response:
    lang = current_language()
    ngo = get_ngo(ngo_id)
    staff = _is_staff()
    scope = scope_for(current_user) if staff else Scope(frozenset())
    profile = ngo_profile(ngo_id, request.args.get("period") or None, scope, lang)
    idx = profile.periods.index(profile.period) if profile.period in profile.periods else None
    body = ngo_summary(ngo, lang)
    body["period"] = profile.period or None
    body["scores"] = {"external_assessment": profile.composite.as_dict(),
                      **{key: cell.as_dict() for key, cell in zip(CRITERIA, (c for _, c in profile.criteria))},
                      **{key: cells[idx].as_dict() for key, cells in profile.trends.items() if idx is not None}}
    body["regions"] = {line.code: {k: c.as_dict() for k, c in line.cells.items()} for line in profile.regions} \
        if staff else {}
    body["quality"] = _quality(profile.period)
    return jsonify(body)
