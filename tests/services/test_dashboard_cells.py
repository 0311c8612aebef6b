"""Disclosure re-check, low-precision rule and method choice for one published cell."""
from __future__ import annotations

from surveyapp.services.dashboard.cells import SnapRow, is_low_precision, make_cell
from surveyapp.services.metrics import METRICS_BY_KEY

TRUST = METRICS_BY_KEY["trust_index"]
NET = METRICS_BY_KEY["net_trust"]
STORIES = METRICS_BY_KEY["media_stories"]


def row(n: int = 50, estimate: float | None = 60.0, method: str = "direct", region: int | None = 1,
        suppressed: bool = False, half: float = 5.0) -> SnapRow:
    lo, hi = (None, None) if estimate is None else (estimate - half, estimate + half)
    return SnapRow("trust_index", 1, region, "2026-Q3", "all", estimate, lo, hi, n, n * 0.8, method, suppressed)


def test_nine_respondents_are_suppressed_ten_are_not():
    nine = make_cell(TRUST, [row(n=9)], threshold=10)
    ten = make_cell(TRUST, [row(n=10)], threshold=10)
    assert nine.suppressed and nine.estimate is None and nine.n is None and nine.ci_low is None
    assert nine.reason == "small_base"
    assert not ten.suppressed and ten.estimate == 60.0 and ten.n == 10


def test_stored_suppression_wins_over_the_other_method():
    cell = make_cell(TRUST, [row(method="shrunk"), row(estimate=None, suppressed=True)], threshold=10)
    assert cell.suppressed and cell.reason == "withheld" and cell.estimate is None


def test_small_base_rule_only_for_respondent_metrics():
    assert not make_cell(STORIES, [row(n=3)], threshold=10).suppressed


def test_regional_cells_prefer_shrunk_national_cells_direct():
    regional = [row(estimate=60.0), row(estimate=55.0, method="shrunk")]
    assert make_cell(TRUST, regional, prefer="shrunk", threshold=10).method == "shrunk"
    assert make_cell(TRUST, regional, prefer="direct", threshold=10).estimate == 60.0
    national = [row(estimate=60.0, region=None), row(estimate=55.0, method="shrunk", region=None)]
    assert make_cell(TRUST, national, prefer="shrunk", threshold=10).method == "direct"
    assert make_cell(TRUST, [row(estimate=57.0, method="shrunk")], prefer="direct", threshold=10).method == "shrunk"


def test_low_precision_is_an_interval_wider_than_a_fifth_of_the_scale():
    assert not is_low_precision(TRUST, 40.0, 60.0)
    assert is_low_precision(TRUST, 39.9, 60.1)
    assert not is_low_precision(NET, -20.0, 20.0)
    assert is_low_precision(NET, -21.0, 20.0)
    assert make_cell(TRUST, [row(half=11.0)], threshold=10).low_precision
