"""Disclosure control for published cells: primary and complementary suppression.

- **Primary**: a cell whose base has fewer than ``min_n`` (10) respondents shows no value.
  Cells with a missing ``n`` (not survey-based, e.g. the analysts' checklist) are not suppressed.
- **Complementary**: a published total (e.g. the national row of an NGO, which pools its regions)
  minus the other published cells of its line would give away a lone suppressed cell. So in every
  line — the cells that differ only in one total-bearing dimension (``totals``: region, segment,
  …) — that has a published total and exactly one suppressed non-empty cell, the unsuppressed
  cell with the smallest ``n`` > 0 is suppressed too (ties: by the dimension's own order); with
  no such cell, the total itself is. Passes repeat over all dimensions until nothing changes, since
  one suppression can expose a cell in a crossing line.

Two suppressed cells in a line still reveal their pooled value, not either one; the heuristic
does not solve the general linear-algebra attack across many lines, which needs an optimiser.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ._groups import group_index

MIN_N = 10
VALUE_COLUMNS = ("estimate", "se", "ci_low", "ci_high", "shrunk", "shrunk_se", "shrunk_ci_low", "shrunk_ci_high")


def _is_total(column: pd.Series, marker: object) -> np.ndarray:
    return column.isna().to_numpy() if marker is None else (column == marker).fillna(False).to_numpy(dtype=bool)


def suppress(
    cells: pd.DataFrame, *, keys: Sequence[str] = ("metric", "ngo", "region", "period"),
    totals: Mapping[str, object] | None = None, n: str = "n", min_n: int = MIN_N,
    values: Sequence[str] = VALUE_COLUMNS,
) -> pd.DataFrame:
    """A copy of ``cells`` (one row per published cell, identified by ``keys``, with respondent
    count ``n``) with ``suppressed`` (bool) and ``suppression`` (``primary`` | ``complementary`` |
    None) columns, and the ``values`` columns blanked (NaN) on suppressed rows.

    ``totals`` maps each dimension that has total rows to the marker of its total (None: the key
    is missing, the default for ``region``). Raises KeyError for missing columns and ValueError
    for ``min_n`` < 1 or duplicated cells.
    """
    if min_n < 1:
        raise ValueError("min_n must be at least 1")
    keys = list(keys)
    totals = {"region": None} if totals is None else dict(totals)
    out = cells.reset_index(drop=True).copy()
    if out.duplicated(keys).any():
        raise ValueError("cells are not unique by their keys")
    counts = pd.to_numeric(out[n]).to_numpy(dtype=float, na_value=np.nan)
    known = ~np.isnan(counts)
    primary = known & (counts < min_n)
    suppressed = primary.copy()
    nonempty = known & (counts > 0)
    # Missing keys (national or all-NGO rows) are values here, not reasons to drop a row.
    coded = pd.DataFrame({k: pd.factorize(out[k], sort=True, use_na_sentinel=False)[0] for k in keys})
    lines = {}
    for dim, marker in totals.items():
        is_total = _is_total(out[dim], marker)
        gi = group_index(coded, [k for k in keys if k != dim])
        lines[dim] = (is_total, gi, coded[dim].to_numpy())
    changed = True
    while changed:
        changed = False
        for dim, (is_total, gi, order_in_dim) in lines.items():
            member = ~is_total
            total_open = np.zeros(gi.ngroups + 1, dtype=bool)
            codes = np.where(gi.codes < 0, gi.ngroups, gi.codes)
            np.logical_or.at(total_open, codes[is_total & ~suppressed], True)
            lone = np.bincount(codes[member & suppressed & nonempty], minlength=gi.ngroups + 1) == 1
            need = lone & total_open
            need[-1] = False
            if not need.any():
                continue
            cand = np.flatnonzero(member & ~suppressed & nonempty & need[codes])
            ordered = cand[np.lexsort((order_in_dim[cand], counts[cand], codes[cand]))]
            first = ordered[np.r_[True, codes[ordered][1:] != codes[ordered][:-1]]] if ordered.size else ordered
            suppressed[first] = True
            uncovered = need.copy()
            uncovered[codes[first]] = False
            totals_hit = np.flatnonzero(is_total & ~suppressed & uncovered[codes])
            suppressed[totals_hit] = True
            changed = changed or bool(first.size or totals_hit.size)
    out["suppressed"] = suppressed
    out["suppression"] = np.where(primary, "primary", np.where(suppressed, "complementary", None))
    for col in values:
        if col in out:
            out[col] = out[col].where(~suppressed)
    return out
