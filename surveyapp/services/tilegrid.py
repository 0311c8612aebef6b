"""A tile-grid map of Kazakhstan's 20 first-level units: one equal tile per unit.

Tiles sit roughly where the unit is (column 0 = west, row 0 = north). The three cities of
republican significance — Astana, Almaty and Shymkent, about a quarter of the population — get a
tile of their own next to the region around them, so they are as visible as the largest oblys.

```
        col0        col1        col2        col3        col4        col5        col6
row0                W.Kaz 27    Kostanay 39 N.Kaz 59    Pavlodar 55
row1    Atyrau 23   Aktobe 15               Akmola 11   ASTANA 71   Abai 10     E.Kaz 63
row2    Mangyst. 47 Kyzylorda 43 Ulytau 62  Karaganda 35            Zhetisu 33
row3                            Turkistan 61 Zhambyl 31 Almaty r.19
row4                            SHYMKENT 79             ALMATY 75
```
"""
from __future__ import annotations

from dataclasses import dataclass

#: ISO 3166-2 code → (column, row).
TILES: dict[str, tuple[int, int]] = {
    "KZ-27": (1, 0), "KZ-39": (2, 0), "KZ-59": (3, 0), "KZ-55": (4, 0),
    "KZ-23": (0, 1), "KZ-15": (1, 1), "KZ-11": (3, 1), "KZ-71": (4, 1), "KZ-10": (5, 1), "KZ-63": (6, 1),
    "KZ-47": (0, 2), "KZ-43": (1, 2), "KZ-62": (2, 2), "KZ-35": (3, 2), "KZ-33": (5, 2),
    "KZ-61": (2, 3), "KZ-31": (3, 3), "KZ-19": (4, 3),
    "KZ-79": (2, 4), "KZ-75": (4, 4),
}
#: Short labels that fit a tile (the full name is in the hover text).
SHORT: dict[str, str] = {
    "KZ-27": "ZKO", "KZ-39": "KOS", "KZ-59": "SKO", "KZ-55": "PAV", "KZ-23": "ATY", "KZ-15": "AKT",
    "KZ-11": "AKM", "KZ-71": "AST", "KZ-10": "ABA", "KZ-63": "VKO", "KZ-47": "MAN", "KZ-43": "KZY",
    "KZ-62": "ULY", "KZ-35": "KAR", "KZ-33": "ZHT", "KZ-61": "TUR", "KZ-31": "ZHA", "KZ-19": "ALM",
    "KZ-79": "SHY", "KZ-75": "ALA",
}
COLUMNS = 1 + max(c for c, _ in TILES.values())
ROWS = 1 + max(r for _, r in TILES.values())


@dataclass(frozen=True)
class Tile:
    code: str
    col: int
    row: int
    short: str


def tiles() -> list[Tile]:
    """The 20 tiles in row-major order (north-west first)."""
    return sorted((Tile(code, c, r, SHORT[code]) for code, (c, r) in TILES.items()),
                  key=lambda t: (t.row, t.col))


def tile_for(code: str) -> Tile | None:
    """The tile of a region code, or None for a code outside the grid."""
    if code not in TILES:
        return None
    c, r = TILES[code]
    return Tile(code, c, r, SHORT[code])
