"""Raking (iterative proportional fitting) of survey weights to population margins.

A respondent's weight is multiplied, one margin variable at a time, by target total / weighted
total of its category, and the cycle is repeated until every margin is met to a relative
tolerance. Regions are raked all at once: each (region, category) pair is one cell of a
``np.bincount``, so the cost is a few array passes per cycle whatever the number of regions.
Weights are in persons (they add up to the population total of the margins).
"""
from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from ._raking import TOTAL_RTOL, RakingError, group_fits, prepare, run

__all__ = [
    "TOTAL_RTOL", "RakingError", "RakingResult", "effective_n", "kish_deff", "margins_from_cells", "rake",
    "CollapsedRaking", "RakingPass", "rake_with_report", "rake_within_groups", "rake_within_groups_collapsing",
]


@dataclass(frozen=True)
class RakingResult:
    """Weights (aligned with the frame's index, persons) and how the raking went."""

    weights: pd.Series
    iterations: int
    converged: bool
    #: Largest |weighted total − target| / target over all margin cells (0 when exact).
    max_rel_error: float
    #: Trim-and-re-rake rounds run.
    trim_rounds: int
    #: Rows whose weight was capped in any round.
    n_trimmed: int
    #: Largest weight over the mean weight of its group (after trimming, near ``trim``).
    max_weight_ratio: float
    deff: float
    n_eff: float
    #: Per group (region): ``n, sum_w, deff, n_eff``; None for an ungrouped rake.
    by_group: pd.DataFrame | None = None


def kish_deff(weights: np.ndarray | pd.Series) -> float:
    """Kish design effect of unequal weights, ``n Σw² / (Σw)²`` (≥ 1, unitless).

    Raises ValueError for no weights, negative or non-finite weights, or a zero sum.
    """
    w = np.asarray(weights, dtype=float)
    if w.size == 0 or not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
        raise ValueError("weights must be a non-empty array of finite, non-negative numbers with a positive sum")
    return float(w.size * np.dot(w, w) / w.sum() ** 2)


def effective_n(weights: np.ndarray | pd.Series) -> float:
    """Kish effective sample size ``n / deff = (Σw)² / Σw²`` (respondents). Raises as ``kish_deff``."""
    return float(np.asarray(weights, dtype=float).size / kish_deff(weights))


def rake(
    frame: pd.DataFrame,
    margins: Mapping[str, Mapping[Hashable, float]],
    *,
    base_weights: np.ndarray | pd.Series | None = None,
    tol: float = 1e-10,
    max_iter: int = 1000,
) -> pd.Series:
    """One weight per row of ``frame`` such that, for every column in ``margins``, the weights of
    the rows in each category add up to that category's population total (persons).

    ``base_weights`` (positive, one per row; default 1) are the starting design weights.
    Returns a float Series named ``weight`` on ``frame.index``. Raises ``RakingError`` (a
    ValueError) for missing or unknown categories, inconsistent totals, a category with a positive
    total but no respondents, or no convergence within ``max_iter`` cycles to relative ``tol``.
    """
    result = rake_with_report(frame, margins, base_weights=base_weights, tol=tol, max_iter=max_iter)
    if not result.converged:
        raise RakingError(
            f"raking did not converge in {max_iter} iterations (max relative error {result.max_rel_error:.3g})"
        )
    return result.weights


def rake_with_report(
    frame: pd.DataFrame,
    margins: Mapping[str, Mapping[Hashable, float]],
    *,
    base_weights: np.ndarray | pd.Series | None = None,
    tol: float = 1e-10,
    max_iter: int = 1000,
    trim: float | None = None,
    max_trim_rounds: int = 50,
) -> RakingResult:
    """``rake`` that reports iterations, convergence and design effect instead of raising on
    non-convergence, with optional trimming: weights above ``trim`` × the mean weight are capped
    and the frame re-raked (from the capped weights), repeatedly, until no weight exceeds the cap
    by more than 0.1% or ``max_trim_rounds`` rounds have run. The margins always hold; how near
    the cap was reached is ``max_weight_ratio``.

    Raises ``RakingError`` for bad margins as ``rake`` does.
    """
    missing = [col for col in margins if col not in frame.columns]
    if missing:
        raise RakingError(f"margin variables missing from the frame: {', '.join(map(str, missing))}")
    rows = [(0, col, cat, total) for col, cats in margins.items() for cat, total in cats.items()]
    long = pd.DataFrame(rows, columns=["_group", "variable", "category", "total"])
    work = pd.DataFrame({col: frame[col] for col in margins}, index=frame.index)
    work["_group"] = 0
    result = rake_within_groups(
        work, long, by="_group", base_weights=base_weights, tol=tol, max_iter=max_iter, trim=trim,
        max_trim_rounds=max_trim_rounds,
    )
    return RakingResult(**{**result.__dict__, "by_group": None})


def margins_from_cells(
    cells: pd.DataFrame, *, by: str, variables: tuple[str, ...] = ("sex", "age_group", "settlement"),
    total: str = "population",
) -> pd.DataFrame:
    """One-way margins per group from a population cross-table (one row per group × cell, as
    ``RegionMargin``): a long DataFrame with columns ``by, variable, category, total`` (persons).

    Raises KeyError when a column is missing.
    """
    parts = []
    for var in variables:
        part = cells.groupby([by, var], sort=True, observed=True)[total].sum().reset_index()
        parts.append(part.rename(columns={var: "category", total: "total"}).assign(variable=var))
    return pd.concat(parts, ignore_index=True)[[by, "variable", "category", "total"]]


def rake_within_groups(
    frame: pd.DataFrame,
    margins: pd.DataFrame,
    *,
    by: str,
    base_weights: np.ndarray | pd.Series | None = None,
    tol: float = 1e-10,
    max_iter: int = 1000,
    trim: float | None = None,
    max_trim_rounds: int = 50,
    on_empty: Literal["raise", "redistribute"] = "raise",
) -> RakingResult:
    """Rake every group (e.g. region) of ``frame`` to its own margins, all groups at once.

    ``margins`` is long: columns ``by, variable, category, total`` (persons; see
    ``margins_from_cells``); every ``variable`` must be a column of ``frame``. A margin category
    with a positive total but no respondents in its group raises, or with
    ``on_empty="redistribute"`` has its total shared among the group's other categories of that
    variable in proportion to their totals. Trimming caps weights at ``trim`` × the group's mean
    weight, as in ``rake_with_report``.
    Returns a ``RakingResult`` (``converged`` False rather than raising when ``max_iter`` runs
    out). Raises ``RakingError`` for missing values, unknown groups or categories, inconsistent
    totals within a group, empty cells (with ``on_empty="raise"``) or non-positive base weights.
    """
    problem = prepare(frame, margins, by=by, base_weights=base_weights, on_empty=on_empty)
    out = run(problem, tol=tol, max_iter=max_iter, trim=trim, max_trim_rounds=max_trim_rounds)
    w, g = out.weights, problem.group
    n = np.bincount(g, minlength=len(problem.groups)).astype(float)
    sw = np.bincount(g, weights=w, minlength=n.size)
    sw2 = np.bincount(g, weights=w * w, minlength=n.size)
    with np.errstate(divide="ignore", invalid="ignore"):
        n_eff = np.where(sw2 > 0, sw * sw / np.where(sw2 > 0, sw2, 1.0), np.nan)
        deff = np.where(n_eff > 0, n / np.where(n_eff > 0, n_eff, 1.0), np.nan)
    by_group = pd.DataFrame({by: problem.groups, "n": n.astype(int), "sum_w": sw, "deff": deff, "n_eff": n_eff})
    positive = bool(w.size) and w.sum() > 0
    return RakingResult(
        weights=pd.Series(w, index=frame.index, name="weight"),
        iterations=out.iterations,
        converged=out.converged,
        max_rel_error=out.max_rel_error,
        trim_rounds=out.trim_rounds,
        n_trimmed=out.n_trimmed,
        max_weight_ratio=out.max_ratio,
        deff=kish_deff(w) if positive else float("nan"),
        n_eff=effective_n(w) if positive else float("nan"),
        by_group=by_group[by_group["n"] > 0].reset_index(drop=True),
    )


@dataclass(frozen=True)
class RakingPass:
    """One pass of ``rake_within_groups_collapsing``: the groups raked on one variable set."""

    variables: tuple[str, ...]
    groups: int
    #: Groups whose weights fit (kept); the others go on to the next pass.
    fitted: int
    iterations: int
    converged: bool
    max_rel_error: float


@dataclass(frozen=True)
class CollapsedRaking:
    """Weights from ``rake_within_groups_collapsing`` and which margins each group was raked to."""

    #: One weight per row of the frame (persons), on its index.
    weights: pd.Series
    #: Per group label: the margin variables its weights meet; ``()`` for equal weights.
    variables: dict[Hashable, tuple[str, ...]]
    #: Rows whose weight trimming capped (in the variable set that was kept).
    n_trimmed: int
    passes: tuple[RakingPass, ...] = ()

    @property
    def deff(self) -> float:
        """Kish design effect of all the weights (unitless, ≥ 1)."""
        return kish_deff(self.weights)


def rake_within_groups_collapsing(
    frame: pd.DataFrame,
    margins: pd.DataFrame,
    *,
    by: str,
    variable_sets: Sequence[tuple[str, ...]],
    tol: float = 1e-10,
    max_iter: int = 1000,
    trim: float | None = None,
    fit_tol: float = 1e-6,
) -> CollapsedRaking:
    """Rake every group to the first of ``variable_sets`` it can meet, collapsing for small groups.

    All groups are raked (``rake_within_groups``, empty categories redistributed) on
    ``variable_sets[0]``; a group whose weights are not all positive or miss a margin cell by more
    than relative ``fit_tol`` (a handful of respondents often cannot match three margins at once)
    is raked again on the next set, and so on. A group no set fits gets equal weights adding up to
    its population (the total of its margins). Weights are in persons. Raises ``RakingError``
    for bad margins as ``rake_within_groups`` does and ValueError for an empty ``variable_sets``.
    """
    if not variable_sets:
        raise ValueError("variable_sets must name at least one set of margin variables")
    weights = np.full(len(frame), np.nan)
    todo = np.ones(len(frame), dtype=bool)
    variables: dict[Hashable, tuple[str, ...]] = {}
    n_trimmed = 0
    passes: list[RakingPass] = []
    for names in variable_sets:
        rows = np.flatnonzero(todo)
        sub = frame.iloc[rows]
        long = margins[margins["variable"].isin(names) & margins[by].isin(pd.unique(sub[by]))]
        problem = prepare(sub, long, by=by, base_weights=None, on_empty="redistribute")
        out = run(problem, tol=tol, max_iter=max_iter, trim=trim, max_trim_rounds=50)
        fits = group_fits(problem, out.weights, tol=fit_tol)
        keep = fits[problem.group]
        weights[rows[keep]] = out.weights[keep]
        todo[rows[keep]] = False
        variables.update({label: tuple(names) for label in problem.groups[fits]})
        raked = int(np.count_nonzero(np.bincount(problem.group, minlength=len(problem.groups))))
        passes.append(RakingPass(tuple(names), raked, int(fits.sum()), out.iterations, out.converged,
                                 out.max_rel_error))
        n_trimmed += int(np.count_nonzero(out.trimmed[keep])) if out.trimmed is not None else 0
        if not todo.any():
            break
    if todo.any():
        rest = frame.iloc[np.flatnonzero(todo)][by]
        first = margins[margins["variable"] == variable_sets[0][0]]
        population = first.groupby(by)["total"].sum()
        sizes = rest.map(rest.value_counts())
        weights[todo] = rest.map(population).to_numpy(dtype=float) / sizes.to_numpy(dtype=float)
        variables.update({label: () for label in pd.unique(rest)})
    return CollapsedRaking(pd.Series(weights, index=frame.index, name="weight"), variables, n_trimmed,
                           tuple(passes))
