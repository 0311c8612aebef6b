"""Dashboard pages: home, heatmap, map, trends and alerts, the public summary; their exports."""
from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from models import Survey, db

from .. import charts
from ..services.dashboard.heatmap import build_heatmap, parse_filters
from ..services.dashboard.maps import load_boundaries, region_map
from ..services.dashboard.quality import period_quality, periods_quality
from ..services.dashboard.scope import parse_id, parse_query, single
from ..services.dashboard.summary import public_summary
from ..services.dashboard.tables import alerts_table, heatmap_table, map_table, trends_table
from ..services.dashboard.trends import alerts, latest_alerts, trends
from ..services.errors import ValidationError
from . import bp, labels
from .common import args_without, lang, link_args, scope, staff_only
from .exports import FORMATS, export_response

EXPORT_ROWS = 100_000


def _fmt(fmt: str) -> str:
    if fmt not in FORMATS:
        abort(404)
    return fmt


@bp.app_context_processor
def _dashboard_labels() -> dict[str, object]:
    return {"dash_labels": labels, "args_without": args_without, "link_args": link_args, "format_date": format_date,
            "fnum": charts.fmt, "cell_view": charts.cell_view, "survey_quality": period_quality,
            "surveys_quality": periods_quality}


@bp.route("/")
@staff_only
def index() -> str:
    sc = scope()
    query = parse_query({})
    rm = region_map(query, sc, lang())
    figure = charts.tile_map_figure(query.metric, [(c.code, c.name, c.cell) for c in rm.cells])
    return render_template("dashboard/index.html", alerts=latest_alerts(sc), query=query, region_map=rm,
                           figure=figure)


def _heatmap():
    sc = scope()
    query = parse_query(request.args)
    return build_heatmap(query, parse_filters(request.args, sc), sc, lang())


@bp.route("/heatmap")
@staff_only
def heatmap() -> str:
    hm = _heatmap()
    columns = [_("Kazakhstan")] + [c.name for c in hm.columns]
    rows = ([hm.all_ngos] if hm.all_ngos else []) + hm.rows
    figure = charts.heatmap_figure(hm.metric, columns, [r.name for r in rows],
                                   [[r.national, *r.cells] for r in rows]) if rows else None
    surveys = db.session.execute(select(Survey.id, Survey.period).order_by(Survey.id.desc()).limit(50)).all()
    return render_template("dashboard/heatmap.html", hm=hm, figure=figure, surveys=surveys)


@bp.route("/heatmap.<fmt>")
@staff_only
def heatmap_export(fmt: str) -> Response:
    _fmt(fmt)
    sc = scope()
    query = parse_query(request.args)
    filters = parse_filters(request.args, sc)
    hm = build_heatmap(query, filters.__class__(**{**filters.__dict__, "page": 1, "per_page": EXPORT_ROWS}),
                       sc, lang())
    return export_response(heatmap_table(hm), fmt, f"senim-heatmap-{query.metric.key}-{query.period}")


def _map():
    sc = scope()
    query = parse_query(request.args)
    ngo_id = parse_id(single(request.args, "ngo"), "ngo")
    if ngo_id is not None:
        from ..services.dashboard.scope import get_ngo

        get_ngo(ngo_id)
    form = single(request.args, "form") or "tiles"
    if form not in ("tiles", "boundaries"):
        raise ValidationError("Unknown map form.", {"form": "Use tiles or boundaries."})
    return query, region_map(query, sc, lang(), ngo_id), form


@bp.route("/map")
@staff_only
def region_map_page() -> str:
    query, rm, form = _map()
    items = [(c.code, c.name, c.cell) for c in rm.cells]
    geojson = load_boundaries({c.code for c in rm.cells}) if form == "boundaries" else None
    if form == "boundaries" and geojson is None:
        form = "tiles"
    figure = (charts.choropleth_figure(query.metric, items, geojson) if geojson
              else charts.tile_map_figure(query.metric, items))
    return render_template("dashboard/map.html", query=query, region_map=rm, form=form, figure=figure,
                           boundaries_available=load_boundaries(set()) is not None)


@bp.route("/map.<fmt>")
@staff_only
def region_map_export(fmt: str) -> Response:
    _fmt(fmt)
    query, rm, _form = _map()
    return export_response(map_table(rm), fmt, f"senim-map-{query.metric.key}-{query.period}")


def _trends():
    sc = scope()
    query = parse_query(request.args)
    kind = single(request.args, "kind")
    page = parse_id(single(request.args, "page"), "page") or 1
    return query, trends(query, sc, lang()), alerts(sc, kind=kind, page=page)


@bp.route("/trends")
@staff_only
def trends_page() -> str:
    query, tr, alert_page = _trends()
    series = [(tr.national.name, tr.national.cells)] + [(s.name, s.cells) for s in tr.regions]
    figure = charts.trend_figure(tr.periods, series, query.metric) if tr.periods else None
    return render_template("dashboard/trends.html", query=query, trends=tr, alert_page=alert_page, figure=figure)


@bp.route("/trends.<fmt>")
@staff_only
def trends_export(fmt: str) -> Response:
    _fmt(fmt)
    query, tr, _alerts = _trends()
    return export_response(trends_table(tr), fmt, f"senim-trends-{query.metric.key}")


@bp.route("/alerts.<fmt>")
@staff_only
def alerts_export(fmt: str) -> Response:
    _fmt(fmt)
    _query, _tr, alert_page = _trends()
    return export_response(alerts_table(alert_page, lang()), fmt, "senim-alerts")


@bp.route("/summary")
def summary() -> str:
    """Public, read-only: national figures only (no sign-in)."""
    return render_template("public/summary.html", summary=public_summary(lang()))


from . import assets, profiles  # noqa: E402,F401
