"""Shared pieces of the index tables (internal): the long output format and national rows."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ._groups import group_index

#: Columns of every index table, after the key columns.
VALUE_COLUMNS = ("metric", "estimate", "se", "ci_low", "ci_high", "n", "n_eff")


def split_keys(keys: Sequence[str]) -> tuple[str, str, str]:
    """The NGO, region and period column names, in that order; raises ValueError otherwise."""
    keys = list(keys)
    if len(keys) != 3 or len(set(keys)) != 3:
        raise ValueError("keys must name three distinct columns: NGO, region, period (in that order)")
    return keys[0], keys[1], keys[2]


def metric_rows(keys: pd.DataFrame, metric: str, values: Mapping[str, np.ndarray], n: np.ndarray) -> pd.DataFrame:
    """A block of the long table: the key columns, then ``metric`` and the value columns."""
    out = keys.reset_index(drop=True).copy()
    out["metric"] = metric
    size = len(out)
    for col in ("estimate", "se", "ci_low", "ci_high", "n_eff"):
        val = values.get(col)
        out[col] = np.full(size, np.nan) if val is None else np.asarray(val, dtype=float)
    out["n"] = np.asarray(n, dtype=np.int64)
    return out[[*keys.columns, *VALUE_COLUMNS]]


def with_missing(column: pd.Series, size: int) -> tuple[pd.Series, pd.Series]:
    """``column`` in a dtype that can hold a missing value, and ``size`` missing values of it."""
    if column.dtype.kind in "iu":
        column = column.astype("Int64")
    elif column.dtype.kind == "b":
        column = column.astype("boolean")
    missing = pd.Series(pd.array([None] * size, dtype=column.dtype))
    return column.reset_index(drop=True), missing


def add_national(cells: pd.DataFrame, keys: Sequence[str], national_key: str | None, sums: Sequence[str],
                 extra: Sequence[str] = ()) -> pd.DataFrame:
    """Append rows that add ``sums`` over ``national_key`` (region), which is missing on them.

    ``cells`` holds additive sufficient statistics per key combination (plus ``extra`` keys such
    as the construct); the national row of a key combination is their sum over regions.
    """
    if national_key is None or national_key not in keys:
        return cells
    rest = [k for k in keys if k != national_key] + list(extra)
    gi = group_index(cells, rest)
    national = gi.keys.copy()
    for col in sums:
        national[col] = gi.sum(cells[col].to_numpy(dtype=float))
    regional = cells.reset_index(drop=True).copy()
    regional[national_key], national[national_key] = with_missing(regional[national_key], len(national))
    return pd.concat([regional, national[regional.columns]], ignore_index=True)


def normal_interval(est: np.ndarray, se: np.ndarray, z: float, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    """``est ± z·se`` clipped to [lo, hi]."""
    return np.clip(est - z * se, lo, hi), np.clip(est + z * se, lo, hi)
