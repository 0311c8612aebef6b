"""Test data for the dashboard: score snapshots and alerts, written straight to the tables."""
from __future__ import annotations

import itertools
from typing import Any

from models import Alert, ScoreSnapshot, cell_key, db

_seq = itertools.count(1)


def make_snapshot(metric: str = "trust_index", *, ngo: Any = None, region: Any = None, period: str = "2026-Q3",
                  segment: str = "all", estimate: float | None = 60.0, half_width: float = 5.0, n: int = 120,
                  n_eff: float | None = None, method: str = "direct", suppressed: bool = False,
                  commit: bool = True) -> ScoreSnapshot:
    """One snapshot row; ``ngo``/``region`` may be model objects, ids or None (all NGOs / national).

    A suppressed row is stored the way ``scores compute`` stores it: no estimate, no interval.
    """
    ngo_id = getattr(ngo, "id", ngo)
    region_id = getattr(region, "id", region)
    if suppressed:
        estimate = None
    ci = (None, None) if estimate is None else (estimate - half_width, estimate + half_width)
    row = ScoreSnapshot(key=cell_key(metric, ngo_id, region_id, period, segment, method), metric=metric,
                        ngo_id=ngo_id, region_id=region_id, period=period, segment=segment, estimate=estimate,
                        ci_low=ci[0], ci_high=ci[1], n=n, n_eff=n_eff if n_eff is not None else n * 0.8,
                        method=method, suppressed=suppressed)
    db.session.add(row)
    if commit:
        db.session.commit()
    return row


def make_grid(ngos: list[Any], regions: list[Any], *, metric: str = "trust_index", period: str = "2026-Q3",
              base: float = 50.0, n: int = 100, national: bool = True, shrunk: bool = False,
              all_ngos: bool = True) -> None:
    """A full NGO × region grid (plus national rows when ``national`` and the all-NGO row when
    ``all_ngos``). The value of NGO i (1-based; 0 = all NGOs) in column j (0 = national) is
    ``base + 3i + j``."""
    for i, ngo in enumerate([None, *ngos]):
        if ngo is None and not all_ngos:
            continue
        for j, region in enumerate([None, *regions] if national else regions):
            value = base + i * 3 + j
            make_snapshot(metric, ngo=ngo, region=region, period=period, estimate=value, n=n, commit=False)
            if shrunk and region is not None:
                make_snapshot(metric, ngo=ngo, region=region, period=period, estimate=value + 0.5, n=n,
                              method="shrunk", commit=False)
    db.session.commit()


def make_alert(*, kind: str = "significant_change", metric: str = "trust_index", ngo: Any = None, region: Any = None,
               period: str = "2026-Q3", message: str = "Trust fell", **fields: Any) -> Alert:
    alert = Alert(kind=kind, metric=metric, ngo_id=getattr(ngo, "id", ngo), region_id=getattr(region, "id", region),
                  period=period, previous_period=fields.pop("previous_period", "2026-Q2"),
                  value_before=fields.pop("value_before", 60.0), value_after=fields.pop("value_after", 48.0),
                  z=fields.pop("z", -3.1), message=message, **fields)
    db.session.add(alert)
    db.session.commit()
    return alert
