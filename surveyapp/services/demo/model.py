"""The story the synthetic data tell: waves, regional and demographic effects, NGO profiles.

Attitudes come from a latent 1–5 score per respondent × NGO: the NGO's baseline trust, plus its
trend in that wave, plus region, settlement and age effects, plus a respondent effect and noise.
Awareness is a logistic model with the same kinds of terms. The numbers are invented; the shapes
(cities know NGOs better, the south trusts more, three NGOs fall and three rise) are deliberate.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from .names import NameForms


@dataclass(frozen=True)
class Wave:
    """One survey wave: period label, fieldwork dates, status and responses at scale 1."""

    period: str
    opens_on: dt.date
    closes_on: dt.date
    status: str
    responses: int


WAVES: tuple[Wave, ...] = (
    Wave("2025-Q4", dt.date(2025, 10, 1), dt.date(2025, 12, 31), "closed", 7400),
    Wave("2026-Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31), "closed", 7400),
    Wave("2026-Q2", dt.date(2026, 4, 1), dt.date(2026, 6, 30), "closed", 7500),
    Wave("2026-Q3", dt.date(2026, 7, 1), dt.date(2026, 9, 30), "closed", 7600),
    Wave("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31), "open", 40),
)
#: The open wave's few responses and the articles end here, so the data do not depend on today.
DATA_END = dt.date(2026, 11, 15)
OPEN_WAVE_LAST_DAY = dt.date(2026, 10, 31)

#: Region effects: (trust offset on the 1–5 scale, awareness logit offset).
REGION_EFFECTS: dict[str, tuple[float, float]] = {
    "KZ-71": (0.10, 0.35), "KZ-75": (-0.15, 0.40), "KZ-79": (0.20, 0.15), "KZ-61": (0.30, -0.20),
    "KZ-31": (0.20, -0.15), "KZ-43": (0.25, -0.10), "KZ-19": (0.05, -0.05), "KZ-33": (0.10, -0.15),
    "KZ-35": (-0.20, 0.05), "KZ-55": (-0.25, 0.00), "KZ-63": (-0.15, 0.00), "KZ-10": (-0.10, -0.10),
    "KZ-62": (-0.05, -0.25), "KZ-23": (-0.35, -0.05), "KZ-47": (-0.40, -0.05), "KZ-27": (-0.10, -0.05),
    "KZ-15": (0.00, 0.00), "KZ-39": (-0.05, 0.00), "KZ-59": (-0.10, -0.15), "KZ-11": (0.00, -0.10),
}
SETTLEMENT_EFFECTS = {"urban": (0.0, 0.35), "rural": (-0.30, -0.45)}
AGE_EFFECTS = {"18-29": (-0.10, 0.25), "30-44": (0.0, 0.10), "45-59": (0.05, -0.05), "60+": (0.15, -0.35)}
#: Sampling bias of an open web survey: relative selection odds (weighting must undo them).
URBAN_BOOST = 1.8
AGE_BIAS = {"18-29": 1.6, "30-44": 1.25, "45-59": 0.8, "60+": 0.45}
SEX_BIAS = {"female": 1.1, "male": 0.9}
#: Region × wave cells deliberately kept below 10 respondents at every scale.
THIN_CELLS = {("KZ-62", "2026-Q1"): 7, ("KZ-62", "2025-Q4"): 9}
#: Invented NGOs per home region (cities hold more); two real and eight invented are national.
HOME_COUNTS = {
    "KZ-75": 8, "KZ-71": 7, "KZ-79": 4, "KZ-61": 3, "KZ-35": 3, "KZ-19": 2, "KZ-31": 2, "KZ-63": 2,
    "KZ-15": 2, "KZ-39": 2, "KZ-55": 2, "KZ-43": 2, "KZ-47": 2, "KZ-11": 2, "KZ-23": 2, "KZ-27": 1,
    "KZ-33": 1, "KZ-10": 1, "KZ-59": 1, "KZ-62": 1,
}
NATIONAL_INVENTED = 8
RISING = (0.0, 0.15, 0.40, 0.65, 0.70)
FALLING = (0.0, 0.0, -0.60, -0.85, -0.85)
AWARE_RISING = (0.0, 0.15, 0.35, 0.55, 0.60)
AWARE_FALLING = (0.0, 0.0, 0.35, 0.25, 0.20)


@dataclass
class NGOProfile:
    """The latent truth behind one demo NGO; ``ngo_id`` is set once the row exists."""

    index: int
    region_code: str | None
    sector: str
    forms: NameForms
    real: bool = False
    trust: float = 3.4
    aware: float = 0.0
    transparency: float = 0.5
    story: str = "stable"
    trend: tuple[float, ...] = (0.0,) * len(WAVES)
    aware_trend: tuple[float, ...] = (0.0,) * len(WAVES)
    #: Index of the first wave whose NGO set includes it (newcomers join in 2026-Q1).
    first_wave: int = 0
    ngo_id: int = 0


def assign_stories(profiles: list[NGOProfile], rng: np.random.Generator) -> None:
    """Give every profile its latent levels, and choose three rising, three falling, six newcomers."""
    for p in profiles:
        if p.real:
            p.trust, p.aware = 3.45 - 0.1 * p.index + rng.normal(0, 0.03), 0.45 - 0.4 * p.index
        elif p.region_code is None:
            p.trust, p.aware = float(np.clip(rng.normal(3.35, 0.3), 2.7, 4.1)), rng.normal(-0.6, 0.4)
        else:
            p.trust, p.aware = float(np.clip(rng.normal(3.35, 0.3), 2.7, 4.1)), rng.normal(-0.3, 0.5)
        p.transparency = float(np.clip(rng.normal(0.55, 0.2), 0.1, 0.95))
        steps = rng.normal(0, 0.04, len(WAVES))
        steps[0] = 0.0
        p.trend = tuple(float(x) for x in np.cumsum(steps))
    groups = {"national": [p for p in profiles if p.region_code is None and not p.real],
              "KZ-75": [p for p in profiles if p.region_code == "KZ-75"],
              "KZ-71": [p for p in profiles if p.region_code == "KZ-71"],
              "KZ-35": [p for p in profiles if p.region_code == "KZ-35"],
              "south": [p for p in profiles if p.region_code in ("KZ-79", "KZ-61")]}
    plan = (("national", "falling"), ("national", "rising"), ("KZ-75", "falling"), ("KZ-71", "rising"),
            ("KZ-35", "falling"), ("south", "rising"))
    for group, story in plan:
        free = [p for p in groups[group] if p.story == "stable"]
        chosen = free[int(rng.integers(len(free)))]
        chosen.story = story
        if story == "falling":
            chosen.trust, chosen.trend, chosen.aware_trend = 3.85, FALLING, AWARE_FALLING
            chosen.transparency = max(chosen.transparency, 0.7)
        else:
            chosen.trust, chosen.trend, chosen.aware_trend = 3.0, RISING, AWARE_RISING
    newcomers = [p for p in profiles if p.story == "stable" and p.region_code in ("KZ-75", "KZ-71", "KZ-79",
                                                                                  "KZ-61", "KZ-35", "KZ-19")]
    for i in rng.choice(len(newcomers), size=min(6, len(newcomers)), replace=False):
        newcomers[int(i)].first_wave = 1
