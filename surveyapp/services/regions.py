"""Loading the 20 regions and their modelled adult population margins."""
from __future__ import annotations

from sqlalchemy import select

from models import AGE_GROUPS, SETTLEMENTS, SEXES, Region, RegionMargin, db

from .region_facts import REGIONS, RegionFact

#: Age structure of adults (share of 18+ in each group); younger in the high-fertility south.
AGE_STRUCTURE_NORTH = {"18-29": 0.21, "30-44": 0.32, "45-59": 0.24, "60+": 0.23}
AGE_STRUCTURE_SOUTH = {"18-29": 0.27, "30-44": 0.33, "45-59": 0.22, "60+": 0.18}
SOUTH = {"KZ-19", "KZ-31", "KZ-43", "KZ-47", "KZ-61", "KZ-79"}
#: Share of women in each adult age group (women outlive men).
FEMALE_SHARE = {"18-29": 0.49, "30-44": 0.505, "45-59": 0.53, "60+": 0.62}


def model_margins(fact: RegionFact) -> dict[tuple[str, str, str], int]:
    """Adult population (persons) per (sex, age group, settlement) cell of one region.

    Modelled as population × adult share × settlement share × age share × sex share; documented in
    docs/methodology.md as a stand-in for the BNS cross-tabulation.
    """
    adults = fact.population * fact.adult_share
    ages = AGE_STRUCTURE_SOUTH if fact.code in SOUTH else AGE_STRUCTURE_NORTH
    cells: dict[tuple[str, str, str], int] = {}
    for settlement in SETTLEMENTS:
        settle_share = fact.urban_share if settlement == "urban" else 1.0 - fact.urban_share
        for age in AGE_GROUPS:
            for sex in SEXES:
                sex_share = FEMALE_SHARE[age] if sex == "female" else 1.0 - FEMALE_SHARE[age]
                cells[(sex, age, settlement)] = round(adults * settle_share * ages[age] * sex_share)
    return cells


def load_regions() -> tuple[int, int]:
    """Insert or update the 20 regions and their margins. Returns (created, updated). Flushes only."""
    existing = {r.code: r for r in db.session.scalars(select(Region))}
    created = updated = 0
    for fact in REGIONS:
        region = existing.get(fact.code)
        if region is None:
            region = Region(code=fact.code)
            db.session.add(region)
            created += 1
        else:
            updated += 1
        region.code_pre2022 = fact.code_pre2022
        region.kato = fact.kato
        region.kind = fact.kind
        region.name_en, region.name_ru, region.name_kk = fact.name_en, fact.name_ru, fact.name_kk
        region.variants = list(fact.variants)
        region.centre, region.centre_lat, region.centre_lon = fact.centre, fact.lat, fact.lon
        region.population, region.population_date = fact.population, fact.population_date
        region.urban_share, region.area_km2 = fact.urban_share, fact.area_km2
        cells = model_margins(fact)
        by_key = {(m.sex, m.age_group, m.settlement): m for m in region.margins}
        for key, population in cells.items():
            margin = by_key.get(key)
            if margin is None:
                sex, age, settlement = key
                region.margins.append(RegionMargin(sex=sex, age_group=age, settlement=settlement,
                                                   population=population))
            else:
                margin.population = population
    db.session.flush()
    return created, updated


def regions_by_code() -> dict[str, Region]:
    """All regions keyed by ISO code."""
    return {r.code: r for r in db.session.scalars(select(Region))}
