"""Rows over all NGOs (``ngo_id`` missing) for a region or the country.

A respondent rates several NGOs, so their answers are not independent. These rows therefore
summarise *respondents*: each respondent contributes one value per metric — the share of the
NGOs asked about that they know, the share of their trust ratings that are 4–5 (or 1–2), the mean
of their (score − 1)/4 × 100 — and the estimate is the weighted mean of those values with an
interval from the respondent-level variance (``analysis.estimators.group_mean``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.estimators import group_mean

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


def respondent_values(answers: pd.DataFrame) -> pd.DataFrame:
    """One row per respondent × metric: the respondent's value (see the module docstring).

    Vectorised: response ids are factorised once and per-respondent means are bincounts.
    """
    columns = ["response_id", "x", "region_id", "period", "weight", "settlement", "metric"]
    rated = answers[answers["value"].notna()]
    if not len(rated):
        return pd.DataFrame(columns=columns)
    codes, uniques = pd.factorize(rated["response_id"], sort=False)
    first = pd.Series(np.arange(len(codes))).groupby(codes).first().to_numpy()
    attrs = rated.iloc[first][["region_id", "period", "weight", "settlement"]].reset_index(drop=True)
    values = rated["value"].to_numpy(dtype=float)
    construct = rated["construct"].astype(str).to_numpy()
    frames = []
    for metric, (name, transform) in RESPONDENT_METRICS.items():
        mask = construct == name
        if not mask.any():
            continue
        x = np.asarray(transform(values[mask]), dtype=float)
        counts = np.bincount(codes[mask], minlength=len(uniques))
        sums = np.bincount(codes[mask], weights=x, minlength=len(uniques))
        present = np.flatnonzero(counts)
        block = attrs.iloc[present].reset_index(drop=True)
        block.insert(0, "x", sums[present] / counts[present])
        block.insert(0, "response_id", np.asarray(uniques)[present])
        frames.append(block.assign(metric=metric))
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def all_ngo_rows(answers: pd.DataFrame) -> pd.DataFrame:
    """All-NGO rows per region and nationally, for segments all / urban / rural, in the long format."""
    values = respondent_values(answers)
    parts = []
    for segment in ("all", "urban", "rural"):
        seg = values if segment == "all" else values[values["settlement"] == segment]
        if not len(seg):
            continue
        for metric, rows in seg.groupby("metric", sort=False):
            bounds = (-100.0, 100.0) if metric == "net_trust" else (0.0, 100.0)
            regional = group_mean(rows, ["region_id", "period"], "x", bounds=bounds)
            national = group_mean(rows, ["period"], "x", bounds=bounds)
            national.insert(0, "region_id", np.nan)
            block = pd.concat([regional, national], ignore_index=True)
            parts.append(block.assign(metric=metric, segment=segment))
    if not parts:
        return pd.DataFrame()
    out = pd.concat(parts, ignore_index=True)
    out["region_id"] = out["region_id"].astype("Int64")
    out["ngo_id"] = pd.array([None] * len(out), dtype="Int64")
    return out
