"""Precomputed score snapshots and alerts; pages and the API only read these."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean, CheckConstraint, DateTime, Float, ForeignKey, Index, Integer, String, Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, in_list, utcnow

METHODS = ("direct", "shrunk")
ALERT_KINDS = ("significant_change", "media_spike")


def cell_key(metric: str, ngo_id: int | None, region_id: int | None, period: str, segment: str, method: str) -> str:
    """The unique key of a snapshot cell; ``*`` stands for all NGOs or the whole country."""
    ngo = "*" if ngo_id is None else str(ngo_id)
    region = "*" if region_id is None else str(region_id)
    return f"{metric}|{ngo}|{region}|{period}|{segment}|{method}"


class ScoreSnapshot(db.Model):
    __tablename__ = "score_snapshots"
    __table_args__ = (
        CheckConstraint(in_list("method", METHODS), name="method_valid"),
        CheckConstraint("n >= 0", name="n_nonnegative"),
        CheckConstraint("ci_low IS NULL OR ci_high IS NULL OR ci_low <= ci_high", name="ci_ordered"),
        CheckConstraint("NOT suppressed OR estimate IS NULL", name="suppressed_has_no_value"),
        Index("ix_score_snapshots_lookup", "metric", "period", "ngo_id", "region_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Unique key, see ``cell_key``.
    key: Mapped[str] = mapped_column(String(120), unique=True)
    metric: Mapped[str] = mapped_column(String(40))
    ngo_id: Mapped[int | None] = mapped_column(ForeignKey("ngos.id", ondelete="CASCADE"))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    period: Mapped[str] = mapped_column(String(16))
    #: ``all``, or a breakdown such as ``urban`` / ``rural``.
    segment: Mapped[str] = mapped_column(String(16), default="all")
    #: Estimate in the metric's own unit (0..100 for indices and shares, −100..100 for net scores).
    estimate: Mapped[float | None] = mapped_column(Float)
    ci_low: Mapped[float | None] = mapped_column(Float)
    ci_high: Mapped[float | None] = mapped_column(Float)
    #: Respondents (or stories, for media metrics) in the base.
    n: Mapped[int] = mapped_column(Integer, default=0)
    #: Kish effective sample size.
    n_eff: Mapped[float | None] = mapped_column(Float)
    method: Mapped[str] = mapped_column(String(8), default="direct")
    #: True when the cell is withheld (n < 10 or derivable by subtraction).
    suppressed: Mapped[bool] = mapped_column(Boolean, default=False)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    ngo = relationship("NGO")
    region = relationship("Region")


class Alert(db.Model):
    __tablename__ = "alerts"
    __table_args__ = (CheckConstraint(in_list("kind", ALERT_KINDS), name="kind_valid"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    metric: Mapped[str] = mapped_column(String(40))
    ngo_id: Mapped[int | None] = mapped_column(ForeignKey("ngos.id", ondelete="CASCADE"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    period: Mapped[str] = mapped_column(String(16))
    previous_period: Mapped[str | None] = mapped_column(String(16))
    value_before: Mapped[float | None] = mapped_column(Float)
    value_after: Mapped[float | None] = mapped_column(Float)
    #: Test statistic (z) of the change or spike.
    z: Mapped[float | None] = mapped_column(Float)
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    acknowledged: Mapped[bool] = mapped_column(Boolean, default=False)

    ngo = relationship("NGO")
    region = relationship("Region")
