"""Plotly figures built from dashboard service results (presentation only, no queries).

Figures are returned as plain dicts (``{"data": [...], "layout": {...}}``) for a JSON data block
that static/js/plots.js hands to plotly.js. Every text that reaches plotly is HTML-escaped first:
plotly renders a small HTML subset in labels, so an NGO called ``<b>`` must stay literal.
"""
from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any, NamedTuple

from babel.numbers import get_decimal_symbol, get_group_symbol
from flask import g, has_request_context
from flask_babel import get_locale
from flask_babel import gettext as _

from .services.dashboard.cells import Cell
from .services.metrics import Metric
from .services.tilegrid import COLUMNS, ROWS, tile_for

GREY = [[0.0, "#d9dde1"], [1.0, "#d9dde1"]]
SEQUENTIAL = "Cividis"
DIVERGING = "RdBu"
FONT = {"family": "system-ui, 'DejaVu Sans', sans-serif", "size": 12}


def esc(text: str, limit: int | None = None) -> str:
    """Escape for plotly's HTML-ish labels; shorten to ``limit`` characters with an ellipsis."""
    if limit and len(text) > limit:
        text = text[: limit - 1] + "…"
    return html.escape(text, quote=False)


def _symbols() -> tuple[str, str]:
    """The decimal and grouping symbols of the request's language (looked up once per request)."""
    if has_request_context() and "senim_num_symbols" in g:
        return g.senim_num_symbols  # type: ignore[no-any-return]
    locale = get_locale() or "en"
    symbols = (get_decimal_symbol(locale), get_group_symbol(locale))
    if has_request_context():
        g.senim_num_symbols = symbols
    return symbols


def fmt(value: float | None, digits: int = 1, symbols: dict[int, str] | None = None) -> str:
    """A number in the current language's notation (``—`` for None); fast enough for 10,000 cells.

    ``symbols`` (from ``number_table()``) saves the per-call lookup in loops.
    """
    if value is None:
        return "—"
    return f"{value:,.{digits}f}".translate(symbols or number_table())


def number_table() -> dict[int, str]:
    """``str.translate`` table from Python's ``,``/``.`` to the language's group/decimal symbols."""
    decimal, group = _symbols()
    return {44: group, 46: decimal}


class Words:
    """Translated fragments of cell texts, looked up once per request instead of once per cell."""

    def __init__(self) -> None:
        self.small = _("Suppressed: fewer than 10 respondents")
        self.withheld = _("Suppressed: withheld so that a small cell cannot be derived")
        self.no_data = _("No data")
        self.estimate = _("Estimate")
        self.interval = _("%(level)s interval", level="95%")
        self.effective = _("effective n")
        self.shrunk = _("shrunk toward the national figure")
        self.direct = _("direct estimate")
        self.low = _("Low precision: the interval is wide")
        self.withheld_short = _("withheld")


def words() -> Words:
    if has_request_context():
        if "senim_words" not in g:
            g.senim_words = Words()
        return g.senim_words  # type: ignore[no-any-return]
    return Words()


def cell_label(cell: Cell) -> str:
    """Short text drawn in a cell: the rounded value (``*`` when imprecise) or why it is empty."""
    if cell.suppressed:
        return "n&lt;10" if cell.reason == "small_base" else "×"
    if cell.estimate is None:
        return ""
    return fmt(cell.estimate, 0, number_table()) + ("*" if cell.low_precision else "")


def cell_hover(title: str, cell: Cell) -> str:
    """Hover text: estimate, 95 % interval, n, method — or the reason a cell is empty."""
    w, t = words(), number_table()
    head = f"<b>{esc(title)}</b><br>"
    if cell.suppressed:
        return head + (w.small if cell.reason == "small_base" else w.withheld)
    if cell.estimate is None:
        return head + w.no_data
    text = f"{head}{w.estimate}: {fmt(cell.estimate, 1, t)}"
    if cell.ci_low is not None and cell.ci_high is not None:
        text += f"<br>{w.interval}: {fmt(cell.ci_low, 1, t)} – {fmt(cell.ci_high, 1, t)}"
    text += f"<br>n = {fmt(cell.n, 0, t)}"
    if cell.n_eff is not None:
        text += f" · {w.effective} = {fmt(cell.n_eff, 0, t)}"
    text += "<br>" + (w.shrunk if cell.method == "shrunk" else w.direct)
    if cell.low_precision:
        text += "<br>" + w.low
    return text


class CellView(NamedTuple):
    css: str
    title: str
    label: str
    star: bool


def cell_view(cell: Cell) -> CellView:
    """What a table cell shows: CSS class, tooltip (interval, n, method or reason) and label."""
    w = words()
    if cell.suppressed:
        small = cell.reason == "small_base"
        return CellView("cell suppressed", w.small if small else w.withheld, "n<10" if small else w.withheld_short,
                        False)
    if cell.estimate is None:
        return CellView("cell empty", w.no_data, "·", False)
    t = number_table()
    title = f"{w.interval} {fmt(cell.ci_low, 1, t)} – {fmt(cell.ci_high, 1, t)}; n = {fmt(cell.n, 0, t)}; " + (
        w.shrunk if cell.method == "shrunk" else w.direct)
    css = "cell" + (" low-precision" if cell.low_precision else "") + (" shrunk" if cell.method == "shrunk" else "")
    return CellView(css, title, fmt(cell.estimate, 1, t), cell.low_precision)


def _scale(metric: Metric) -> dict[str, Any]:
    lo, hi = metric.bounds
    if metric.unit == "net":
        return {"colorscale": DIVERGING, "zmin": lo, "zmax": hi, "zmid": 0, "reversescale": False}
    out: dict[str, Any] = {"colorscale": SEQUENTIAL, "reversescale": not metric.higher_is_better}
    if hi is not None:
        out.update(zmin=lo, zmax=hi)
    return out


def heatmap_figure(metric: Metric, columns: Sequence[str], rows: Sequence[str],
                   cells: Sequence[Sequence[Cell]]) -> dict[str, Any]:
    """A heatmap: ``rows`` (NGO names) × ``columns`` (Kazakhstan + regions), one ``Cell`` each."""
    z = [[c.estimate if c.has_value else None for c in row] for row in cells]
    text = [[cell_label(c) for c in row] for row in cells]
    hover = [[cell_hover(f"{rows[i]} · {columns[j]}", c) for j, c in enumerate(row)] for i, row in enumerate(cells)]
    xs, ys = list(range(len(columns))), list(range(len(rows)))
    trace = {"type": "heatmap", "x": xs, "y": ys, "z": z, "text": text, "hovertext": hover,
             "texttemplate": "%{text}", "textfont": {"size": 10}, "hovertemplate": "%{hovertext}<extra></extra>",
             "hoverongaps": True, "xgap": 1, "ygap": 1,
             "colorbar": {"title": {"text": esc(str(metric.label), 30)}, "thickness": 12}, **_scale(metric)}
    layout = {
        "height": 160 + 26 * max(len(rows), 3), "margin": {"l": 260, "r": 20, "t": 150, "b": 20},
        "font": FONT, "plot_bgcolor": "#f2f4f6", "paper_bgcolor": "#ffffff",
        "xaxis": {"tickvals": xs, "ticktext": [esc(c, 24) for c in columns], "side": "top", "tickangle": -45,
                  "showgrid": False, "zeroline": False, "fixedrange": True},
        "yaxis": {"tickvals": ys, "ticktext": [esc(r, 38) for r in rows], "autorange": "reversed",
                  "showgrid": False, "zeroline": False, "fixedrange": True},
    }
    return {"data": [trace], "layout": layout}


def tile_map_figure(metric: Metric, items: Sequence[tuple[str, str, Cell]]) -> dict[str, Any]:
    """The tile-grid map: ``items`` are (ISO code, name, cell); every unit one equal tile."""
    value_z = [[None] * COLUMNS for _ in range(ROWS)]
    grey_z = [[None] * COLUMNS for _ in range(ROWS)]
    text = [[""] * COLUMNS for _ in range(ROWS)]
    hover = [[""] * COLUMNS for _ in range(ROWS)]
    for code, name, cell in items:
        tile = tile_for(code)
        if tile is None:
            continue
        r, c = tile.row, tile.col
        text[r][c] = f"<b>{tile.short}</b><br>{cell_label(cell) or '—'}"
        hover[r][c] = cell_hover(name, cell)
        if cell.has_value:
            value_z[r][c] = cell.estimate
        else:
            grey_z[r][c] = 0
    common = {"x": list(range(COLUMNS)), "y": list(range(ROWS)), "text": text, "hovertext": hover,
              "texttemplate": "%{text}", "hovertemplate": "%{hovertext}<extra></extra>", "hoverongaps": False,
              "xgap": 4, "ygap": 4}
    traces = [
        {"type": "heatmap", "z": grey_z, "colorscale": GREY, "showscale": False, "name": "empty", **common},
        {"type": "heatmap", "z": value_z, "name": "values", **common, **_scale(metric),
         "colorbar": {"title": {"text": esc(str(metric.label), 30)}, "thickness": 12}},
    ]
    hidden = {"visible": False, "fixedrange": True}
    layout = {"height": 430, "margin": {"l": 10, "r": 10, "t": 10, "b": 10}, "font": FONT,
              "plot_bgcolor": "#ffffff", "xaxis": {**hidden, "constrain": "domain"},
              "yaxis": {**hidden, "autorange": "reversed", "scaleanchor": "x", "constrain": "domain"}}
    return {"data": traces, "layout": layout}


def choropleth_figure(metric: Metric, items: Sequence[tuple[str, str, Cell]],
                      geojson: dict[str, Any]) -> dict[str, Any]:
    """The boundary map: one trace for regions with a value, one (grey) for suppressed/empty ones."""
    def subset(codes: set[str]) -> dict[str, Any]:
        return {"type": "FeatureCollection", "features": [f for f in geojson["features"] if f.get("id") in codes]}

    with_value = [(c, n, cell) for c, n, cell in items if cell.has_value]
    without = [(c, n, cell) for c, n, cell in items if not cell.has_value]
    traces = []
    if without:
        traces.append({"type": "choropleth", "geojson": subset({c for c, _, _ in without}), "featureidkey": "id",
                       "locations": [c for c, _, _ in without], "z": [0] * len(without), "colorscale": GREY,
                       "showscale": False, "hovertext": [cell_hover(n, cell) for _, n, cell in without],
                       "hovertemplate": "%{hovertext}<extra></extra>", "marker": {"line": {"color": "#ffffff"}}})
    if with_value:
        traces.append({"type": "choropleth", "geojson": subset({c for c, _, _ in with_value}),
                       "featureidkey": "id", "locations": [c for c, _, _ in with_value],
                       "z": [cell.estimate for _, _, cell in with_value],
                       "hovertext": [cell_hover(n, cell) for _, n, cell in with_value],
                       "hovertemplate": "%{hovertext}<extra></extra>", "marker": {"line": {"color": "#ffffff"}},
                       "colorbar": {"title": {"text": esc(str(metric.label), 30)}, "thickness": 12},
                       **_scale(metric)})
    layout = {"height": 460, "margin": {"l": 0, "r": 0, "t": 0, "b": 0}, "font": FONT,
              "geo": {"fitbounds": "locations", "visible": False, "projection": {"type": "mercator"}}}
    return {"data": traces, "layout": layout}


def interval_bars_figure(labels: Sequence[str], cells: Sequence[Cell], *,
                         xrange: tuple[float | None, float | None] = (0.0, 100.0)) -> dict[str, Any]:
    """Horizontal bars with 95 % interval whiskers (suppressed/empty bars are left out, labelled)."""
    ys = [esc(label, 40) + ("" if c.has_value else " — " + cell_label(c)) for label, c in zip(labels, cells)]
    x = [c.estimate if c.has_value else None for c in cells]
    plus = [(c.ci_high - c.estimate) if c.has_value and c.ci_high is not None else 0 for c in cells]
    minus = [(c.estimate - c.ci_low) if c.has_value and c.ci_low is not None else 0 for c in cells]
    hover = [cell_hover(label, c) for label, c in zip(labels, cells)]
    trace = {"type": "bar", "orientation": "h", "x": x, "y": ys, "hovertext": hover,
             "hovertemplate": "%{hovertext}<extra></extra>", "marker": {"color": "#0b5d7a"},
             "error_x": {"type": "data", "array": plus, "arrayminus": minus, "visible": True, "color": "#1b1f24"}}
    layout = {"height": 90 + 34 * len(labels), "margin": {"l": 280, "r": 20, "t": 10, "b": 40}, "font": FONT,
              "xaxis": {"fixedrange": True}, "yaxis": {"autorange": "reversed", "fixedrange": True}}
    if xrange[0] is not None and xrange[1] is not None:
        layout["xaxis"]["range"] = list(xrange)
    return {"data": [trace], "layout": layout}


def trend_figure(periods: Sequence[str], series: Sequence[tuple[str, Sequence[Cell]]],
                 metric: Metric) -> dict[str, Any]:
    """Lines over periods with interval whiskers; gaps where a period is suppressed or missing."""
    traces = []
    for name, cells in series:
        traces.append({
            "type": "scatter", "mode": "lines+markers", "name": esc(name, 40), "x": list(periods),
            "y": [c.estimate if c.has_value else None for c in cells],
            "error_y": {"type": "data", "visible": True,
                        "array": [(c.ci_high - c.estimate) if c.has_value and c.ci_high is not None else 0
                                  for c in cells],
                        "arrayminus": [(c.estimate - c.ci_low) if c.has_value and c.ci_low is not None else 0
                                       for c in cells]},
            "hovertext": [cell_hover(f"{name} · {p}", c) for p, c in zip(periods, cells)],
            "hovertemplate": "%{hovertext}<extra></extra>"})
    lo, hi = metric.bounds
    yaxis: dict[str, Any] = {"title": {"text": esc(str(metric.label))}, "fixedrange": True}
    if hi is not None:
        yaxis["range"] = [lo, hi]
    layout = {"height": 340, "margin": {"l": 60, "r": 20, "t": 20, "b": 40}, "font": FONT,
              "xaxis": {"type": "category", "fixedrange": True}, "yaxis": yaxis,
              "legend": {"orientation": "h"}}
    return {"data": traces, "layout": layout}


def scatter_figure(points: Sequence[tuple[str, Cell, Cell]], x_title: str, y_title: str) -> dict[str, Any]:
    """Awareness (x) against trust (y) per region; only points where both cells are published."""
    shown = [(n, a, b) for n, a, b in points if a.has_value and b.has_value]
    trace = {"type": "scatter", "mode": "markers+text", "x": [a.estimate for _, a, _ in shown],
             "y": [b.estimate for _, _, b in shown], "text": [esc(n, 16) for n, _, _ in shown],
             "textposition": "top center", "marker": {"size": 10, "color": "#0b5d7a"},
             "hovertext": [cell_hover(n, a) + "<br>" + cell_hover(y_title, b) for n, a, b in shown],
             "hovertemplate": "%{hovertext}<extra></extra>"}
    layout = {"height": 380, "margin": {"l": 60, "r": 20, "t": 20, "b": 50}, "font": FONT,
              "xaxis": {"title": {"text": esc(x_title)}, "range": [0, 100]},
              "yaxis": {"title": {"text": esc(y_title)}, "range": [0, 100]}}
    return {"data": [trace], "layout": layout}
