"""Turn the raw frames of ``extract`` into the inputs ``analysis`` expects (weights, answers, votes,
mentions, checklists), keyed by ``ngo_id``, ``region_id`` and ``period``."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.quality import flag_responses
from analysis.weighting import margins_from_cells, rake_within_groups_collapsing

KEYS = ("ngo_id", "region_id", "period")
WEIGHTING_VARIABLES = ("sex", "age_group", "settlement")
#: Margins a region × period is raked to: all three, or, when its few respondents cannot meet
#: them with positive weights, sex and settlement, then settlement alone, then equal weights.
VARIABLE_SETS = (WEIGHTING_VARIABLES, ("sex", "settlement"), ("settlement",))
#: Flags set at submission that exclude a response from published scores.
EXCLUDING_FLAGS = {"speeder", "straightliner", "duplicate_device", "honeypot", "repeat_browser"}


@dataclass
class Weighted:
    respondents: pd.DataFrame  # one row per kept response, with ``weight``
    #: Kish design effect and effective n of the weights, per period.
    deff: dict[str, float]
    n_eff: dict[str, float]
    #: Responses whose weight was capped by trimming (0 when untrimmed).
    trimmed: int = 0
    #: Region × period groups raked to fewer margins than all three, by the margins used
    #: (e.g. ``{"sex+settlement": 2, "equal weights": 1}``); empty when every group fit.
    collapsed: dict[str, int] = field(default_factory=dict)


def period_of(day: dt.date | pd.Timestamp) -> str:
    """The quarter label ``YYYY-Qn`` a date falls in (survey waves are labelled this way)."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def stored_flags(flags: pd.Series) -> pd.DataFrame:
    """One boolean column per excluding flag (``EXCLUDING_FLAGS``): did the response carry it when
    stored? Each distinct list object is examined once, not each row (``extract`` decodes each
    distinct stored value once, so rows share their list objects)."""
    objects = flags.to_numpy(dtype=object)
    codes, uniques = pd.factorize(np.fromiter(map(id, objects), dtype=np.uint64, count=len(objects)))
    first = np.zeros(len(uniques), dtype=np.int64)
    first[codes] = np.arange(len(codes))  # any row of each distinct object
    names = sorted(EXCLUDING_FLAGS)
    table = np.array([[name in set(objects[i]) for name in names] for i in first], dtype=bool)
    table = table.reshape(len(first), len(names))
    return pd.DataFrame(table[codes] if len(codes) else np.zeros((0, len(names)), dtype=bool), columns=names,
                        index=flags.index)


def quality_filter(respondents: pd.DataFrame, general: pd.DataFrame, answers: pd.DataFrame) -> tuple[
        pd.DataFrame, dict[str, int]]:
    """Drop flagged responses: flags stored at submission plus speeders and straight-liners found now.

    Answers refer to respondents by ``rid``. Returns the kept respondents and, per flag, how many
    responses carried it.
    """
    scale = pd.DataFrame({
        "response": np.concatenate([general["rid"].to_numpy(), answers["rid"].to_numpy()[
            (answers["type"] == "scale5").to_numpy()]]),
        "value": np.concatenate([general["value"].to_numpy(dtype=float), answers["value"].to_numpy(dtype=float)[
            (answers["type"] == "scale5").to_numpy()]]),
    }).dropna(subset=["value"])
    report = flag_responses(respondents.rename(columns={"survey_id": "survey"}), scale,
                            id_column="rid", device=None)
    stored = stored_flags(respondents["flags"])
    counts = {flag: int(stored[flag].sum()) for flag in sorted(EXCLUDING_FLAGS)}
    counts["speeder"] += int((report.flags["speeder"].to_numpy() & ~stored["speeder"].to_numpy()).sum())
    counts["straightliner"] += int(
        (report.flags["straightliner"].to_numpy() & ~stored["straightliner"].to_numpy()).sum())
    drop = report.flags["flagged"].to_numpy() | stored.any(axis=1).to_numpy()
    counts["total"] = int(drop.sum())
    return respondents.loc[~drop].reset_index(drop=True), counts


def weight_respondents(respondents: pd.DataFrame, margins: pd.DataFrame, regions: pd.DataFrame, *,
                       trim: float | None = None) -> Weighted:
    """Rake each region × period to its adult population margins (sex, age group, settlement).

    Residents of the three cities are urban by definition. Respondents who left a weighting
    question unanswered get their group's mean weight. Weights are in persons. With ``trim``
    (a factor > 1), weights above ``trim`` × their region × period's mean weight are capped and
    the group re-raked, so the margins still hold (``analysis.weighting``); raises ValueError for
    a factor of 1 or less. A region × period whose few respondents cannot meet all three margins
    with positive weights is raked to fewer (``VARIABLE_SETS``); ``Weighted.collapsed`` counts them.
    """
    frame = respondents.copy()
    cities = set(regions.loc[regions["kind"] == "city", "region_id"])
    frame.loc[frame["region_id"].isin(cities), "settlement"] = "urban"
    frame["group"] = frame["region_id"].astype(str) + "|" + frame["period"].astype(str)
    complete = frame[list(WEIGHTING_VARIABLES)].notna().all(axis=1)
    cells = margins.copy()
    long = margins_from_cells(cells, by="region_id", variables=WEIGHTING_VARIABLES)
    periods = frame["period"].unique()
    long = pd.concat([long.assign(group=long["region_id"].astype(str) + "|" + p) for p in periods],
                     ignore_index=True).drop(columns="region_id")
    long = long[long["group"].isin(frame.loc[complete, "group"].unique())]
    weights = np.full(len(frame), np.nan)
    if complete.any():
        sub = frame.loc[complete, ["group", *WEIGHTING_VARIABLES]].reset_index(drop=True)
        result = rake_within_groups_collapsing(sub, long, by="group", variable_sets=VARIABLE_SETS, trim=trim)
        weights[complete.to_numpy()] = result.weights.to_numpy()
        trimmed = result.n_trimmed
        collapsed = Counter("+".join(names) or "equal weights" for names in result.variables.values()
                            if names != WEIGHTING_VARIABLES)
    elif trim is not None and trim <= 1:
        raise ValueError("trim must be greater than 1 (a multiple of the mean weight)")
    else:
        trimmed, collapsed = 0, Counter()
    frame["weight"] = weights
    group_mean = frame.groupby("group")["weight"].transform("mean")
    frame["weight"] = frame["weight"].fillna(group_mean).fillna(1.0)
    deff: dict[str, float] = {}
    n_eff: dict[str, float] = {}
    for period, w in frame.groupby("period")["weight"]:
        values = w.to_numpy(dtype=float)
        deff[str(period)] = float(len(values) * np.sum(values ** 2) / np.sum(values) ** 2)
        n_eff[str(period)] = len(values) / deff[str(period)]
    return Weighted(frame.drop(columns="group"), deff, n_eff, trimmed, dict(sorted(collapsed.items())))


def survey_answers(answers: pd.DataFrame, respondents: pd.DataFrame) -> pd.DataFrame:
    """Per-NGO answers of kept respondents with their weight, region, period and settlement.

    Answers and respondents meet on ``rid`` by array lookups (no hash join of millions of ids);
    answers keep their order. Period and settlement come as categoricals.
    """
    size = int(max(answers["rid"].max() if len(answers) else -1, respondents["rid"].max() if len(respondents)
                   else -1)) + 1
    position = np.full(size, -1, dtype=np.int64)
    position[respondents["rid"].to_numpy()] = np.arange(len(respondents))
    rid = answers["rid"].to_numpy()
    row = position[rid]
    keep = row >= 0
    frame = answers.loc[keep].reset_index(drop=True) if not keep.all() else answers.copy()
    row = row[keep]
    for column in ("region_id", "weight"):
        frame[column] = respondents[column].to_numpy()[row]
    for column in ("period", "settlement"):
        frame[column] = pd.Categorical(respondents[column]).take(row) if len(row) else pd.Categorical(
            respondents[column].iloc[:0])
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype(float)
    return frame


def project_votes(votes: pd.DataFrame, answers: pd.DataFrame, periods: list[str]) -> pd.DataFrame:
    """Project ratings and support: citizens' votes (by the quarter they were cast in) and the
    survey's project-assessment answers."""
    frames = []
    if len(votes):
        v = votes[votes["flags"].map(lambda f: not (set(f) & EXCLUDING_FLAGS))].copy()
        v["period"] = pd.to_datetime(v["voted_on"]).map(period_of)
        frames.append(v[["ngo_id", "region_id", "period", "rating", "support"]])
    project = answers[answers["construct"] == "project"]
    if len(project):
        frames.append(pd.DataFrame({"ngo_id": project["ngo_id"], "region_id": project["region_id"],
                                    "period": project["period"], "rating": project["value"],
                                    "support": np.nan}))
    if not frames:
        return pd.DataFrame(columns=["ngo_id", "region_id", "period", "rating", "support"])
    out = pd.concat(frames, ignore_index=True)
    out = out[out["period"].isin(periods)]
    out["rating"] = pd.to_numeric(out["rating"], errors="coerce").astype(float)
    out["support"] = out["support"].map(lambda s: np.nan if s is None or s != s else float(bool(s)))
    out = out[out["rating"].notna() | out["support"].notna()].reset_index(drop=True)
    out["period"] = pd.Categorical(out["period"].astype(object))  # as the answers': the index step codes it directly
    return out


def media_mentions(mentions: pd.DataFrame, region_mentions: pd.DataFrame, periods: list[str]) -> pd.DataFrame:
    """NGO mentions attributed to regions: the regions the article names, else the outlet's home
    region, else national only. Keyed by quarter of publication."""
    if not len(mentions):
        return pd.DataFrame(columns=[*KEYS, "story", "outlet", "reach", "tone"])
    m = mentions.copy()
    m["period"] = pd.to_datetime(m["published_on"]).map(period_of)
    m = m[m["period"].isin(periods)]
    m["story"] = m["group_id"].fillna(m["article_id"]).astype("int64")
    # Reach counts once per story and outlet; an article without an outlet stands alone.
    m["outlet"] = m["outlet_id"].fillna(-m["article_id"]).astype("int64")
    named = region_mentions.drop_duplicates()
    with_region = m.merge(named, on="article_id", how="left")
    with_region["region_id"] = with_region["region_id"].fillna(with_region["outlet_region_id"])
    return with_region[[*KEYS, "story", "outlet", "reach", "tone"]].reset_index(drop=True)


def checklist_frame(checklists: pd.DataFrame, periods: list[str]) -> pd.DataFrame:
    """Checklists applied to survey periods: an exact period label wins, else the year's checklist."""
    if not len(checklists):
        return checklists
    rows = []
    for period in periods:
        year = period.split("-")[0]
        exact = checklists[checklists["period"] == period]
        yearly = checklists[(checklists["period"] == year) & ~checklists["ngo_id"].isin(exact["ngo_id"])]
        rows.append(pd.concat([exact, yearly]).assign(period=period))
    out = pd.concat(rows, ignore_index=True)
    items = ["annual_report", "audited_statements", "funding_sources", "governing_body", "state_contracts_published"]
    out[items] = out[items].astype(bool)
    return out
