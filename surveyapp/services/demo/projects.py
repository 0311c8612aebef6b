"""Demo projects (with state social orders and grants) and citizens' votes on them."""
from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from models import Project, ProjectVote, Region, db

from .bulk import bulk_insert
from .model import DATA_END, REGION_EFFECTS, WAVES, NGOProfile
from .places import PLACES

#: Kinds of project: (Russian, Kazakh, English) titles.
KINDS = (("Школа волонтёров", "еріктілер мектебі", "Volunteer School"),
         ("Горячая линия помощи", "көмек желісі", "Helpline"),
         ("Мобильная бригада консультантов", "жылжымалы кеңесшілер тобы", "Mobile Advice Team"),
         ("Ресурсный центр для семей", "отбасыларға арналған ресурстық орталық", "Family Resource Centre"),
         ("Курсы цифровой грамотности", "цифрлық сауаттылық курстары", "Digital Skills Courses"),
         ("Летний лагерь", "жазғы лагерь", "Summer Camp"),
         ("Программа наставничества", "тәлімгерлік бағдарламасы", "Mentoring Programme"),
         ("Инклюзивная спортивная площадка", "инклюзивті спорт алаңы", "Inclusive Sports Ground"),
         ("Уборка берегов реки", "өзен жағалауын тазалау", "River Bank Clean-up"),
         ("Бесплатная юридическая приёмная", "тегін заң қабылдауы", "Free Legal Clinic"),
         ("Клуб активного долголетия", "белсенді ұзақ өмір клубы", "Active Ageing Club"),
         ("Фестиваль национальной культуры", "ұлттық мәдениет фестивалі", "Folk Culture Festival"),
         ("Медиашкола для подростков", "жасөспірімдерге арналған медиамектеп", "Teen Media School"),
         ("Кризисный центр", "дағдарыс орталығы", "Crisis Centre"))
SECTOR_KINDS = {
    "youth": (0, 5, 6, 12), "children": (5, 3, 13), "disability": (7, 1, 3), "elderly": (10, 2),
    "environment": (8, 0), "human_rights": (9, 1), "media": (12, 4), "culture": (11, 0), "sport": (7, 5),
    "veterans": (10, 9), "women": (13, 6, 4), "health": (1, 13, 2), "education": (4, 6, 12),
    "social_support": (3, 1, 2), "local_development": (0, 8, 4), "civil_society": (9, 0, 6),
}
PERIODS = (("2025", dt.date(2025, 1, 15), dt.date(2025, 12, 20)),
           ("2025-H2", dt.date(2025, 7, 1), dt.date(2025, 12, 25)),
           ("2026", dt.date(2026, 1, 15), dt.date(2026, 12, 20)),
           ("2026-H1", dt.date(2026, 1, 10), dt.date(2026, 6, 30)),
           ("2026-H2", dt.date(2026, 7, 1), dt.date(2026, 12, 20)),
           ("2027", dt.date(2027, 1, 15), dt.date(2027, 12, 15)))
PERIOD_P = (0.2, 0.2, 0.25, 0.15, 0.15, 0.05)
FUNDING = (("state_social_order", 0.35, 12e6), ("state_grant", 0.25, 8e6), ("international", 0.12, 20e6),
           ("private", 0.1, 3e6), ("own", 0.1, 1e6), ("other", 0.08, 2e6))
VOTES_START = WAVES[0].opens_on


@dataclass(frozen=True)
class Votable:
    """A project citizens may vote on, with the latent quality that drives its ratings."""

    id: int
    region_id: int | None
    starts_on: dt.date
    ends_on: dt.date
    quality: float


def _kk_adjectival(locative: str) -> str:
    """"Павлодардағы" from "Павлодарда" (the -ғы/-гі form that makes a place an attribute)."""
    return locative + ("ғы" if locative.endswith("а") else "гі")


def insert_projects(profiles: list[NGOProfile], regions: dict[str, Region],
                    rng: np.random.Generator) -> tuple[int, list[Votable]]:
    """One to three projects per NGO (national ones two to four); returns (count, those open for voting)."""
    codes = sorted(regions)
    pop = np.array([regions[c].population for c in codes], dtype=float)
    projects: list[Project] = []
    quality: list[float] = []
    for p in profiles:
        count = int(rng.integers(2, 5)) if p.region_code is None else int(rng.integers(1, 4))
        kinds = SECTOR_KINDS.get(p.sector, (0, 1, 2))
        for _ in range(count):
            ru, kk, en = KINDS[kinds[int(rng.integers(len(kinds)))]]
            code = p.region_code
            if code is None and rng.random() < 0.7:
                code = codes[int(rng.choice(len(codes), p=pop / pop.sum()))]
            if code:
                place = PLACES[code]
                titles = (f"{ru} {place.ru_loc}", f"{_kk_adjectival(place.kk_loc)} {kk}", f"{en} in {place.en}")
            else:
                titles = (f"{ru} (по всей стране)", f"{kk[0].upper()}{kk[1:]} (бүкіл ел бойынша)", f"{en} (nationwide)")
            period, start, end = PERIODS[int(rng.choice(len(PERIODS), p=PERIOD_P))]
            start += dt.timedelta(days=int(rng.integers(0, 20)))
            source, _, budget = FUNDING[int(rng.choice(len(FUNDING), p=[f[1] for f in FUNDING]))]
            status = "planned" if start > DATA_END else "completed" if end < DATA_END else "active"
            if status == "completed" and rng.random() < 0.05:
                status = "cancelled"
            projects.append(Project(
                ngo_id=p.ngo_id, region_id=regions[code].id if code else None, title_ru=titles[0],
                title_kk=titles[1], title_en=titles[2], description="Synthetic demo project.", period=period,
                starts_on=start, ends_on=end, funding_source=source,
                budget_kzt=round(float(budget * rng.lognormal(0, 0.5)), -3), status=status,
                voting_open=status in ("active", "completed") and bool(rng.random() < 0.3)))
            quality.append(p.trust + float(rng.normal(0, 0.4)))
    db.session.add_all(projects)
    db.session.flush()
    return len(projects), [Votable(pr.id, pr.region_id, pr.starts_on, pr.ends_on, q)
                           for pr, q in zip(projects, quality) if pr.voting_open]


def insert_votes(votable: list[Votable], regions: dict[str, Region], rng: np.random.Generator,
                 ballots: int) -> int:
    """``ballots`` voting sessions, each rating one to three open projects of its region (or national ones)."""
    codes = sorted(regions)
    by_region: dict[int | None, list[Votable]] = defaultdict(list)
    for project in votable:
        by_region[project.region_id].append(project)
    weights = np.array([regions[c].population ** 0.8 for c in codes])
    rows: list[dict[str, object]] = []
    for _ in range(ballots):
        region = regions[codes[int(rng.choice(len(codes), p=weights / weights.sum()))]]
        pool = by_region.get(region.id, []) + by_region.get(None, [])
        if not pool:
            continue
        ballot = uuid.UUID(bytes=rng.bytes(16), version=4)
        language = ("kk", "ru", "en")[int(rng.choice(3, p=(0.45, 0.5, 0.05)))]
        k = min(len(pool), int(rng.integers(1, 4)))
        for i in rng.choice(len(pool), size=k, replace=False):
            project = pool[int(i)]
            first, last = max(project.starts_on, VOTES_START), min(project.ends_on, DATA_END)
            if last < first:
                continue
            mean = project.quality + REGION_EFFECTS[region.code][0]
            rating: int | None = int(np.clip(round(rng.normal(mean, 0.9)), 1, 5))
            support: bool | None = bool(rng.random() < 1 / (1 + np.exp(-1.5 * (mean - 3.0))))
            kind = rng.random()
            if kind < 0.15:
                rating = None
            elif kind < 0.35:
                support = None
            rows.append({"id": uuid.UUID(bytes=rng.bytes(16), version=4), "project_id": project.id,
                         "ballot_id": ballot, "region_id": region.id, "rating": rating, "support": support,
                         "language": language, "flags": [], "synthetic": True,
                         "voted_on": first + dt.timedelta(days=int(rng.integers(0, (last - first).days + 1)))})
    if rows:
        bulk_insert(ProjectVote, rows)
    return len(rows)
