"""Rows over all NGOs (``ngo_id`` missing) for a region or the country.

A respondent rates several NGOs, so their answers are not independent. These rows therefore
summarise *respondents*: each respondent contributes one value per metric — the share of the
NGOs asked about that they know, the share of their trust ratings that are 4–5 (or 1–2), the mean
of their (score − 1)/4 × 100 — and the estimate is the weighted mean of those values with an
interval from the respondent-level variance (as ``analysis.estimators.group_mean``, whose
sums and formulas are used here on integer codes: one ``bincount`` per sum, no string keys).

Every sum of a segment adds the same rows in the same order as a ``groupby`` of that segment
would, so urban and rural figures are identical to the last bit; the work is shared where that
keeps them so: respondents are coded without hashing a row per answer, the metrics of one
construct share their counts and weight sums, and the urban and rural segments are one
``bincount`` with the settlement folded into the group code (urban, rural, other: each bin still
adds its own rows in order). The ``all`` segment is those three bins added up (as
``analysis.indices.segment_sums`` takes the whole table), equal to a direct sum up to rounding.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.estimators import mean_from_sums

#: metric → (construct, how a respondent's answers become one value on 0..100 or −100..100)
RESPONDENT_METRICS = {
    "awareness": ("awareness", lambda v: 100.0 * v),
    "trust_share": ("trust", lambda v: 100.0 * (v >= 4)),
    "distrust_share": ("trust", lambda v: 100.0 * (v <= 2)),
    "net_trust": ("trust", lambda v: 100.0 * ((v >= 4).astype(float) - (v <= 2).astype(float))),
    "trust_index": ("trust", lambda v: (v - 1.0) / 4.0 * 100.0),
    "usefulness": ("usefulness", lambda v: (v - 1.0) / 4.0 * 100.0),
    "transparency_perceived": ("transparency", lambda v: (v - 1.0) / 4.0 * 100.0),
}
#: A metric whose per-respondent sum is the difference of two others' (net trust: 100 for a 4–5,
#: −100 for a 1–2; every partial sum is a whole multiple of 100, exact in floating point, so the
#: difference of the two sums equals the sum of the differences to the last bit).
DIFFERENCES = {"net_trust": ("trust_share", "distrust_share")}
SEGMENTS = ("all", "urban", "rural")
COLUMNS = ["region_id", "period", "estimate", "se", "ci_low", "ci_high", "n", "n_eff", "metric", "segment", "ngo_id"]


@dataclass(frozen=True)
class RespondentValues:
    """One metric's respondent-level values (respondents in order of first answer) with each
    respondent's region and period codes (−1: missing), settlement (0 urban, 1 rural, 2 other)
    and weight. Metrics of one construct share the arrays other than ``x``."""

    x: np.ndarray
    region: np.ndarray
    period: np.ndarray
    settlement: np.ndarray
    weight: np.ndarray


def _respondent_codes(rid: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Code of each row's respondent (0 … R−1, in order of first appearance), the position of each
    respondent's first row, and R. Only the first row of each run of equal ids is looked at: sorted
    ids need no hashing, and ids in runs (a respondent's answers together, as ``extract`` reads
    them from SQLite) are hashed once per run rather than once per row."""
    if not rid.size:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), 0
    new = np.empty(rid.size, dtype=bool)
    new[0] = True
    np.not_equal(rid[1:], rid[:-1], out=new[1:])
    heads = np.flatnonzero(new)
    lengths = np.diff(heads, append=rid.size)
    head_ids = rid[heads]
    if bool(np.all(head_ids[1:] > head_ids[:-1])):  # every respondent is one run, in order
        return np.repeat(np.arange(len(heads), dtype=np.int64), lengths), heads, len(heads)
    head_codes, _ = pd.factorize(head_ids, sort=False)
    head_codes = head_codes.astype(np.int64, copy=False)
    # A respondent's first row heads a run; codes are given in order of first appearance, so a run
    # brings a new respondent exactly when its code exceeds every earlier run's.
    seen = np.empty(len(heads), dtype=bool)
    seen[0] = True
    np.greater(head_codes[1:], np.maximum.accumulate(head_codes)[:-1], out=seen[1:])
    first = heads[seen]
    return np.repeat(head_codes, lengths), first, len(first)


def _settlement_labels(settlement: pd.Series) -> np.ndarray:
    """0 for urban, 1 for rural, 2 for anything else (missing too), one per row."""
    if isinstance(settlement.dtype, pd.CategoricalDtype):
        cats = [str(c) for c in settlement.cat.categories]
        table = np.array([SEGMENTS.index(c) - 1 if c in SEGMENTS[1:] else 2 for c in cats] + [2], dtype=np.int64)
        return table[np.asarray(settlement.cat.codes, dtype=np.int64)]
    values = np.asarray(settlement.astype(object).to_numpy())
    return np.where(values == "urban", 0, np.where(values == "rural", 1, 2)).astype(np.int64)


def respondent_values(answers: pd.DataFrame) -> tuple[dict[str, RespondentValues], pd.Index, pd.Index]:
    """Per metric (see ``RESPONDENT_METRICS``), each respondent's value: the mean over their rated
    answers (``rid`` identifies the respondent) of the metric's transform. Also returns the region
    and period labels that the codes stand for.

    Respondents are ordered by their first rated answer, so every later sum runs over the same
    rows in the same order as a ``groupby`` would (identical floating-point results).
    """
    value = answers["value"].to_numpy(dtype=float)
    is_rated = ~np.isnan(value)
    everything = bool(is_rated.all())
    rated = None if everything else np.flatnonzero(is_rated)
    if rated is not None and not rated.size:
        return {}, pd.Index([]), pd.Index([])
    rid = answers["rid"].to_numpy()
    codes, first, count = _respondent_codes(rid if rated is None else rid[rated])
    if rated is not None:
        first = rated[first]
    region_codes, regions = pd.factorize(answers["region_id"].to_numpy()[first], sort=True)
    period_codes, periods = pd.factorize(answers["period"].iloc[first], sort=True)
    settlement = _settlement_labels(answers["settlement"].iloc[first])
    weight = answers["weight"].to_numpy(dtype=float)[first]
    construct = answers["construct"].astype("category")
    names = list(construct.cat.categories)
    construct_code = construct.cat.codes.to_numpy()
    if rated is not None:
        construct_code, value = construct_code[rated], value[rated]
    out: dict[str, RespondentValues] = {}
    for name in dict.fromkeys(name for name, _ in RESPONDENT_METRICS.values()):
        if name not in names:
            continue
        where = np.flatnonzero(construct_code == names.index(name))  # positions: cheaper than two masked copies
        if not where.size:
            continue
        rows, selected = codes.take(where), value.take(where)
        counts = np.bincount(rows, minlength=count)
        present = np.flatnonzero(counts)
        counts = counts[present]
        shared = (region_codes[present], period_codes[present], settlement[present], weight[present])
        totals: dict[str, np.ndarray] = {}
        for metric, (metric_construct, transform) in RESPONDENT_METRICS.items():
            if metric_construct != name:
                continue
            if metric in DIFFERENCES:  # the terms are whole multiples of 100: the sums are exact either way
                plus, minus = DIFFERENCES[metric]
                totals[metric] = totals[plus] - totals[minus]
            else:
                totals[metric] = np.bincount(rows, weights=np.asarray(transform(selected), dtype=float), minlength=count)
            out[metric] = RespondentValues(totals[metric][present] / counts, *shared)
    out = {metric: out[metric] for metric in RESPONDENT_METRICS if metric in out}
    return out, pd.Index(regions), pd.Index(np.asarray(periods, dtype=object))


@dataclass(frozen=True)
class _Groups:
    """Group codes of one construct's respondents at one level (region × period, or period), with
    urban / rural / other folded in (3 × ``size`` bins and a spare last bin for the excluded
    rows), and the sums the construct's metrics share."""

    size: int
    code: np.ndarray
    shared: dict[str, np.ndarray]


def _groups(code: np.ndarray, size: int, settlement: np.ndarray, w: np.ndarray) -> _Groups:
    folded = np.where(code >= 0, code * 3 + settlement, 3 * size)
    shared = {"n": np.bincount(folded, minlength=3 * size + 1).astype(float),
              "sw": np.bincount(folded, w, 3 * size + 1), "sw2": np.bincount(folded, w * w, 3 * size + 1)}
    return _Groups(size, folded, shared)


def _segment_stats(groups: _Groups, own: dict[str, np.ndarray], segment: int,
                   bounds: tuple[float, float]) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray]:
    """Occupied groups of one segment (−1: all, 0 urban, 1 rural), their weighted means (as
    ``group_mean``) and respondent counts. ``all`` adds the urban, rural and other bins."""
    folded = {k: v[:3 * groups.size].reshape(groups.size, 3) for k, v in {**groups.shared, **own}.items()}
    if segment < 0:
        sums = {k: v[:, 0] + v[:, 1] + v[:, 2] for k, v in folded.items()}
    else:
        sums = {k: v[:, segment] for k, v in folded.items()}
    present = np.flatnonzero(sums["n"] > 0)
    stats = mean_from_sums(*(sums[k][present] for k in ("sw", "swx", "swx2", "sw2")), bounds=bounds)
    return present, stats, sums["n"][present]


def all_ngo_rows(answers: pd.DataFrame) -> pd.DataFrame:
    """All-NGO rows per region and nationally, for segments all / urban / rural, in the long format.

    ``answers``: per-NGO answers with ``rid`` (respondent), ``construct``, ``value``, and the
    respondent's ``region_id``, ``period``, ``settlement`` and ``weight``.
    """
    values, regions, periods = respondent_values(answers)
    n_periods = max(len(periods), 1)
    levels: dict[int, tuple[_Groups, _Groups]] = {}  # per construct (its shared arrays), both levels
    results: dict[tuple[str, int], list[tuple[np.ndarray, dict[str, np.ndarray], np.ndarray]]] = {}
    for metric, v in values.items():
        if id(v.weight) not in levels:
            regional = np.where((v.region >= 0) & (v.period >= 0), v.region * n_periods + v.period, -1)
            levels[id(v.weight)] = (_groups(regional, len(regions) * n_periods, v.settlement, v.weight),
                                    _groups(v.period, n_periods, v.settlement, v.weight))
        bounds = (-100.0, 100.0) if metric == "net_trust" else (0.0, 100.0)
        wx = v.weight * v.x
        for groups in levels[id(v.weight)]:
            bins = 3 * groups.size + 1
            own = {"swx": np.bincount(groups.code, wx, bins), "swx2": np.bincount(groups.code, wx * v.x, bins)}
            for segment in (-1, 0, 1):
                results.setdefault((metric, segment), []).append(_segment_stats(groups, own, segment, bounds))
    blocks = []
    for segment, name in zip((-1, 0, 1), SEGMENTS):
        for metric, v in values.items():
            if segment >= 0 and not np.any(v.settlement == segment):
                continue
            if not len(v.x):
                continue
            for (present, stats, n), national in zip(results[(metric, segment)], (False, True)):
                blocks.append((np.full(len(present), -1) if national else present // n_periods,
                               present if national else present % n_periods, stats, n, metric, name))
    if not blocks:
        return pd.DataFrame()
    region_pos = np.concatenate([b[0] for b in blocks]).astype(np.int64)
    region_values = np.asarray(regions)[np.maximum(region_pos, 0)] if len(regions) else np.zeros(len(region_pos))
    out = pd.DataFrame({
        "region_id": pd.array(np.where(region_pos < 0, None, region_values.astype(object)), dtype="Int64"),
        "period": np.asarray(periods, dtype=object)[np.concatenate([b[1] for b in blocks]).astype(np.int64)],
    })
    for column in ("estimate", "se", "ci_low", "ci_high"):
        out[column] = np.concatenate([b[2][column] for b in blocks])
    out["n"] = np.concatenate([b[3] for b in blocks]).astype(np.int64)
    out["n_eff"] = np.concatenate([b[2]["n_eff"] for b in blocks])
    out["metric"] = np.concatenate([np.full(len(b[3]), b[4], dtype=object) for b in blocks])
    out["segment"] = np.concatenate([np.full(len(b[3]), b[5], dtype=object) for b in blocks])
    out["ngo_id"] = pd.array([None] * len(out), dtype="Int64")
    return out[COLUMNS]
