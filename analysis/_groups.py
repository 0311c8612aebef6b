"""Fast group codes for vectorised group statistics (internal).

Turns one or more key columns of a DataFrame into one integer code per row (0 … G−1) and a
DataFrame of the G distinct key combinations, so that group sums are ``np.bincount`` calls rather
than Python loops. Categorical and small-range integer columns are coded without hashing.
Rows with a missing key get code −1 and belong to no group (as ``groupby(dropna=True)``).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class GroupIndex:
    """Group code of every row (−1: excluded) and the distinct keys, one row per code."""

    codes: np.ndarray
    keys: pd.DataFrame

    @property
    def ngroups(self) -> int:
        return len(self.keys)

    def sum(self, values: np.ndarray | None = None) -> np.ndarray:
        """Per-group sum of ``values`` (row count when None), float64, length ``ngroups``."""
        g = self.ngroups
        if self.codes.size and self.codes.min() < 0:
            idx = np.where(self.codes < 0, g, self.codes)
            return np.bincount(idx, weights=values, minlength=g + 1)[:g].astype(float)
        return np.bincount(self.codes, weights=values, minlength=g).astype(float)


def _column_codes(col: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes (−1 for missing) and the values they stand for, for one key column."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return np.asarray(col.cat.codes, dtype=np.int64), pd.Index(col.cat.categories)
    values = col.to_numpy()
    if values.dtype.kind in "iu" and values.size:
        lo, hi = int(values.min()), int(values.max())
        if hi - lo <= max(4 * values.size, 1 << 16):
            uniques = pd.Index(np.arange(lo, hi + 1, dtype=values.dtype))
            return values.astype(np.int64) - lo, uniques
    codes, uniques = pd.factorize(col, sort=True, use_na_sentinel=True)
    return codes.astype(np.int64), pd.Index(uniques)


@dataclass(frozen=True)
class DenseCodes:
    """Mixed-radix code of every row over the full key space (−1: a key is missing)."""

    codes: np.ndarray
    sizes: list[int]
    uniques: list[pd.Index]
    keys: list[str]

    @property
    def space(self) -> int:
        return int(np.prod(self.sizes, dtype=np.int64)) if self.sizes else 1

    def decode(self, present: np.ndarray) -> pd.DataFrame:
        """The key values of the dense codes ``present``, one row each."""
        decoded, rest = [], np.asarray(present, dtype=np.int64)
        for size in reversed(self.sizes):
            decoded.append(rest % size)
            rest = rest // size
        columns = {}
        for key, uniques, pos in zip(self.keys, self.uniques, reversed(decoded)):
            values = uniques.take(pos) if len(uniques) else pd.Index([None] * len(pos))
            columns[key] = pd.Series(values).reset_index(drop=True)
        return pd.DataFrame(columns, index=pd.RangeIndex(len(present)))


def dense_codes(frame: pd.DataFrame, keys: Sequence[str], extra: tuple[np.ndarray, pd.Index, str] | None = None,
                ) -> DenseCodes:
    """Mixed-radix codes of ``keys`` (plus an ``extra`` pre-coded column: codes, labels, name).

    Raises KeyError for a missing column and ValueError when the key space exceeds 2**62.
    """
    per_col = [_column_codes(frame[k]) for k in keys]
    names = list(keys)
    if extra is not None:
        per_col.append((np.asarray(extra[0], dtype=np.int64), pd.Index(extra[1])))
        names.append(extra[2])
    n = len(frame)
    sizes = [max(len(u), 1) for _, u in per_col]
    combined = np.zeros(n, dtype=np.int64)
    missing = None
    space = 1
    for (codes, _), size in zip(per_col, sizes):
        space *= size
        if space > 2**62:
            raise ValueError("too many key combinations to code; reduce the number of keys")
        combined *= size
        combined += codes
        if codes.size and codes.min() < 0:
            missing = codes < 0 if missing is None else missing | (codes < 0)
    if missing is not None:
        combined[missing] = -1
    return DenseCodes(combined, sizes, [u for _, u in per_col], names)


def group_index(frame: pd.DataFrame, keys: Sequence[str]) -> GroupIndex:
    """Code the rows of ``frame`` by the combination of ``keys``; only occupied groups are kept.

    Groups are ordered by the keys (sorted for factorised columns, category order for
    categoricals). Raises KeyError when a key column is missing.
    """
    keys = list(keys)
    n = len(frame)
    if not keys:
        return GroupIndex(np.zeros(n, dtype=np.int64), pd.DataFrame(index=pd.RangeIndex(1)))
    dense = dense_codes(frame, keys)
    combined = dense.codes
    missing = combined < 0
    if dense.space <= max(4 * n, 1 << 22):
        occupied = np.bincount(combined[~missing], minlength=dense.space) > 0
        present = np.flatnonzero(occupied)
        lookup = np.append(np.cumsum(occupied) - 1, -1)
        codes = lookup[combined]
    else:
        present, inverse = np.unique(combined[~missing], return_inverse=True)
        codes = np.full(n, -1, dtype=np.int64)
        codes[~missing] = inverse
    return GroupIndex(codes.astype(np.int64, copy=False), dense.decode(present))


def codes_for(values: pd.Series | pd.Index | np.ndarray, categories: pd.Index | Sequence[object]) -> np.ndarray:
    """Position of each value in ``categories`` (−1 when absent or missing), int64.

    Categorical input is mapped through its categories, without hashing every row.
    """
    cats = pd.Index(categories)
    if isinstance(getattr(values, "dtype", None), pd.CategoricalDtype):
        cat = pd.Categorical(values)
        mapping = np.append(cats.get_indexer(cat.categories), -1).astype(np.int64)
        return mapping[np.asarray(cat.codes, dtype=np.int64)]
    return np.asarray(cats.get_indexer(pd.Index(values)), dtype=np.int64)
