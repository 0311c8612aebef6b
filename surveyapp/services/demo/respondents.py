"""Who answers a demo wave: a deliberately biased sample of regions, settlements, ages and sexes.

Regions get respondents in proportion to population^0.7 (small regions over-sampled), and within a
region urban and young respondents are over-represented, as in a real open web survey, so that
raking to the population margins changes the estimates.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models import AGE_GROUPS, SETTLEMENTS, SEXES, Region

from .model import AGE_BIAS, OPEN_WAVE_LAST_DAY, SEX_BIAS, THIN_CELLS, URBAN_BOOST, Wave

SOUTH_KK = {"KZ-61", "KZ-79", "KZ-31", "KZ-43", "KZ-33", "KZ-23", "KZ-47"}
NORTH_RU = {"KZ-59", "KZ-55", "KZ-39", "KZ-11", "KZ-63", "KZ-35", "KZ-62"}
CELLS = [(sex, age, settlement) for settlement in SETTLEMENTS for age in AGE_GROUPS for sex in SEXES]


@dataclass
class Sample:
    """Respondents of one region in one wave, as parallel arrays (one entry per respondent)."""

    region: Region
    sex: list[str]
    age: list[str]
    settlement: list[str]
    language: list[str]
    channel: list[str]
    day: np.ndarray
    #: 0 ordinary, 1 speeder, 2 straight-liner.
    quality: np.ndarray
    #: Respondent-level latent effects: trust (scale points), awareness (logit), help (z).
    person_trust: np.ndarray
    person_aware: np.ndarray
    person_help: np.ndarray

    def __len__(self) -> int:
        return len(self.sex)


def allocate(wave: Wave, regions: dict[str, Region], scale: float) -> dict[str, int]:
    """Respondents per region code for one wave: population^0.7 shares, thin cells capped below 10."""
    total = round(wave.responses * scale)
    codes = sorted(regions)
    weights = np.array([regions[c].population ** 0.7 for c in codes])
    quota = total * weights / weights.sum()
    floor = np.floor(quota).astype(int)
    for i in np.argsort(-(quota - floor), kind="stable")[: total - int(floor.sum())]:
        floor[i] += 1  # largest remainders, so the wave total is exact
    counts = dict(zip(codes, floor.tolist()))
    for (code, period), cap in THIN_CELLS.items():
        if period == wave.period and code in counts:
            counts[code] = min(counts[code], cap)
    return counts


def draw_sample(region: Region, n: int, wave: Wave, rng: np.random.Generator) -> Sample:
    """``n`` respondents of ``region``: demographics by biased margins, language, channel, date, quality."""
    margin = {(m.sex, m.age_group, m.settlement): m.population for m in region.margins}
    odds = np.array([margin.get(cell, 0) * SEX_BIAS[cell[0]] * AGE_BIAS[cell[1]]
                     * (URBAN_BOOST if cell[2] == "urban" else 1.0) for cell in CELLS], dtype=float)
    if odds.sum() <= 0:  # margins missing: fall back to the urban share only
        odds = np.array([region.urban_share if c[2] == "urban" else 1 - region.urban_share for c in CELLS])
    picks = rng.choice(len(CELLS), size=n, p=odds / odds.sum())
    sex = [CELLS[i][0] for i in picks]
    age = [CELLS[i][1] for i in picks]
    settlement = [CELLS[i][2] for i in picks]
    rural = np.array([s == "rural" for s in settlement])
    p_kk = 0.45 + (0.2 if region.code in SOUTH_KK else -0.2 if region.code in NORTH_RU else 0.0) + 0.05 * rural
    p_en = np.where(rural, 0.02, 0.07)
    u = rng.random(n)
    field = rng.random(n) < np.where(rural, 0.3, 0.08)
    channel = np.where(field, "field", "web").tolist()
    language = np.where(u < p_kk, "kk", np.where((u < p_kk + p_en) & ~field, "en", "ru")).tolist()
    last = min(wave.closes_on, OPEN_WAVE_LAST_DAY) if wave.status == "open" else wave.closes_on
    day = rng.integers(0, (last - wave.opens_on).days + 1, size=n)
    q = rng.random(n)
    quality = np.where(q < 0.03, 1, np.where(q < 0.05, 2, 0))
    return Sample(region, sex, age, settlement, language, channel, day, quality,
                  rng.normal(0, 0.45, n), rng.normal(0, 0.5, n), rng.normal(0, 1, n))
