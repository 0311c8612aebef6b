"""Survey indices per NGO × region × period, with national rows, in one long table.

Input (``survey_indices``): one row per answer to a per-NGO question, with columns

- the keys ``ngo``, ``region``, ``period`` (other names via ``keys``, always in that order; ints
  or categoricals are fastest),
- ``construct``: ``awareness`` | ``trust`` | ``usefulness`` | ``transparency`` (other rows ignored),
- ``value``: awareness 1 (heard of it) / 0; the others 1–5; NaN for "don't know" (left out),
- ``weight``: the respondent's raking weight (> 0).

Metrics (``metric`` column; estimates on the scale shown; intervals from ``analysis.estimators``):

=======================  ========  ==============================================================
awareness                0..100    weighted % aware among those asked; Wilson on n_eff
trust_share              0..100    weighted % answering 4–5 among trust answers; Wilson
distrust_share           0..100    weighted % answering 1–2; Wilson
net_trust                −100..100 trust_share − distrust_share; se² = (pT + pD − (pT − pD)²)/n_eff
trust_index              0..100    weighted mean of (score − 1)/4 × 100; se = sqrt(var / n_eff)
usefulness               0..100    the same index for usefulness answers
transparency_perceived   0..100    the same index for perceived-transparency answers
=======================  ========  ==============================================================

Trust is asked only of respondents aware of the NGO (the survey's ``depends_on``), so its base is
the aware respondents who gave a 1–5 answer. National rows (``region`` missing) add the regional
sums, i.e. they pool all respondents with their weights. Output columns: the keys, then
``metric, estimate, se, ci_low, ci_high, n`` (respondents in the base) ``, n_eff``. Media coverage
is in ``analysis.coverage``, the transparency checklist and the external assessment in
``analysis.composite``; ``compute_indices`` runs them all.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ._cells import add_national, metric_rows, split_keys
from ._groups import DenseCodes, codes_for, dense_codes
from ._sums import add_bins, blocked_sums, dense_of, key_source, summed_layers
from ._table import CONSTRUCTS, SCALE_METRICS, SUMS, construct_metrics, dense_table
from .composite import checklist_scores, combine_parts, external_assessment
from .coverage import media_indices

_SUMS = SUMS
__all__ = ["CONSTRUCTS", "SCALE_METRICS", "compute_indices", "indices_from_sums", "plain_segment_sums",
           "project_indices", "segment_indices", "segment_sums", "survey_indices", "survey_sums"]


def segment_sums(answers: pd.DataFrame, segments: Mapping[str, np.ndarray | None], *,
                 keys: Sequence[str] = ("ngo", "region", "period"), construct: str = "construct",
                 value: str = "value", weight: str = "weight") -> dict[str, pd.DataFrame]:
    """``survey_sums`` of several row subsets (``segments``: name → boolean mask over the rows of
    ``answers``, or None for all rows) in one pass. Each masked result equals
    ``survey_sums(answers[mask])`` to the last bit (the same rows are added in the same order). The
    whole table (None), when masks are given too, is the sums of the first masks' layer added up
    (its segments in order, then the rows in none of them; see ``analysis._sums``): the same
    cells and counts as ``survey_sums(answers)``, sums equal up to rounding, and consistent with
    its parts. By blocks of rows when the key space is dense, else as ``plain_segment_sums``.
    Raises as ``survey_sums``; ValueError for a mask of the wrong length.
    """
    blocked = _blocked_sums(answers, segments, keys=keys, construct=construct, value=value, weight=weight)
    if blocked is None:
        return plain_segment_sums(answers, segments, keys=keys, construct=construct, value=value, weight=weight)
    sums, dense = blocked
    out: dict[str, pd.DataFrame] = {}
    for name in segments:
        arrays = sums[name]
        present = np.flatnonzero(arrays["n"] > 0)
        frame = dense.decode(present)
        for column in _SUMS:
            frame[column] = arrays[column][present].astype(float)
        out[name] = frame
    return out


def _blocked_sums(answers: pd.DataFrame, segments: Mapping[str, np.ndarray | None], *, keys: Sequence[str],
                  construct: str, value: str, weight: str,
                  ) -> tuple[dict[str, dict[str, np.ndarray]], DenseCodes] | None:
    """The dense sums of each segment by blocks, and the codes that decode them; None when the
    key space is too sparse for dense arrays."""
    for name, rows in segments.items():
        if rows is not None and len(rows) != len(answers):
            raise ValueError(f"segment {name!r}: the mask must have one value per answer")
    sources = [key_source(answers[k]) for k in keys]
    space = 4 * int(np.prod([max(len(s.uniques), 1) for s in sources], dtype=np.float64))
    if space > max(4 * len(answers), 1 << 22):
        return None
    col = answers[construct]
    if isinstance(col.dtype, pd.CategoricalDtype):
        raw, table = col.cat.codes.to_numpy(), np.append(codes_for(col.cat.categories, CONSTRUCTS), -1)
        if np.array_equal(table[:-1], np.arange(len(table) - 1)):
            table = None  # the categories are the constructs in order: the codes need no lookup
    else:
        raw, table = codes_for(col, CONSTRUCTS), None
    sums = blocked_sums(sources, raw, table, answers[value].to_numpy(dtype=float),
                        answers[weight].to_numpy(dtype=float), segments, _messages(weight))
    return sums, dense_of(sources, keys, CONSTRUCTS)


def _messages(weight: str) -> tuple[str, str, str]:
    """The three validation messages, in the order they are checked."""
    return ("awareness values must be 0 or 1 (NaN for don't know)",
            "trust, usefulness and transparency values must be on the 1–5 scale",
            f"column {weight!r} must hold finite, positive weights")


def plain_segment_sums(answers: pd.DataFrame, segments: Mapping[str, np.ndarray | None], *,
                       keys: Sequence[str] = ("ngo", "region", "period"), construct: str = "construct",
                       value: str = "value", weight: str = "weight") -> dict[str, pd.DataFrame]:
    """``segment_sums`` on full-length arrays: codes and products are computed once, then each
    subset costs its bincounts. Also the reference the block path is tested against."""
    code = codes_for(answers[construct], CONSTRUCTS)
    x = answers[value].to_numpy(dtype=float)
    keep = (code >= 0) & ~np.isnan(x)
    w_all = answers[weight].to_numpy(dtype=float)
    aware = keep & (code == 0)
    if np.any((x[aware] != 0) & (x[aware] != 1)):
        raise ValueError("awareness values must be 0 or 1 (NaN for don't know)")
    scale = keep & (code > 0)
    if np.any((x[scale] < 1) | (x[scale] > 5)):
        raise ValueError("trust, usefulness and transparency values must be on the 1–5 scale")
    if not np.all(np.isfinite(w_all[keep]) & (w_all[keep] > 0)):
        raise ValueError(f"column {weight!r} must hold finite, positive weights")
    # Invalid rows (other constructs, don't know) go to an extra bin past the key space that is
    # dropped: no filtering copies of the big arrays. Their NaN values only reach that bin.
    dense = dense_codes(answers, keys, extra=(np.maximum(code, 0), pd.Index(CONSTRUCTS), "construct"))
    ok = keep & (dense.codes >= 0)
    size = dense.space
    if size <= max(4 * len(answers), 1 << 22):
        g, labels = np.where(ok, dense.codes, size), None
    else:  # sparse key space (e.g. large ids): compress to the occupied combinations
        labels, inverse = np.unique(dense.codes[ok], return_inverse=True)
        size = len(labels)
        g = np.full(len(answers), size, dtype=np.int64)
        g[ok] = inverse
    w = np.where(keep, w_all, 0.0)
    wx = w * x
    products = {"sw": w, "swx": wx, "swx2": wx * x, "sw2": w * w, "sw_hi": np.where(x >= 4, w, 0.0),
                "sw_lo": np.where(x <= 2, w, 0.0)}
    for name, rows in segments.items():
        if rows is not None and len(rows) != len(answers):
            raise ValueError(f"segment {name!r}: the mask must have one value per answer")

    def bin_sums(gs: np.ndarray) -> dict[str, np.ndarray]:
        sums = {"n": np.bincount(gs, minlength=size + 1)}
        sums.update({k: np.bincount(gs, v, size + 1) for k, v in products.items()})
        return sums

    # As the block path: with a segment layer, the whole table is that layer's bins added up.
    layers, whole = summed_layers(segments, len(answers))
    by_name: dict[str, dict[str, np.ndarray]] = {}
    if whole:
        label, names = layers[0]
        bins = [bin_sums(np.where(label == j, g, size)) for j in range(len(names) + 1)]
        by_name.update(zip(names, bins))
        by_name.update((name, add_bins(bins)) for name in whole)
    out: dict[str, pd.DataFrame] = {}
    for name, rows in segments.items():
        sums = by_name.get(name) or bin_sums(g if rows is None else np.where(np.asarray(rows, dtype=bool), g, size))
        present = np.flatnonzero(sums["n"][:size] > 0)
        frame = dense.decode(present if labels is None else labels[present])
        for column, arr in sums.items():
            frame[column] = arr[present].astype(float)
        out[name] = frame[frame["n"] > 0].reset_index(drop=True)
    return out


def survey_sums(answers: pd.DataFrame, *, keys: Sequence[str] = ("ngo", "region", "period"),
                construct: str = "construct", value: str = "value", weight: str = "weight") -> pd.DataFrame:
    """Additive sufficient statistics per key combination × construct: ``n`` (answers),
    ``sw, swx, swx2, sw2`` (Σw, Σw·x, Σw·x², Σw²) and ``sw_hi, sw_lo`` (Σw of 4–5 and of 1–2).

    Raises ValueError for awareness values other than 0/1, scale values outside 1–5, or weights
    that are not finite and positive; KeyError for a missing column.
    """
    return segment_sums(answers, {"all": None}, keys=keys, construct=construct, value=value, weight=weight)["all"]


def indices_from_sums(sums: pd.DataFrame, *, keys: Sequence[str] = ("ngo", "region", "period"),
                      level: float = 0.95) -> pd.DataFrame:
    """The survey metrics (see the module docstring) from ``survey_sums`` output (any rows: also
    national ones). Returns the long table; raises KeyError for missing columns."""
    keys = list(keys)
    blocks = []
    for name in CONSTRUCTS:
        s = sums[sums["construct"] == name]
        if s.empty:
            continue
        k, n = s[keys], s["n"].to_numpy()
        arrays = {column: s[column].to_numpy() for column in _SUMS}
        blocks += [metric_rows(k, metric, stats, n) for metric, stats in construct_metrics(name, arrays, level)]
    if not blocks:
        return metric_rows(sums[keys].iloc[:0], "", {}, np.zeros(0))
    return pd.concat(blocks, ignore_index=True)


def segment_indices(answers: pd.DataFrame, segments: Mapping[str, np.ndarray | None], *,
                    keys: Sequence[str] = ("ngo", "region", "period"), national: bool = True,
                    level: float = 0.95) -> dict[str, pd.DataFrame]:
    """``survey_indices`` of several row subsets at once (see ``segment_sums``): name → table,
    each equal to ``survey_indices(answers[mask])`` (the whole table's up to rounding, see
    ``segment_sums``). Raises as ``segment_sums``."""
    region = split_keys(keys)[1]
    blocked = _blocked_sums(answers, segments, keys=keys, construct="construct", value="value", weight="weight")
    if blocked is not None:
        out = {name: dense_table(arrays, blocked[1], national, level) for name, arrays in blocked[0].items()}
        if all(table is not None for table in out.values()):
            return out  # type: ignore[return-value]
    sums = segment_sums(answers, segments, keys=keys)
    return {name: indices_from_sums(add_national(s, keys, region if national else None, _SUMS, extra=("construct",)),
                                    keys=keys, level=level) for name, s in sums.items()}


def survey_indices(answers: pd.DataFrame, *, keys: Sequence[str] = ("ngo", "region", "period"),
                   national: bool = True, level: float = 0.95) -> pd.DataFrame:
    """Awareness, trust and the other survey metrics per NGO × region × period, plus national rows
    (region missing) unless ``national`` is False. See the module docstring for input and output.
    Raises as ``survey_sums``."""
    return segment_indices(answers, {"all": None}, keys=keys, national=national, level=level)["all"]


def project_indices(votes: pd.DataFrame, *, keys: Sequence[str] = ("ngo", "region", "period"),
                    national: bool = True, weight: str | None = None,
                    level: float = 0.95) -> pd.DataFrame:
    """Citizens' assessment of an NGO's projects from project votes (one row per vote: the keys,
    ``rating`` 1–5 or NaN, ``support`` 1/0/True/False or NaN; optional ``weight``, default 1).

    Metrics: ``project_rating`` (mean of (rating − 1)/4 × 100, 0..100), ``project_support`` (% of
    votes supporting, Wilson), and ``project_assessment`` = the mean of the two (or the one
    present), se = (se₁ + se₂)/2 — an upper bound whatever their correlation, as both come from
    the same ballots; its n is the smaller base. Raises ValueError for ratings outside 1–5.
    """
    keys = list(keys)
    split_keys(keys)
    rating = pd.to_numeric(votes["rating"], errors="coerce").to_numpy(dtype=float)
    if np.any((rating < 1) | (rating > 5)):
        raise ValueError("project ratings must be on the 1–5 scale")
    support = votes["support"].astype("float64").to_numpy()
    frame = pd.concat([votes[keys]] * 2, ignore_index=True)
    # Ratings are read as trust answers, support as awareness (a vote without either is left out):
    # category codes, no string per row.
    code = np.concatenate([np.where(np.isnan(rating), -1, 1), np.where(np.isnan(support), -1, 0)])
    frame["construct"] = pd.Categorical.from_codes(code, categories=list(CONSTRUCTS[:2]))
    frame["value"] = np.concatenate([rating, support])
    frame["weight"] = 1.0 if weight is None else np.tile(votes[weight].to_numpy(dtype=float), 2)
    table = survey_indices(frame, keys=keys, national=national, level=level)
    table["metric"] = table["metric"].map({"trust_index": "project_rating", "awareness": "project_support"})
    table = table.dropna(subset=["metric"]).reset_index(drop=True)
    both = combine_parts(table, keys, {"project_rating": 1.0, "project_support": 1.0}, "project_assessment",
                         interval="conservative", level=level, min_parts=1)
    return pd.concat([table, both], ignore_index=True)


def compute_indices(
    answers: pd.DataFrame, *, votes: pd.DataFrame | None = None, mentions: pd.DataFrame | None = None,
    checklists: pd.DataFrame | None = None, weights: Mapping[str, float] | None = None,
    keys: Sequence[str] = ("ngo", "region", "period"), national: bool = True, level: float = 0.95,
    survey: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every metric in one long table: survey indices, project indices (``votes``), media coverage
    (``mentions``, see ``analysis.coverage``) and the four-criteria external assessment with its
    transparency criterion (``checklists``, ``weights``; see ``analysis.composite``). ``survey``:
    the survey indices of ``answers`` when already computed (e.g. by ``segment_indices``)."""
    parts = [survey if survey is not None else survey_indices(answers, keys=keys, national=national, level=level)]
    if votes is not None and len(votes):
        parts.append(project_indices(votes, keys=keys, national=national, level=level))
    if mentions is not None and len(mentions):
        parts.append(media_indices(mentions, keys=keys, national=national))
    table = pd.concat(parts, ignore_index=True)
    ngo, _, period = split_keys(keys)
    checks = None
    if checklists is not None and len(checklists):
        checks = checklist_scores(checklists, ngo=ngo, period=period)
    extra = external_assessment(table, checks, weights=weights, keys=keys, level=level)
    return pd.concat([table, extra], ignore_index=True)
