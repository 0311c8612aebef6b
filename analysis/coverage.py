"""Media coverage per NGO × region × period (and national rows) from NGO mentions.

Input: one row per mention of an NGO in an article, with the keys ``ngo, region, period``
(``region``: the region the article is attributed to, missing when none — such mentions count in
national rows only), ``story`` (the duplicate group: syndicated copies share it; the article's
own id otherwise), ``outlet``, ``reach`` (the outlet's audience per story, persons; missing = 0)
and ``tone`` (−1..1; missing when not scored).

Metrics (``n`` = stories; media are counts, not samples, so there is no interval):

- ``media_stories``: distinct stories mentioning the NGO (syndicated copies counted once).
- ``media_reach``: Σ audience of the distinct outlets that carried each story (persons).
- ``media_net_tone`` (−100..100): a story's tone is the mean tone of its mentions; it is positive
  above +0.05 and negative below −0.05; net tone = 100 × (positive − negative) / stories with a
  tone (missing when none has one).
- ``media_share_of_voice`` (0..100): the NGO's stories / all NGOs' stories in the same region
  (or the whole country) and period.
- ``media_coverage`` (0..100), favourable visibility: ``100 × V × F`` with visibility
  ``V = ½·ln(1+stories)/ln(1+max stories) + ½·ln(1+reach)/ln(1+max reach)`` (maxima over the NGOs
  of the same region and period; the reach half is replaced by the stories half when no outlet
  has a known reach) and favourability ``F = (net tone + 100)/200`` (½ when no tone). No coverage
  scores 0; the most visible NGO with neutral coverage 50; with wholly positive coverage 100.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._cells import metric_rows, split_keys, with_missing

TONE_THRESHOLD = 0.05
METRICS = ("media_stories", "media_reach", "media_net_tone", "media_share_of_voice", "media_coverage")


def _level(df: pd.DataFrame, keys: list[str], peers: list[str], threshold: float) -> pd.DataFrame:
    """Coverage metrics for one geography level: ``keys`` cells, ``peers`` = keys without ngo."""
    per_story = keys + ["story"]
    stories = df.groupby(per_story, sort=False, observed=True)["tone"].mean().rename("tone").reset_index()
    outlets = df.drop_duplicates(per_story + ["outlet"])
    reach = outlets.groupby(per_story, sort=False, observed=True)["reach"].sum().rename("reach").reset_index()
    stories = stories.merge(reach, on=per_story, how="left")
    stories["pos"] = stories["tone"] > threshold
    stories["neg"] = stories["tone"] < -threshold
    stories["toned"] = stories["tone"].notna()
    cells = stories.groupby(keys, sort=True, observed=True).agg(
        stories=("story", "size"), reach=("reach", "sum"), pos=("pos", "sum"), neg=("neg", "sum"),
        toned=("toned", "sum"),
    ).reset_index()
    toned = cells["toned"].to_numpy(dtype=float)
    balance = (cells["pos"] - cells["neg"]).to_numpy(dtype=float)
    net = np.where(toned > 0, 100.0 * balance / np.maximum(toned, 1), np.nan)
    grouped = cells.groupby(peers, sort=False, observed=True) if peers else None
    n_st = cells["stories"].to_numpy(dtype=float)
    r = cells["reach"].to_numpy(dtype=float)
    if grouped is not None:
        total = grouped["stories"].transform("sum").to_numpy(dtype=float)
        max_st = grouped["stories"].transform("max").to_numpy(dtype=float)
        max_r = grouped["reach"].transform("max").to_numpy(dtype=float)
    else:
        total, max_st, max_r = (np.full(len(cells), v, dtype=float) for v in (n_st.sum(), n_st.max(), r.max()))
    vis_st = np.log1p(n_st) / np.log1p(np.maximum(max_st, 1))
    vis_r = np.where(max_r > 0, np.log1p(r) / np.log1p(np.where(max_r > 0, max_r, 1)), vis_st)
    favour = np.where(np.isnan(net), 0.5, (np.nan_to_num(net) + 100) / 200)
    values = {
        "media_stories": n_st, "media_reach": r, "media_net_tone": net,
        "media_share_of_voice": 100 * n_st / np.maximum(total, 1),
        "media_coverage": 100 * (vis_st + vis_r) / 2 * favour,
    }
    n = cells["stories"].to_numpy()
    return pd.concat([metric_rows(cells[keys], m, {"estimate": v}, n) for m, v in values.items()], ignore_index=True)


def media_indices(mentions: pd.DataFrame, *, keys: Sequence[str] = ("ngo", "region", "period"),
                  national: bool = True, story: str = "story", outlet: str = "outlet",
                  threshold: float = TONE_THRESHOLD) -> pd.DataFrame:
    """Media coverage metrics (see the module docstring) as a long table like
    ``analysis.indices.survey_indices``; national rows (unless ``national`` is False) have the
    region missing. ``outlet`` may name any column that identifies who carried a copy (e.g. the
    article id when outlets are unknown); reach counts once per story and outlet.

    Raises KeyError for a missing column and ValueError for tones outside −1..1 or negative reach.
    """
    keys = list(keys)
    ngo, region, _ = split_keys(keys)
    df = mentions[[*keys, story, outlet, "reach", "tone"]].rename(columns={story: "story", outlet: "outlet"})
    df["tone"] = pd.to_numeric(df["tone"], errors="coerce").astype(float)
    df["reach"] = pd.to_numeric(df["reach"], errors="coerce").astype(float).fillna(0.0)
    if np.any(np.abs(df["tone"].to_numpy()) > 1):
        raise ValueError("tone must be between -1 and 1")
    if np.any(df["reach"].to_numpy() < 0):
        raise ValueError("reach must be non-negative")
    df = df[df[[k for k in keys if k != region]].notna().all(axis=1)]
    blocks = []
    if not national:
        return _level(df[df[region].notna()], keys, [k for k in keys if k != ngo], threshold)
    regional = df[df[region].notna()]
    if len(regional):
        blocks.append(_level(regional, keys, [k for k in keys if k != ngo], threshold))
    rest = [k for k in keys if k != region]
    nat = _level(df, rest, [k for k in rest if k != ngo], threshold)
    template = blocks[0][region] if blocks else df[region]
    column, missing = with_missing(template, len(nat))
    nat.insert(1, region, missing)
    if blocks:
        blocks[0][region] = column
    return pd.concat([*blocks, nat], ignore_index=True)
