"""``rake_within_groups_collapsing``: groups too small for every margin are raked to fewer, then
given equal weights; groups that fit keep the full raking."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.weighting import margins_from_cells, rake_within_groups, rake_within_groups_collapsing

ALL = ("sex", "age_group", "settlement")
SETS = (ALL, ("sex", "settlement"), ("settlement",))


def _cells(regions: list[str], seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    cells = pd.MultiIndex.from_product(
        [regions, ["female", "male"], ["18-29", "30-44", "45-59", "60+"], ["urban", "rural"]],
        names=["region", "sex", "age_group", "settlement"]).to_frame(index=False)
    cells["population"] = rng.integers(5_000, 80_000, len(cells)).astype(float)
    return cells


def _big(region: str, n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"region": region, "sex": rng.choice(["female", "male"], n),
                         "age_group": rng.choice(["18-29", "30-44", "45-59", "60+"], n),
                         "settlement": rng.choice(["urban", "rural"], n)})


def _met(frame: pd.DataFrame, weights: pd.Series, cells: pd.DataFrame, region: str, variables) -> None:
    rows = frame["region"] == region
    total = cells.loc[cells["region"] == region, "population"].sum()
    assert weights[rows].sum() == pytest.approx(total, rel=1e-9)
    for var in variables:
        got = weights[rows].groupby(frame.loc[rows, var]).sum()
        want = cells[cells["region"] == region].groupby(var)["population"].sum()
        want = want[got.index] * total / want[got.index].sum()  # absent categories redistributed
        np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=1e-6)


def test_small_groups_fall_back_and_big_ones_match_the_full_raking():
    cells = _cells(["A", "B", "C", "D"])
    # B: two respondents whose sex and age cannot both be matched (each is the only one of their
    # sex and their age group, but the age shares and sex shares differ) -> sex + settlement.
    small = pd.DataFrame({"region": ["B", "B"], "sex": ["male", "female"], "age_group": ["18-29", "60+"],
                          "settlement": ["urban", "urban"]})
    # C: three respondents, a man and a woman in town and a rural woman, where the town holds fewer
    # people than there are men: the lone man cannot carry his sex's share without the town's
    # exceeding its own -> settlement alone.
    c = cells["region"] == "C"
    cells.loc[c & (cells["settlement"] == "urban"), "population"] *= 0.05
    smaller = pd.DataFrame({"region": ["C", "C", "C"], "sex": ["male", "female", "female"],
                            "age_group": ["30-44", "30-44", "30-44"], "settlement": ["urban", "urban", "rural"]})
    frame = pd.concat([_big("A", 400, 1), small, smaller, _big("D", 300, 2)], ignore_index=True)
    margins = margins_from_cells(cells, by="region")
    plain = rake_within_groups(frame, margins, by="region", on_empty="redistribute")
    assert not plain.converged  # the plain raking cannot meet B's and C's margins

    result = rake_within_groups_collapsing(frame, margins, by="region", variable_sets=SETS)
    assert result.variables == {"A": ALL, "D": ALL, "B": ("sex", "settlement"), "C": ("settlement",)}
    w = result.weights
    assert w.index.equals(frame.index) and np.all(np.isfinite(w)) and (w > 0).all()
    for region, variables in result.variables.items():
        _met(frame, w, cells, region, variables)
    # the groups that fit get the full raking's weights (to its tolerance: the plain raking of all
    # four groups iterates on while B and C do not converge)
    alone = frame[frame["region"].isin(["A", "D"])]
    full = rake_within_groups(alone, margins[margins["region"].isin(["A", "D"])], by="region")
    np.testing.assert_allclose(w[alone.index].to_numpy(), full.weights.to_numpy(), rtol=1e-9)
    assert result.n_trimmed == 0
    first, second, third = result.passes
    assert (first.variables, first.groups, first.fitted, first.converged) == (ALL, 4, 2, False)
    assert (second.variables, second.groups, second.fitted) == (("sex", "settlement"), 2, 1)
    assert (third.variables, third.groups, third.fitted) == (("settlement",), 1, 1)
    assert result.deff >= 1


def test_a_group_no_margin_set_fits_gets_equal_weights_adding_to_its_population():
    cells = _cells(["A", "E"])
    cells.loc[(cells["region"] == "E") & (cells["settlement"] == "rural"), "population"] = 0.0  # all urban
    rural_only = pd.DataFrame({"region": ["E"] * 3, "sex": ["male", "female", "male"],
                               "age_group": ["18-29", "30-44", "60+"], "settlement": ["rural"] * 3})
    frame = pd.concat([_big("A", 200, 5), rural_only], ignore_index=True)
    result = rake_within_groups_collapsing(frame, margins_from_cells(cells, by="region"), by="region",
                                           variable_sets=SETS)
    assert result.variables["E"] == () and result.variables["A"] == ALL
    e = result.weights[frame["region"] == "E"]
    population = cells.loc[cells["region"] == "E", "population"].sum()
    np.testing.assert_allclose(e.to_numpy(), population / 3)


def test_trimming_counts_what_the_kept_raking_capped_and_bad_arguments_raise():
    cells = _cells(["A"])
    frame = _big("A", 300, 7)
    margins = margins_from_cells(cells, by="region")
    result = rake_within_groups_collapsing(frame, margins, by="region", variable_sets=SETS, trim=1.5)
    plain = rake_within_groups(frame, margins, by="region", trim=1.5)
    assert result.variables == {"A": ALL} and result.n_trimmed == plain.n_trimmed > 0
    np.testing.assert_allclose(result.weights.to_numpy(), plain.weights.to_numpy(), rtol=1e-12)
    with pytest.raises(ValueError, match="variable_sets"):
        rake_within_groups_collapsing(frame, margins, by="region", variable_sets=())
    with pytest.raises(ValueError, match="trim"):
        rake_within_groups_collapsing(frame, margins, by="region", variable_sets=SETS, trim=1.0)
