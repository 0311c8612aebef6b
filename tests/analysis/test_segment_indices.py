"""``segment_sums`` / ``segment_indices``: several row subsets in one pass, each equal to the
one-subset functions on the filtered frame to the last bit; the whole table, when segments cover
it, is their sums added up (equal to the direct sums up to rounding); ``compute_indices`` reuses
given survey indices."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.indices import compute_indices, segment_indices, segment_sums, survey_indices, survey_sums


def _answers(seed: int = 3, n: int = 4000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    construct = rng.choice(["awareness", "trust", "usefulness", "transparency", "project"], n)
    value = np.where(construct == "awareness", rng.integers(0, 2, n), rng.integers(1, 6, n)).astype(float)
    value[rng.random(n) < 0.08] = np.nan
    return pd.DataFrame({"ngo": rng.integers(1, 9, n), "region": rng.choice([2, 4, 6, 8], n),
                         "period": pd.Categorical(rng.choice(["2026-Q1", "2026-Q2"], n)),
                         "construct": pd.Categorical(construct), "value": value,
                         "weight": rng.uniform(0.2, 4.0, n), "settlement": rng.choice(["urban", "rural", None], n)})


FLOATS = ["sw", "swx", "swx2", "sw2", "sw_hi", "sw_lo"]


def test_segment_sums_equal_survey_sums_of_each_subset_exactly():
    answers = _answers()
    urban = (answers["settlement"] == "urban").to_numpy()
    rural = (answers["settlement"] == "rural").to_numpy()
    sums = segment_sums(answers, {"all": None, "urban": urban, "rural": rural})
    for name, mask in (("urban", urban), ("rural", rural)):
        expected = survey_sums(answers[mask].reset_index(drop=True))
        pd.testing.assert_frame_equal(sums[name], expected, check_exact=True, check_dtype=False)
    # The whole table: the sums of urban, rural and the rows in neither, added in that order ...
    keys = ["ngo", "region", "period", "construct"]
    parts = [survey_sums(answers[m].reset_index(drop=True)).set_index(keys)
             for m in (urban, rural, ~urban & ~rural)]
    whole = sums["all"].set_index(keys)
    added = parts[0].reindex(whole.index, fill_value=0.0)[FLOATS]
    for part in parts[1:]:
        added = added + part.reindex(whole.index, fill_value=0.0)[FLOATS]
    pd.testing.assert_frame_equal(whole[FLOATS], added, check_exact=True)
    # ... which is the direct sum up to rounding, with exactly the same cells and counts.
    direct = survey_sums(answers)
    pd.testing.assert_frame_equal(sums["all"].drop(columns=FLOATS), direct.drop(columns=FLOATS), check_exact=True)
    pd.testing.assert_frame_equal(sums["all"], direct, check_exact=False, rtol=1e-13)


def test_segment_indices_equal_survey_indices_and_feed_compute_indices():
    answers = _answers()
    urban = (answers["settlement"] == "urban").to_numpy()
    tables = segment_indices(answers, {"all": None, "urban": urban})
    pd.testing.assert_frame_equal(tables["all"], survey_indices(answers), check_exact=False, rtol=1e-12, atol=1e-9)
    expected = survey_indices(answers[urban].reset_index(drop=True))
    pd.testing.assert_frame_equal(tables["urban"], expected, check_exact=True, check_dtype=False)
    given = compute_indices(answers, survey=tables["all"])
    pd.testing.assert_frame_equal(given, compute_indices(answers), check_exact=False, rtol=1e-12, atol=1e-9)
    assert set(tables["urban"]["metric"]) >= {"awareness", "trust_index", "net_trust"}


def test_segment_mask_of_the_wrong_length_is_refused():
    answers = _answers(n=50)
    with pytest.raises(ValueError, match="one value per answer"):
        segment_sums(answers, {"urban": np.ones(49, dtype=bool)})


def test_empty_segment_gives_an_empty_table():
    answers = _answers(n=200)
    sums = segment_sums(answers, {"none": np.zeros(len(answers), dtype=bool)})
    assert sums["none"].empty and "sw" in sums["none"].columns
