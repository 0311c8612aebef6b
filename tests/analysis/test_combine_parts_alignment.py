"""``combine_parts`` aligns the parts by integer key codes; the result equals the plain way (a
left merge of each metric's deduplicated rows on the distinct keys) to the last bit, with missing
regions, duplicate rows (the first counts), a metric absent altogether and nullable counts."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.composite import _aligned, combine_parts


def _plain_aligned(table: pd.DataFrame, keys: list[str], metrics: list[str]) -> tuple[pd.DataFrame, ...]:
    sub = table[table["metric"].isin(metrics)]
    base = sub[keys].drop_duplicates().reset_index(drop=True)
    est = np.full((len(base), len(metrics)), np.nan)
    se, n, n_eff = est.copy(), est.copy(), est.copy()
    for j, metric in enumerate(metrics):
        part = sub[sub["metric"] == metric][[*keys, "estimate", "se", "n", "n_eff"]]
        merged = base.merge(part.drop_duplicates(keys), on=keys, how="left")
        est[:, j] = merged["estimate"].to_numpy(dtype=float, na_value=np.nan)
        se[:, j] = merged["se"].to_numpy(dtype=float, na_value=np.nan)
        n[:, j] = pd.to_numeric(merged["n"]).to_numpy(dtype=float, na_value=np.nan)
        n_eff[:, j] = merged["n_eff"].to_numpy(dtype=float, na_value=np.nan)
    return base, est, se, n, n_eff


def _table(seed: int, rows: int = 600) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    region = pd.array(rng.choice([1, 2, 3, None], rows), dtype="Int64")
    table = pd.DataFrame({"ngo": rng.integers(1, 6, rows), "region": region,
                          "period": rng.choice(["2026-Q2", "2026-Q1"], rows),
                          "metric": rng.choice(["usefulness", "trust_index", "project_assessment", "other"], rows),
                          "estimate": rng.uniform(0, 100, rows), "se": rng.uniform(0, 5, rows),
                          "n": pd.array(np.where(rng.random(rows) < 0.1, None, rng.integers(1, 99, rows)),
                                        dtype="Int64"),
                          "n_eff": rng.uniform(1, 90, rows)})
    table.loc[rng.random(rows) < 0.05, "estimate"] = np.nan
    return table


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_alignment_equals_the_merge_of_each_part(seed: int) -> None:
    table, keys = _table(seed), ["ngo", "region", "period"]
    metrics = ["usefulness", "trust_index", "project_assessment", "transparency"]  # the last one is absent
    fast, plain = _aligned(table, keys, metrics), _plain_aligned(table, keys, metrics)
    pd.testing.assert_frame_equal(fast[0], plain[0], check_exact=True)
    for got, expected in zip(fast[1:], plain[1:]):
        np.testing.assert_array_equal(got, expected)
    assert fast[0]["region"].isna().any() and table.duplicated(["ngo", "region", "period", "metric"]).any()


def test_combine_parts_still_weights_the_parts_present() -> None:
    table = pd.DataFrame({"ngo": [1, 1, 2], "region": pd.array([None, None, 4], dtype="Int64"),
                          "period": ["2026-Q1"] * 3, "metric": ["a", "b", "a"], "estimate": [40.0, 80.0, 10.0],
                          "se": [2.0, 4.0, 1.0], "n": [10, 20, 30], "n_eff": [9.0, 18.0, 27.0]})
    out = combine_parts(table, ["ngo", "region", "period"], {"a": 1.0, "b": 3.0}, "ab")
    assert out["estimate"].tolist() == [70.0, 10.0] and out["se"].tolist() == [3.5, 1.0]
    assert out["criteria"].tolist() == [2, 1] and out["region"].isna().tolist() == [True, False]


@pytest.mark.parametrize("seed", [4, 5])
def test_external_assessment_from_the_rows_of_its_parts_equals_the_whole_table(monkeypatch: pytest.MonkeyPatch,
                                                                               seed: int) -> None:
    from analysis import composite

    table = _table(seed)
    table["metric"] = np.random.default_rng(seed).choice(
        ["usefulness", "trust_index", "project_assessment", "transparency_perceived", "awareness"], len(table))
    checklist = pd.DataFrame({"ngo": [1, 2, 3, 9], "period": ["2026-Q1", "2026-Q2", "2026-Q1", "2026-Q1"],
                              "transparency_checklist": [40.0, 100.0, 0.0, 60.0]})
    keys = ["ngo", "region", "period"]
    fast = composite.external_assessment(table, checklist, keys=keys)
    monkeypatch.setattr(composite, "_rows_of", lambda frames, metrics, keys: pd.concat(frames, ignore_index=True))
    plain = composite.external_assessment(table, checklist, keys=keys)
    pd.testing.assert_frame_equal(fast, plain, check_exact=True)
    assert set(fast["metric"]) == {"transparency_checklist", "transparency", "external_assessment"}
