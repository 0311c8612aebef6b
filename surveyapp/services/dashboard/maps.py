"""Regional map data: one cell per visible region for a metric, and the boundary GeoJSON.

The GeoJSON named by ``SENIM_BOUNDARIES`` is shared reference data; it is read at request time and
kept in a small in-process cache keyed by path, size and modification time.
"""
from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import or_

from models import ScoreSnapshot, db

from .cells import EMPTY, Cell, SnapRow, group_cells, snapshot_columns
from .scope import Scope, ScoreQuery, visible_regions

_CACHE: dict[str, tuple[tuple[int, float], dict[str, Any]]] = {}
_LOCK = threading.Lock()


@dataclass
class MapCell:
    region_id: int
    code: str
    name: str
    cell: Cell


@dataclass
class RegionMap:
    query: ScoreQuery
    ngo_id: int | None
    national: Cell
    cells: list[MapCell]


def region_map(query: ScoreQuery, scope: Scope, lang: str | None, ngo_id: int | None = None) -> RegionMap:
    """Per-region cells of ``query`` for one NGO (or all NGOs when ``ngo_id`` is None), in scope."""
    regions = visible_regions(scope)
    stmt = snapshot_columns().where(
        ScoreSnapshot.metric == query.metric.key, ScoreSnapshot.period == query.period,
        ScoreSnapshot.segment == query.segment,
        ScoreSnapshot.ngo_id.is_(None) if ngo_id is None else ScoreSnapshot.ngo_id == ngo_id)
    if scope.region_ids is not None:
        stmt = stmt.where(or_(ScoreSnapshot.region_id.is_(None), ScoreSnapshot.region_id.in_(scope.region_ids)))
    cells = group_cells(query.metric, (SnapRow(*r) for r in db.session.execute(stmt)), prefer=query.prefer)
    return RegionMap(query, ngo_id, cells.get((ngo_id, None), EMPTY),
                     [MapCell(r.id, r.code, r.text_in("name", lang), cells.get((ngo_id, r.id), EMPTY))
                      for r in regions])


def boundaries_path() -> str | None:
    """The configured GeoJSON path when the file exists, else None (the tile map is used)."""
    path = current_app.config.get("SENIM_BOUNDARIES")
    return str(path) if path and os.path.isfile(str(path)) else None


def load_boundaries(codes: set[str] | None = None) -> dict[str, Any] | None:
    """The boundary FeatureCollection (features whose ``id`` is in ``codes`` if given), or None.

    Raises nothing for a missing file (None); a file that is not a FeatureCollection is logged and
    treated as missing, so a bad deployment setting falls back to the tile map.
    """
    path = boundaries_path()
    if path is None:
        return None
    stat = os.stat(path)
    stamp = (stat.st_size, stat.st_mtime)
    with _LOCK:
        cached = _CACHE.get(path)
        if cached is None or cached[0] != stamp:
            try:
                with open(path, encoding="utf-8") as fh:
                    data = json.load(fh)
                if data.get("type") != "FeatureCollection":
                    raise ValueError("not a FeatureCollection")
            except (OSError, ValueError) as exc:
                current_app.logger.warning("SENIM_BOUNDARIES %s unusable: %s", path, exc)
                return None
            _CACHE[path] = (stamp, data)
            cached = _CACHE[path]
    data = cached[1]
    if codes is None:
        return data
    return {"type": "FeatureCollection",
            "features": [f for f in data["features"] if f.get("id") in codes]}
