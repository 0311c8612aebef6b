"""Alerts from a freshly computed snapshot table: significant changes and media spikes."""
from __future__ import annotations

import pandas as pd

from analysis.monitoring import Alert, change_alerts, media_spikes, period_changes, spike_alerts

#: Metrics watched for significant change between consecutive periods.
WATCHED = ("trust_index", "net_trust", "awareness", "external_assessment")


def find_alerts(table: pd.DataFrame, mentions: pd.DataFrame) -> list[Alert]:
    """Significant period-over-period changes of published (unsuppressed, direct, all-respondent)
    cells, and days whose NGO mentions spike against the previous 14 days."""
    cells = table[table["metric"].isin(WATCHED) & (table["segment"] == "all") & (table["method"] == "direct")
                  & ~table["suppressed"] & table["ngo_id"].notna()]
    alerts: list[Alert] = []
    if len(cells):
        frame = cells.rename(columns={"ngo_id": "ngo", "region_id": "region"})
        changes = period_changes(frame, keys=("metric", "ngo", "region"))
        alerts.extend(change_alerts(changes, keys=("ngo", "region")))
    if len(mentions):
        daily = (mentions.assign(date=pd.to_datetime(mentions["published_on"]))
                 .groupby(["ngo_id", "date"]).size().rename("mentions").reset_index()
                 .rename(columns={"ngo_id": "ngo"}))
        spikes = media_spikes(daily, keys=("ngo",), date="date", count="mentions")
        alerts.extend(spike_alerts(spikes, keys=("ngo",)))
    return alerts
