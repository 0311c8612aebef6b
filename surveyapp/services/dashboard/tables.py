"""Tables for export (CSV/XLSX) built from dashboard results: headers plus rows of plain values.

A suppressed cell exports as status ``suppressed`` with every number blank; a low-precision cell
as ``low_precision``. Nothing is exported that the page would not show.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from .cells import Cell
from .heatmap import Heatmap
from .maps import RegionMap
from .ngo_profile import REGIONAL_METRICS, NgoProfile
from .quality import periods_quality
from .region_profile import RegionProfile
from .trends import AlertPage, Trends

CELL_HEADERS = ("estimate", "ci_low", "ci_high", "n", "n_eff", "method", "status")


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    #: Lines written above the table in XLSX (period, base, weighting).
    notes: list[str] = field(default_factory=list)


def status(cell: Cell) -> str:
    """``suppressed``, ``no_data``, ``low_precision`` or ``published``."""
    if cell.suppressed:
        return "suppressed"
    if cell.estimate is None:
        return "no_data"
    return "low_precision" if cell.low_precision else "published"


def cell_values(cell: Cell) -> list[Any]:
    """The exported columns of a cell (numbers blank unless published)."""
    if not cell.has_value:
        return [None, None, None, None, None, None, status(cell)]
    n_eff = round(cell.n_eff, 1) if cell.n_eff is not None else None
    return [cell.estimate, cell.ci_low, cell.ci_high, cell.n, n_eff, cell.method, status(cell)]


def _notes(metric_label: str, period: str, segment: str) -> list[str]:
    return [_("Metric: %(m)s · period: %(p)s · segment: %(s)s", m=metric_label, p=period, s=segment),
            _("Weighted by raking to regional population margins; %(level)s intervals; cells with fewer than "
              "%(n)s respondents are suppressed.", level="95%", n=10)]


def heatmap_table(hm: Heatmap) -> Table:
    """Long format: one line per NGO × (Kazakhstan + each visible region)."""
    q = hm.query
    table = Table(_("Heatmap"), ["ngo_id", "ngo", "sector", "region_code", "region", "metric", "period",
                                 "segment", *CELL_HEADERS], notes=_notes(str(q.metric.label), q.period, q.segment))
    rows = ([hm.all_ngos] if hm.all_ngos else []) + hm.rows
    for row in rows:
        base = [row.ngo_id, row.name, row.sector or ""]
        table.rows.append([*base, "KZ", _("Kazakhstan"), q.metric.key, q.period, q.segment, *cell_values(row.national)])
        for col, cell in zip(hm.columns, row.cells):
            table.rows.append([*base, col.code, col.name, q.metric.key, q.period, q.segment, *cell_values(cell)])
    return table


def map_table(rm: RegionMap) -> Table:
    """One line per visible region plus the national line."""
    q = rm.query
    table = Table(_("Regional map"), ["region_code", "region", "metric", "period", "segment", *CELL_HEADERS],
                  notes=_notes(str(q.metric.label), q.period, q.segment))
    table.rows.append(["KZ", _("Kazakhstan"), q.metric.key, q.period, q.segment, *cell_values(rm.national)])
    for mc in rm.cells:
        table.rows.append([mc.code, mc.name, q.metric.key, q.period, q.segment, *cell_values(mc.cell)])
    return table


def ngo_regions_table(profile: NgoProfile) -> Table:
    """The NGO's regional breakdown: one line per region × metric."""
    table = Table(_("Regional breakdown"), ["ngo_id", "ngo", "region_code", "region", "metric", "period",
                                            *CELL_HEADERS])
    for line in profile.regions:
        for metric in REGIONAL_METRICS:
            table.rows.append([profile.ngo.id, profile.name, line.code, line.name, metric, profile.period,
                               *cell_values(line.cells[metric])])
    return table


def region_ngos_table(profile: RegionProfile) -> Table:
    """NGOs in the region, ranked, with urban/rural cells and the gap."""
    q = profile.query
    table = Table(_("NGOs in the region"), ["rank", "ngo_id", "ngo", "sector", "metric", "period",
                                            *CELL_HEADERS, "urban", "rural", "urban_minus_rural",
                                            "national"], notes=_notes(str(q.metric.label), q.period, "all"))
    for rank, item in enumerate(profile.ranked + profile.unranked, start=1):
        ranked = item.cell.has_value
        table.rows.append([rank if ranked else None, item.ngo_id, item.name, item.sector, q.metric.key, q.period,
                           *cell_values(item.cell),
                           item.urban.estimate if item.urban.has_value else status(item.urban),
                           item.rural.estimate if item.rural.has_value else status(item.rural),
                           item.gap,
                           item.national.estimate if item.national.has_value else status(item.national)])
    return table


def trends_table(tr: Trends) -> Table:
    """One line per series × period."""
    q = tr.query
    table = Table(_("Trends"), ["series", "region_code", "metric", "period", "segment", *CELL_HEADERS])
    for series in [tr.national, *tr.regions]:
        for period, cell in zip(tr.periods, series.cells):
            table.rows.append([series.name, series.code or "KZ", q.metric.key, period, q.segment,
                               *cell_values(cell)])
    return table


QUALITY_HEADERS = ("indicative", "flagged_responses")


def with_quality(table: Table) -> Table:
    """``table`` with the survey-quality note of each line's period (the pages' "indicative" label):
    two columns, ``indicative`` (true when open-link responses are in that period's results) and
    ``flagged_responses`` (responses the quality checks excluded, blank when not counted), plus a
    note line per indicative period for XLSX. A table without a ``period`` column is returned as is.
    """
    if "period" not in table.headers:
        return table
    at = table.headers.index("period")
    quality = periods_quality(str(row[at]) for row in table.rows if row[at])
    table.headers = [*table.headers, *QUALITY_HEADERS]
    for row in table.rows:
        q = quality.get(str(row[at])) if row[at] else None
        row.extend([q.indicative, q.flagged] if q else [None, None])
    for period, q in sorted(quality.items()):
        if q.indicative:
            excluded = "" if q.flagged is None else " " + _("Responses excluded by quality checks: %(num)s.",
                                                             num=q.flagged)
            table.notes.append(f"{period}: {_('Indicative')}.{excluded}")
    return table


def alerts_table(page: AlertPage, lang: str | None) -> Table:
    """The alerts on the page."""
    table = Table(_("Alerts"), ["id", "kind", "metric", "ngo_id", "ngo", "region_code", "period",
                                "previous_period", "value_before", "value_after", "z", "message", "created_at"])
    for a in page.items:
        table.rows.append([a.id, a.kind, a.metric, a.ngo_id, a.ngo.text_in("name", lang) if a.ngo else "",
                           a.region.code if a.region else "KZ", a.period, a.previous_period, a.value_before,
                           a.value_after, a.z, a.message, a.created_at.isoformat() if a.created_at else ""])
    return table
