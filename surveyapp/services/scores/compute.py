"""``compute_scores``: every published figure, from the database to snapshot rows, in one pass.

Reads in bulk (``extract``), prepares (``prepare``), runs ``analysis`` (weighting, indices,
shrinkage, disclosure control, monitoring) and hands plain tables to ``store``.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.disclosure import suppress
from analysis.indices import compute_indices, segment_indices
from analysis.smallarea import shrink_cells

from ..metrics import METRICS_BY_KEY
from . import extract, prepare
from .aggregate import all_ngo_rows
from .alerts import find_alerts
from .exclusions import exclusion_rows
from .store import write_results

KEYS = list(prepare.KEYS)
#: Survey metrics that get an empirical-Bayes (shrunk) regional estimate beside the direct one.
SHRINK = ("awareness", "trust_share", "distrust_share", "net_trust", "trust_index", "usefulness",
          "transparency_perceived")
BOUNDS = {"net_trust": (-100.0, 100.0)}
MIN_AREAS = 3
#: Analysis names → catalogue names (surveyapp.services.metrics) for the four criteria.
RENAME = {"transparency": "criterion_transparency", "project_assessment": "criterion_projects"}
COPIES = {"usefulness": "criterion_usefulness", "trust_index": "criterion_trust"}


@dataclass
class ScoreRun:
    """What a run computed: snapshot and alert counts, exclusions and weighting summary."""

    periods: list[str]
    snapshots: int = 0
    suppressed: int = 0
    alerts: int = 0
    respondents: int = 0
    excluded: dict[str, int] = field(default_factory=dict)
    deff: dict[str, float] = field(default_factory=dict)
    n_eff: dict[str, float] = field(default_factory=dict)
    #: The trimming factor used (None: untrimmed) and how many responses' weights it capped.
    trim: float | None = None
    trimmed: int = 0
    #: Region × period groups raked to fewer margins, by the margins used (see prepare.VARIABLE_SETS).
    collapsed: dict[str, int] = field(default_factory=dict)


def _segment_tables(answers: pd.DataFrame, votes: pd.DataFrame, mentions: pd.DataFrame,
                    checklists: pd.DataFrame, weights: Mapping[str, float] | None) -> pd.DataFrame:
    segments: dict[str, np.ndarray | None] = {"all": None}
    for settlement in ("urban", "rural"):
        rows = (answers["settlement"] == settlement).to_numpy(dtype=bool)
        if rows.any():
            segments[settlement] = rows
    survey = segment_indices(answers, segments, keys=KEYS)  # one pass: codes and products shared
    full = compute_indices(answers, votes=votes, mentions=mentions, checklists=checklists, weights=weights,
                           keys=KEYS, survey=survey.pop("all"))
    full["segment"] = "all"
    # Renamed and copied metrics occur only in the ``all`` table (the segment tables hold survey
    # metrics alone), so both steps run on it rather than on every segment's rows.
    metric = full["metric"].to_numpy(dtype=object, copy=True)  # as Series.replace, without its string hashing
    for name, new in RENAME.items():
        metric[metric == name] = new
    full["metric"] = metric
    copies = full[full["metric"].isin(list(COPIES))].copy()
    copies["metric"] = copies["metric"].map(COPIES)
    return pd.concat([full, *(table.assign(segment=name) for name, table in survey.items()), copies],
                     ignore_index=True)


def _shrink(table: pd.DataFrame) -> pd.DataFrame:
    """Shrunk regional rows (method ``shrunk``) toward the national estimate of the same cell."""
    direct = table[table["metric"].isin(SHRINK) & (table["segment"] == "all")].copy()
    national = direct[direct["region_id"].isna()][["metric", "ngo_id", "period", "estimate"]]
    regional = direct[direct["region_id"].notna() & direct["se"].gt(0)]
    regional = regional.merge(national.rename(columns={"estimate": "prior"}), on=["metric", "ngo_id", "period"],
                              how="left")
    # A Fay–Herriot model needs several areas: only groups with at least MIN_AREAS regions get shrunk rows.
    sizes = regional.groupby(["metric", "ngo_id", "period"], dropna=False)["estimate"].transform("size")
    regional = regional[sizes >= MIN_AREAS]
    shrunk_parts = []
    for metric, rows in regional.groupby("metric"):
        if not len(rows):
            continue
        bounds = BOUNDS.get(str(metric), (0.0, 100.0))
        out = shrink_cells(rows, by=("metric", "ngo_id", "period"), prior="prior", bounds=bounds,
                           min_areas=MIN_AREAS)
        out = out[out["gamma"].notna()]
        out["estimate"], out["se"] = out["shrunk"], out["shrunk_se"]
        out["ci_low"], out["ci_high"] = out["shrunk_ci_low"], out["shrunk_ci_high"]
        shrunk_parts.append(out[table.columns])
    if not shrunk_parts:
        return table.assign(method="direct")
    shrunk = pd.concat(shrunk_parts, ignore_index=True).assign(method="shrunk")
    return pd.concat([table.assign(method="direct"), shrunk], ignore_index=True)


def _cell_codes(keys: pd.DataFrame) -> np.ndarray:
    """One integer per cell (metric, segment, NGO, region, period) of the slim key frame: equal
    codes for rows of the same cell whatever their method (a missing region is a value)."""
    region, _ = pd.factorize(keys["region_id"], use_na_sentinel=False)
    ngo, _ = pd.factorize(keys["ngo_key"])
    code = np.zeros(len(keys), dtype=np.int64)
    for part, size in ((keys["metric"].cat.codes.to_numpy(), len(keys["metric"].cat.categories)),
                       (keys["segment"].cat.codes.to_numpy(), len(keys["segment"].cat.categories)),
                       (ngo, int(ngo.max()) + 1 if len(ngo) else 1), (region, int(region.max()) + 1 if len(region) else 1),
                       (keys["period"].cat.codes.to_numpy(), len(keys["period"].cat.categories))):
        code = code * (size + 1) + (part.astype(np.int64) + 1)  # +1: a missing label (−1) is a value too
    return code


def _disclose(table: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """Suppress respondent cells with n < min_n, and complementary cells so that no suppressed cell
    can be derived from a published total (the national row, or the ``all`` segment of a region)
    minus the other published cells of the same line.

    The rule runs on a slim copy of the keys (text keys as categoricals, so grouping does not
    hash millions of strings); its verdict is then applied to the full table."""
    # Only respondent-based cells fall under the rule: media counts and checklists are not samples.
    keys = pd.DataFrame({column: pd.Categorical(table[column]) for column in ("metric", "segment", "method", "period")})
    counted = np.array([bool(getattr(METRICS_BY_KEY.get(m), "from_respondents", True))
                        for m in keys["metric"].cat.categories], dtype=bool)
    keys["ngo_key"] = table["ngo_id"].astype("Int64").fillna(-1).to_numpy()
    keys["region_id"] = table["region_id"].array
    keys["n"] = table["n"].where(counted[keys["metric"].cat.codes.to_numpy()], pd.NA).array
    verdict = suppress(keys, keys=("metric", "segment", "method", "ngo_key", "region_id", "period"),
                       totals={"region_id": None, "segment": "all"}, min_n=min_n, values=())
    out = table.reset_index(drop=True).copy()
    hidden = verdict["suppressed"].to_numpy().copy()
    reason = verdict["suppression"].to_numpy().copy()
    # A shrunk row is a known blend of its direct cell and the published national one, so it is
    # withheld whenever that direct cell is (shrunk lines have no totals of their own to protect them).
    direct = (keys["method"] == "direct").to_numpy()
    cell = _cell_codes(keys)
    follow = np.isin(cell, cell[direct & hidden]) & (keys["method"] == "shrunk").to_numpy() & ~hidden
    hidden[follow] = True
    reason[follow] = "complementary"
    for column in ("estimate", "se", "ci_low", "ci_high"):
        if column in out:
            out[column] = out[column].where(~hidden)
    out["n"] = out["n"].to_numpy()
    out["suppressed"] = hidden
    out["suppression"] = reason
    return out


def compute_scores(*, periods: list[str] | None = None, weights: Mapping[str, float] | None = None,
                   min_n: int = 10, trim: float | None = None,
                   progress: Callable[[str], None] | None = None) -> ScoreRun:
    """Recompute every snapshot and alert (of ``periods``, default all survey periods).

    ``trim`` caps raking weights at that multiple of their region × period's mean weight
    (default: untrimmed). Flushes only: the caller commits, so the replacement is one
    transaction. Raises ``surveyapp.services.errors.ValidationError`` for unknown periods,
    criterion weights or a trimming factor that is not a number greater than 1.
    """
    from ..errors import ValidationError

    if trim is not None and not (isinstance(trim, (int, float)) and math.isfinite(trim) and trim > 1):
        raise ValidationError("The trimming factor must be a number greater than 1",
                              {"trim": "a number greater than 1 (a multiple of the mean weight)"})
    say = progress or (lambda _msg: None)
    say("reading responses")
    respondents = extract.load_respondents(periods)
    all_periods = sorted(respondents["period"].unique().tolist())
    run = ScoreRun(periods=all_periods, trim=trim)
    if periods:
        unknown = sorted(set(periods) - set(all_periods))
        if unknown:
            raise ValidationError(f"No responses for period(s) {', '.join(unknown)}",
                                  {"period": "no responses for " + ", ".join(unknown)})
    if not len(respondents):  # no survey has been answered yet: no period to score, nothing written
        say("no responses yet: nothing to compute")
        return run
    answers = extract.load_answers(respondents, periods)
    general = extract.load_scale_answers_general(respondents, periods)
    kept, run.excluded = prepare.quality_filter(respondents, general, answers)
    say(f"weighting {len(kept)} responses ({run.excluded.get('total', 0)} excluded by quality checks)")
    weighted = prepare.weight_respondents(kept, extract.load_margins(), extract.load_regions(), trim=trim)
    run.respondents, run.deff, run.n_eff, run.trimmed = len(kept), weighted.deff, weighted.n_eff, weighted.trimmed
    run.collapsed = weighted.collapsed
    data = prepare.survey_answers(answers, weighted.respondents)
    votes = prepare.project_votes(extract.load_votes(), data, all_periods)
    mentions = prepare.media_mentions(extract.load_mentions(), extract.load_region_mentions(), all_periods)
    checklists = prepare.checklist_frame(extract.load_checklists(), all_periods)
    say("computing indices")
    table = _segment_tables(data, votes, mentions, checklists, weights)
    table = pd.concat([table, all_ngo_rows(data)], ignore_index=True)
    say("shrinking small regional cells")
    table = _shrink(table)
    table = _disclose(table, min_n)
    alerts = find_alerts(table, extract.load_mentions())
    table = pd.concat([table, exclusion_rows(respondents, kept)], ignore_index=True)  # "indicative" counts
    say("writing snapshots")
    run.snapshots, run.suppressed = write_results(table, alerts, periods=periods, respondents=weighted.respondents)
    run.alerts = len(alerts)
    return run


__all__ = ["ScoreRun", "compute_scores"]
