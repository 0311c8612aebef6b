"""Properties of text normalisation and of the estimators not covered elsewhere (group proportions,
indices and raking have their own property tests): offsets stay aligned for any text, Kazakh letters
survive normalisation, intervals contain their estimates and stay on their scale, shrunk estimates
stay between the direct ones, and suppression never leaves a small or derivable cell."""
from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from analysis.disclosure import MIN_N, suppress
from analysis.estimators import weighted_mean, weighted_proportion, wilson_interval
from analysis.smallarea import fay_herriot
from analysis.text.normalise import KK_LETTERS, fold_kk, has_kk_letters, normalise, tokenise

KAZAKH = "әғқңөұүһіӘҒҚҢӨҰҮҺІ"
prose = st.text(st.sampled_from(KAZAKH + "абвгдеёжзийклмнопрстуфхцчшщъыьэюяЁА Бqwerty  \n\t.,;:!?«»—-\"'()0123456789"),
                max_size=120)
weights = st.floats(0.01, 100, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=120), prose))
def test_normalise_keeps_length_and_tokens_slice_the_original(text):
    norm = normalise(text)
    assert len(norm) == len(text)
    assert normalise(norm) == norm
    last = 0
    for token in tokenise(text):
        assert last <= token.start < token.end <= len(text)
        assert token.norm == norm[token.start:token.end] and not any(c.isspace() for c in token.norm)
        assert token.end - token.start == len(text[token.start:token.end])
        last = token.end


@settings(max_examples=200, deadline=None)
@given(prose)
def test_kazakh_letters_survive_normalisation_and_fold_away(text):
    norm = normalise(text)
    assert has_kk_letters(norm) == has_kk_letters(text)
    assert not set(fold_kk(norm)) & KK_LETTERS
    assert len(fold_kk(norm)) == len(norm)


@settings(max_examples=300, deadline=None)
@given(st.floats(0, 1), st.floats(0.01, 1e6), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_wilson_interval_contains_p_and_stays_on_0_1(p, n, level):
    low, high = wilson_interval(p, n, level=level)
    assert 0 <= low <= p + 1e-12 and p - 1e-12 <= high <= 1


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([0.0, 1.0, np.nan]), weights), min_size=1, max_size=40))
def test_weighted_proportion_is_a_share_inside_its_interval(rows):
    x, w = zip(*rows)
    assume(any(not np.isnan(v) for v in x))
    est = weighted_proportion(list(x), list(w))
    assert 0 <= est.estimate <= 1 and est.n == sum(not np.isnan(v) for v in x)
    assert est.ci_low <= est.estimate + 1e-9 and est.estimate - 1e-9 <= est.ci_high
    assert 0 < est.n_eff <= est.n + 1e-9


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 5), weights), min_size=1, max_size=40))
def test_weighted_mean_of_a_scale_stays_on_the_scale(rows):
    x, w = (np.array(v, dtype=float) for v in zip(*rows))
    est = weighted_mean(x, w, bounds=(1, 5))
    assert x.min() - 1e-9 <= est.estimate <= x.max() + 1e-9
    if not np.isnan(est.se):
        assert 1 <= est.ci_low <= est.estimate + 1e-9 <= est.ci_high + 2e-9 <= 5 + 2e-9


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 100), st.floats(0.5, 400)), min_size=3, max_size=20),
       st.sampled_from(["reml", "prasad_rao"]))
def test_shrunk_estimates_lie_between_the_direct_ones(areas, method):
    direct, variance = (np.array(v) for v in zip(*areas))
    result = fay_herriot(direct, variance, method=method)
    assert np.all((result.gamma >= -1e-12) & (result.gamma <= 1 + 1e-12))
    assert np.all(result.estimate >= direct.min() - 1e-6) and np.all(result.estimate <= direct.max() + 1e-6)
    # (the MSE may exceed ψ: it adds the uncertainty of the estimated mean and of σ²_v)
    assert np.all(np.isfinite(result.mse) & (result.mse > 0))
    assert np.all((result.ci_low <= result.estimate + 1e-9) & (result.estimate <= result.ci_high + 1e-9))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(0, 40), min_size=2, max_size=6), min_size=1, max_size=4))
def test_no_small_or_derivable_cell_is_published(table):
    """NGOs × regions with a national total each: every cell under 10 is hidden, and no line with a
    published total has exactly one hidden non-empty cell (total minus the rest would give it away)."""
    rows = []
    for ngo, counts in enumerate(table):
        rows.append({"metric": "trust", "ngo": ngo, "region": None, "period": "2026-Q1", "n": sum(counts),
                     "estimate": 50.0})
        rows += [{"metric": "trust", "ngo": ngo, "region": f"KZ-{r}", "period": "2026-Q1", "n": c, "estimate": 50.0}
                 for r, c in enumerate(counts)]
    out = suppress(pd.DataFrame(rows))
    assert not ((out["n"] < MIN_N) & ~out["suppressed"]).any()
    assert out.loc[out["suppressed"], "estimate"].isna().all()
    assert out.loc[~out["suppressed"], "estimate"].notna().all()
    for _ngo, line in out.groupby("ngo"):
        total = line[line["region"].isna()].iloc[0]
        cells = line[line["region"].notna()]
        hidden = cells[cells["suppressed"] & (cells["n"] > 0)]
        assert total["suppressed"] or len(hidden) != 1
