"""Quality flags: speeders, straight-liners, duplicate devices."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.quality import MIN_ITEMS, duplicate_devices, flag_responses, speeders, straightliners


def test_speeders_are_under_a_third_of_their_surveys_median() -> None:
    responses = pd.DataFrame({
        "survey": [1, 1, 1, 1, 1, 2, 2, 2],
        "duration_s": [600, 600, 300, 199, np.nan, 90, 100, 29],
    })
    # Survey 1 median of known durations: 450 → threshold 150; survey 2: 90 → 30.
    flags = speeders(responses)
    assert flags.tolist() == [False, False, False, False, False, False, False, True]
    responses.loc[3, "duration_s"] = 149
    assert speeders(responses).tolist()[3] is True
    with pytest.raises(ValueError):
        speeders(responses, ratio=0)


def test_straightliners_need_enough_identical_items() -> None:
    ids = pd.Index([1, 2, 3, 4])
    rows = [(1, 3)] * MIN_ITEMS + [(2, 3)] * (MIN_ITEMS - 1) + [(3, 4)] * MIN_ITEMS + [(3, 5)]
    rows += [(4, 2)] * MIN_ITEMS + [(4, np.nan)] * 3  # don't know does not break the line
    answers = pd.DataFrame(rows, columns=["response", "value"])
    assert straightliners(answers, ids).tolist() == [True, False, False, True]


def test_duplicate_devices_within_a_survey() -> None:
    responses = pd.DataFrame({"survey": [1, 1, 1, 2, 2], "device": ["a", "a", "b", "a", None]})
    assert duplicate_devices(responses).tolist() == [True, True, False, False, False]
    assert duplicate_devices(responses, keep="first").tolist() == [False, True, False, False, False]
    responses.loc[4, "device"] = None
    responses.loc[5] = [2, None]
    assert not duplicate_devices(responses)[[4, 5]].any()  # unknown devices are not duplicates


def test_flag_responses_combines_and_counts() -> None:
    responses = pd.DataFrame({
        "id": ["r1", "r2", "r3", "r4"], "survey": [1, 1, 1, 1], "duration_s": [500, 100, 520, 480],
        "device": ["x", "y", "y", "z"],
    }).set_index("id")
    answers = pd.DataFrame({"response": ["r4"] * MIN_ITEMS + ["r1"] * MIN_ITEMS,
                            "value": [5] * MIN_ITEMS + list(range(1, 6)) + [1, 2, 3]})
    report = flag_responses(responses, answers)
    assert report.flags.loc["r2"].tolist() == [True, False, True, True]
    assert report.flags.loc["r4", "straightliner"] and not report.flags.loc["r1", "flagged"]
    assert report.counts == {"speeder": 1, "straightliner": 1, "duplicate_device": 2, "flagged": 3}
