"""In-memory analysis benchmark: raking and indices for 1,000,000 synthetic responses.

500 NGOs × 20 regions × 4 periods, seeded. Each respondent is asked about 3 NGOs (awareness);
the aware ones also rate trust, usefulness and transparency (1–5, ~8% "don't know"). Prints:
raking time and iterations (each region × period raked to its sex × age × settlement margins in
one call), the analysis step (every survey metric for all NGO × region × period cells and national
rows, with intervals), the full index table with the external assessment, and a bare numpy
``bincount`` group mean of the same answers as the floor, with the ratio analysis / floor.
Figures only: no asserts. Run: ``.venv/bin/python benchmarks/scores_analysis.py [responses]``.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.indices import compute_indices, survey_indices  # noqa: E402
from analysis.weighting import margins_from_cells, rake_within_groups  # noqa: E402

N_NGOS, N_REGIONS, N_PERIODS, NGOS_EACH = 500, 20, 4, 3
SEXES, AGES, SETTLEMENTS = ["female", "male"], ["18-29", "30-44", "45-59", "60+"], ["urban", "rural"]
PERIODS = ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]


def generate(n: int, seed: int = 20260101) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Respondents, population cells per region × period stratum, and the long answers frame."""
    rng = np.random.default_rng(seed)
    region = rng.integers(0, N_REGIONS, n)
    period = rng.integers(0, N_PERIODS, n)
    respondents = pd.DataFrame({
        "stratum": region * N_PERIODS + period,
        "sex": pd.Categorical.from_codes(rng.choice(2, n, p=[0.6, 0.4]), SEXES),
        "age_group": pd.Categorical.from_codes(rng.choice(4, n, p=[0.35, 0.3, 0.2, 0.15]), AGES),
        "settlement": pd.Categorical.from_codes(rng.choice(2, n, p=[0.7, 0.3]), SETTLEMENTS),
    })
    cells = pd.MultiIndex.from_product(
        [range(N_REGIONS * N_PERIODS), SEXES, AGES, SETTLEMENTS], names=["stratum", "sex", "age_group", "settlement"]
    ).to_frame(index=False)
    cells["population"] = rng.integers(20_000, 120_000, len(cells))
    # Answers: each respondent is asked about NGOS_EACH NGOs.
    rid = np.repeat(np.arange(n), NGOS_EACH)
    ngo = rng.integers(0, N_NGOS, rid.size)
    appeal = rng.uniform(0.2, 0.8, N_NGOS)
    aware = (rng.random(rid.size) < appeal[ngo]).astype(float)
    aware[rng.random(rid.size) < 0.03] = np.nan
    asked = np.flatnonzero(aware == 1)
    parts = [pd.DataFrame({"rid": rid, "ngo": ngo, "construct": 0, "value": aware})]
    for code in (1, 2, 3):
        value = np.clip(np.round(rng.normal(3 + appeal[ngo[asked]], 1.1)), 1, 5)
        value[rng.random(asked.size) < 0.08] = np.nan
        parts.append(pd.DataFrame({"rid": rid[asked], "ngo": ngo[asked], "construct": code, "value": value}))
    answers = pd.concat(parts, ignore_index=True)
    answers["region"] = region[answers["rid"].to_numpy()]
    answers["period"] = pd.Categorical.from_codes(period[answers["rid"].to_numpy()], PERIODS)
    answers["construct"] = pd.Categorical.from_codes(answers["construct"].to_numpy(),
                                                     ["awareness", "trust", "usefulness", "transparency"])
    return respondents, cells, answers


def best_of(runs: int, fn):  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    t0 = time.perf_counter()
    respondents, cells, answers = generate(n)
    print(f"generated {n:,} responses, {len(answers):,} answers, {N_NGOS} NGOs x {N_REGIONS} regions x "
          f"{N_PERIODS} periods in {time.perf_counter() - t0:.2f} s (not counted)")

    margins = margins_from_cells(cells, by="stratum")
    t_rake, raked = best_of(1, lambda: rake_within_groups(respondents, margins, by="stratum"))
    print(f"raking: {t_rake:.3f} s, {raked.iterations} iterations, converged={raked.converged}, "
          f"max relative error {raked.max_rel_error:.1e}, {len(raked.by_group)} region x period groups, "
          f"Kish deff {raked.deff:.3f}")
    answers["weight"] = raked.weights.to_numpy()[answers["rid"].to_numpy()]

    t_idx, table = best_of(3, lambda: survey_indices(answers))
    print(f"analysis step (survey indices with intervals, national rows): {t_idx:.3f} s, {len(table):,} rows, "
          f"{table.groupby(['ngo', 'region', 'period'], dropna=False, observed=True).ngroups:,} cells")
    t_all, full = best_of(1, lambda: compute_indices(answers))
    print(f"full index table incl. external assessment: {t_all:.3f} s, {len(full):,} rows")

    ngo = answers["ngo"].to_numpy()
    region = answers["region"].to_numpy()
    period = answers["period"].cat.codes.to_numpy()
    construct = answers["construct"].cat.codes.to_numpy()
    x = answers["value"].to_numpy()
    w = answers["weight"].to_numpy()

    def floor() -> np.ndarray:
        code = ((ngo.astype(np.int64) * N_REGIONS + region) * N_PERIODS + period) * 4 + construct
        ok = ~np.isnan(x)
        c, wx = code[ok], w[ok]
        size = N_NGOS * N_REGIONS * N_PERIODS * 4
        sw = np.bincount(c, wx, size)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.bincount(c, wx * x[ok], size) / sw

    t_floor, _ = best_of(3, floor)
    print(f"floor (bare numpy bincount weighted group mean, same answers): {t_floor:.3f} s")
    print(f"ratio analysis / floor: {t_idx / t_floor:.1f}x (target <= 10x)")


if __name__ == "__main__":
    main()
