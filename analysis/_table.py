"""Survey metrics from sums (internal): the formulas, and the long table built straight from the
dense sums of ``analysis._sums`` (the fast path of ``indices.segment_indices``).

The plain path decodes the sums into a frame, appends national rows (``_cells.add_national``:
a ``bincount`` over the regional rows), splits it by construct with string comparisons and
concatenates one frame per metric. Here the national sums are the regional arrays added region
by region in ascending order — the order in which that ``bincount`` meets the regional rows,
from 0.0, absent cells adding 0.0 to a sum of positive numbers — so they are identical; rows are
put in the plain path's order (regional in key order, then national by the sorted key values);
the metrics come from the same functions on the same numbers, and the frame is built once.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ._cells import VALUE_COLUMNS, normal_interval, with_missing
from ._groups import DenseCodes, _column_codes
from .estimators import mean_from_sums, proportion_from_sums, z_value

CONSTRUCTS = ("awareness", "trust", "usefulness", "transparency")
#: Index metric for each construct answered on the 1–5 scale.
SCALE_METRICS = {"trust": "trust_index", "usefulness": "usefulness", "transparency": "transparency_perceived"}
SUMS = ("n", "sw", "swx", "swx2", "sw2", "sw_hi", "sw_lo")


def scale_index(s: Mapping[str, np.ndarray], level: float) -> dict[str, np.ndarray]:
    """Index (score − 1)/4 × 100 from sums of the raw 1–5 scores (a linear change of unit)."""
    sw, swx, swx2, sw2 = (np.asarray(s[k], dtype=float) for k in ("sw", "swx", "swx2", "sw2"))
    return mean_from_sums(sw, 25 * (swx - sw), 625 * (swx2 - 2 * swx + sw), sw2, level=level, bounds=(0.0, 100.0))


def construct_metrics(name: str, s: Mapping[str, np.ndarray], level: float) -> list[tuple[str, dict[str, np.ndarray]]]:
    """The metrics of one construct (see ``analysis.indices``), in table order, from its sums."""
    sw, sw2 = np.asarray(s["sw"], dtype=float), np.asarray(s["sw2"], dtype=float)
    if name == "awareness":
        return [("awareness", proportion_from_sums(sw, s["swx"], sw2, level=level, scale=100))]
    out = []
    if name == "trust":
        hi = proportion_from_sums(sw, s["sw_hi"], sw2, level=level, scale=100)
        lo = proportion_from_sums(sw, s["sw_lo"], sw2, level=level, scale=100)
        pt, pd_ = hi["estimate"] / 100, lo["estimate"] / 100
        n_eff = hi["n_eff"]
        var = np.clip(pt + pd_ - (pt - pd_) ** 2, 0.0, None) / np.where(n_eff > 0, n_eff, np.nan)
        est, se = 100 * (pt - pd_), 100 * np.sqrt(var)
        low, high = normal_interval(est, se, z_value(level), -100.0, 100.0)
        out += [("trust_share", hi), ("distrust_share", lo),
                ("net_trust", {"estimate": est, "se": se, "ci_low": low, "ci_high": high, "n_eff": n_eff})]
    out.append((SCALE_METRICS[name], scale_index(s, level)))
    return out


def repeat_labels(labels: Sequence[str], counts: Sequence[int]) -> np.ndarray:
    """An object array of ``labels[i]`` repeated ``counts[i]`` times: every row refers to the one
    label object (``np.full(n, label, dtype=object)`` creates a new string per row, and a string
    column then checks each of them)."""
    return np.repeat(np.array(list(labels), dtype=object), np.asarray(counts, dtype=np.int64))


def _ranks(uniques: pd.Index) -> np.ndarray:
    """Order of each label as ``_groups.group_index`` orders decoded key values."""
    return _column_codes(pd.Series(uniques))[0] if len(uniques) else np.zeros(1, dtype=np.int64)


def dense_table(arrays: Mapping[str, np.ndarray], dense: DenseCodes, national: bool, level: float,
                ) -> pd.DataFrame | None:
    """The long table of one segment from its dense sums (keys NGO, region, period, then the
    construct, as ``_sums.dense_of``), with national rows if ``national``; None when the segment
    is empty (the plain path handles that)."""
    present = np.flatnonzero(arrays["n"] > 0)
    if not present.size:
        return None
    s0, s1, s2, width = dense.sizes
    ngo, region, period = dense.keys[:3]
    cells = DenseCodes(present[:0], [s0, s1, s2], dense.uniques[:3], [ngo, region, period]).decode(present // width)
    parts = [(cells, present % width, {k: arrays[k][present].astype(float) for k in SUMS})]
    if national:
        nat = {}
        for k in SUMS:
            by_region = arrays[k].astype(float).reshape(s0, s1, s2 * width)
            total = np.zeros((s0, s2 * width))
            for r in range(s1):
                total += by_region[:, r]
            nat[k] = total.ravel()
        found = np.flatnonzero(nat["n"] > 0)
        cell, construct = found // width, found % width
        second = _ranks(dense.uniques[2])
        ranks = _ranks(dense.uniques[0])[cell // s2] * (int(second.max()) + 1) + second[cell % s2]
        order = np.lexsort((ranks, construct))
        found, cell, construct = found[order], cell[order], construct[order]
        keys = DenseCodes(found[:0], [s0, s2], [dense.uniques[0], dense.uniques[2]], [ngo, period]).decode(cell)
        cells[region], missing = with_missing(cells[region], len(keys))
        keys[region] = missing
        parts.append((keys[cells.columns], construct, {k: v[found] for k, v in nat.items()}))
    key_frame = pd.concat([p[0] for p in parts], ignore_index=True)
    starts = np.cumsum([0] + [len(p[0]) for p in parts])
    rows, names, values = [], [], []  # names: each metric once, repeated per row at the end
    for c, name in enumerate(CONSTRUCTS):
        picks = [np.flatnonzero(p[1] == c) for p in parts]
        idx = np.concatenate([start + pick for start, pick in zip(starts, picks)])
        if not idx.size:
            continue
        sums = {k: np.concatenate([p[2][k][pick] for p, pick in zip(parts, picks)]) for k in SUMS}
        for metric, stats in construct_metrics(name, sums, level):
            rows.append(idx)
            names.append(metric)
            values.append({**stats, "n": sums["n"]})
    out = key_frame.take(np.concatenate(rows)).reset_index(drop=True)
    out["metric"] = repeat_labels(names, [len(r) for r in rows])
    for column in VALUE_COLUMNS[1:]:
        dtype = np.int64 if column == "n" else float
        out[column] = np.concatenate([np.asarray(v[column], dtype=dtype) for v in values])
    return out
