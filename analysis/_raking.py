"""The raking engine behind ``analysis.weighting`` (internal): validation and the IPF loop."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._groups import codes_for

#: Relative difference allowed between the grand totals of two margin variables of one group.
TOTAL_RTOL = 1e-6


class RakingError(ValueError):
    """The margins cannot be met: bad input or no convergence."""


@dataclass
class Problem:
    """Validated raking problem: per variable, cell code of every row and target per cell."""

    group: np.ndarray            # group code per row
    groups: pd.Index             # group labels
    codes: list[np.ndarray]      # per variable: group * K + category, per row
    targets: list[np.ndarray]    # per variable: target per (group, category) cell, length G * K
    base: np.ndarray             # base weight per row


@dataclass
class Outcome:
    weights: np.ndarray
    iterations: int
    converged: bool
    max_rel_error: float
    trim_rounds: int
    n_trimmed: int
    max_ratio: float
    #: Rows whose weight was capped in any trimming round (None when not trimming).
    trimmed: np.ndarray | None = None


def _labels(values: pd.Series, name: str) -> str:
    shown = ", ".join(repr(v) for v in list(pd.unique(values))[:5])
    return f"{name}: {shown}"


def _where(by: str, label: object) -> str:
    return "" if by == "_group" else f" in {by} {str(label)!r}"


def prepare(frame: pd.DataFrame, margins: pd.DataFrame, *, by: str, base_weights: object, on_empty: str) -> Problem:
    """Check the frame against the margins and build the arrays the IPF loop needs."""
    if on_empty not in ("raise", "redistribute"):
        raise ValueError("on_empty must be 'raise' or 'redistribute'")
    need = {by, "variable", "category", "total"}
    if not need <= set(margins.columns):
        raise RakingError(f"margins need the columns {sorted(need)}")
    if margins.empty:
        raise RakingError("margins are empty")
    totals = pd.to_numeric(margins["total"], errors="coerce").to_numpy(dtype=float)
    if not np.all(np.isfinite(totals)) or np.any(totals < 0):
        raise RakingError("margin totals must be finite and non-negative")
    if margins.duplicated([by, "variable", "category"]).any():
        raise RakingError("margins list a (group, variable, category) more than once")
    groups = pd.Index(pd.unique(margins[by]))
    if frame[by].isna().any():
        raise RakingError(f"column {by!r} has missing values")
    group = codes_for(frame[by], groups)
    if np.any(group < 0):
        raise RakingError(f"no margins for some groups in column {by!r} ({_labels(frame[by][group < 0], 'e.g.')})")
    n, n_groups = len(frame), len(groups)
    if base_weights is None:
        base = np.ones(n)
    else:
        base = np.asarray(base_weights, dtype=float).copy()
        if base.shape != (n,) or not np.all(np.isfinite(base)) or np.any(base <= 0):
            raise RakingError("base_weights must hold one finite, positive weight per row")
    codes, targets = [], []
    grand = None
    for var, sub in margins.groupby("variable", sort=False):
        if var not in frame.columns:
            raise RakingError(f"margin variable {var!r} is not a column of the frame")
        col = frame[var]
        if col.isna().any():
            raise RakingError(f"column {var!r} has {int(col.isna().sum())} missing values; impute or drop them first")
        cats = pd.Index(pd.unique(sub["category"]))
        cat = codes_for(col, cats)
        if np.any(cat < 0):
            raise RakingError(f"categories of {var!r} missing from the margins ({_labels(col[cat < 0], 'e.g.')})")
        k = len(cats)
        target = np.full(n_groups * k, np.nan)
        gi = codes_for(sub[by], groups)
        ci = codes_for(sub["category"], cats)
        target[gi * k + ci] = pd.to_numeric(sub["total"]).to_numpy(dtype=float)
        code = group * k + cat
        seen = np.bincount(code, weights=base, minlength=n_groups * k)
        if np.any(np.isnan(target) & (seen > 0)):
            bad = np.flatnonzero(np.isnan(target) & (seen > 0))[0]
            raise RakingError(f"no margin for {var}={cats[bad % k]!r}{_where(by, groups[bad // k])}")
        target = np.nan_to_num(target, nan=0.0).reshape(n_groups, k)
        group_total = target.sum(axis=1)
        empty = (target > 0) & (seen.reshape(n_groups, k) == 0)
        has_rows = np.bincount(group, minlength=n_groups) > 0
        empty &= has_rows[:, None]
        if empty.any():
            if on_empty == "raise":
                g, c = np.argwhere(empty)[0]
                raise RakingError(
                    f"{var}={cats[c]!r} has a population of {target[g, c]:g}{_where(by, groups[g])} but no respondents"
                )
            kept = np.where(empty, 0.0, target)
            scale = np.divide(group_total, kept.sum(axis=1), out=np.zeros(n_groups), where=kept.sum(axis=1) > 0)
            target = kept * scale[:, None]
        if grand is None:
            grand = group_total
        else:
            bad = np.abs(group_total - grand) > TOTAL_RTOL * np.maximum(grand, 1e-300)
            if np.any(bad & has_rows):
                g = int(np.flatnonzero(bad & has_rows)[0])
                raise RakingError(
                    f"margin totals disagree{_where(by, groups[g])}: {var!r} adds up to {group_total[g]:g}, "
                    f"another variable to {grand[g]:g}"
                )
        codes.append(code)
        targets.append(target.ravel())
    return Problem(group, groups, codes, targets, base)


def _rel_errors(code: np.ndarray, target: np.ndarray, w: np.ndarray, scale: np.ndarray) -> float:
    got = np.bincount(code, weights=w, minlength=target.size)
    return float(np.max(np.abs(got - target) / scale)) if target.size else 0.0


def ipf(problem: Problem, w: np.ndarray, *, tol: float, max_iter: int) -> tuple[np.ndarray, int, bool, float]:
    """Iterate until every margin cell is within relative ``tol``; weights are updated in place."""
    scales = [np.where(t > 0, t, max(float(t.sum()), 1.0)) for t in problem.targets]
    err = np.inf
    for iteration in range(1, max_iter + 1):
        for code, target in zip(problem.codes, problem.targets):
            got = np.bincount(code, weights=w, minlength=target.size)
            factor = np.divide(target, got, out=np.ones_like(target), where=got > 0)
            w *= factor[code]
        err = max(
            [_rel_errors(c, t, w, s) for c, t, s in zip(problem.codes[:-1], problem.targets[:-1], scales[:-1])],
            default=0.0,
        )
        if err <= tol:
            return w, iteration, True, err
    last = _rel_errors(problem.codes[-1], problem.targets[-1], w, scales[-1])
    return w, max_iter, False, max(err, last)


def weight_ratio(problem: Problem, w: np.ndarray) -> np.ndarray:
    """Each weight over the mean weight of its group (0 in a group whose weights are all 0)."""
    counts = np.maximum(np.bincount(problem.group, minlength=len(problem.groups)), 1)
    mean = (np.bincount(problem.group, weights=w, minlength=counts.size) / counts)[problem.group]
    return np.divide(w, mean, out=np.zeros_like(w), where=mean > 0)


def run(problem: Problem, *, tol: float, max_iter: int, trim: float | None, max_trim_rounds: int) -> Outcome:
    """Rake; with ``trim``, cap weights at ``trim`` × their group's mean and re-rake, repeatedly,
    until no weight exceeds the cap by more than 0.1% or ``max_trim_rounds`` rounds have run.
    The margins hold after every round; the cap is approached, and ``max_ratio`` says how near."""
    if trim is not None and trim <= 1:
        raise ValueError("trim must be greater than 1 (a multiple of the mean weight)")
    w, iterations, converged, err = ipf(problem, problem.base.copy(), tol=tol, max_iter=max_iter)
    rounds = 0
    trimmed = np.zeros(w.size, dtype=bool)
    if trim is not None:
        for _ in range(max_trim_rounds):
            ratio = weight_ratio(problem, w)
            over = ratio > trim * (1 + 1e-3)
            if not over.any():
                break
            rounds += 1
            trimmed |= over
            w = np.minimum(w, w / ratio * trim)
            w, more, converged, err = ipf(problem, w, tol=tol, max_iter=max_iter)
            iterations += more
    ratio = weight_ratio(problem, w) if w.size else np.zeros(1)
    return Outcome(w, iterations, converged, err, rounds, int(trimmed.sum()), float(ratio.max()), trimmed)


def group_fits(problem: Problem, w: np.ndarray, *, tol: float) -> np.ndarray:
    """Per group: True when its weights are finite, above 1e-9 × the group's mean weight, and meet
    every margin cell of the group to relative ``tol`` (a degenerate raking drives some weights
    to zero, or oscillates, when a handful of respondents cannot match the margins)."""
    n_groups = len(problem.groups)
    counts = np.bincount(problem.group, minlength=n_groups)
    finite = np.isfinite(w)
    ok = np.bincount(problem.group, weights=(~finite).astype(float), minlength=n_groups) == 0
    safe = np.where(finite, w, 0.0)
    mean = np.bincount(problem.group, weights=safe, minlength=n_groups) / np.maximum(counts, 1)
    tiny = safe <= 1e-9 * mean[problem.group]
    ok &= np.bincount(problem.group, weights=tiny.astype(float), minlength=n_groups) == 0
    for code, target in zip(problem.codes, problem.targets):
        got = np.bincount(code, weights=safe, minlength=target.size)
        scale = np.where(target > 0, target, 1.0)
        cell_error = (np.abs(got - target) / scale).reshape(n_groups, -1)
        ok &= cell_error.max(axis=1, initial=0.0) <= tol
    return ok & (counts > 0)
