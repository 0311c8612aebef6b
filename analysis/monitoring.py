"""Change detection: significant period-over-period changes and media spikes, as alerts.

**Changes.** For every cell (metric × NGO × region) present in two consecutive periods:
``z = (after − before) / sqrt(se_before² + se_after²)``, two-sided p from the normal. With tens of
thousands of cells a 5% test per cell raises hundreds of false alarms each wave, so by default
the p-values of one run are adjusted by Benjamini–Hochberg and a change is significant when its
q ≤ ``alpha`` (5% false discovery rate); ``adjust="none"`` tests each cell at ``alpha``. Whether
the two intervals overlap is reported too, and ``rule="overlap"`` or ``"either"`` alerts on
non-overlap instead or as well. Both periods need ``n ≥ min_n`` (10).

**Media spikes.** A day's mention count ``x`` against the 14 days before it (days without mentions
count as 0): ``z = (x − μ) / max(s, sqrt(max(μ, 1)))`` with μ, s the mean and standard deviation
of those days — the Poisson floor keeps a quiet baseline (s ≈ 0) from turning every small count
into a spike. A spike is ``z ≥ 3`` with at least ``min_count`` (5) mentions, on days with a full
14-day history inside the data.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from scipy.stats import norm

from ._groups import group_index

ALERT_KINDS = ("significant_change", "media_spike")


@dataclass(frozen=True)
class Alert:
    """One alert: ``keys`` names the cell (e.g. ``{"ngo": 3, "region": None}``); ``period`` is
    the later period, or the day (ISO date) of a spike; values are in the metric's unit."""

    kind: str
    metric: str
    period: str
    z: float
    message: str
    keys: dict[str, object] = field(default_factory=dict)
    previous_period: str | None = None
    value_before: float | None = None
    value_after: float | None = None


def _bh(p: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg q-values (NaN stays NaN)."""
    q = np.full(p.shape, np.nan)
    ok = np.flatnonzero(~np.isnan(p))
    if ok.size:
        order = ok[np.argsort(p[ok])]
        ranked = p[order] * ok.size / np.arange(1, ok.size + 1)
        q[order] = np.minimum(np.minimum.accumulate(ranked[::-1])[::-1], 1.0)
    return q


def period_changes(
    scores: pd.DataFrame, *, keys: Sequence[str] = ("metric", "ngo", "region"), period: str = "period",
    order: Sequence[str] | None = None, alpha: float = 0.05, adjust: Literal["bh", "none"] = "bh",
    rule: Literal["z", "overlap", "either"] = "z", min_n: int = 10,
) -> pd.DataFrame:
    """Compare each cell of the long ``scores`` table (``estimate, se, ci_low, ci_high, n``) with
    the same cell in the previous period of ``order`` (default: sorted period labels).

    Returns one row per comparison: the keys, ``period, previous_period, before, after, diff,
    se_diff, z, p, q, overlap, significant``. Raises ValueError for an unknown rule or adjustment
    and KeyError for missing columns.
    """
    if adjust not in ("bh", "none") or rule not in ("z", "overlap", "either"):
        raise ValueError("adjust must be 'bh' or 'none'; rule 'z', 'overlap' or 'either'")
    keys = list(keys)
    periods = list(order) if order is not None else sorted(pd.unique(scores[period].dropna()))
    rank = {p: i for i, p in enumerate(periods)}
    cols = [*keys, period, "estimate", "se", "ci_low", "ci_high", "n"]
    df = scores[cols].copy()
    df["_rank"] = df[period].map(rank)
    df = df[df["_rank"].notna() & df["estimate"].notna()]
    prev = df.assign(_rank=df["_rank"] + 1)
    pair = df.merge(prev, on=[*keys, "_rank"], suffixes=("", "_prev"))
    before, after = pair["estimate_prev"].to_numpy(float), pair["estimate"].to_numpy(float)
    se_diff = np.hypot(pair["se_prev"].to_numpy(float), pair["se"].to_numpy(float))
    diff = after - before
    enough = (pd.to_numeric(pair["n"]).to_numpy(float, na_value=np.nan) >= min_n) & (
        pd.to_numeric(pair["n_prev"]).to_numpy(float, na_value=np.nan) >= min_n)
    testable = enough & np.isfinite(se_diff) & (se_diff > 0)
    z = np.where(testable, diff / np.where(testable, se_diff, 1.0), np.nan)
    p = np.where(testable, 2 * norm.sf(np.abs(np.nan_to_num(z))), np.nan)
    q = _bh(p) if adjust == "bh" else p
    overlap = ~((pair["ci_low"].to_numpy(float) > pair["ci_high_prev"].to_numpy(float))
                | (pair["ci_high"].to_numpy(float) < pair["ci_low_prev"].to_numpy(float)))
    by_z = testable & (q <= alpha)
    by_overlap = enough & ~overlap
    significant = {"z": by_z, "overlap": by_overlap, "either": by_z | by_overlap}[rule]
    out = pair[keys].copy()
    out["period"], out["previous_period"] = pair[period].to_numpy(), pair[f"{period}_prev"].to_numpy()
    for name, arr in (("before", before), ("after", after), ("diff", diff), ("se_diff", se_diff), ("z", z),
                      ("p", p), ("q", q)):
        out[name] = arr
    out["overlap"], out["significant"] = overlap, significant
    return out.reset_index(drop=True)


def _plain(value: object) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value


def change_alerts(
    changes: pd.DataFrame, *, keys: Sequence[str] = ("ngo", "region"), metric: str = "metric"
) -> list[Alert]:
    """An ``Alert`` (kind ``significant_change``) per significant row of ``period_changes``."""
    alerts = []
    for row in changes[changes["significant"]].to_dict("records"):
        cell = {k: _plain(row[k]) for k in keys}
        where = ", ".join(f"{k} {v if v is not None else 'all'}" for k, v in cell.items())
        direction = "rose" if row["diff"] > 0 else "fell"
        alerts.append(Alert(
            "significant_change", str(row[metric]), str(row["period"]), float(row["z"]),
            f"{row[metric]} ({where}) {direction} from {row['before']:.1f} in {row['previous_period']} to "
            f"{row['after']:.1f} in {row['period']} (z = {row['z']:.2f}, q = {row['q']:.3g})",
            cell, str(row["previous_period"]), float(row["before"]), float(row["after"]),
        ))
    return alerts


def media_spikes(
    daily: pd.DataFrame, *, keys: Sequence[str] = ("ngo",), date: str = "date", count: str = "mentions",
    window: int = 14, z_threshold: float = 3.0, min_count: int = 5,
) -> pd.DataFrame:
    """Days whose ``count`` spikes against the previous ``window`` days, per key combination.

    ``daily``: one row per key × day with mentions (missing days are zeros); ``date`` anything
    ``pd.to_datetime`` reads. Returns the keys, ``date, count, baseline_mean, baseline_sd, z`` for
    spike days only. Raises ValueError for negative counts or ``window`` < 2.
    """
    if window < 2:
        raise ValueError("window must be at least 2 days")
    keys = list(keys)
    x = pd.to_numeric(daily[count]).to_numpy(dtype=float)
    if np.any(x < 0):
        raise ValueError("counts must be non-negative")
    days = pd.to_datetime(daily[date]).to_numpy().astype("datetime64[D]").astype(np.int64)
    empty = pd.DataFrame(columns=[*keys, "date", "count", "baseline_mean", "baseline_sd", "z"])
    if days.size == 0:
        return empty
    gi = group_index(daily, keys)
    ok = gi.codes >= 0
    first, span = days.min(), int(days.max() - days.min()) + 1
    grid = np.bincount(gi.codes[ok] * span + (days[ok] - first), weights=x[ok], minlength=gi.ngroups * span)
    grid = grid.reshape(gi.ngroups, span)
    c1 = np.concatenate([np.zeros((gi.ngroups, 1)), np.cumsum(grid, axis=1)], axis=1)
    c2 = np.concatenate([np.zeros((gi.ngroups, 1)), np.cumsum(grid**2, axis=1)], axis=1)
    if span <= window:
        return empty
    t = np.arange(window, span)
    s1, s2 = c1[:, t] - c1[:, t - window], c2[:, t] - c2[:, t - window]
    mean = s1 / window
    sd = np.sqrt(np.clip((s2 - window * mean**2) / (window - 1), 0.0, None))
    z = (grid[:, t] - mean) / np.maximum(sd, np.sqrt(np.maximum(mean, 1.0)))
    hit = (z >= z_threshold) & (grid[:, t] >= min_count)
    g, j = np.nonzero(hit)
    out = gi.keys.iloc[g].reset_index(drop=True)
    out["date"] = (first + t[j]).astype("datetime64[D]")
    out["count"], out["baseline_mean"], out["baseline_sd"], out["z"] = grid[g, t[j]], mean[g, j], sd[g, j], z[g, j]
    return out


def spike_alerts(spikes: pd.DataFrame, *, keys: Sequence[str] = ("ngo",), metric: str = "media_mentions",
                 window: int = 14) -> list[Alert]:
    """An ``Alert`` (kind ``media_spike``) per row of ``media_spikes``."""
    alerts = []
    for row in spikes.to_dict("records"):
        cell = {k: _plain(row[k]) for k in keys}
        day = pd.Timestamp(row["date"]).date().isoformat()
        where = ", ".join(f"{k} {v}" for k, v in cell.items())
        alerts.append(Alert(
            "media_spike", metric, day, float(row["z"]),
            f"{int(row['count'])} mentions ({where}) on {day} against {row['baseline_mean']:.1f} a day "
            f"over the previous {window} days (z = {row['z']:.2f})",
            cell, None, float(row["baseline_mean"]), float(row["count"]),
        ))
    return alerts
