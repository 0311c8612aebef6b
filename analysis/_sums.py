"""Survey sums by blocks of rows (internal): the fast path of ``indices.segment_sums``.

The plain path builds full-length arrays (group codes, one per product, one per segment) and
sums each with ``np.bincount``; at millions of answers that is mostly memory traffic. Here the
rows are taken in blocks small enough to stay in cache: each block's codes and products are
built and added into the running sums with ``np.add.at``, which, like ``bincount``, adds each
row to its bin in row order. Every bin therefore receives the same values in the same order as
in the plain path and the sums are identical to the last bit. Disjoint segments (urban / rural)
share one accumulator: the segment is folded into the group code, with one more bin for the rows
in none of them. The whole table (a segment without a mask) is then not accumulated at all when
such a layer exists: its sums are that layer's bins added up (``add_bins``), as the plain path
also takes them — the same total, rounded once per bin instead of once per row. The sums of w
over 4–5 and over 1–2 are one accumulator with the answer's class folded in (the plain path adds
zeros for the other rows, which leaves a sum of positive weights unchanged); counts are integers.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._groups import DenseCodes

BLOCK = 1 << 20
#: Sums kept per bin, side by side: n, sw, swx, swx2, sw2, sw_lo, sw_hi (and one for 3s).
WIDTH = 8


@dataclass(frozen=True)
class KeySource:
    """One key column as stored (``raw``: ints, category codes or factorised codes) with what
    turns it into codes 0 … size−1: ``raw − offset``; a negative raw code marks a missing key
    (only when ``may_miss``)."""

    raw: np.ndarray
    offset: int
    uniques: pd.Index
    may_miss: bool


def key_source(col: pd.Series) -> KeySource:
    """A ``KeySource`` for a key column, coded as ``_groups.dense_codes`` codes it (same uniques)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes = col.cat.codes.to_numpy()
        return KeySource(codes, 0, pd.Index(col.cat.categories), bool(codes.size and codes.min() < 0))
    values = col.to_numpy()
    if values.dtype.kind in "iu" and values.size:
        lo, hi = int(values.min()), int(values.max())
        if hi - lo <= max(4 * values.size, 1 << 16):
            return KeySource(values, lo, pd.Index(np.arange(lo, hi + 1, dtype=values.dtype)), False)
    codes, uniques = pd.factorize(col, sort=True, use_na_sentinel=True)
    return KeySource(codes.astype(np.int64), 0, pd.Index(uniques), bool(codes.size and codes.min() < 0))


def _offset_total(sources: Sequence[KeySource], sizes: Sequence[int]) -> int | None:
    """Σ offset × stride, to subtract once from a code built from the raw values; None when
    raw values that large could overflow int64 (then each block's offsets are taken first)."""
    total, bound, stride = 0, 0.0, 4
    for source, size in zip(reversed(sources), reversed(sizes)):
        total += source.offset * stride
        bound += float(max(abs(source.offset), abs(source.offset + size))) * stride
        stride *= size
    return total if bound < 2.0**62 else None


def _layers(segments: Mapping[str, np.ndarray | None], n: int) -> list[tuple[np.ndarray | None, list[str]]]:
    """Segments grouped into layers: (label of each row, names); label ``len(names)``: in none.
    The whole table is a layer of its own; disjoint masks share one, overlapping ones do not."""
    layers: list[tuple[np.ndarray | None, list[str]]] = []
    masks = {}
    for name, rows in segments.items():
        if rows is None:
            layers.append((None, [name]))
        else:
            masks[name] = np.asarray(rows, dtype=bool)
    if masks:
        cover = np.zeros(n, dtype=np.int8)
        for rows in masks.values():
            cover += rows
        if len(masks) > 1 and cover.size and int(cover.max()) > 1:
            groups = [[name] for name in masks]
        else:
            groups = [list(masks)]
        for names in groups:
            label = np.full(n, len(names), dtype=np.int8 if len(names) < 100 else np.int64)
            for j, name in enumerate(names):
                label[masks[name]] = j
            layers.append((label, names))
    return layers


def _width(label: np.ndarray | None, names: list[str]) -> int:
    """Bins per key combination in a layer: one per segment, plus one for rows in none."""
    return 1 if label is None else len(names) + 1


def blocked_sums(sources: Sequence[KeySource], construct: np.ndarray, table: np.ndarray | None, x: np.ndarray,
                 w: np.ndarray, segments: Mapping[str, np.ndarray | None],
                 check: tuple[str, str, str]) -> dict[str, dict[str, np.ndarray]]:
    """Per segment: ``n`` and the sums of ``PRODUCTS``, ``sw_hi``, ``sw_lo`` over the dense key space
    of ``sources`` × construct (length ``space``). ``construct``: construct index per row (through
    ``table`` when given; −1 for rows to ignore). ``check``: the three error messages (awareness
    values, scale values, weights), raised in that order as the plain path raises them."""
    n = len(x)
    sizes = [max(len(s.uniques), 1) for s in sources] + [4]
    space = int(np.prod(sizes, dtype=np.int64))
    layers, whole = summed_layers(segments, n)
    acc = [({k: np.zeros(space * _width(label, names)) for k in ("n", "sw", "swx", "swx2", "sw2")},
            np.zeros(3 * space * _width(label, names))) for label, names in layers]
    bad = [False, False, False]
    # Rows are counted per segment layer; the whole table takes the sum of one such layer's counts
    # (it holds every row), or counts itself when there is none.
    counting = next((i for i, (label, _) in enumerate(layers) if label is not None), 0)
    offset = _offset_total(sources, sizes[:-1])
    for start in range(0, n, BLOCK):
        stop = min(start + BLOCK, n)
        cc = construct[start:stop] if table is None else table[construct[start:stop]]
        xv, wv = x[start:stop], w[start:stop]
        code = np.zeros(stop - start, dtype=np.int64)
        missing = None
        for source, size in zip(sources, sizes):
            part = source.raw[start:stop]
            code *= size
            code += part if offset is not None else part.astype(np.int64) - source.offset
            if source.may_miss:
                missing = part < 0 if missing is None else missing | (part < 0)
        code *= 4
        code += cc
        if offset:
            code -= offset
        keep = (cc >= 0) & ~np.isnan(xv)
        keep_rows = None if keep.all() else np.flatnonzero(keep)
        if keep_rows is not None:
            code, xv, wv, cc = code[keep_rows], xv[keep_rows], wv[keep_rows], cc[keep_rows]
            missing = None if missing is None else missing[keep_rows]
        # Checked on the rows kept (a known construct, not "don't know"), as the plain path does.
        scale = np.flatnonzero(cc > 0)
        xs = xv[scale]
        xa = xv[cc == 0] if len(scale) else xv
        bad[0] |= bool(np.any((xa != 0) & (xa != 1))) if len(scale) < len(xv) else False
        bad[1] |= bool(xs.size and not (xs.min() >= 1 and xs.max() <= 5))
        bad[2] |= bool(wv.size and not (wv.min() > 0 and wv.max() < np.inf))
        if missing is not None and missing.any():
            rows = np.flatnonzero(~missing)
            code, xv, wv, cc = code[rows], xv[rows], wv[rows], cc[rows]
            scale = np.flatnonzero(cc > 0)
            xs = xv[scale]
        else:
            rows = None
        wx = wv * xv
        ws, wxs = wv[scale], wx[scale]
        values = {"sw": wv, "swx": wx, "sw2": wv * wv}
        wx2 = wxs * xs
        cls = np.add(xs > 2, xs >= 4, dtype=np.intp)  # 0: 1–2, 1: 3, 2: 4–5
        for i, ((label, names), (sums, by_class)) in enumerate(zip(layers, acc)):
            if label is None:
                g = code
            else:
                part = label[start:stop]
                part = part if keep_rows is None else part[keep_rows]
                part = part if rows is None else part[rows]
                g = code * _width(label, names) + part
            for k, v in values.items():
                np.add.at(sums[k], g, v)
            gs = g[scale]
            np.add.at(sums["swx2"], gs, wx2)
            np.add.at(by_class, 3 * gs + cls, ws)
            if label is not None or i == counting:
                np.add.at(sums["n"], g, 1.0)
    for flag, message in zip(bad, check):
        if flag:
            raise ValueError(message)
    sums = _assemble(layers, acc, space, counting, whole)
    return {name: sums[name] for name in segments}


def summed_layers(segments: Mapping[str, np.ndarray | None], n: int,
                  ) -> tuple[list[tuple[np.ndarray | None, list[str]]], list[str]]:
    """The layers (see ``_layers``) whose sums are accumulated, and the whole-table segments left
    out of them because a segment layer covers every row (its bins, the rows in none included,
    add up to the whole table)."""
    layers = _layers(segments, n)
    whole = [names[0] for label, names in layers if label is None]
    if whole and any(label is not None for label, _ in layers):
        return [layer for layer in layers if layer[0] is not None], whole
    return layers, []


def add_bins(bins: Sequence[Mapping[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """The whole table's sums from the sums of a segment layer's bins (every row in exactly one):
    each array added bin by bin in layer order, from the first bin's values."""
    total = {k: np.array(v, dtype=float, copy=True) for k, v in bins[0].items()}
    for part in bins[1:]:
        for k, v in part.items():
            total[k] += v
    return total


def _assemble(layers: list[tuple[np.ndarray | None, list[str]]], acc: list, space: int,
              counting: int, whole: list[str]) -> dict[str, dict[str, np.ndarray]]:
    """Per segment, the sums of each bin. Awareness bins (construct 0) take w·x² = w·x and
    w of 1–2 = w (x is 0 or 1, so row by row the same values are added), w of 4–5 = 0; the
    whole table's counts are the sums of its disjoint parts' (integers, exact). The ``whole``
    segments are the first segment layer's bins added up (``add_bins``)."""
    out: dict[str, dict[str, np.ndarray]] = {}
    counts = acc[counting][0]["n"].reshape(space, -1).sum(axis=1) if acc else None
    first: list[dict[str, np.ndarray]] | None = None
    for (label, names), (sums, by_class) in zip(layers, acc):
        width = _width(label, names)
        by = by_class.reshape(-1, 3)
        bins = []
        for j in range(width):
            cells = {k: v[j::width].copy() for k, v in sums.items()}
            cells["sw_lo"], cells["sw_hi"] = by[j::width, 0].copy(), by[j::width, 2].copy()
            aware = slice(0, None, 4)
            cells["swx2"][aware] = cells["swx"][aware]
            cells["sw_lo"][aware] = cells["sw"][aware]
            if label is None:
                cells["n"] = counts
            bins.append(cells)
        out.update(zip(names, bins))
        if label is not None and first is None:
            first = bins
    for name in whole:
        out[name] = add_bins(first)  # type: ignore[arg-type]
    return out


def dense_of(sources: Sequence[KeySource], keys: Sequence[str], constructs: Sequence[str]) -> DenseCodes:
    """The ``DenseCodes`` (without row codes) that decodes the bins of ``blocked_sums``."""
    uniques = [s.uniques for s in sources] + [pd.Index(constructs)]
    return DenseCodes(np.zeros(0, dtype=np.int64), [max(len(u), 1) for u in uniques], uniques,
                      [*keys, "construct"])
