"""Response quality flags: speeders, straight-liners and duplicate devices.

Rules (flagged responses are excluded from published scores by the caller, and counted):

- **speeder**: completion time under ``speed_ratio`` (⅓) of the median completion time of the
  same survey (responses with a known duration only; a missing duration is never flagged).
- **straight-liner**: at least ``min_items`` (8) non-missing answers on 5-point scale items, all
  the same value. With fewer items identical answers are too plausible to call (a respondent who
  knows two NGOs answers only about six scale items); 8 identical answers across trust,
  usefulness and transparency of three or more NGOs are not.
- **duplicate_device**: the same device hash more than once within a survey; every response
  sharing it is flagged (``keep="none"``, default: the order of submission is not recorded, so
  none can be told to be the original), or all but one (``keep="first"``: the first in the frame).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

FLAGS = ("speeder", "straightliner", "duplicate_device")
MIN_ITEMS = 8
SPEED_RATIO = 1 / 3


@dataclass(frozen=True)
class QualityReport:
    """Boolean flag columns (``speeder, straightliner, duplicate_device, flagged``) on the
    responses' index, and the number of responses with each flag (``flagged``: any)."""

    flags: pd.DataFrame
    counts: dict[str, int]


def speeders(responses: pd.DataFrame, *, survey: str = "survey", duration: str = "duration_s",
             ratio: float = SPEED_RATIO) -> pd.Series:
    """True for responses faster than ``ratio`` × the median duration (seconds) of their survey.

    Raises KeyError for a missing column and ValueError for a ratio outside (0, 1].
    """
    if not 0 < ratio <= 1:
        raise ValueError("ratio must be in (0, 1]")
    secs = pd.to_numeric(responses[duration], errors="coerce").astype(float)
    median = secs.groupby(responses[survey], sort=False, observed=True, dropna=False).transform("median")
    return (secs < ratio * median).fillna(False).astype(bool).rename("speeder")


def straightliners(answers: pd.DataFrame, responses_index: pd.Index, *, response: str = "response",
                   value: str = "value", min_items: int = MIN_ITEMS) -> pd.Series:
    """True for responses (``responses_index`` holds their ids) with at least ``min_items``
    non-missing scale answers (``answers``: one row per scale answer, ``response`` id and
    ``value`` 1–5) that are all equal. Raises KeyError for a missing column."""
    if min_items < 2:
        raise ValueError("min_items must be at least 2")
    vals = pd.to_numeric(answers[value], errors="coerce").astype(float)
    ok = vals.notna()
    stats = vals[ok].groupby(answers.loc[ok, response], sort=False).agg(["count", "min", "max"])
    flat = stats.index[(stats["count"] >= min_items) & (stats["min"] == stats["max"])]
    return pd.Series(responses_index.isin(flat), index=responses_index, name="straightliner")


def duplicate_devices(responses: pd.DataFrame, *, survey: str = "survey", device: str = "device",
                      keep: Literal["none", "first"] = "none") -> pd.Series:
    """True for responses whose device hash occurs more than once in their survey (missing hashes
    are never flagged). ``keep="first"`` leaves the first of each set unflagged. Raises KeyError
    for a missing column and ValueError for an unknown ``keep``."""
    if keep not in ("none", "first"):
        raise ValueError("keep must be 'none' or 'first'")
    known = responses[device].notna()
    dup = responses.duplicated([survey, device], keep=False if keep == "none" else "first")
    return (dup & known).astype(bool).rename("duplicate_device")


def flag_responses(
    responses: pd.DataFrame, answers: pd.DataFrame | None = None, *, id_column: str | None = None,
    survey: str = "survey", duration: str = "duration_s", device: str | None = "device",
    min_items: int = MIN_ITEMS, speed_ratio: float = SPEED_RATIO, keep: Literal["none", "first"] = "none",
) -> QualityReport:
    """All three flags for ``responses`` (columns ``survey``, ``duration`` seconds, optional
    ``device`` hash; ids in ``id_column`` or the index) and their scale ``answers`` (columns
    ``response``, ``value``; None skips straight-lining). Raises KeyError for missing columns."""
    ids = pd.Index(responses[id_column]) if id_column else responses.index
    flags = pd.DataFrame(index=responses.index)
    flags["speeder"] = speeders(responses, survey=survey, duration=duration, ratio=speed_ratio).to_numpy()
    if answers is not None:
        flags["straightliner"] = straightliners(answers, ids, min_items=min_items).to_numpy()
    else:
        flags["straightliner"] = False
    if device is not None and device in responses:
        flags["duplicate_device"] = duplicate_devices(responses, survey=survey, device=device, keep=keep).to_numpy()
    else:
        flags["duplicate_device"] = False
    flags["flagged"] = flags[list(FLAGS)].any(axis=1)
    counts = {name: int(flags[name].sum()) for name in (*FLAGS, "flagged")}
    return QualityReport(flags.astype(bool), counts)
