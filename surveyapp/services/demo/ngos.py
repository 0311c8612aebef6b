"""Demo NGOs: names and aliases in three languages, BINs, sectors, home regions, checklists."""
from __future__ import annotations

import datetime as dt

import numpy as np

from models import NGO, NGOAlias, Region, TransparencyChecklist, db
from models.ngo import CHECKLIST_ITEMS

from .bulk import bulk_insert
from .model import HOME_COUNTS, NATIONAL_INVENTED, NGOProfile, assign_stories
from .names import BRANDS, NATIONAL_ADJECTIVES, SECTOR_THEMES, abbreviation, compose_name, real_networks
from .places import PLACES

SECTOR_WEIGHTS = {
    "social_support": 12, "children": 10, "youth": 10, "disability": 9, "education": 8, "health": 8,
    "environment": 7, "women": 6, "human_rights": 5, "elderly": 5, "local_development": 5, "culture": 4,
    "civil_society": 3, "sport": 3, "veterans": 3, "media": 2,
}
HEAD_WEIGHTS = {"fund": 5, "centre": 4, "association": 4, "union": 2, "league": 1, "network": 1}
#: Checklist items differ in how often NGOs publish them (added to the NGO's propensity).
ITEM_EASE = {"annual_report": 0.15, "audited_statements": -0.2, "funding_sources": 0.0,
             "governing_body": 0.2, "state_contracts_published": -0.1}
CHECKLIST_PERIODS = (("2024", dt.date(2025, 3, 3)), ("2025", dt.date(2026, 3, 2)), ("2026", dt.date(2026, 10, 5)))


def _pick(rng: np.random.Generator, weights: dict[str, int]) -> str:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def plan_ngos(rng: np.random.Generator) -> list[NGOProfile]:
    """Sixty NGO profiles: two real networks, eight invented national NGOs, fifty regional ones."""
    profiles = [NGOProfile(index=i, region_code=None, sector=sector, forms=forms, real=True)
                for i, (sector, forms) in enumerate(real_networks())]
    homes: list[str | None] = [None] * NATIONAL_INVENTED
    for code in sorted(HOME_COUNTS):
        homes += [code] * HOME_COUNTS[code]
    brands = [BRANDS[int(i)] for i in rng.permutation(len(BRANDS))]
    used: set[object] = {p.forms.en for p in profiles}
    made: dict[int, NGOProfile] = {}
    for slot in rng.permutation(len(homes)):  # a random order spreads the brand names over regions
        home = homes[int(slot)]
        for _attempt in range(50):
            sector, head = _pick(rng, SECTOR_WEIGHTS), _pick(rng, HEAD_WEIGHTS)
            pattern = _pick(rng, {"national": 6, "brand": 3, "brand_pa": 1} if home is None
                            else {"place": 12, "brand": 3, "brand_pa": 1})
            if pattern.startswith("brand") and not brands:
                pattern = "national" if home is None else "place"
            place = None if home is None else (PLACES[home].ru_gen, PLACES[home].kk, PLACES[home].en)
            adjective = NATIONAL_ADJECTIVES[int(rng.integers(len(NATIONAL_ADJECTIVES)))]
            brand = brands[-1] if pattern.startswith("brand") else None
            forms = compose_name(sector, head, pattern, place=place, adjective=adjective, brand=brand)
            if forms.en not in used and (home is None or (home, sector) not in used):
                break
        if brand is not None:
            brands.pop()
        used.update({forms.en, (home, sector)} if home else {forms.en})
        made[int(slot)] = NGOProfile(index=0, region_code=home, sector=sector, forms=forms)
    for slot in range(len(homes)):
        made[slot].index = len(profiles)
        profiles.append(made[slot])
    _add_abbreviations(profiles, rng)
    assign_stories(profiles, rng)
    return profiles


def _add_abbreviations(profiles: list[NGOProfile], rng: np.random.Generator) -> None:
    taken = {"КНОК", "CNOK"}
    for p in profiles:
        if p.real or "«" in p.forms.ru["nom"] or rng.random() > 0.55:
            continue
        for text, lang in ((abbreviation(p.forms.ru["nom"]), "ru"), (abbreviation(p.forms.en), "en")):
            if len(text) >= 3 and text not in taken:
                taken.add(text)
                p.forms.aliases.append((text, "abbreviation", lang))


def make_bin(rng: np.random.Generator, taken: set[str]) -> str:
    """A 12-digit BIN of a resident legal entity (YYMM, 4, 0, serial, check digit), unused so far."""
    while True:
        yymm = f"{int(rng.integers(98, 124)) % 100:02d}{int(rng.integers(1, 13)):02d}"
        digits = [int(c) for c in f"{yymm}40{int(rng.integers(0, 100000)):05d}"]
        check = sum(d * w for d, w in zip(digits, range(1, 12))) % 11
        if check == 10:
            check = sum(d * w for d, w in zip(digits, (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2))) % 11
        value = "".join(map(str, digits)) + str(check)
        if check < 10 and value not in taken:
            taken.add(value)
            return value


def insert_ngos(profiles: list[NGOProfile], regions: dict[str, Region], rng: np.random.Generator) -> int:
    """Create the NGO rows and their aliases; sets ``ngo_id`` on each profile. Returns the alias count."""
    bins: set[str] = set()
    ngos: list[NGO] = []
    for p in profiles:
        theme = SECTOR_THEMES[p.sector][2]
        if p.real:
            description = ("A real national network, named for illustration only: every score, response and "
                           "article about it in this demo is synthetic.")
        else:
            description = f"Synthetic demo organisation ({theme}); invented for the Senim demo, not a real NGO."
        slug = "-".join(p.forms.en.lower().replace("'", "").split())[:60]
        ngo = NGO(name_en=p.forms.en, name_ru=p.forms.ru["nom"], name_kk=p.forms.kk["nom"],
                  bin=None if p.real else make_bin(rng, bins), sector=p.sector,
                  region_id=regions[p.region_code].id if p.region_code else None,
                  website=None if p.real else f"https://{slug}.example", description=description)
        ngos.append(ngo)
    db.session.add_all(ngos)
    db.session.flush()
    rows = []
    for p, ngo in zip(profiles, ngos):
        p.ngo_id = ngo.id
        seen: set[str] = set()
        for alias, kind, lang in p.forms.aliases:
            if alias not in seen and alias not in (ngo.name_en, ngo.name_ru, ngo.name_kk):
                seen.add(alias)
                rows.append({"ngo_id": ngo.id, "alias": alias, "kind": kind, "language": lang})
    bulk_insert(NGOAlias, rows)
    return len(rows)


def insert_checklists(profiles: list[NGOProfile], rng: np.random.Generator) -> int:
    """Transparency checklists per NGO and year (2026 for about 60%); returns the row count."""
    rows = []
    for p in profiles:
        for year_index, (period, assessed_on) in enumerate(CHECKLIST_PERIODS):
            if period == "2026" and rng.random() > 0.6:
                continue
            shift = 0.06 * year_index
            if period == "2026" and p.story == "falling":
                shift -= 0.45
            elif period == "2026" and p.story == "rising":
                shift += 0.15
            row: dict[str, object] = {
                item: bool(rng.random() < p.transparency + ITEM_EASE[item] + shift) for item in CHECKLIST_ITEMS
            }
            row.update(ngo_id=p.ngo_id, period=period, note="Synthetic demo assessment.",
                       assessed_on=assessed_on + dt.timedelta(days=int(rng.integers(0, 20))))
            rows.append(row)
    bulk_insert(TransparencyChecklist, rows)
    return len(rows)
