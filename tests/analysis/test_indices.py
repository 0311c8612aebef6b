"""Survey, project and media indices and the external assessment, against hand computations."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.composite import checklist_scores, external_assessment
from analysis.coverage import media_indices
from analysis.estimators import weighted_mean, weighted_proportion
from analysis.indices import compute_indices, project_indices, survey_indices

RANGES = {
    "net_trust": (-100, 100), "media_net_tone": (-100, 100), "media_stories": (0, np.inf),
    "media_reach": (0, np.inf),
}


def _answers() -> pd.DataFrame:
    # NGO 7, period Q1. Region 1: four respondents, region 2: two.
    rows = [
        # response, region, weight, aware, trust, usefulness
        (1, 1, 1.0, 1, 5, 4), (2, 1, 2.0, 1, 4, np.nan), (3, 1, 1.0, 1, 1, 2), (4, 1, 1.0, 0, None, None),
        (5, 2, 3.0, 1, 3, 5), (6, 2, 1.0, np.nan, None, None),
    ]
    out = []
    for rid, region, w, aware, trust, useful in rows:
        base = {"response": rid, "ngo": 7, "region": region, "period": "2026-Q1", "weight": w}
        out.append({**base, "construct": "awareness", "value": aware})
        if aware == 1:
            out.append({**base, "construct": "trust", "value": trust})
            out.append({**base, "construct": "usefulness", "value": useful})
    return pd.DataFrame(out)


def _get(table: pd.DataFrame, metric: str, region: object) -> pd.Series:
    where = table["region"].isna() if region is None else table["region"] == region
    rows = table[(table["metric"] == metric) & where]
    assert len(rows) == 1, (metric, region, rows)
    return rows.iloc[0]


def test_survey_metrics_by_hand() -> None:
    table = survey_indices(_answers())
    # Region 1 awareness: weights 1, 2, 1 aware of 1, 2, 1, 1 asked → 4/5.
    aware = _get(table, "awareness", 1)
    assert aware["estimate"] == pytest.approx(80.0) and aware["n"] == 4
    # Region 1 trust: scores 5 (w1), 4 (w2), 1 (w1): trust share 3/4, distrust 1/4.
    assert _get(table, "trust_share", 1)["estimate"] == pytest.approx(75.0)
    assert _get(table, "distrust_share", 1)["estimate"] == pytest.approx(25.0)
    net = _get(table, "net_trust", 1)
    assert net["estimate"] == pytest.approx(50.0)
    n_eff = 16 / 6
    assert net["se"] == pytest.approx(100 * math.sqrt((0.75 + 0.25 - 0.5**2) / n_eff))
    # Trust index: (5−1)/4·100 = 100, 75, 0 with weights 1, 2, 1 → 62.5.
    idx = _get(table, "trust_index", 1)
    assert idx["estimate"] == pytest.approx(62.5)
    assert idx["se"] == pytest.approx(weighted_mean([100, 75, 0], [1, 2, 1]).se)
    # Don't know (NaN) is not in the usefulness base: scores 4 (w1), 2 (w1) → 75, 25 → 50.
    use = _get(table, "usefulness", 1)
    assert use["estimate"] == pytest.approx(50.0) and use["n"] == 2
    # National rows pool regions with their weights; the don't-know awareness answer is left out.
    nat = _get(table, "awareness", None)
    assert nat["estimate"] == pytest.approx(100 * weighted_proportion([1, 1, 1, 0, 1], [1, 2, 1, 1, 3]).estimate)
    assert nat["n"] == 5
    assert _get(table, "trust_index", None)["estimate"] == pytest.approx((100 + 150 + 0 + 3 * 50) / 7)
    # Nationally the 3 (weight 3) is neither trust nor distrust: 3/7 trust, 1/7 distrust.
    assert _get(table, "trust_share", None)["estimate"] == pytest.approx(300 / 7)
    assert _get(table, "distrust_share", None)["estimate"] == pytest.approx(100 / 7)
    assert _get(table, "net_trust", None)["estimate"] == pytest.approx(200 / 7)
    assert set(table.columns) >= {"ngo", "region", "period", "metric", "estimate", "se", "ci_low", "ci_high", "n",
                                  "n_eff"}


def test_bad_values_raise() -> None:
    bad = _answers()
    bad.loc[bad["construct"] == "trust", "value"] = 6
    with pytest.raises(ValueError, match="1–5"):
        survey_indices(bad)
    bad = _answers()
    bad.loc[bad["construct"] == "awareness", "value"] = 2
    with pytest.raises(ValueError, match="awareness"):
        survey_indices(bad)
    bad = _answers()
    bad["weight"] = 0.0
    with pytest.raises(ValueError, match="weight"):
        survey_indices(bad)


def test_project_indices_by_hand() -> None:
    votes = pd.DataFrame({
        "ngo": [1] * 5, "region": [3, 3, 3, 4, 4], "period": ["2026"] * 5,
        "rating": [5, 4, np.nan, 1, 3], "support": [True, None, False, True, True],
    })
    table = project_indices(votes)
    rating = _get(table, "project_rating", 3)
    assert rating["estimate"] == pytest.approx(87.5) and rating["n"] == 2
    support = _get(table, "project_support", 3)
    assert support["estimate"] == pytest.approx(50.0) and support["n"] == 2
    both = _get(table, "project_assessment", 3)
    assert both["estimate"] == pytest.approx((87.5 + 50) / 2)
    assert both["se"] == pytest.approx((rating["se"] + support["se"]) / 2)
    nat = _get(table, "project_rating", None)
    assert nat["estimate"] == pytest.approx((100 + 75 + 0 + 50) / 4)
    with pytest.raises(ValueError):
        project_indices(votes.assign(rating=[6, 1, 1, 1, 1]))


def test_media_counts_syndicated_stories_once() -> None:
    mentions = pd.DataFrame([
        # ngo, region, story, outlet, reach, tone
        (1, 1, 100, "A", 1000, 0.6), (1, 1, 100, "A", 1000, 0.4),  # two mentions in one article
        (1, 1, 100, "B", 500, 0.5),                                # syndicated copy elsewhere
        (1, 1, 101, "A", 1000, -0.8),
        (1, 1, 102, "C", 0, 0.0),
        (2, 1, 103, "A", 1000, 0.9),
        (1, None, 104, "D", 2000, 0.3),                           # no region: national only
    ], columns=["ngo", "region", "story", "outlet", "reach", "tone"]).assign(period="2026-Q1")
    table = media_indices(mentions)
    assert _get(table[table["ngo"] == 1], "media_stories", 1)["estimate"] == 3
    assert _get(table[table["ngo"] == 1], "media_reach", 1)["estimate"] == 1000 + 500 + 1000 + 0
    # Story tones 0.5, −0.8, 0.0 → one positive, one negative, one neutral.
    assert _get(table[table["ngo"] == 1], "media_net_tone", 1)["estimate"] == pytest.approx(0.0)
    assert _get(table[table["ngo"] == 1], "media_share_of_voice", 1)["estimate"] == pytest.approx(75.0)
    assert _get(table[table["ngo"] == 1], "media_stories", None)["estimate"] == 4
    # Coverage of NGO 2 in region 1: one story (max 3), reach 1000 (max 2500), all positive.
    cov = _get(table[table["ngo"] == 2], "media_coverage", 1)["estimate"]
    vis = 0.5 * math.log1p(1) / math.log1p(3) + 0.5 * math.log1p(1000) / math.log1p(2500)
    assert cov == pytest.approx(100 * vis * 1.0)
    with pytest.raises(ValueError):
        media_indices(mentions.assign(tone=2.0))


def test_external_assessment_combines_four_criteria() -> None:
    keys = {"ngo": 1, "region": 5, "period": "2026-Q1"}
    rows = [
        ("transparency_perceived", 60.0, 4.0, 50), ("usefulness", 70.0, 3.0, 40),
        ("trust_index", 50.0, 5.0, 30), ("project_assessment", 80.0, 6.0, 20),
    ]
    table = pd.DataFrame([{**keys, "metric": m, "estimate": e, "se": s, "ci_low": e - 2 * s,
                           "ci_high": e + 2 * s, "n": n, "n_eff": n * 0.8} for m, e, s, n in rows])
    checks = checklist_scores(pd.DataFrame({
        "ngo": [1], "period": ["2026-Q1"], "annual_report": [True], "audited_statements": [True],
        "funding_sources": [False], "governing_body": [True], "state_contracts_published": [None],
    }))
    assert checks["transparency_checklist"].iloc[0] == 60.0
    out = external_assessment(table, checks)
    transparency = _get(out, "transparency", 5)
    assert transparency["estimate"] == pytest.approx((60 + 60) / 2)
    assert transparency["se"] == pytest.approx(2.0)
    total = _get(out, "external_assessment", 5)
    assert total["estimate"] == pytest.approx((60 + 70 + 50 + 80) / 4)
    assert total["se"] == pytest.approx((2 + 3 + 5 + 6) / 4)
    assert total["n"] == 20 and total["criteria"] == 4
    independent = _get(external_assessment(table, checks, interval="independent"), "external_assessment", 5)
    assert independent["se"] == pytest.approx(math.sqrt(4 + 9 + 25 + 36) / 4)
    weighted = _get(external_assessment(table, checks, weights={"trust_index": 2.0}), "external_assessment", 5)
    assert weighted["estimate"] == pytest.approx((60 + 70 + 2 * 50 + 80) / 5)
    # The checklist also yields a national row for the NGO.
    assert _get(out, "transparency_checklist", None)["estimate"] == 60.0
    # Only two criteria: no composite with the default minimum of three.
    two = external_assessment(table[table["metric"].isin(["usefulness", "trust_index"])])
    assert two[two["metric"] == "external_assessment"].empty
    with pytest.raises(ValueError, match="unknown criterion"):
        external_assessment(table, checks, weights={"media": 1.0})


@st.composite
def _survey(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(1, 80))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    constructs = rng.choice(["awareness", "trust", "usefulness", "transparency", "other"], n)
    value = np.where(constructs == "awareness", rng.integers(0, 2, n), rng.integers(1, 6, n)).astype(float)
    value[rng.random(n) < draw(st.floats(0, 0.5))] = np.nan
    return pd.DataFrame({
        "ngo": rng.integers(1, 4, n), "region": rng.integers(1, 4, n), "period": rng.choice(["a", "b"], n),
        "construct": constructs, "value": value, "weight": rng.lognormal(0, 1, n),
    })


@settings(max_examples=30, deadline=None)
@given(_survey(), st.integers(0, 1000))
def test_property_scores_stay_in_their_ranges(answers: pd.DataFrame, seed: int) -> None:
    rng = np.random.default_rng(seed)
    votes = pd.DataFrame({"ngo": rng.integers(1, 4, 20), "region": rng.integers(1, 4, 20), "period": "a",
                          "rating": rng.choice([1, 2, 3, 4, 5, np.nan], 20),
                          "support": rng.choice([1.0, 0.0, np.nan], 20)})
    mentions = pd.DataFrame({"ngo": rng.integers(1, 4, 15), "region": rng.choice([1.0, 2.0, np.nan], 15),
                             "period": "a", "story": rng.integers(0, 8, 15), "outlet": rng.integers(0, 3, 15),
                             "reach": rng.integers(0, 5000, 15), "tone": rng.uniform(-1, 1, 15)})
    table = compute_indices(answers, votes=votes, mentions=mentions)
    for metric, rows in table.groupby("metric"):
        lo, hi = RANGES.get(str(metric), (0, 100))
        for col in ("estimate", "ci_low", "ci_high"):
            vals = rows[col].dropna()
            assert ((vals >= lo - 1e-9) & (vals <= hi + 1e-9)).all(), (metric, col, vals)
        both = rows.dropna(subset=["ci_low", "ci_high"])
        assert (both["ci_low"] <= both["estimate"] + 1e-9).all() and (both["estimate"] <= both["ci_high"] + 1e-9).all()


def test_other_key_names_work_end_to_end() -> None:
    names = {"ngo": "ngo_id", "region": "region_id"}
    answers = _answers().rename(columns=names)
    mentions = pd.DataFrame({"ngo_id": [7, 7, 8], "region_id": [1, None, 1], "period": "2026-Q1",
                             "group_id": [1, 1, 2], "article_id": [10, 11, 12], "reach": [100, 200, 300],
                             "tone": [0.5, 0.5, -0.5]})
    checklists = pd.DataFrame({"ngo_id": [7], "period": ["2026-Q1"], "annual_report": [True],
                               "audited_statements": [True], "funding_sources": [True], "governing_body": [True],
                               "state_contracts_published": [True]})
    keys = ("ngo_id", "region_id", "period")
    table = compute_indices(answers, checklists=checklists, keys=keys)
    assert {"awareness", "transparency_checklist", "transparency"} <= set(table["metric"])
    assert table.loc[table["metric"] == "transparency_checklist", "region_id"].isna().any()
    media = media_indices(mentions, keys=keys, story="group_id", outlet="article_id")
    sov = media[(media["metric"] == "media_share_of_voice") & (media["region_id"] == 1) & (media["ngo_id"] == 7)]
    assert sov["estimate"].tolist() == [50.0]
    nat = media[(media["metric"] == "media_reach") & media["region_id"].isna() & (media["ngo_id"] == 7)]
    assert nat["estimate"].tolist() == [300.0]
    with pytest.raises(ValueError, match="three"):
        survey_indices(answers, keys=("ngo_id", "period"))


def test_sparse_key_space_gives_the_same_numbers() -> None:
    # 400 distinct values per key: a key space too large to count densely is compressed first.
    rng = np.random.default_rng(4)
    n = 300
    answers = pd.DataFrame({"ngo": rng.choice(np.arange(400) * 7919, n), "region": rng.choice(400, n),
                            "period": rng.choice([f"p{i}" for i in range(400)], n), "construct": "trust",
                            "value": rng.integers(1, 6, n).astype(float), "weight": rng.uniform(0.5, 2, n)})
    table = survey_indices(answers, national=False)
    idx = table[table["metric"] == "trust_index"].set_index(["ngo", "region", "period"])["estimate"]
    answers["index"] = (answers["value"] - 1) * 25
    want = answers.groupby(["ngo", "region", "period"]).apply(
        lambda g: np.average(g["index"], weights=g["weight"]), include_groups=False)
    pd.testing.assert_series_equal(idx.sort_index(), want.sort_index(), check_names=False)


def test_project_indices_equal_survey_indices_of_the_votes_as_string_answers():
    """The votes become category-coded answers; the same table comes from string constructs
    (rating → trust, support → awareness, "" when missing) through ``survey_indices``."""
    from analysis.composite import combine_parts
    from analysis.indices import project_indices, survey_indices

    rng = np.random.default_rng(8)
    n = 600
    votes = pd.DataFrame({"ngo": rng.integers(1, 5, n), "region": rng.choice([1, 2, 3], n),
                          "period": rng.choice(["2026-Q1", "2026-Q2"], n), "rating": rng.integers(1, 6, n).astype(float),
                          "support": rng.integers(0, 2, n).astype(float)})
    votes.loc[rng.random(n) < 0.2, "rating"] = np.nan
    votes.loc[rng.random(n) < 0.2, "support"] = np.nan
    keys = ["ngo", "region", "period"]
    frame = pd.concat([votes[keys]] * 2, ignore_index=True)
    frame["construct"] = np.concatenate([np.where(votes["rating"].isna(), "", "trust"),
                                         np.where(votes["support"].isna(), "", "awareness")])
    frame["value"] = np.concatenate([votes["rating"].to_numpy(), votes["support"].to_numpy()])
    frame["weight"] = 1.0
    table = survey_indices(frame, keys=keys)
    table["metric"] = table["metric"].map({"trust_index": "project_rating", "awareness": "project_support"})
    table = table.dropna(subset=["metric"]).reset_index(drop=True)
    both = combine_parts(table, keys, {"project_rating": 1.0, "project_support": 1.0}, "project_assessment",
                         interval="conservative", min_parts=1)
    expected = pd.concat([table, both], ignore_index=True)
    pd.testing.assert_frame_equal(project_indices(votes, keys=keys), expected, check_exact=True)
