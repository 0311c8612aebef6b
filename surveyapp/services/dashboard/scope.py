"""Who may see which regions, and the validated query every dashboard read starts from."""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from models import NGO, Region, ScoreSnapshot, Survey, db

from ..errors import NotFoundError, ValidationError
from ..metrics import METRICS_BY_KEY, SEGMENTS, Metric

PERIOD_RE = re.compile(r"^\d{4}(-(Q[1-4]|H[12]|M(0[1-9]|1[0-2])))?$")
PREFERENCES = ("shrunk", "direct")
DEFAULT_METRIC = "trust_index"


@dataclass(frozen=True)
class Scope:
    """The regions a caller may see: ``None`` means all (admins, unrestricted analysts)."""

    region_ids: frozenset[int] | None = None

    def allows(self, region_id: int | None) -> bool:
        """National rows (``region_id`` None) are always allowed."""
        return region_id is None or self.region_ids is None or region_id in self.region_ids

    @property
    def limited(self) -> bool:
        return self.region_ids is not None


def scope_for(user: Any) -> Scope:
    """The scope of a signed-in user: admins see everything, analysts their ``region_ids``."""
    if getattr(user, "role", None) == "admin":
        return Scope(None)
    ids = getattr(user, "region_ids", None)
    return Scope(frozenset(ids) if ids else None)


@dataclass(frozen=True)
class ScoreQuery:
    """A validated metric / period / segment / method preference."""

    metric: Metric
    period: str
    segment: str
    prefer: str
    periods: tuple[str, ...]


def single(args: Mapping[str, Any], name: str) -> str | None:
    """One value of a query parameter; a repeated parameter with different values is an error."""
    values: Iterable[str] = args.getlist(name) if hasattr(args, "getlist") else (
        [args[name]] if name in args else [])
    distinct_values = list(dict.fromkeys(v.strip() for v in values if v is not None))
    distinct_values = [v for v in distinct_values if v != ""]
    if len(distinct_values) > 1:
        raise ValidationError(_("Give %(name)s only once.", name=name), {name: _("Repeated parameter.")})
    return distinct_values[0] if distinct_values else None


def available_periods(metric: str | None = None) -> tuple[str, ...]:
    """Periods that have snapshots (of ``metric`` if given), oldest first."""
    stmt = select(ScoreSnapshot.period).distinct()
    if metric:
        stmt = stmt.where(ScoreSnapshot.metric == metric)
    return tuple(sorted(p for p in db.session.scalars(stmt) if p))


def default_period(periods: tuple[str, ...]) -> str:
    """The period pages open on: the latest one whose survey waves are all closed (a wave still
    collecting answers would show mostly withheld cells), else the latest; "" when there is none."""
    if not periods:
        return ""
    still_open = set(db.session.scalars(select(Survey.period).where(Survey.status == "open")))
    finished = [p for p in periods if p not in still_open]
    return finished[-1] if finished else periods[-1]


def parse_query(args: Mapping[str, Any], *, default_metric: str = DEFAULT_METRIC) -> ScoreQuery:
    """Validate ``metric``, ``period``, ``segment`` and ``method`` (preference) parameters.

    Defaults: trust index, the latest finished period with data (``default_period``), segment ``all``, shrunk estimates for
    regional cells. Raises ``ValidationError`` naming the bad field (unknown metric, malformed or
    unknown period, unknown segment or method).
    """
    key = single(args, "metric") or default_metric
    metric = METRICS_BY_KEY.get(key)
    if metric is None:
        raise ValidationError(_("Unknown metric."), {"metric": _("Choose one of the listed metrics.")})
    segment = single(args, "segment") or "all"
    if segment not in SEGMENTS:
        raise ValidationError(_("Unknown segment."), {"segment": _("Use all, urban or rural.")})
    prefer = single(args, "method") or "shrunk"
    if prefer not in PREFERENCES:
        raise ValidationError(_("Unknown method."), {"method": _("Use shrunk or direct.")})
    periods = available_periods(metric.key)
    period = single(args, "period")
    if period is None:
        period = default_period(periods)
    elif not PERIOD_RE.match(period) or period not in periods:
        raise ValidationError(_("No scores for this period."), {"period": _("Choose one of the listed periods.")})
    return ScoreQuery(metric, period, segment, prefer, periods)


def parse_id(value: str | None, name: str) -> int | None:
    """A positive integer id from a query parameter, or None when absent."""
    if value is None:
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 10 or not 1 <= int(value) < 2**31:  # "²".isdigit()
        raise ValidationError(_("Not a valid id."), {name: _("Use a whole number.")})
    return int(value)


def get_ngo(ngo_id: int) -> NGO:
    """The NGO with this id, or ``NotFoundError``."""
    ngo = db.session.get(NGO, ngo_id)
    if ngo is None:
        raise NotFoundError(_("No such NGO."), {"ngo": _("Unknown NGO.")})
    return ngo


def get_region(code: str, scope: Scope) -> Region:
    """The region with this ISO code, visible in ``scope``; else ``NotFoundError`` (never a hint)."""
    stmt = select(Region).options(lazyload(Region.margins)).where(Region.code == code.upper())
    region = db.session.scalar(stmt) if len(code) <= 8 else None
    if region is None or not scope.allows(region.id):
        raise NotFoundError(_("No such region."), {"region": _("Unknown region.")})
    return region


def visible_regions(scope: Scope) -> list[Region]:
    """Regions the scope may see, ordered by ISO code."""
    stmt = select(Region).options(lazyload(Region.margins)).order_by(Region.code)
    if scope.region_ids is not None:
        stmt = stmt.where(Region.id.in_(scope.region_ids))
    return list(db.session.scalars(stmt))
