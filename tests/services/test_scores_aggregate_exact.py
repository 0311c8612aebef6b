"""``all_ngo_rows`` equals, to the last bit, the plain computation it replaced: a hashed respondent
code, one selection and ``bincount`` per construct and metric, one ``_means`` per segment × metric
× level on filtered arrays (for ``all``: the sums of urban, rural and other added in that order),
one small frame per block. Checked on answers sorted by respondent
(the coding without hashing) and shuffled (the hashed coding), with don't-knows, missing
settlement and region, and a construct with no answers."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.estimators import mean_from_sums
from surveyapp.services.scores.aggregate import (
    COLUMNS,
    RESPONDENT_METRICS,
    SEGMENTS,
    all_ngo_rows,
)


def _plain_values(answers: pd.DataFrame):  # type: ignore[no-untyped-def]
    value = answers["value"].to_numpy(dtype=float)
    rated = np.flatnonzero(~np.isnan(value))
    if not rated.size:
        return {}, pd.Index([]), pd.Index([])
    codes, uniques = pd.factorize(answers["rid"].to_numpy()[rated], sort=False)
    running = np.maximum.accumulate(codes)
    first = rated[np.flatnonzero(np.r_[True, running[1:] > running[:-1]])]
    region_codes, regions = pd.factorize(answers["region_id"].to_numpy()[first], sort=True)
    period_codes, periods = pd.factorize(answers["period"].iloc[first], sort=True)
    settlement = np.asarray(answers["settlement"].iloc[first].astype(object).to_numpy())
    weight = answers["weight"].to_numpy(dtype=float)[first]
    construct = answers["construct"].astype("category")
    names = list(construct.cat.categories)
    construct_code = np.asarray(construct.cat.codes, dtype=np.int64)[rated]
    values = value[rated]
    out = {}
    for metric, (name, transform) in RESPONDENT_METRICS.items():
        if name not in names:
            continue
        mask = construct_code == names.index(name)
        if not mask.any():
            continue
        rows = codes[mask]
        counts = np.bincount(rows, minlength=len(uniques))
        present = np.flatnonzero(counts)
        sums = np.bincount(rows, weights=np.asarray(transform(values[mask]), dtype=float), minlength=len(uniques))
        out[metric] = (sums[present] / counts[present], region_codes[present], period_codes[present],
                       settlement[present], weight[present])
    return out, pd.Index(regions), pd.Index(np.asarray(periods, dtype=object))


def _sums(code, size, x, w):  # type: ignore[no-untyped-def]
    ok = code >= 0
    c, xs, ws = code[ok], x[ok], w[ok]
    wx = ws * xs
    return [np.bincount(c, minlength=size).astype(float)] + [np.bincount(c, v, size) for v in (ws, wx, wx * xs, ws * ws)]


def _means(code, size, x, w, bounds, subsets):  # type: ignore[no-untyped-def]
    """Weighted means per group from the sums of the row ``subsets``, added in order."""
    n, *sums = _sums(np.where(subsets[0], code, -1), size, x, w)
    for part in subsets[1:]:
        more = _sums(np.where(part, code, -1), size, x, w)
        n, sums = n + more[0], [a + b for a, b in zip(sums, more[1:])]
    present = np.flatnonzero(n > 0)
    return present, mean_from_sums(*(s[present] for s in sums), bounds=bounds), n[present]


def plain_all_ngo_rows(answers: pd.DataFrame) -> pd.DataFrame:
    """The all-NGO rows computed the plain way (the implementation before the shared sums)."""
    values, regions, periods = _plain_values(answers)
    n_periods = max(len(periods), 1)
    parts = []
    for segment in SEGMENTS:
        for metric, (x_all, region_all, period_all, settlement, w_all) in values.items():
            sel = np.ones(len(x_all), dtype=bool) if segment == "all" else settlement == segment
            if not sel.any():
                continue
            bounds = (-100.0, 100.0) if metric == "net_trust" else (0.0, 100.0)
            x, w, region, period = x_all[sel], w_all[sel], region_all[sel], period_all[sel]
            urban, rural = settlement[sel] == "urban", settlement[sel] == "rural"
            subsets = [urban, rural, ~urban & ~rural] if segment == "all" else [np.ones(len(x), dtype=bool)]
            regional = np.where((region >= 0) & (period >= 0), region * n_periods + period, -1)
            for code, size, national in ((regional, len(regions) * n_periods, False), (period, n_periods, True)):
                present, stats, n = _means(code, size, x, w, bounds, subsets)
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


def _answers(seed: int, respondents: int = 400, constructs: tuple[str, ...] = (
        "awareness", "trust", "usefulness", "awareness", "trust", "transparency")) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rid = np.repeat(rng.permutation(10 * respondents)[:respondents], len(constructs))
    construct = np.tile(constructs, respondents)
    value = np.where(construct == "awareness", rng.integers(0, 2, rid.size), rng.integers(1, 6, rid.size)).astype(float)
    value[rng.random(rid.size) < 0.15] = np.nan
    people = pd.DataFrame({"region_id": rng.choice([3, 5, 11, 17], respondents), "weight": rng.uniform(0.3, 3, respondents),
                           "period": rng.choice(["2026-Q1", "2026-Q2", "2026-Q3"], respondents),
                           "settlement": rng.choice(["urban", "rural", None], respondents, p=[0.6, 0.3, 0.1])})
    frame = pd.DataFrame({"rid": rid, "construct": pd.Categorical(construct, categories=[
        "awareness", "trust", "usefulness", "transparency", "project"]), "value": value})
    frame = pd.concat([frame, people.iloc[np.repeat(np.arange(respondents), len(constructs))].reset_index(drop=True)],
                      axis=1)
    frame["period"] = pd.Categorical(frame["period"])
    frame["settlement"] = pd.Categorical(frame["settlement"])
    return frame


@pytest.mark.parametrize("order", ["by respondent", "sorted ids", "shuffled"])
@pytest.mark.parametrize("seed", [1, 2])
def test_all_ngo_rows_equal_the_plain_computation_exactly(order: str, seed: int) -> None:
    answers = _answers(seed)
    if order == "sorted ids":
        answers = answers.sort_values("rid", kind="stable").reset_index(drop=True)
    elif order == "shuffled":
        answers = answers.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    fast, plain = all_ngo_rows(answers), plain_all_ngo_rows(answers)
    pd.testing.assert_frame_equal(fast, plain, check_exact=True)
    assert set(fast["segment"]) == set(SEGMENTS) and len(fast) > 100


def test_plain_strings_missing_regions_and_one_segment_only_match_too() -> None:
    answers = _answers(5, constructs=("awareness", "trust"))
    answers["settlement"] = np.where(answers["rid"] % 2 == 0, "urban", None)
    answers["region_id"] = answers["region_id"].astype(float).where(answers["rid"] % 7 != 0)
    fast, plain = all_ngo_rows(answers), plain_all_ngo_rows(answers)
    pd.testing.assert_frame_equal(fast, plain, check_exact=True)
    assert "rural" not in set(fast["segment"]) and fast["region_id"].isna().sum() > 0


def test_no_rated_answers_give_an_empty_table_as_before() -> None:
    answers = _answers(3).assign(value=np.nan)
    assert all_ngo_rows(answers).empty and plain_all_ngo_rows(answers).empty
