"""Fay–Herriot shrinkage: closed forms, an independent likelihood fit, and a simulation."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize_scalar

from analysis.smallarea import fay_herriot, fay_herriot_batch, shrink_cells


def _reml_loglik(s2: float, y: np.ndarray, psi: np.ndarray) -> float:
    """Restricted log-likelihood of the intercept-only model, written out independently."""
    v = s2 + psi
    a = 1 / v
    beta = (a * y).sum() / a.sum()
    return -0.5 * (np.log(v).sum() + np.log(a.sum()) + (a * (y - beta) ** 2).sum())


def test_balanced_case_has_the_closed_form() -> None:
    y = np.array([40.0, 55.0, 47.0, 62.0, 51.0, 44.0])
    psi = np.full(6, 20.0)
    s2 = y.var(ddof=1) - 20.0  # balanced REML = moment estimate = sample variance − ψ
    for method in ("reml", "prasad_rao"):
        r = fay_herriot(y, psi, method=method)
        assert r.sigma2_v[0] == pytest.approx(s2, rel=1e-8)
        gamma = s2 / (s2 + 20.0)
        np.testing.assert_allclose(r.gamma, gamma)
        np.testing.assert_allclose(r.estimate, gamma * y + (1 - gamma) * y.mean())
        # mse = g1 + g2 + 2 g3 with g1 = γψ, g2 = (1−γ)²ψ_mean-of-GLS, g3 = ψ²/(σ²+ψ)³ · var(σ̂²).
        g1 = gamma * 20
        g2 = (1 - gamma) ** 2 * (s2 + 20) / 6
        v_s2 = 2 * (s2 + 20) ** 2 / 6
        g3 = 20**2 / (s2 + 20) ** 3 * v_s2
        np.testing.assert_allclose(r.mse, g1 + g2 + 2 * g3)


def test_reml_agrees_with_direct_likelihood_maximisation() -> None:
    rng = np.random.default_rng(8)
    y = rng.normal(50, 6, 20)
    psi = rng.uniform(5, 80, 20)
    fit = fay_herriot(y, psi)
    best = minimize_scalar(lambda s: -_reml_loglik(s, y, psi), bounds=(0, 500), method="bounded",
                           options={"xatol": 1e-10})
    assert fit.sigma2_v[0] == pytest.approx(best.x, rel=1e-5)
    assert ((fit.gamma > 0) & (fit.gamma < 1)).all()
    # Noisier regions are pulled harder toward the mean.
    assert np.corrcoef(psi, fit.gamma)[0, 1] < -0.9


def test_shrunk_estimates_beat_direct_ones_with_small_regional_samples() -> None:
    rng = np.random.default_rng(12345)
    reps, m = 300, 20
    theta = rng.normal(55, 4, (reps, m))           # true regional trust index
    n = rng.integers(8, 40, (reps, m))               # few respondents per region
    psi = 25**2 / n                                  # sampling variance of a mean of 0–100 scores
    direct = theta + rng.normal(0, np.sqrt(psi))
    fit = fay_herriot_batch(direct, psi)
    mse_direct = np.mean((direct - theta) ** 2)
    mse_shrunk = np.mean((fit.estimate - theta) ** 2)
    assert mse_shrunk < 0.6 * mse_direct, (mse_shrunk, mse_direct)
    # The MSE approximation is honest on average, and the intervals cover about 95%.
    assert np.mean(fit.mse) == pytest.approx(mse_shrunk, rel=0.2)
    cover = np.mean((fit.ci_low <= theta) & (theta <= fit.ci_high))
    assert 0.92 <= cover <= 0.98, cover
    pr = fay_herriot_batch(direct, psi, method="prasad_rao")
    assert np.mean((pr.estimate - theta) ** 2) < 0.7 * mse_direct


def test_prior_mean_missing_areas_and_too_few_areas() -> None:
    y = np.array([30.0, 70.0, np.nan, 52.0, 48.0])
    psi = np.array([100.0, 100.0, np.nan, 4.0, 4.0])
    fit = fay_herriot(y, psi, prior_mean=50.0)
    assert fit.synthetic[0] == 50.0
    assert fit.estimate[2] == 50.0 and fit.gamma[2] == 0.0  # no direct estimate: synthetic
    assert fit.mse[2] == pytest.approx(fit.sigma2_v[0])
    assert abs(fit.estimate[0] - 50) < 20 and abs(fit.estimate[1] - 50) < 20
    few = fay_herriot([40.0, 60.0], [10.0, 10.0])
    assert not few.fitted[0]
    np.testing.assert_allclose(few.estimate, [40, 60])
    np.testing.assert_allclose(few.gamma, [1, 1])
    with pytest.raises(ValueError):
        fay_herriot([1.0, 2.0, 3.0], [1.0, -1.0, 1.0])
    with pytest.raises(ValueError):
        fay_herriot([1.0, 2.0, 3.0], [1.0, 1.0, 1.0], method="ml")  # type: ignore[arg-type]


def test_shrink_cells_fits_one_model_per_group() -> None:
    rng = np.random.default_rng(3)
    rows = []
    for ngo in (1, 2):
        for region in range(8):
            rows.append({"metric": "trust_index", "ngo": ngo, "period": "2026-Q1", "region": region,
                         "estimate": rng.normal(50 + 10 * ngo, 8), "se": rng.uniform(2, 9)})
    cells = pd.DataFrame(rows).sample(frac=1, random_state=1)  # order must not matter
    out = shrink_cells(cells, bounds=(0, 100))
    for ngo in (1, 2):
        part = out[out["ngo"] == ngo].sort_values("region")
        alone = fay_herriot(part["estimate"].to_numpy(), part["se"].to_numpy() ** 2)
        np.testing.assert_allclose(part["shrunk"].to_numpy(), alone.estimate)
        np.testing.assert_allclose(part["shrunk_se"].to_numpy(), np.sqrt(alone.mse))
        np.testing.assert_allclose(part["gamma"].to_numpy(), alone.gamma)
    assert list(out.index) == list(cells.index)
    assert out["shrunk_ci_low"].between(0, 100).all()


def test_shrink_cells_with_no_complete_group_leaves_every_row_unshrunk() -> None:
    """Rows whose group key is missing (e.g. an NGO-less metric) belong to no model: NaN results,
    also when no row has a complete key (a period with only such rows used to raise IndexError)."""
    cells = pd.DataFrame({"metric": ["trust_index"] * 3, "ngo": [np.nan] * 3, "period": ["2026-Q4"] * 3,
                          "region": [1, 2, 3], "estimate": [40.0, 50.0, 60.0], "se": [5.0, 6.0, 7.0]})
    out = shrink_cells(cells, bounds=(0, 100))
    for name in ("shrunk", "shrunk_se", "shrunk_ci_low", "shrunk_ci_high", "gamma", "sigma2_v"):
        assert out[name].isna().all(), name
    mixed = pd.concat([cells, cells.assign(ngo=7.0)], ignore_index=True)
    out = shrink_cells(mixed)
    assert out.loc[:2, "sigma2_v"].isna().all() and out.loc[3:, "sigma2_v"].notna().all()
    assert out.loc[3:, "shrunk"].notna().all()
