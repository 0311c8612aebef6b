"""Whether a period's survey results are *indicative* (open-link responses entered them) and how
many responses the quality checks excluded — read from the counts ``senim scores compute``
stores (``services.scores.exclusions``). See docs/security.md §6.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import literal, select, union_all

from models import ScoreSnapshot, Survey, db

from ..scores.exclusions import FLAGGED, KEPT


@dataclass(frozen=True)
class PeriodQuality:
    """``indicative``: open-link responses are in the period's published results. ``flagged``:
    responses excluded by the quality checks (all survey modes); ``open_link``: open-link responses
    kept. Both are None when the snapshots predate these counts (then ``indicative`` comes from
    the period's surveys)."""

    period: str
    indicative: bool
    flagged: int | None
    open_link: int | None

    def as_dict(self) -> dict[str, Any]:
        return {"period": self.period, "indicative": self.indicative, "flagged_responses": self.flagged,
                "open_link_responses": self.open_link}


def period_quality(period: str | None) -> PeriodQuality | None:
    """The quality note of one period (one query), or None without a period."""
    if not period:
        return None
    return periods_quality([period])[period]


def periods_quality(periods: Iterable[str]) -> dict[str, PeriodQuality]:
    """``period_quality`` for several periods in one query."""
    wanted = sorted({p for p in periods if p})
    if not wanted:
        return {}
    s = ScoreSnapshot
    counts = select(s.period, s.metric, s.segment, s.n).where(
        s.metric.in_((KEPT, FLAGGED)), s.period.in_(wanted), s.ngo_id.is_(None), s.region_id.is_(None))
    surveys = select(Survey.period, literal("survey"), Survey.mode, literal(0)).where(
        Survey.period.in_(wanted), Survey.status != "draft")
    rows = db.session.execute(union_all(counts, surveys)).all()
    out = {}
    for period in wanted:
        mine = [(metric, segment, int(n or 0)) for p, metric, segment, n in rows if p == period]
        stored = [r for r in mine if r[0] != "survey"]
        if stored:
            kept_open = sum(n for metric, segment, n in stored if metric == KEPT and segment == "open")
            flagged = sum(n for metric, _segment, n in stored if metric == FLAGGED)
            out[period] = PeriodQuality(period, kept_open > 0, flagged, kept_open)
        else:
            has_open = any(segment == "open" for _m, segment, _n in mine)
            out[period] = PeriodQuality(period, has_open, None, None)
    return out


__all__ = ["PeriodQuality", "period_quality", "periods_quality"]
