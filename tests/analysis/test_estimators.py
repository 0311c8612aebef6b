"""Weighted proportions and means: hand-computed values, published Wilson limits, coverage."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.estimators import (
    group_mean, group_proportion, weighted_mean, weighted_proportion, wilson_interval, z_value,
)


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    # Newcombe (1998), Statistics in Medicine 17:857–872, Table II, Wilson score method.
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)],
)
def test_wilson_matches_published_limits(successes: int, n: int, low: float, high: float) -> None:
    lo, hi = wilson_interval(successes / n, n)
    assert float(lo) == pytest.approx(low, abs=1e-4)
    assert float(hi) == pytest.approx(high, abs=1e-4)


def test_weighted_proportion_by_hand() -> None:
    x = [1, 0, 1, np.nan, 0]
    w = [2.0, 1.0, 1.0, 5.0, 4.0]
    est = weighted_proportion(x, w)
    # Don't know (NaN) leaves the base: p = 3/8; n_eff = 8² / (4 + 1 + 1 + 16) = 64/22.
    n_eff = 64 / 22
    assert est.n == 4
    assert est.n_eff == pytest.approx(n_eff)
    assert est.estimate == pytest.approx(3 / 8)
    assert est.se == pytest.approx(math.sqrt(3 / 8 * 5 / 8 / n_eff))
    z2 = z_value() ** 2
    centre = (3 / 8 + z2 / (2 * n_eff)) / (1 + z2 / n_eff)
    half = math.sqrt(z2) / (1 + z2 / n_eff) * math.sqrt(3 / 8 * 5 / 8 / n_eff + z2 / (4 * n_eff**2))
    assert est.ci_low == pytest.approx(centre - half)
    assert est.ci_high == pytest.approx(centre + half)
    with pytest.raises(ValueError):
        weighted_proportion([0, 2], [1, 1])
    with pytest.raises(ValueError):
        weighted_proportion([0, 1], [1, -1])


def test_weighted_mean_by_hand() -> None:
    est = weighted_mean([1, 2, 3, 4], [1, 1, 2, 4])
    mean = 25 / 8
    var_pop = (1 * (1 - mean) ** 2 + 1 * (2 - mean) ** 2 + 2 * (3 - mean) ** 2 + 4 * (4 - mean) ** 2) / 8
    n_eff = 64 / 22
    var = var_pop * n_eff / (n_eff - 1)
    se = math.sqrt(var / n_eff)
    assert est.estimate == pytest.approx(mean)
    assert est.se == pytest.approx(se)
    assert est.ci_low == pytest.approx(mean - 1.959963984540054 * se)
    # Equal weights: the textbook s / sqrt(n) with the n − 1 variance.
    plain = weighted_mean([2, 4, 4, 4, 5, 5, 7, 9])
    assert plain.se == pytest.approx(np.std([2, 4, 4, 4, 5, 5, 7, 9], ddof=1) / math.sqrt(8))
    # One respondent: a value but no interval.
    single = weighted_mean([3.0], [2.0])
    assert single.estimate == 3.0 and math.isnan(single.se) and math.isnan(single.ci_low)
    bounded = weighted_mean([0, 100], bounds=(0, 100))
    assert bounded.ci_low == 0 and bounded.ci_high == 100


def test_group_functions_match_scalar_ones_and_skip_dont_know() -> None:
    rng = np.random.default_rng(2)
    n = 500
    frame = pd.DataFrame({
        "ngo": rng.integers(1, 4, n), "period": rng.choice(["2026-Q1", "2026-Q2"], n),
        "aware": rng.choice([0.0, 1.0, np.nan], n), "score": rng.choice([1.0, 2, 3, 4, 5, np.nan], n),
        "weight": rng.uniform(0.2, 3, n),
    })
    props = group_proportion(frame, ["ngo", "period"], "aware")
    means = group_mean(frame, ["ngo", "period"], "score")
    assert len(props) == len(means) == 6
    for row in props.itertuples():
        part = frame[(frame["ngo"] == row.ngo) & (frame["period"] == row.period)]
        one = weighted_proportion(part["aware"], part["weight"])
        assert row.estimate == pytest.approx(100 * one.estimate)
        assert row.ci_low == pytest.approx(100 * one.ci_low) and row.ci_high == pytest.approx(100 * one.ci_high)
        assert row.n == one.n and row.n_eff == pytest.approx(one.n_eff)
    for row in means.itertuples():
        part = frame[(frame["ngo"] == row.ngo) & (frame["period"] == row.period)]
        one = weighted_mean(part["score"], part["weight"])
        assert row.estimate == pytest.approx(one.estimate) and row.se == pytest.approx(one.se)
    with pytest.raises(ValueError):
        group_proportion(frame, ["ngo"], "score")


def test_intervals_cover_the_truth_about_95_percent_of_the_time() -> None:
    rng = np.random.default_rng(20260101)
    reps, n = 2000, 300
    rep = np.repeat(np.arange(reps), n)
    weights = rng.lognormal(0.0, 0.6, reps * n)  # unequal weights, unrelated to the answers
    y = (rng.random(reps * n) < 0.3).astype(float)
    score = rng.choice([1, 2, 3, 4, 5], reps * n, p=[0.1, 0.15, 0.2, 0.3, 0.25]).astype(float)
    frame = pd.DataFrame({"rep": rep, "y": y, "score": score, "weight": weights})
    props = group_proportion(frame, ["rep"], "y")
    cover_p = ((props["ci_low"] <= 30) & (props["ci_high"] >= 30)).mean()
    means = group_mean(frame, ["rep"], "score")
    true_mean = 0.1 * 1 + 0.15 * 2 + 0.2 * 3 + 0.3 * 4 + 0.25 * 5
    cover_m = ((means["ci_low"] <= true_mean) & (means["ci_high"] >= true_mean)).mean()
    assert 0.93 <= cover_p <= 0.97, cover_p
    assert 0.93 <= cover_m <= 0.97, cover_m
    # Ignoring the weights (n instead of n_eff) would make the intervals too narrow.
    assert (props["n_eff"] < props["n"]).all()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.sampled_from([0.0, 1.0, np.nan]), st.floats(0.01, 100)),
                min_size=1, max_size=60))
def test_property_group_proportions_stay_in_range(rows: list[tuple[int, float, float]]) -> None:
    frame = pd.DataFrame(rows, columns=["g", "x", "weight"])
    out = group_proportion(frame, ["g"], "x")
    assert (out["n"] >= 1).all()
    for col in ("estimate", "ci_low", "ci_high"):
        assert out[col].between(0, 100).all()
    assert (out["ci_low"] <= out["estimate"] + 1e-9).all() and (out["estimate"] <= out["ci_high"] + 1e-9).all()
    assert (out["n_eff"] <= out["n"] + 1e-9).all()
