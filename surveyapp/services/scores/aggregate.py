"""Rows over all NGOs (``ngo_id`` missing) for a region or the country.

A respondent rates several NGOs, so their answers are not independent. These rows therefore
summarise *respondents*: each respondent contributes one value per metric — the share of the
NGOs asked about that they know, the share of their trust ratings that are 4–5 (or 1–2), the mean
of their (score − 1)/4 × 100 — and the estimate is the weighted mean of those values with an
interval from the respondent-level variance (as ``analysis.estimators.group_mean``, whose
sums and formulas are used here on integer codes: one ``bincount`` per sum, no string keys).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.estimators import mean_from_sums

#: metric → (construct, how a respondent's answers become one value on 0..100 or −100..100)
RESPONDENT_METRICS = {
    "awareness": ("awareness", lambda v: 100.0 * v),
    "trust_share": ("trust", lambda v: 100.0 * (v >= 4)),
    "distrust_share": ("trust", lambda v: 100.0 * (v <= 2)),
    "net_trust": ("trust", lambda v: 100.0 * ((v >= 4).astype(float) - (v <= 2).astype(float))),
    "trust_index": ("trust", lambda v: (v - 1.0) / 4.0 * 100.0),
    "usefulness": ("usefulness", lambda v: (v - 1.0) / 4.0 * 100.0),
    "transparency_perceived": ("transparency", lambda v: (v - 1.0) / 4.0 * 100.0),
}
SEGMENTS = ("all", "urban", "rural")
COLUMNS = ["region_id", "period", "estimate", "se", "ci_low", "ci_high", "n", "n_eff", "metric", "segment", "ngo_id"]


@dataclass(frozen=True)
class RespondentValues:
    """One metric's respondent-level values (respondents in order of first answer) with each
    respondent's region and period codes (−1: missing), settlement and weight."""

    x: np.ndarray
    region: np.ndarray
    period: np.ndarray
    settlement: np.ndarray
    weight: np.ndarray


def respondent_values(answers: pd.DataFrame) -> tuple[dict[str, RespondentValues], pd.Index, pd.Index]:
    """Per metric (see ``RESPONDENT_METRICS``), each respondent's value: the mean over their rated
    answers (``rid`` identifies the respondent) of the metric's transform. Also returns the region
    and period labels that the codes stand for.

    Respondents are ordered by their first rated answer, so every later sum runs over the same
    rows in the same order as a ``groupby`` would (identical floating-point results).
    """
    value = answers["value"].to_numpy(dtype=float)
    rated = np.flatnonzero(~np.isnan(value))
    if not rated.size:
        return {}, pd.Index([]), pd.Index([])
    codes, uniques = pd.factorize(answers["rid"].to_numpy()[rated], sort=False)
    running = np.maximum.accumulate(codes)
    first = rated[np.flatnonzero(np.r_[True, running[1:] > running[:-1]])]  # each respondent's first rated row
    region_codes, regions = pd.factorize(answers["region_id"].to_numpy()[first], sort=True)
    period_codes, periods = pd.factorize(answers["period"].iloc[first], sort=True)
    settlement = np.asarray(answers["settlement"].iloc[first].astype(object).to_numpy())
    weight = answers["weight"].to_numpy(dtype=float)[first]
    construct = answers["construct"].astype("category")
    names = list(construct.cat.categories)
    construct_code = np.asarray(construct.cat.codes, dtype=np.int64)[rated]
    values = value[rated]
    out: dict[str, RespondentValues] = {}
    # Selection and respondent counts per construct, shared by the metrics built on it (four on trust).
    by_construct: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}
    for name in {name for name, _ in RESPONDENT_METRICS.values() if name in names}:
        mask = construct_code == names.index(name)
        if mask.any():
            rows = codes[mask]
            counts = np.bincount(rows, minlength=len(uniques))
            present = np.flatnonzero(counts)
            by_construct[name] = (values[mask], rows, counts[present], present)
    for metric, (name, transform) in RESPONDENT_METRICS.items():
        if name not in by_construct:
            continue
        selected, rows, counts, present = by_construct[name]
        x = np.asarray(transform(selected), dtype=float)
        sums = np.bincount(rows, weights=x, minlength=len(uniques))
        out[metric] = RespondentValues(sums[present] / counts, region_codes[present], period_codes[present],
                                       settlement[present], weight[present])
    return out, pd.Index(regions), pd.Index(np.asarray(periods, dtype=object))


def _means(code: np.ndarray, size: int, x: np.ndarray, w: np.ndarray,
           bounds: tuple[float, float]) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray]:
    """Occupied groups of ``code`` (0 … size−1; −1 excluded), their weighted means (as
    ``group_mean``) and respondent counts."""
    ok = code >= 0
    c, xs, ws = (code, x, w) if ok.all() else (code[ok], x[ok], w[ok])
    n = np.bincount(c, minlength=size).astype(float)
    wx = ws * xs
    sums = [np.bincount(c, v, size) for v in (ws, wx, wx * xs, ws * ws)]
    present = np.flatnonzero(n > 0)
    stats = mean_from_sums(*(s[present] for s in sums), bounds=bounds)
    return present, stats, n[present]


def all_ngo_rows(answers: pd.DataFrame) -> pd.DataFrame:
    """All-NGO rows per region and nationally, for segments all / urban / rural, in the long format.

    ``answers``: per-NGO answers with ``rid`` (respondent), ``construct``, ``value``, and the
    respondent's ``region_id``, ``period``, ``settlement`` and ``weight``.
    """
    values, regions, periods = respondent_values(answers)
    n_periods = max(len(periods), 1)
    parts = []
    for segment in SEGMENTS:
        for metric, v in values.items():
            sel = np.ones(len(v.x), dtype=bool) if segment == "all" else v.settlement == segment
            if not sel.any():
                continue
            bounds = (-100.0, 100.0) if metric == "net_trust" else (0.0, 100.0)
            x, w, region, period = v.x[sel], v.weight[sel], v.region[sel], v.period[sel]
            regional = np.where((region >= 0) & (period >= 0), region * n_periods + period, -1)
            for code, size, national in ((regional, len(regions) * n_periods, False),
                                         (period, n_periods, True)):
                present, stats, n = _means(code, size, x, w, bounds)
                block = pd.DataFrame({
                    "region_id": pd.array([None] * len(present) if national
                                          else regions.take(present // n_periods), dtype="Int64"),
                    "period": periods.take(present if national else present % n_periods),
                })
                for column in ("estimate", "se", "ci_low", "ci_high"):
                    block[column] = stats[column]
                block["n"] = n.astype(np.int64)
                block["n_eff"] = stats["n_eff"]
                parts.append(block.assign(metric=metric, segment=segment))
    if not parts:
        return pd.DataFrame()
    out = pd.concat(parts, ignore_index=True)
    out["ngo_id"] = pd.array([None] * len(out), dtype="Int64")
    return out[COLUMNS]
