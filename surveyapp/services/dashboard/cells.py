"""One published cell: the snapshot rows of a metric × NGO × region × period × segment, checked
again for disclosure and reduced to the figure a page shows.

Rules (docs/dashboard.md):
- **Suppressed** when any stored row of the cell is suppressed, or when the metric comes from
  respondents and ``n`` is below ``SENIM_SUPPRESS_BELOW`` (10). A suppressed cell carries no
  estimate, no interval and no ``n``: only the reason.
- **Low precision** when the 95 % interval is wider than ``LOW_PRECISION_SHARE`` of the metric's
  scale (20 points on 0–100 scales, 40 on the −100…100 net scales).
- **Method**: regional cells show the shrunk (empirical-Bayes) row when one exists and the caller
  prefers it (the default), else the direct row; national cells show the direct row. The cell says
  which one it shows.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from flask import current_app, has_app_context
from sqlalchemy import Select, select

from models import ScoreSnapshot

from ..metrics import Metric

LOW_PRECISION_SHARE = 0.20
DEFAULT_SUPPRESS_BELOW = 10


class SnapRow(NamedTuple):
    metric: str
    ngo_id: int | None
    region_id: int | None
    period: str
    segment: str
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    n_eff: float | None
    method: str
    suppressed: bool


def snapshot_columns() -> Select[Any]:
    """A SELECT of the snapshot columns that ``SnapRow`` holds (plain tuples, no ORM objects)."""
    s = ScoreSnapshot
    return select(s.metric, s.ngo_id, s.region_id, s.period, s.segment, s.estimate, s.ci_low, s.ci_high,
                  s.n, s.n_eff, s.method, s.suppressed)


@dataclass(frozen=True)
class Cell:
    """What a page, the API or an export may show for one cell."""

    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    n: int | None = None
    n_eff: float | None = None
    method: str | None = None
    suppressed: bool = False
    #: ``small_base`` (n below the threshold), ``withheld`` (stored as suppressed), ``no_data``.
    reason: str | None = "no_data"
    low_precision: bool = False

    @property
    def has_value(self) -> bool:
        return self.estimate is not None and not self.suppressed

    def as_dict(self) -> dict[str, Any]:
        return {"estimate": self.estimate, "ci_low": self.ci_low, "ci_high": self.ci_high, "n": self.n,
                "n_eff": self.n_eff, "method": self.method, "suppressed": self.suppressed,
                "reason": self.reason, "low_precision": self.low_precision}


EMPTY = Cell()


def suppress_below() -> int:
    """The minimum base for a published cell (config ``SENIM_SUPPRESS_BELOW``, default 10)."""
    if has_app_context():
        return int(current_app.config.get("SENIM_SUPPRESS_BELOW", DEFAULT_SUPPRESS_BELOW))
    return DEFAULT_SUPPRESS_BELOW


def is_low_precision(metric: Metric, ci_low: float | None, ci_high: float | None) -> bool:
    """True when the interval is wider than ``LOW_PRECISION_SHARE`` of the metric's 0–100 or ±100 scale."""
    if ci_low is None or ci_high is None:
        return False
    lo, hi = metric.bounds
    if hi is None or lo is None:
        return False
    return (ci_high - ci_low) > LOW_PRECISION_SHARE * (hi - lo)


def make_cell(metric: Metric, rows: Iterable[SnapRow], *, prefer: str = "shrunk",
              threshold: int | None = None) -> Cell:
    """Reduce the stored rows of one cell (direct and/or shrunk) to the published ``Cell``."""
    rows = list(rows)
    if not rows:
        return EMPTY
    limit = suppress_below() if threshold is None else threshold
    if any(r.suppressed for r in rows):
        return Cell(suppressed=True, reason="withheld")
    if metric.from_respondents and any(r.n < limit for r in rows):
        return Cell(suppressed=True, reason="small_base")
    by_method = {r.method: r for r in rows}
    regional = rows[0].region_id is not None
    order = ("shrunk", "direct") if (regional and prefer == "shrunk") else ("direct", "shrunk")
    row = next(by_method[m] for m in order if m in by_method)
    if row.estimate is None:
        return EMPTY
    return Cell(estimate=row.estimate, ci_low=row.ci_low, ci_high=row.ci_high, n=row.n, n_eff=row.n_eff,
                method=row.method, suppressed=False, reason=None,
                low_precision=is_low_precision(metric, row.ci_low, row.ci_high))


def group_cells(metric: Metric, rows: Iterable[Any], *, prefer: str = "shrunk",
                key: str = "ngo_region") -> dict[Any, Cell]:
    """Group rows into cells keyed by ``(ngo_id, region_id)`` (or by ``period`` / ``segment``).

    ``rows`` are ``SnapRow``s or SQLAlchemy rows of ``snapshot_columns()`` (same attribute names).
    """
    groups: dict[Any, list[SnapRow]] = {}
    for row in rows:
        k = (row.ngo_id, row.region_id) if key == "ngo_region" else getattr(row, key)
        groups.setdefault(k, []).append(row)
    threshold = suppress_below()
    return {k: make_cell(metric, group, prefer=prefer, threshold=threshold) for k, group in groups.items()}
