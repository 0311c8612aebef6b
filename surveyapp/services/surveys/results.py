"""What the thank-you page shows: the respondent's region against the country, read from the
published ``trust_index`` snapshots (never computed in the request)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from models import ScoreSnapshot, db

METRIC = "trust_index"


@dataclass(frozen=True)
class RegionComparison:
    period: str
    region: float | None
    national: float | None
    region_ci: tuple[float | None, float | None]

    @property
    def published(self) -> bool:
        return self.region is not None and self.national is not None


def region_comparison(region_id: int) -> RegionComparison | None:
    """Trust index (all NGOs, segment ``all``) for the region and the whole country in the latest
    period that has a national value; ``region`` is None when that cell is suppressed or missing.
    Returns None when nothing is published yet."""
    national = db.session.scalar(
        select(ScoreSnapshot).where(
            ScoreSnapshot.metric == METRIC, ScoreSnapshot.ngo_id.is_(None), ScoreSnapshot.region_id.is_(None),
            ScoreSnapshot.segment == "all", ScoreSnapshot.suppressed.is_(False), ScoreSnapshot.estimate.is_not(None),
        ).order_by(ScoreSnapshot.period.desc(), ScoreSnapshot.method).limit(1)
    )
    if national is None:
        return None
    regional = db.session.scalar(
        select(ScoreSnapshot).where(
            ScoreSnapshot.metric == METRIC, ScoreSnapshot.ngo_id.is_(None), ScoreSnapshot.region_id == region_id,
            ScoreSnapshot.segment == "all", ScoreSnapshot.period == national.period,
        ).order_by(ScoreSnapshot.method).limit(1)
    )
    value = None if regional is None or regional.suppressed else regional.estimate
    ci = (regional.ci_low, regional.ci_high) if value is not None and regional is not None else (None, None)
    return RegionComparison(period=national.period, region=value, national=national.estimate, region_ci=ci)
