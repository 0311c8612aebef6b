"""The external assessment (0..100): four criteria of the mandate, combined with stated weights.

1. ``transparency`` — financial transparency and accountability: the equal average of the
   analysts' disclosure checklist (``transparency_checklist``: % of the five items met, no
   sampling error) and the public's ``transparency_perceived``; either one alone when only it
   exists. Its se is half the perceived se (the checklist is known exactly).
2. ``usefulness`` — public usefulness and efficiency (survey index).
3. ``trust_index`` — trust in the NGO (survey index).
4. ``project_assessment`` — project ratings and support votes (``analysis.indices.project_indices``).

``external_assessment = Σ w_k C_k / Σ w_k`` over the criteria present (weights default to equal),
published only when at least ``min_criteria`` are present; the ``criteria`` column says how many.
Interval (delta method, linear combination): with ``interval="conservative"`` (default)
``se = Σ (w_k/Σw) se_k``, the largest se any correlation between the parts allows — the parts come
from the same respondents, so independence would understate it; ``interval="independent"``
gives ``sqrt(Σ (w_k/Σw)² se_k²)``. The interval is ``estimate ± z·se`` clipped to 0..100. Its
``n`` / ``n_eff`` are the smallest among the survey-based parts (missing when there are none).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from ._cells import VALUE_COLUMNS, normal_interval, split_keys, with_missing
from .estimators import z_value

CHECKLIST_ITEMS = ("annual_report", "audited_statements", "funding_sources", "governing_body",
                   "state_contracts_published")
CRITERIA = ("transparency", "usefulness", "trust_index", "project_assessment")
Interval = Literal["conservative", "independent"]


def checklist_scores(checklists: pd.DataFrame, *, ngo: str = "ngo", period: str = "period",
                     items: Sequence[str] = CHECKLIST_ITEMS) -> pd.DataFrame:
    """Share of disclosure items met (0..100) per NGO and period, from one row per checklist with
    a boolean column per item (missing counts as not met). Returns columns ``ngo, period,
    transparency_checklist``. Raises KeyError for a missing column."""
    met = checklists[list(items)].fillna(False).astype(bool).to_numpy()
    out = checklists[[ngo, period]].reset_index(drop=True).copy()
    out["transparency_checklist"] = 100.0 * met.mean(axis=1)
    return out


def _key_codes(frame: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """One code per distinct key combination (a missing value is a value), in order of first row."""
    combined = np.zeros(len(frame), dtype=np.int64)
    for key in keys:
        codes, uniques = pd.factorize(frame[key], use_na_sentinel=False)
        combined = pd.factorize(combined * (len(uniques) + 1) + codes, sort=False)[0].astype(np.int64)
    return combined


def _aligned(table: pd.DataFrame, keys: list[str], metrics: list[str]) -> tuple[pd.DataFrame, ...]:
    """The distinct key combinations of the ``metrics`` rows (in order of first row, as
    ``drop_duplicates``) and, per metric (a column each), the estimate, se, n and n_eff of its
    first row for each combination (NaN where it has none): what a left merge of each metric's
    deduplicated rows on the keys gives, by integer codes instead of hashing the keys per metric."""
    sub = table[table["metric"].isin(metrics)]
    group = _key_codes(sub, keys)
    first = np.unique(group, return_index=True)[1]
    base = sub[keys].iloc[first].reset_index(drop=True)
    out = [np.full((len(base), len(metrics)), np.nan) for _ in range(4)]
    which, names = pd.factorize(sub["metric"])
    columns = [sub["estimate"], sub["se"], pd.to_numeric(sub["n"]), sub["n_eff"]]
    values = [c.to_numpy(dtype=float, na_value=np.nan) for c in columns]
    for j, metric in enumerate(metrics):
        rows = np.flatnonzero(which == names.get_indexer([metric])[0]) if metric in names else which[:0]
        cells, pick = np.unique(group[rows], return_index=True)
        for target, source in zip(out, values):
            target[cells, j] = source[rows[pick]]
    return base, *out


def combine_parts(table: pd.DataFrame, keys: Sequence[str], parts: Mapping[str, float], name: str, *,
                  interval: Interval = "conservative", level: float = 0.95, min_parts: int = 1,
                  bounds: tuple[float, float] = (0.0, 100.0)) -> pd.DataFrame:
    """Weighted average ``name`` of the metrics ``parts`` (metric → weight) of the long ``table``
    per key combination, over the parts present, with the se rule of ``interval``.

    Returns long rows plus a ``criteria`` column (parts used). Raises ValueError for negative or
    all-zero weights or an unknown interval rule.
    """
    if interval not in ("conservative", "independent"):
        raise ValueError("interval must be 'conservative' or 'independent'")
    weights = np.array([float(w) for w in parts.values()])
    if np.any(weights < 0) or weights.sum() <= 0:
        raise ValueError("weights must be non-negative and not all zero")
    keys = list(keys)
    base, est, se, n, n_eff = _aligned(table, keys, list(parts))
    present = ~np.isnan(est)
    w = np.where(present, weights, 0.0)
    total = w.sum(axis=1)
    count = (present & (weights > 0)).sum(axis=1)
    ok = (count >= min_parts) & (total > 0)
    share = w / np.where(total > 0, total, 1.0)[:, None]
    value = np.where(ok, (share * np.nan_to_num(est)).sum(axis=1), np.nan)
    se_used = np.where(present, se, 0.0)
    if interval == "conservative":
        s = (share * se_used).sum(axis=1)
    else:
        s = np.sqrt((share**2 * se_used**2).sum(axis=1))
    s = np.where(ok, s, np.nan)
    low, high = normal_interval(value, s, z_value(level), *bounds)
    out = base.copy()
    out["metric"] = name
    out["estimate"], out["se"], out["ci_low"], out["ci_high"] = value, s, low, high
    used = present & (share > 0)
    smallest = np.fmin.reduce(np.where(used, n, np.nan), axis=1) if len(parts) else np.zeros(len(base))
    out["n"] = pd.array(np.where(np.isnan(smallest), None, smallest), dtype="Int64")
    out["n_eff"] = np.fmin.reduce(np.where(used, n_eff, np.nan), axis=1)
    out["criteria"] = count
    return out[ok][[*keys, *VALUE_COLUMNS, "criteria"]].reset_index(drop=True)


def external_assessment(table: pd.DataFrame, checklist: pd.DataFrame | None = None, *,
                        weights: Mapping[str, float] | None = None, keys: Sequence[str] = ("ngo", "region", "period"),
                        level: float = 0.95, interval: Interval = "conservative",
                        min_criteria: int = 3) -> pd.DataFrame:
    """Rows ``transparency_checklist``, ``transparency`` and ``external_assessment`` for the long
    index ``table`` (survey and project metrics) and ``checklist_scores`` output.

    ``weights`` maps criteria (see ``CRITERIA``) to weights; missing ones default to 1. The
    checklist (columns named like the NGO and period keys) applies to every region row of its NGO
    and period, and also yields a national row. Raises ValueError for unknown criteria or bad
    weights.
    """
    keys = list(keys)
    ngo, region, period = split_keys(keys)
    w = {c: 1.0 for c in CRITERIA}
    for c, v in (weights or {}).items():
        if c not in w:
            raise ValueError(f"unknown criterion {c!r}; expected one of {', '.join(CRITERIA)}")
        w[c] = float(v)
    parts = [table]
    if checklist is not None and len(checklist):
        ngo_period = [ngo, period]
        cells = table[table["metric"].isin([*CRITERIA, "transparency_perceived"])][keys].drop_duplicates()
        cells = cells.reset_index(drop=True)
        national = checklist[ngo_period].reset_index(drop=True).copy()
        cells[region], national[region] = with_missing(cells[region], len(national))
        cells = pd.concat([cells, national[keys]], ignore_index=True).drop_duplicates()
        rows = cells.merge(checklist.drop_duplicates(ngo_period), on=ngo_period, how="inner")
        rows = rows.rename(columns={"transparency_checklist": "estimate"})
        rows["metric"], rows["se"], rows["n_eff"] = "transparency_checklist", 0.0, np.nan
        rows["ci_low"] = rows["ci_high"] = rows["estimate"]
        rows["n"] = pd.array([None] * len(rows), dtype="Int64")
        parts.append(rows[[*keys, *VALUE_COLUMNS]])
    # combine_parts reads only the rows of its parts: each gets those rows (in table order) rather
    # than a copy of the whole table.
    halves = {"transparency_checklist": 1.0, "transparency_perceived": 1.0}
    transparency = combine_parts(_rows_of(parts, halves, keys), keys, halves, "transparency", interval=interval,
                                 level=level, min_parts=1)
    overall = combine_parts(_rows_of([*parts, transparency.drop(columns="criteria")], w, keys), keys, w,
                            "external_assessment", interval=interval, level=level, min_parts=min_criteria)
    return pd.concat([*parts[1:], transparency, overall], ignore_index=True)


def _rows_of(frames: list[pd.DataFrame], metrics: Mapping[str, float], keys: list[str]) -> pd.DataFrame:
    """The rows of ``metrics`` in the concatenation of ``frames``, in its order. Frames without
    such rows are left out only when every frame has the same column types (so that the result's
    types are those of the whole concatenation); otherwise the whole concatenation is returned."""
    columns = [*keys, "metric", "estimate", "se", "n", "n_eff"]
    same = all([f[c].dtype for c in columns] == [frames[0][c].dtype for c in columns] for f in frames)
    picked = [p for p in (f[f["metric"].isin(list(metrics))] for f in frames) if not p.empty]
    if not same or not picked:
        return pd.concat(frames, ignore_index=True)
    return pd.concat(picked, ignore_index=True)
