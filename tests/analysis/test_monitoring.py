"""Alerts: significant changes between periods and media spikes."""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from analysis.monitoring import Alert, change_alerts, media_spikes, period_changes, spike_alerts


def _scores(rows: list[tuple[int, str, float, float, int]]) -> pd.DataFrame:
    return pd.DataFrame([{"metric": "trust_index", "ngo": ngo, "region": None, "period": period, "estimate": est,
                          "se": se, "ci_low": est - 1.96 * se, "ci_high": est + 1.96 * se, "n": n}
                         for ngo, period, est, se, n in rows])


def test_change_z_test_by_hand() -> None:
    scores = _scores([(1, "2026-Q1", 50.0, 3.0, 200), (1, "2026-Q2", 60.0, 4.0, 180),
                      (2, "2026-Q1", 50.0, 3.0, 200), (2, "2026-Q2", 52.0, 4.0, 180)])
    out = period_changes(scores, adjust="none").set_index("ngo")
    assert out.loc[1, "z"] == pytest.approx(10 / 5)
    assert out.loc[1, "p"] == pytest.approx(2 * norm.sf(2.0))
    assert out.loc[1, "significant"] and not out.loc[2, "significant"]
    assert out.loc[1, "previous_period"] == "2026-Q1" and out.loc[1, "period"] == "2026-Q2"
    # Intervals 44.1–55.9 and 52.2–67.8 overlap although the z-test rejects.
    assert out.loc[1, "overlap"]
    assert not period_changes(scores, adjust="none", rule="overlap").set_index("ngo").loc[1, "significant"]
    alerts = change_alerts(period_changes(scores, adjust="none"))
    assert len(alerts) == 1 and isinstance(alerts[0], Alert)
    alert = alerts[0]
    assert alert.kind == "significant_change" and alert.keys == {"ngo": 1, "region": None}
    assert (alert.value_before, alert.value_after, alert.previous_period) == (50.0, 60.0, "2026-Q1")
    assert "rose" in alert.message and alert.z == pytest.approx(2.0)


def test_small_cells_and_gaps_are_not_compared() -> None:
    scores = _scores([(1, "2026-Q1", 50.0, 3.0, 9), (1, "2026-Q2", 90.0, 3.0, 100),
                      (2, "2026-Q1", 50.0, 3.0, 100), (2, "2026-Q3", 90.0, 3.0, 100)])
    out = period_changes(scores, order=["2026-Q1", "2026-Q2", "2026-Q3"])
    assert list(out["ngo"]) == [1]  # NGO 2 skipped a wave
    assert not out["significant"].any() and math.isnan(out["z"].iloc[0])


def test_false_discovery_rate_keeps_noise_quiet() -> None:
    rng = np.random.default_rng(7)
    rows = []
    for ngo in range(2000):
        for period in ("a", "b"):
            rows.append((ngo, period, 50 + rng.normal(0, 2.0), 2.0, 300))
    rows += [(9000 + k, "a", 40.0, 2.0, 300) for k in range(5)] + [(9000 + k, "b", 60.0, 2.0, 300) for k in range(5)]
    scores = _scores(rows)
    raw = period_changes(scores, adjust="none")
    bh = period_changes(scores)
    assert raw["significant"].sum() > 60          # ~5% of 2,000 pure-noise cells
    assert set(bh.loc[bh["significant"], "ngo"]) == {9000, 9001, 9002, 9003, 9004}


def test_media_spike_against_the_previous_fourteen_days() -> None:
    start = dt.date(2026, 3, 1)
    days = [start + dt.timedelta(days=i) for i in range(20)]
    counts = [2, 3, 2, 2, 3, 2, 2, 3, 2, 2, 3, 2, 2, 3, 12, 3, 2, 2, 3, 4]
    daily = pd.DataFrame({"ngo": 5, "date": days, "mentions": counts})
    quiet = pd.DataFrame({"ngo": 6, "date": [start + dt.timedelta(days=i) for i in (0, 16)], "mentions": [1, 4]})
    out = media_spikes(pd.concat([daily, quiet], ignore_index=True))
    assert len(out) == 1
    row = out.iloc[0]
    base = np.array(counts[:14], dtype=float)
    assert row["ngo"] == 5 and pd.Timestamp(row["date"]).date() == dt.date(2026, 3, 15)
    assert row["baseline_mean"] == pytest.approx(base.mean())
    assert row["baseline_sd"] == pytest.approx(base.std(ddof=1))
    assert row["z"] == pytest.approx((12 - base.mean()) / max(base.std(ddof=1), math.sqrt(base.mean())))
    # NGO 6: 4 mentions after a silent fortnight is z = 4 by the Poisson floor but under min_count.
    assert not (out["ngo"] == 6).any()
    assert len(media_spikes(pd.concat([daily, quiet]), min_count=4)) == 2
    alerts = spike_alerts(out)
    assert alerts[0].kind == "media_spike" and alerts[0].period == "2026-03-15" and alerts[0].value_after == 12
    # No day has a full 14-day history: nothing to say.
    assert media_spikes(daily.iloc[:10]).empty
    with pytest.raises(ValueError):
        media_spikes(daily.assign(mentions=-1))
