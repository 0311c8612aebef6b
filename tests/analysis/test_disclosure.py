"""Disclosure control: cells under 10 respondents and cells derivable by subtraction."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.disclosure import suppress


def _cells(ns: dict[object, int], metric: str = "trust_index", ngo: int = 1) -> pd.DataFrame:
    rows = [{"metric": metric, "ngo": ngo, "region": r, "period": "2026-Q1", "n": n, "estimate": 50.0,
             "ci_low": 40.0, "ci_high": 60.0} for r, n in ns.items()]
    rows.append({"metric": metric, "ngo": ngo, "region": None, "period": "2026-Q1", "n": sum(ns.values()),
                 "estimate": 50.0, "ci_low": 45.0, "ci_high": 55.0})
    frame = pd.DataFrame(rows)
    frame["region"] = frame["region"].astype("Int64")
    return frame


def test_nine_is_suppressed_and_ten_is_not() -> None:
    # Two nines: each protects the other, so nothing else is touched.
    out = suppress(_cells({1: 9, 2: 10, 3: 9, 4: 40}))
    by_region = out.set_index("region")
    assert by_region.loc[1, "suppressed"] and by_region.loc[3, "suppressed"]
    assert not by_region.loc[2, "suppressed"] and not by_region.loc[4, "suppressed"]
    assert np.isnan(by_region.loc[1, "estimate"]) and np.isnan(by_region.loc[1, "ci_low"])
    assert by_region.loc[2, "estimate"] == 50.0
    assert by_region.loc[1, "suppression"] == "primary"
    assert out["suppression"].isna().sum() == 3  # regions 2, 4 and the national row
    # min_n is configurable.
    assert not suppress(_cells({1: 9, 2: 10, 3: 9, 4: 40}), min_n=5)["suppressed"].any()


def test_a_lone_suppressed_cell_gets_a_complementary_partner() -> None:
    out = suppress(_cells({1: 4, 2: 25, 3: 12, 4: 40})).set_index("region")
    assert out.loc[1, "suppression"] == "primary"
    # The national total minus the published regions would reveal region 1: the smallest other
    # region (12) is suppressed as well.
    assert out.loc[3, "suppression"] == "complementary"
    assert not out.loc[2, "suppressed"] and not out.loc[4, "suppressed"]
    assert not out[out.index.isna()]["suppressed"].any()


def test_national_total_is_withheld_when_no_partner_exists() -> None:
    out = suppress(_cells({1: 6, 2: 0, 3: 7}))
    # Two primaries (6 and 7); the empty region (n = 0) cannot protect anyone.
    assert out.set_index("region").loc[[1, 3], "suppressed"].all()
    lone = suppress(_cells({1: 6, 2: 0, 3: 30})).set_index("region")
    # Region 3 is the only partner left: it goes too; the total (36) may stay.
    assert lone.loc[3, "suppression"] == "complementary"
    assert not lone[lone.index.isna()]["suppressed"].any()
    # With no partner at all (the other region is empty, the total counts more respondents than
    # the regions, e.g. some without a region) the total itself is withheld.
    frame = _cells({1: 6, 2: 0})
    frame.loc[frame["region"].isna(), "n"] = 50
    alone = suppress(frame).set_index("region")
    assert alone.loc[1, "suppression"] == "primary"
    assert alone[alone.index.isna()]["suppression"].tolist() == ["complementary"]


def test_suppression_crosses_dimensions_until_stable() -> None:
    # Two NGOs × three regions, with totals over regions (national rows) and over NGOs (ngo missing).
    ns = {(1, 1): 5, (1, 2): 30, (1, 3): 11, (2, 1): 40, (2, 2): 50, (2, 3): 60}
    rows = []
    for (ngo, region), n in ns.items():
        rows.append({"metric": "awareness", "ngo": ngo, "region": region, "period": "p", "n": n, "estimate": 1.0})
    for ngo in (1, 2):
        rows.append({"metric": "awareness", "ngo": ngo, "region": None, "period": "p",
                     "n": sum(v for (g, _), v in ns.items() if g == ngo), "estimate": 1.0})
    for region in (1, 2, 3):
        rows.append({"metric": "awareness", "ngo": None, "region": region, "period": "p",
                     "n": sum(v for (_, r), v in ns.items() if r == region), "estimate": 1.0})
    frame = pd.DataFrame(rows).astype({"ngo": "Int64", "region": "Int64"})
    out = suppress(frame, totals={"region": None, "ngo": None})
    hidden = {(r.ngo, r.region) for r in out.itertuples() if r.suppressed}
    # (1,1) primary; its row partner (1,3) by the NGO total; their column partners (2,1) and (2,3)
    # by the region totals; NGO 2's line then holds two suppressed cells and is safe.
    assert hidden == {(1, 1), (1, 3), (2, 1), (2, 3)}
    inner = out[out["ngo"].notna() & out["region"].notna()]
    for line in ("ngo", "region"):
        for _, group in inner.groupby(line):
            assert group["suppressed"].sum() != 1


def test_cells_without_a_respondent_count_are_not_suppressed() -> None:
    extra = pd.DataFrame([{"metric": "transparency_checklist", "ngo": 1, "region": None, "period": "2026-Q1",
                           "n": None, "estimate": 60.0, "ci_low": 60.0, "ci_high": 60.0}])
    extra = extra.astype({"region": "Int64", "n": "Int64"})
    frame = pd.concat([_cells({1: 30, 2: 40}).astype({"n": "Int64"}), extra], ignore_index=True)
    out = suppress(frame)
    assert not out["suppressed"].any()
    with pytest.raises(ValueError):
        suppress(pd.concat([frame, frame]))
