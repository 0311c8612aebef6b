"""Fay–Herriot empirical-Bayes shrinkage of regional direct estimates.

Model (area i): direct estimate ``y_i = θ_i + e_i`` with known sampling variance ``ψ_i``, and
``θ_i = x_i'β + v_i`` with ``v_i ~ N(0, σ²_v)``. The EBLUP is ``γ_i y_i + (1 − γ_i) x_i'β̂`` with
shrinkage factor ``γ_i = σ²_v / (σ²_v + ψ_i)``: precise regions keep their direct value, noisy
ones move toward the synthetic value ``x_i'β̂`` (the GLS mean of the regions when no covariates
are given, or a known national value passed as ``prior_mean``).

``σ²_v`` is estimated by REML with Fisher scoring (default; Rao & Molina 2015, §6.1.2) or by the
Prasad–Rao moment estimator (``method="prasad_rao"``), truncated at 0. MSE is the Prasad–Rao /
Datta–Lahiri second-order approximation ``g1 + g2 + 2·g3`` (valid for both estimators) and the
interval is ``estimate ± z·sqrt(mse)``. Areas without a direct estimate get the synthetic value
(γ = 0, mse = σ²_v + var(x'β̂)). Groups with fewer than ``min_areas`` direct estimates are not
shrunk (γ = 1, mse = ψ).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from ._groups import group_index
from .estimators import z_value

Method = Literal["reml", "prasad_rao"]
_TINY = 1e-12


@dataclass(frozen=True)
class FayHerriotResult:
    """Shrunk estimates per area (shape of the input) and the fitted model per group.

    ``sigma2_v`` and ``synthetic_mean`` have one value per group (one for ``fay_herriot``)."""

    estimate: np.ndarray
    gamma: np.ndarray
    mse: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    synthetic: np.ndarray
    sigma2_v: np.ndarray
    fitted: np.ndarray
    iterations: int


def _sigma2(y: np.ndarray, psi: np.ndarray, mask: np.ndarray, mu: np.ndarray | None, method: Method,
            max_iter: int, tol: float) -> tuple[np.ndarray, int]:
    """σ²_v per row of the (G, m) arrays; ``mu`` known means or None (estimated intercept)."""
    m = mask.sum(axis=1)
    p = 0 if mu is not None else 1
    centre = mu if mu is not None else np.where(m > 0, (y * mask).sum(axis=1) / np.maximum(m, 1), 0.0)
    r2 = np.where(mask, (y - centre[:, None]) ** 2, 0.0)
    lever = 0.0 if mu is not None else 1.0 / np.maximum(m, 1)[:, None]
    pr = ((r2.sum(axis=1) - np.where(mask, psi * (1 - lever), 0.0).sum(axis=1)) / np.maximum(m - p, 1))
    s2 = np.maximum(pr, 0.0)
    if method == "prasad_rao":
        return s2, 0
    if method != "reml":
        raise ValueError("method must be 'reml' or 'prasad_rao'")
    active = np.ones(len(y), dtype=bool)
    it = 0
    for it in range(1, max_iter + 1):
        a = np.where(mask, 1.0 / (s2[:, None] + psi), 0.0)
        sa, sa2 = a.sum(axis=1), (a * a).sum(axis=1)
        safe = np.where(sa > 0, sa, 1.0)
        beta = mu if mu is not None else (a * np.where(mask, y, 0.0)).sum(axis=1) / safe
        res2 = np.where(mask, (y - beta[:, None]) ** 2, 0.0)
        if mu is None:
            tr_p = sa - sa2 / safe
            tr_pp = sa2 - 2 * (a**3).sum(axis=1) / safe + sa2**2 / safe**2
        else:
            tr_p, tr_pp = sa, sa2
        score = -0.5 * tr_p + 0.5 * (a * a * res2).sum(axis=1)
        step = np.where(active & (tr_pp > 0), score / np.where(tr_pp > 0, 0.5 * tr_pp, 1.0), 0.0)
        new = np.maximum(s2 + step, 0.0)
        change = np.abs(new - s2)
        s2 = new
        active &= change > tol * np.maximum(s2, 1e-8)
        if not active.any():
            break
    return s2, it


def fay_herriot_batch(
    direct: np.ndarray, variance: np.ndarray, *, prior_mean: np.ndarray | None = None, method: Method = "reml",
    level: float = 0.95, min_areas: int = 3, max_iter: int = 100, tol: float = 1e-10,
) -> FayHerriotResult:
    """Fit one intercept-only Fay–Herriot model per row of the (G, m) arrays ``direct`` (estimates,
    NaN = no estimate) and ``variance`` (their sampling variances, same unit squared).

    ``prior_mean`` (G,) shrinks toward known values instead of the estimated mean. Returns arrays
    of shape (G, m) and per-group ``sigma2_v``. Raises ValueError for mismatched shapes, negative
    variances or an unknown method.
    """
    y = np.atleast_2d(np.asarray(direct, dtype=float))
    psi_in = np.atleast_2d(np.asarray(variance, dtype=float))
    if y.shape != psi_in.shape:
        raise ValueError("direct and variance must have the same shape")
    if np.any(psi_in < 0):
        raise ValueError("sampling variances must be non-negative")
    mask = np.isfinite(y) & np.isfinite(psi_in)
    psi = np.where(mask, np.maximum(psi_in, _TINY), 1.0)
    yz = np.where(mask, y, 0.0)
    mu = None if prior_mean is None else np.asarray(prior_mean, dtype=float).reshape(len(y))
    s2, iterations = _sigma2(yz, psi, mask, mu, method, max_iter, tol)
    fitted = mask.sum(axis=1) >= max(min_areas, 1)
    a = np.where(mask, 1.0 / (s2[:, None] + psi), 0.0)
    sa = a.sum(axis=1)
    if mu is None:
        beta = (a * yz).sum(axis=1) / np.where(sa > 0, sa, 1.0)
        var_beta = np.where(sa > 0, 1.0 / np.where(sa > 0, sa, 1.0), np.nan)
    else:
        beta, var_beta = mu, np.zeros(len(y))
    gamma = np.where(mask, s2[:, None] / (s2[:, None] + psi), 0.0)
    if method == "reml":
        v_s2 = 2.0 / np.maximum((a * a).sum(axis=1), _TINY)
    else:
        m = np.maximum(mask.sum(axis=1), 1)
        v_s2 = 2.0 / m**2 * np.where(mask, (s2[:, None] + psi) ** 2, 0.0).sum(axis=1)
    g1 = gamma * psi
    g2 = (1 - gamma) ** 2 * var_beta[:, None]
    g3 = np.where(mask, psi**2 / (s2[:, None] + psi) ** 3, 0.0) * v_s2[:, None]
    mse = np.where(mask, g1 + g2 + 2 * g3, s2[:, None] + var_beta[:, None])
    estimate = np.where(mask, gamma * yz + (1 - gamma) * beta[:, None], beta[:, None])
    # Groups that cannot be fitted keep their direct estimates.
    keep = ~fitted[:, None]
    estimate = np.where(keep, np.where(mask, yz, np.nan), estimate)
    gamma = np.where(keep, np.where(mask, 1.0, np.nan), gamma)
    mse = np.where(keep, np.where(mask, psi_in, np.nan), mse)
    z = z_value(level)
    half = z * np.sqrt(mse)
    synthetic = np.broadcast_to(np.where(fitted, beta, np.nan)[:, None], y.shape).copy()
    return FayHerriotResult(estimate, gamma, mse, estimate - half, estimate + half, synthetic,
                            np.where(fitted, s2, np.nan), fitted, iterations)


def fay_herriot(
    direct: Sequence[float] | np.ndarray, variance: Sequence[float] | np.ndarray, *,
    prior_mean: float | None = None, method: Method = "reml", level: float = 0.95, min_areas: int = 3,
) -> FayHerriotResult:
    """Fay–Herriot shrinkage of one set of areas (1-D arrays of direct estimates and their
    sampling variances) toward their GLS mean or a known ``prior_mean``; see the module docstring.

    Returns 1-D arrays (``sigma2_v`` has one element). Raises ValueError as ``fay_herriot_batch``.
    """
    prior = None if prior_mean is None else np.array([prior_mean], dtype=float)
    r = fay_herriot_batch(np.asarray(direct, dtype=float)[None, :], np.asarray(variance, dtype=float)[None, :],
                          prior_mean=prior, method=method, level=level, min_areas=min_areas)
    return FayHerriotResult(r.estimate[0], r.gamma[0], r.mse[0], r.ci_low[0], r.ci_high[0], r.synthetic[0],
                            r.sigma2_v, r.fitted, r.iterations)


def shrink_cells(
    cells: pd.DataFrame, *, by: Sequence[str] = ("metric", "ngo", "period"), estimate: str = "estimate",
    se: str = "se", prior: str | None = None, method: Method = "reml", level: float = 0.95,
    bounds: tuple[float, float] | None = None, min_areas: int = 3,
) -> pd.DataFrame:
    """Shrink the regional rows of ``cells`` within each group of ``by`` (one Fay–Herriot model
    per metric × NGO × period; the rows of a group are its regions), all groups at once.

    ``se`` holds the direct standard errors (same unit as ``estimate``); ``prior``, if given, a
    column with the value to shrink toward (e.g. the national estimate). Returns a copy of
    ``cells`` with ``shrunk``, ``shrunk_se`` (sqrt of MSE), ``shrunk_ci_low``, ``shrunk_ci_high``
    (clipped to ``bounds``), ``gamma`` and ``sigma2_v``. Raises KeyError for missing columns.
    """
    gi = group_index(cells, list(by))
    codes = gi.codes
    valid = codes >= 0
    key = np.where(valid, codes, gi.ngroups)
    order = np.argsort(key, kind="stable")
    starts = np.append(np.searchsorted(key[order], np.arange(gi.ngroups)), len(cells))
    rank = np.empty(len(cells), dtype=np.int64)
    rank[order] = np.arange(len(cells)) - starts[key[order]]
    width = int(rank[valid].max()) + 1 if valid.any() else 1
    y = np.full((gi.ngroups, width), np.nan)
    psi = np.full_like(y, np.nan)
    y[codes[valid], rank[valid]] = cells[estimate].to_numpy(dtype=float)[valid]
    psi[codes[valid], rank[valid]] = cells[se].to_numpy(dtype=float)[valid] ** 2
    mu = None
    if prior is not None:
        mu = np.full(gi.ngroups, np.nan)
        mu[codes[valid]] = cells[prior].to_numpy(dtype=float)[valid]
    r = fay_herriot_batch(y, psi, prior_mean=mu, method=method, level=level, min_areas=min_areas)
    out = cells.copy()
    pick = (codes[valid], rank[valid])
    for name, arr in (("shrunk", r.estimate), ("shrunk_ci_low", r.ci_low), ("shrunk_ci_high", r.ci_high),
                      ("gamma", r.gamma)):
        col = np.full(len(cells), np.nan)
        col[valid] = arr[pick]
        out[name] = np.clip(col, *bounds) if bounds is not None else col
    mse = np.full(len(cells), np.nan)
    mse[valid] = r.mse[pick]
    out["shrunk_se"] = np.sqrt(mse)
    sigma2_v = np.full(len(cells), np.nan)
    sigma2_v[valid] = r.sigma2_v[codes[valid]]  # no group at all (every key missing): all NaN
    out["sigma2_v"] = sigma2_v
    return out
