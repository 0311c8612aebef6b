"""Raking: a hand-solved textbook table, an independent calibration solver, and properties."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.weighting import (
    RakingError, effective_n, kish_deff, margins_from_cells, rake, rake_with_report, rake_within_groups,
)


def _table_frame(counts: dict[tuple[str, str], int]) -> pd.DataFrame:
    rows = [key for key, k in counts.items() for _ in range(k)]
    return pd.DataFrame(rows, columns=["row", "col"])


def test_two_by_two_textbook_table_matches_closed_form() -> None:
    # Survey table 7 9 / 12 7 raked to census margins rows 5, 15 and columns 10, 10 (the
    # "raking as constrained optimisation" example). IPF keeps the cross-product ratio, so the
    # fitted cell a = x11 solves a(5 + a) / ((5 − a)(10 − a)) = 7·7 / (9·12), i.e.
    # 59a² + 1275a − 2450 = 0, worked by hand.
    frame = _table_frame({("r1", "c1"): 7, ("r1", "c2"): 9, ("r2", "c1"): 12, ("r2", "c2"): 7})
    w = rake(frame, {"row": {"r1": 5, "r2": 15}, "col": {"c1": 10, "c2": 10}})
    a = (-1275 + np.sqrt(1275**2 + 4 * 59 * 2450)) / (2 * 59)
    cell = w.groupby([frame["row"], frame["col"]]).sum()
    assert cell[("r1", "c1")] == pytest.approx(a, abs=1e-6)
    assert cell[("r1", "c2")] == pytest.approx(5 - a, abs=1e-6)
    assert cell[("r2", "c1")] == pytest.approx(10 - a, abs=1e-6)
    assert cell[("r2", "c2")] == pytest.approx(5 + a, abs=1e-6)
    # Every respondent of a cell gets the same weight.
    assert w.groupby([frame["row"], frame["col"]]).nunique().max() == 1


def _calibrate_raking(frame: pd.DataFrame, margins: dict[str, dict[object, float]]) -> np.ndarray:
    """Independent solution: Deville–Särndal calibration with the raking distance, w = d·exp(xλ),
    solved for λ by scipy's root finder (not IPF)."""
    cols = []
    targets = []
    for j, (var, cats) in enumerate(margins.items()):
        for k, (cat, total) in enumerate(cats.items()):
            if j > 0 and k == 0:
                continue  # drop one category per extra variable: the grand total is shared
            cols.append((frame[var] == cat).to_numpy(float))
            targets.append(total)
    x = np.column_stack(cols)
    t = np.array(targets, dtype=float)
    # Damped Newton on the calibration equations Σ x·exp(xλ) = t (Jacobian Xᵀ diag(w) X).
    lam = np.zeros(len(t))
    for _ in range(200):
        w = np.exp(x @ lam)
        gap = x.T @ w - t
        if np.max(np.abs(gap) / t) < 1e-13:
            break
        step = np.linalg.solve(x.T @ (x * w[:, None]), gap)
        scale = 1.0
        while np.max(np.abs(x.T @ np.exp(x @ (lam - scale * step)) - t) / t) > np.max(np.abs(gap) / t) and scale > 1e-6:
            scale /= 2
        lam -= scale * step
    else:
        raise AssertionError("calibration solver did not converge")
    return np.exp(x @ lam)


def test_three_variable_rake_agrees_with_calibration_solver() -> None:
    rng = np.random.default_rng(11)
    n = 600
    frame = pd.DataFrame({
        "sex": rng.choice(["female", "male"], n, p=[0.6, 0.4]),
        "age_group": rng.choice(["18-29", "30-44", "45-59", "60+"], n, p=[0.4, 0.3, 0.2, 0.1]),
        "settlement": rng.choice(["urban", "rural"], n, p=[0.7, 0.3]),
    })
    margins = {
        "sex": {"female": 5200.0, "male": 4800.0},
        "age_group": {"18-29": 2500.0, "30-44": 2800.0, "45-59": 2600.0, "60+": 2100.0},
        "settlement": {"urban": 6000.0, "rural": 4000.0},
    }
    ours = rake(frame, margins).to_numpy()
    theirs = _calibrate_raking(frame, margins)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)


def test_report_and_design_effect() -> None:
    frame = _table_frame({("a", "x"): 30, ("a", "y"): 10, ("b", "x"): 5, ("b", "y"): 55})
    result = rake_with_report(frame, {"row": {"a": 50, "b": 50}, "col": {"x": 50, "y": 50}})
    assert result.converged and result.iterations >= 2
    assert result.max_rel_error <= 1e-10
    w = result.weights.to_numpy()
    assert result.deff == pytest.approx(len(w) * (w**2).sum() / w.sum() ** 2)
    assert result.n_eff == pytest.approx(len(w) / result.deff)
    assert kish_deff(np.ones(7)) == pytest.approx(1.0)
    assert effective_n([1, 1, 2, 2]) == pytest.approx(36 / 10)
    with pytest.raises(ValueError):
        kish_deff([])
    with pytest.raises(ValueError):
        kish_deff([1.0, -1.0])


def test_errors_are_clear() -> None:
    frame = _table_frame({("a", "x"): 3, ("b", "y"): 3})
    ok = {"row": {"a": 5, "b": 5}, "col": {"x": 4, "y": 6}}
    with pytest.raises(RakingError, match="missing from the margins"):
        rake(frame, {"row": {"a": 10}, "col": ok["col"]})
    with pytest.raises(RakingError, match="disagree"):
        rake(frame, {"row": ok["row"], "col": {"x": 4, "y": 7}})
    with pytest.raises(RakingError, match="no respondents"):
        rake(frame, {"row": {"a": 4, "b": 4, "c": 2}, "col": ok["col"]})
    with pytest.raises(RakingError, match="missing values"):
        rake(frame.assign(row=[None, "a", "a", "b", "b", "b"]), ok)
    with pytest.raises(RakingError, match="base_weights"):
        rake(frame, ok, base_weights=np.zeros(6))
    # a and x coincide, so the margins a = 5 and x = 4 cannot both hold: no convergence.
    with pytest.raises(RakingError, match="did not converge"):
        rake(frame, ok, max_iter=50)


def test_base_weights_are_the_starting_point() -> None:
    frame = pd.DataFrame({"sex": ["f", "f", "m", "m"]})
    w = rake(frame, {"sex": {"f": 10, "m": 30}}, base_weights=np.array([1.0, 3.0, 1.0, 1.0]))
    np.testing.assert_allclose(w.to_numpy(), [2.5, 7.5, 15, 15])
    assert list(w.index) == list(frame.index)


def test_trimming_caps_weights_and_keeps_margins() -> None:
    rng = np.random.default_rng(5)
    n = 400
    frame = pd.DataFrame({
        "sex": rng.choice(["f", "m"], n, p=[0.8, 0.2]),
        "age": rng.choice(["young", "old"], n, p=[0.8, 0.2]),
    })
    margins = {"sex": {"f": 550.0, "m": 450.0}, "age": {"young": 450.0, "old": 550.0}}
    plain = rake_with_report(frame, margins)
    trimmed = rake_with_report(frame, margins, trim=4.0)
    w = trimmed.weights
    assert plain.max_weight_ratio > 6
    assert trimmed.converged and trimmed.trim_rounds >= 1 and trimmed.n_trimmed >= 1
    assert w.max() / w.mean() == pytest.approx(trimmed.max_weight_ratio)
    assert trimmed.max_weight_ratio <= 4.0 * 1.001
    for var, cats in margins.items():
        sums = w.groupby(frame[var]).sum()
        for cat, total in cats.items():
            assert sums[cat] == pytest.approx(total, rel=1e-8)
    assert trimmed.deff < plain.deff
    with pytest.raises(ValueError, match="trim"):
        rake_with_report(frame, margins, trim=1.0)


def _regional_frame(seed: int, n: int = 3000) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    regions = [f"KZ-{i}" for i in range(10, 30)]
    frame = pd.DataFrame({
        "region": rng.choice(regions, n),
        "sex": rng.choice(["female", "male"], n),
        "age_group": rng.choice(["18-29", "30-44", "45-59", "60+"], n, p=[0.4, 0.3, 0.2, 0.1]),
        "settlement": rng.choice(["urban", "rural"], n, p=[0.75, 0.25]),
    })
    cells = pd.MultiIndex.from_product(
        [regions, ["female", "male"], ["18-29", "30-44", "45-59", "60+"], ["urban", "rural"]],
        names=["region", "sex", "age_group", "settlement"],
    ).to_frame(index=False)
    cells["population"] = rng.integers(5_000, 80_000, len(cells))
    return frame, cells


def test_rake_within_regions_meets_every_regional_margin_and_matches_separate_rakes() -> None:
    frame, cells = _regional_frame(3)
    margins = margins_from_cells(cells, by="region")
    result = rake_within_groups(frame, margins, by="region")
    assert result.converged
    w = result.weights
    for var in ("sex", "age_group", "settlement"):
        got = w.groupby([frame["region"], frame[var]]).sum()
        want = cells.groupby(["region", var])["population"].sum()
        np.testing.assert_allclose(got.sort_index().to_numpy(), want.sort_index().to_numpy(), rtol=1e-9)
    # Same as raking each region on its own with the public function.
    for region in ("KZ-10", "KZ-23"):
        part = frame[frame["region"] == region]
        sub = cells[cells["region"] == region]
        one = rake(part, {v: sub.groupby(v)["population"].sum().to_dict() for v in ("sex", "age_group", "settlement")})
        np.testing.assert_allclose(w[part.index].to_numpy(), one.to_numpy(), rtol=1e-8)
    assert set(result.by_group.columns) >= {"region", "n", "deff", "n_eff"}
    assert (result.by_group["deff"] >= 1 - 1e-12).all()


def test_empty_regional_cell_raises_or_is_redistributed() -> None:
    frame, cells = _regional_frame(4, n=2000)
    frame = frame[~((frame["region"] == "KZ-12") & (frame["age_group"] == "60+"))]
    margins = margins_from_cells(cells, by="region")
    with pytest.raises(RakingError, match="60\\+.*KZ-12"):
        rake_within_groups(frame, margins, by="region")
    result = rake_within_groups(frame, margins, by="region", on_empty="redistribute")
    region_total = result.weights[frame["region"] == "KZ-12"].sum()
    assert region_total == pytest.approx(cells.loc[cells["region"] == "KZ-12", "population"].sum(), rel=1e-9)
    with pytest.raises(RakingError, match="no margins"):
        rake_within_groups(frame.assign(region="KZ-99"), margins, by="region")


@st.composite
def _frames(draw: st.DrawFn) -> tuple[pd.DataFrame, dict[str, dict[int, float]]]:
    n = draw(st.integers(5, 60))
    k1, k2, k3 = draw(st.integers(1, 3)), draw(st.integers(1, 4)), draw(st.integers(1, 2))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"a": rng.integers(0, k1, n), "b": rng.integers(0, k2, n), "c": rng.integers(0, k3, n)})
    total = draw(st.floats(10, 1e6))
    margins = {}
    for col in ("a", "b", "c"):
        cats = sorted(frame[col].unique())
        shares = rng.uniform(0.2, 1.0, len(cats))
        margins[col] = {int(c): float(total * s / shares.sum()) for c, s in zip(cats, shares)}
    return frame, margins


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_frames())
def test_property_margins_are_met_when_raking_converges(case: tuple[pd.DataFrame, dict[str, dict[int, float]]]) -> None:
    frame, margins = case
    result = rake_with_report(frame, margins, max_iter=2000)
    # Random sparse tables can be infeasible (IPF then fails to converge); when it converges,
    # every margin holds.
    if result.converged:
        w = result.weights
        assert (w >= 0).all()
        for col, cats in margins.items():
            sums = w.groupby(frame[col]).sum()
            for cat, total in cats.items():
                assert sums[cat] == pytest.approx(total, rel=1e-8)
    else:
        with pytest.raises(RakingError):
            rake(frame, margins, max_iter=2000)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_property_full_tables_always_converge(seed: int) -> None:
    rng = np.random.default_rng(seed)
    # Every cell of the cross-table occupied: raking is feasible and must converge.
    frame = pd.MultiIndex.from_product([range(3), range(4), range(2)], names=["a", "b", "c"]).to_frame(index=False)
    frame = frame.loc[frame.index.repeat(rng.integers(1, 5, len(frame)))].reset_index(drop=True)
    total = 1000.0
    margins = {}
    for col, k in (("a", 3), ("b", 4), ("c", 2)):
        s = rng.uniform(0.1, 1, k)
        margins[col] = {i: total * v / s.sum() for i, v in enumerate(s)}
    w = rake(frame, margins)
    for col, cats in margins.items():
        np.testing.assert_allclose(w.groupby(frame[col]).sum().to_numpy(), list(cats.values()), rtol=1e-9)
