"""Weighted proportions and means with 95% intervals that account for unequal weights.

Both use the Kish effective sample size ``n_eff = (Σw)² / Σw²``:

- proportion: ``p = Σw·x / Σw`` for x ∈ {0, 1}; ``se = sqrt(p(1−p)/n_eff)``; Wilson score interval
  with ``n_eff`` in place of n.
- mean: ``m = Σw·x / Σw``; weighted variance ``v = Σw(x−m)²/Σw · n_eff/(n_eff−1)`` (the unbiased
  "reliability weights" form: the usual n−1 variance when weights are equal);
  ``se = sqrt(v / n_eff)``; normal interval ``m ± z·se``, optionally clipped to the scale's bounds.

Missing values (NaN: "don't know") are left out of the base. The scalar functions report
proportions on 0..1; the group functions report them on 0..``scale`` (default 0..100).
A group with n_eff ≤ 1 has no mean interval (NaN); an empty group has no estimate (NaN).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from ._groups import group_index


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its standard error, interval and base."""

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    #: Respondents in the base (non-missing values).
    n: int
    #: Kish effective sample size of the base.
    n_eff: float


def z_value(level: float = 0.95) -> float:
    """Two-sided standard normal quantile for a confidence ``level`` in (0, 1); raises ValueError."""
    if not 0 < level < 1:
        raise ValueError("level must be between 0 and 1")
    return float(norm.ppf(0.5 + level / 2))


def wilson_interval(
    p: np.ndarray | float, n_eff: np.ndarray | float, *, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for proportions ``p`` (0..1) with sample sizes ``n_eff``.

    Returns (low, high) arrays on 0..1; NaN where ``n_eff`` ≤ 0 or ``p`` is NaN.
    """
    p = np.asarray(p, dtype=float)
    n = np.asarray(n_eff, dtype=float)
    z2 = z_value(level) ** 2
    ok = (n > 0) & np.isfinite(p)
    n_safe = np.where(ok, n, 1.0)
    p_safe = np.where(ok, np.clip(p, 0.0, 1.0), 0.5)
    denom = 1 + z2 / n_safe
    centre = (p_safe + z2 / (2 * n_safe)) / denom
    half = np.sqrt(z2) / denom * np.sqrt(p_safe * (1 - p_safe) / n_safe + z2 / (4 * n_safe**2))
    low = np.where(ok, np.clip(centre - half, 0.0, 1.0), np.nan)
    high = np.where(ok, np.clip(centre + half, 0.0, 1.0), np.nan)
    return low, high


def proportion_from_sums(
    sw: np.ndarray, swx: np.ndarray, sw2: np.ndarray, *, level: float = 0.95, scale: float = 1.0
) -> dict[str, np.ndarray]:
    """Proportion, se, Wilson interval (all on 0..``scale``) and n_eff from per-group sums of
    w, w·x and w² (x ∈ {0, 1}). Groups with no weight get NaN."""
    sw, swx, sw2 = (np.asarray(a, dtype=float) for a in (sw, swx, sw2))
    ok = sw > 0
    p = np.where(ok, swx / np.where(ok, sw, 1.0), np.nan)
    n_eff = np.where(sw2 > 0, sw * sw / np.where(sw2 > 0, sw2, 1.0), 0.0)
    se = np.where(n_eff > 0, np.sqrt(np.clip(p * (1 - p), 0, None) / np.where(n_eff > 0, n_eff, 1.0)), np.nan)
    low, high = wilson_interval(p, n_eff, level=level)
    return {"estimate": p * scale, "se": se * scale, "ci_low": low * scale, "ci_high": high * scale, "n_eff": n_eff}


def mean_from_sums(
    sw: np.ndarray, swx: np.ndarray, swx2: np.ndarray, sw2: np.ndarray, *, level: float = 0.95,
    bounds: tuple[float, float] | None = None,
) -> dict[str, np.ndarray]:
    """Weighted mean, se, normal interval and n_eff from per-group sums of w, w·x, w·x², w².

    The interval is clipped to ``bounds`` when given. Groups with no weight get NaN; groups with
    n_eff ≤ 1 get a mean but NaN se and interval.
    """
    sw, swx, swx2, sw2 = (np.asarray(a, dtype=float) for a in (sw, swx, swx2, sw2))
    ok = sw > 0
    safe = np.where(ok, sw, 1.0)
    mean = np.where(ok, swx / safe, np.nan)
    n_eff = np.where(sw2 > 0, sw * sw / np.where(sw2 > 0, sw2, 1.0), 0.0)
    var_pop = np.clip(np.where(ok, swx2 / safe - np.where(ok, mean, 0.0) ** 2, np.nan), 0.0, None)
    many = n_eff > 1 + 1e-9
    denom = np.where(many, n_eff - 1, 1.0)
    se = np.where(many, np.sqrt(var_pop / denom), np.nan)
    z = z_value(level)
    low, high = mean - z * se, mean + z * se
    if bounds is not None:
        low, high = np.clip(low, *bounds), np.clip(high, *bounds)
    return {"estimate": mean, "se": se, "ci_low": low, "ci_high": high, "n_eff": n_eff}


def _clean(x: object, weights: object) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(x, dtype=float)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != x.shape:
        raise ValueError("values and weights must have the same length")
    keep = ~np.isnan(x)
    if np.any(~np.isfinite(w[keep])) or np.any(w[keep] < 0):
        raise ValueError("weights must be finite and non-negative")
    return x[keep], w[keep]


def _scalar(stats: dict[str, np.ndarray], n: int) -> Estimate:
    return Estimate(*(float(stats[k][0]) for k in ("estimate", "se", "ci_low", "ci_high")), n, float(stats["n_eff"][0]))


def weighted_proportion(
    x: Sequence[float] | np.ndarray, weights: Sequence[float] | np.ndarray | None = None, *, level: float = 0.95
) -> Estimate:
    """Weighted share of ones among the non-missing ``x`` (0/1/NaN) on 0..1, Wilson interval on
    the Kish effective n. Raises ValueError for values other than 0, 1, NaN or for bad weights."""
    x, w = _clean(x, weights)
    if np.any((x != 0) & (x != 1)):
        raise ValueError("a proportion needs values 0 or 1 (NaN for missing)")
    total = w.sum()
    # The dot product and the sum round differently: cap Σw·x at Σw so that an all-ones share is 1, not 1 + 1 ulp.
    stats = proportion_from_sums(np.array([total]), np.array([min(w @ x, total)]), np.array([w @ w]), level=level)
    return _scalar(stats, int(x.size))


def weighted_mean(
    x: Sequence[float] | np.ndarray, weights: Sequence[float] | np.ndarray | None = None, *, level: float = 0.95,
    bounds: tuple[float, float] | None = None,
) -> Estimate:
    """Weighted mean of the non-missing ``x`` (in x's unit) with se = sqrt(weighted variance /
    n_eff) and a normal interval (clipped to ``bounds``). Raises ValueError for bad weights."""
    x, w = _clean(x, weights)
    stats = mean_from_sums(*(np.array([v]) for v in (w.sum(), w @ x, w @ (x * x), w @ w)), level=level, bounds=bounds)
    return _scalar(stats, int(x.size))


def _group_sums(
    frame: pd.DataFrame, by: Sequence[str], value: str, weight: str | None
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    x = frame[value].to_numpy(dtype=float)
    w = np.ones(len(frame)) if weight is None else frame[weight].to_numpy(dtype=float)
    keep = ~np.isnan(x)
    if np.any(~np.isfinite(w[keep])) or np.any(w[keep] < 0):
        raise ValueError("weights must be finite and non-negative")
    gi = group_index(frame.loc[keep, list(by)] if not keep.all() else frame, by)
    x, w = x[keep], w[keep]
    sums = {"n": gi.sum(), "sw": gi.sum(w), "swx": gi.sum(w * x), "swx2": gi.sum(w * x * x), "sw2": gi.sum(w * w)}
    return gi.keys, sums


def _assemble(keys: pd.DataFrame, stats: dict[str, np.ndarray], n: np.ndarray) -> pd.DataFrame:
    out = keys.copy()
    for col in ("estimate", "se", "ci_low", "ci_high"):
        out[col] = stats[col]
    out["n"] = n.astype(np.int64)
    out["n_eff"] = stats["n_eff"]
    return out


def group_proportion(
    frame: pd.DataFrame, by: Sequence[str], value: str, weight: str | None = "weight", *, level: float = 0.95,
    scale: float = 100.0,
) -> pd.DataFrame:
    """Per group of ``by``: weighted share of ``value`` == 1 (0/1/NaN column) on 0..``scale``
    (default percent), with ``se, ci_low, ci_high`` (Wilson on n_eff), ``n`` and ``n_eff``.

    One row per group with at least one non-missing value. Raises KeyError for a missing column
    and ValueError for values other than 0/1/NaN or bad weights.
    """
    vals = frame[value].to_numpy(dtype=float)
    if np.any((vals != 0) & (vals != 1) & ~np.isnan(vals)):
        raise ValueError(f"column {value!r} must hold 0, 1 or NaN")
    keys, s = _group_sums(frame, by, value, weight)
    return _assemble(keys, proportion_from_sums(s["sw"], s["swx"], s["sw2"], level=level, scale=scale), s["n"])


def group_mean(
    frame: pd.DataFrame, by: Sequence[str], value: str, weight: str | None = "weight", *, level: float = 0.95,
    bounds: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """Per group of ``by``: weighted mean of ``value`` (its own unit) with ``se, ci_low, ci_high``
    (normal, clipped to ``bounds``), ``n`` and ``n_eff``. Raises KeyError / ValueError as above."""
    keys, s = _group_sums(frame, by, value, weight)
    return _assemble(keys, mean_from_sums(s["sw"], s["swx"], s["swx2"], s["sw2"], level=level, bounds=bounds), s["n"])
