"""The block path of ``segment_sums`` (``analysis._sums``) equals the plain full-array path to the
last bit: several blocks, don't-knows, missing keys, other constructs, disjoint and overlapping
segments, a segment with no rows; invalid input raises the same errors in the same order."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import _sums
from analysis.indices import plain_segment_sums, segment_sums


def _answers(seed: int, n: int = 3000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    construct = rng.choice(["awareness", "trust", "usefulness", "transparency", "project"], n)
    value = np.where(construct == "awareness", rng.integers(0, 2, n), rng.integers(1, 6, n)).astype(float)
    value[rng.random(n) < 0.1] = np.nan
    period = pd.Categorical(rng.choice(["2026-Q1", "2026-Q2", None], n, p=[0.5, 0.45, 0.05]))
    return pd.DataFrame({"ngo": rng.integers(3, 12, n), "region": rng.choice([2, 4, 6, 8], n), "period": period,
                         "construct": pd.Categorical(construct), "value": value,
                         "weight": rng.uniform(0.2, 4.0, n), "settlement": rng.choice(["urban", "rural", None], n)})


def _equal(fast: dict[str, pd.DataFrame], plain: dict[str, pd.DataFrame]) -> None:
    assert list(fast) == list(plain)
    for name, expected in plain.items():
        pd.testing.assert_frame_equal(fast[name], expected, check_exact=True)


@pytest.mark.parametrize("block", [64, 1000, 1 << 20])
@pytest.mark.parametrize("seed", [1, 2])
def test_block_sums_equal_plain_sums_exactly(monkeypatch: pytest.MonkeyPatch, block: int, seed: int) -> None:
    monkeypatch.setattr(_sums, "BLOCK", block)
    answers = _answers(seed)
    urban = (answers["settlement"] == "urban").to_numpy()
    rural = (answers["settlement"] == "rural").to_numpy()
    segments = {"all": None, "urban": urban, "rural": rural}
    _equal(segment_sums(answers, segments), plain_segment_sums(answers, segments))
    overlapping = {"urban": urban, "urban or rural": urban | rural, "none": np.zeros(len(answers), dtype=bool)}
    _equal(segment_sums(answers, overlapping), plain_segment_sums(answers, overlapping))
    only = {"all": None}
    text = answers.assign(construct=answers["construct"].astype(object), ngo=answers["ngo"] * 10**12)
    _equal(segment_sums(text, only), plain_segment_sums(text, only))


def test_awareness_bins_get_their_sums_from_the_same_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_sums, "BLOCK", 128)
    answers = _answers(4)
    sums = segment_sums(answers, {"all": None})["all"]
    aware = sums[sums["construct"] == "awareness"]
    assert len(aware) and (aware["swx2"] == aware["swx"]).all() and (aware["sw_lo"] == aware["sw"]).all()
    assert (aware["sw_hi"] == 0).all()
    trust = sums[sums["construct"] == "trust"]
    assert (trust["sw_hi"] + trust["sw_lo"] < trust["sw"] + 1e-9).all() and (trust["sw_hi"] > 0).any()


@pytest.mark.parametrize(("column", "bad", "message"), [
    ("value", 3.0, "awareness values"), ("value", 7.0, "1–5 scale"), ("weight", np.inf, "finite, positive"),
])
def test_invalid_input_raises_as_the_plain_path(monkeypatch: pytest.MonkeyPatch, column: str, bad: float,
                                                message: str) -> None:
    monkeypatch.setattr(_sums, "BLOCK", 100)
    answers = _answers(5, n=1000)
    target = "awareness" if message == "awareness values" else "trust"
    rows = np.flatnonzero((answers["construct"] == target).to_numpy() & answers["value"].notna().to_numpy())
    answers.loc[rows[-1], column] = bad
    if column == "value":  # a bad weight too: the value error comes first, as in the plain path
        answers.loc[rows[0], "weight"] = -1.0
    for fn in (segment_sums, plain_segment_sums):
        with pytest.raises(ValueError, match=message):
            fn(answers, {"all": None})


def _plain_indices(answers: pd.DataFrame, segments: dict, national: bool = True) -> dict[str, pd.DataFrame]:
    """``segment_indices`` the plain way: full-array sums, ``add_national``, ``indices_from_sums``."""
    from analysis._cells import add_national
    from analysis.indices import SUMS, indices_from_sums

    keys = ["ngo", "region", "period"]
    sums = plain_segment_sums(answers, segments, keys=keys)
    return {name: indices_from_sums(add_national(s, keys, "region" if national else None, SUMS, extra=("construct",)),
                                    keys=keys) for name, s in sums.items()}


@pytest.mark.parametrize("national", [True, False])
@pytest.mark.parametrize("keys", ["ints", "strings and unsorted categories"])
def test_tables_from_dense_sums_equal_the_plain_tables(monkeypatch: pytest.MonkeyPatch, national: bool,
                                                        keys: str) -> None:
    from analysis.indices import segment_indices

    monkeypatch.setattr(_sums, "BLOCK", 500)
    answers = _answers(6)
    if keys != "ints":
        answers["ngo"] = "ngo-" + answers["ngo"].astype(str)  # "ngo-10" sorts before "ngo-3"
        answers["period"] = answers["period"].cat.reorder_categories(["2026-Q2", "2026-Q1"])
    urban = (answers["settlement"] == "urban").to_numpy()
    segments = {"all": None, "urban": urban, "rural": (answers["settlement"] == "rural").to_numpy()}
    fast = segment_indices(answers, segments, national=national)
    plain = _plain_indices(answers, segments, national)
    _equal(fast, plain)
    assert fast["all"]["region"].isna().any() == national and set(fast["all"]["metric"]) >= {"net_trust", "awareness"}
    empty = {"none": np.zeros(len(answers), dtype=bool), "all": None}
    _equal(segment_indices(answers, empty, national=national), _plain_indices(answers, empty, national))


def test_dense_table_metric_labels_are_one_object_per_metric() -> None:
    """The metric column repeats one label object per metric (``np.full`` made a string per row);
    its values equal the plain path's (``test_tables_from_dense_sums_equal_the_plain_tables``)."""
    from analysis._table import repeat_labels
    from analysis.indices import segment_indices

    labels = repeat_labels(["a", "bb", "c"], [2, 0, 3])
    assert labels.dtype == object and labels.tolist() == ["a", "a", "c", "c", "c"]
    assert len({id(v) for v in labels}) == 2
    table = segment_indices(_answers(6), {"all": None})["all"]
    assert table["metric"].dtype == _plain_indices(_answers(6), {"all": None})["all"]["metric"].dtype
    objects = {id(v) for v in table["metric"].to_numpy(dtype=object)}
    assert len(objects) == table["metric"].nunique()


@pytest.mark.parametrize("with_missing_period", [False, True])
def test_constructs_in_catalogue_order_and_keys_without_missing_values(
        monkeypatch: pytest.MonkeyPatch, with_missing_period: bool) -> None:
    """Construct categories in the catalogue's order (their codes are used as they are) and
    categorical keys with or without missing values: still equal to the plain path."""
    monkeypatch.setattr(_sums, "BLOCK", 500)
    answers = _answers(7)
    answers = answers[answers["construct"] != "project"].reset_index(drop=True)
    answers["construct"] = pd.Categorical(answers["construct"].astype(str),
                                          categories=["awareness", "trust", "usefulness", "transparency"])
    if not with_missing_period:
        answers = answers[answers["period"].notna()].reset_index(drop=True)
    assert answers["period"].isna().any() == with_missing_period
    urban = (answers["settlement"] == "urban").to_numpy()
    segments = {"all": None, "urban": urban, "rural": (answers["settlement"] == "rural").to_numpy()}
    _equal(segment_sums(answers, segments), plain_segment_sums(answers, segments))
