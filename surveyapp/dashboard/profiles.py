"""NGO and region profiles, their printable reports and their table exports."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from .. import charts
from ..services.dashboard.ngo_profile import CRITERIA, NgoProfile, ngo_profile
from ..services.dashboard.region_profile import RegionProfile, region_profile
from ..services.dashboard.scope import PREFERENCES, parse_query, single
from ..services.dashboard.tables import ngo_regions_table, region_ngos_table
from ..services.errors import ValidationError
from ..services.metrics import METRICS_BY_KEY
from . import bp
from .common import lang, scope, staff_only
from .exports import export_response
from .views import _fmt


def _ngo(ngo_id: int) -> NgoProfile:
    prefer = single(request.args, "method") or "shrunk"
    if prefer not in PREFERENCES:
        raise ValidationError(_("Unknown method."), {"method": _("Use shrunk or direct.")})
    return ngo_profile(ngo_id, single(request.args, "period"), scope(), lang(), prefer)


def _ngo_figures(p: NgoProfile) -> dict[str, object]:
    labels = [str(METRICS_BY_KEY[m].label) for m in CRITERIA] + [str(METRICS_BY_KEY["external_assessment"].label)]
    figures: dict[str, object] = {
        "criteria": charts.interval_bars_figure(labels, [c for _, c in p.criteria] + [p.composite]),
    }
    if p.periods:
        figures["trend"] = charts.trend_figure(
            p.periods, [(str(METRICS_BY_KEY[m].label), cells) for m, cells in p.trends.items()],
            METRICS_BY_KEY["trust_index"])
        figures["media"] = charts.trend_figure(
            p.periods, [(str(METRICS_BY_KEY["media_net_tone"].label), p.media["media_net_tone"])],
            METRICS_BY_KEY["media_net_tone"])
    if p.regions:
        figures["aware_trust"] = charts.scatter_figure(
            [(line.name, line.cells["awareness"], line.cells["trust_index"]) for line in p.regions],
            str(METRICS_BY_KEY["awareness"].label), str(METRICS_BY_KEY["trust_index"].label))
    return figures


@bp.route("/ngos/<int:ngo_id>")
@staff_only
def ngo(ngo_id: int) -> str:
    p = _ngo(ngo_id)
    return render_template("dashboard/ngo.html", p=p, figures=_ngo_figures(p), report=False)


@bp.route("/ngos/<int:ngo_id>/report")
@staff_only
def ngo_report(ngo_id: int) -> str:
    return render_template("dashboard/ngo.html", p=_ngo(ngo_id), figures={}, report=True)


@bp.route("/ngos/<int:ngo_id>/regions.<fmt>")
@staff_only
def ngo_regions_export(ngo_id: int, fmt: str) -> Response:
    _fmt(fmt)
    p = _ngo(ngo_id)
    return export_response(ngo_regions_table(p), fmt, f"senim-ngo-{ngo_id}-{p.period}")


def _region(code: str) -> RegionProfile:
    return region_profile(code, parse_query(request.args), scope(), lang())


def _region_figures(p: RegionProfile) -> dict[str, object]:
    shown = p.ranked[:30]
    if not shown:
        return {}
    return {"ranked": charts.interval_bars_figure([i.name for i in shown], [i.cell for i in shown],
                                                  xrange=p.query.metric.bounds)}


@bp.route("/regions/<code>")
@staff_only
def region(code: str) -> str:
    p = _region(code)
    return render_template("dashboard/region.html", p=p, figures=_region_figures(p), report=False)


@bp.route("/regions/<code>/report")
@staff_only
def region_report(code: str) -> str:
    return render_template("dashboard/region.html", p=_region(code), figures={}, report=True)


@bp.route("/regions/<code>/ngos.<fmt>")
@staff_only
def region_ngos_export(code: str, fmt: str) -> Response:
    _fmt(fmt)
    p = _region(code)
    return export_response(region_ngos_table(p), fmt, f"senim-region-{p.region.code}-{p.query.period}")
