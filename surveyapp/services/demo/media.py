"""Demo outlets and articles: NGO and region mentions in kk/ru/en, tone, syndicated copies.

No Mention rows are written: finding mentions is the media pipeline's job. Falling NGOs get a burst
of critical stories at the start of 2026-Q2 (a media spike), rising ones more praise in 2026.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from analysis.text import content_hash
from models import Article, Outlet, Region, db

from ..media.duplicates import url_hash
from .model import DATA_END, WAVES, NGOProfile
from .places import place_phrases
from .texts import SENTENCES, SYNDICATION_NOTES, TITLES, TONES

#: (name, reach per story, home region or None, website host, languages) — all invented.
OUTLETS = (
    ("Qazaq Daily Wire", 420000, None, "qazaq-daily-wire.example", ("ru", "en")),
    ("Дала хабары", 380000, None, "dala-habary.example", ("kk",)),
    ("Степной вестник", 300000, None, "stepnoy-vestnik.example", ("ru",)),
    ("Civic Monitor KZ", 70000, None, "civic-monitor.example", ("en", "ru")),
    ("Almaty Evening Courier", 190000, "KZ-75", "almaty-evening-courier.example", ("ru", "en")),
    ("Астана таңы", 160000, "KZ-71", "astana-tany.example", ("kk", "ru")),
    ("Оңтүстік сөзі", 95000, "KZ-79", "ontustik-sozi.example", ("kk",)),
    ("Карагандинское обозрение", 80000, "KZ-35", "karaganda-review.example", ("ru",)),
    ("Павлодарский курьер", 60000, "KZ-55", "pavlodar-courier.example", ("ru",)),
    ("Шығыс шұғыласы", 50000, "KZ-63", "shygys-shugylasy.example", ("kk", "ru")),
    ("Каспийский бриз", 45000, "KZ-47", "caspian-breeze.example", ("ru", "kk")),
    ("Жайық толқыны", 40000, "KZ-27", "zhaiyq-tolqyny.example", ("kk",)),
    ("Северный меридиан", 35000, "KZ-59", "north-meridian.example", ("ru",)),
    ("Арал желі", 30000, "KZ-43", "aral-zheli.example", ("kk",)),
    ("Тобольская неделя", 38000, "KZ-39", "tobol-week.example", ("ru",)),
)
START = WAVES[0].opens_on
SPIKE_DAYS = (dt.date(2026, 4, 14), dt.date(2026, 5, 6), dt.date(2026, 4, 22))
#: Spellings every demo contains at least once: (language, region code, locative phrase).
SHOWCASE = (("en", "KZ-43", "in Kzyl-Orda"), ("en", "KZ-39", "in Kostanai"), ("en", "KZ-71", "in Nur-Sultan"),
            ("ru", "KZ-19", "в Алматинской области"), ("ru", "KZ-35", "в Карагандинской области"),
            ("ru", "KZ-71", "в Нур-Султане"), ("ru", "KZ-27", "в ЗКО"), ("kk", "KZ-43", "Қызылорда облысында"),
            ("kk", "KZ-10", "Семейде"), ("en", "KZ-63", "in Ust-Kamenogorsk"))
Planned = tuple[NGOProfile, dt.date, str | None, tuple[str, str, str] | None]


@dataclass(frozen=True)
class OutletInfo:
    """An inserted outlet and the languages it publishes in."""

    id: int
    name: str
    reach: int
    region_code: str | None
    website: str
    languages: tuple[str, ...]


def insert_outlets(regions: dict[str, Region]) -> list[OutletInfo]:
    """The fifteen invented outlets (four national, eleven regional); flushes."""
    rows = [Outlet(name=name, reach=reach, region_id=regions[code].id if code else None, website=f"https://{host}")
            for name, reach, code, host, _ in OUTLETS]
    db.session.add_all(rows)
    db.session.flush()
    return [OutletInfo(o.id, o.name, spec[1], spec[2], o.website or "", spec[4]) for o, spec in zip(rows, OUTLETS)]


def _name_slots(p: NGOProfile, lang: str, short: bool) -> dict[str, str]:
    """Case slots for an NGO in ``lang``: the full name, or (``short``) an alias or abbreviation."""
    f = p.forms
    if lang == "ru":
        if short and f.short_ru:
            return f.short_ru
        abbr = [a for a, kind, lg in f.aliases if kind == "abbreviation" and lg == "ru"]
        return {case: abbr[0] for case in f.ru} if short and abbr else f.ru
    if lang == "kk":
        return f.short_kk if short and f.short_kk else f.kk
    alts = [a for a, _, lg in f.aliases if lg == "en"]
    return {"nom": alts[0] if short and alts else f.en}


def _fill(template: str, slots: dict[str, str], place: str, rng: np.random.Generator, year: int) -> str:
    values = {"nom": "", **slots, "place": place, "count": int(rng.integers(12, 400)),
              "amount": int(rng.integers(3, 60)), "year": year}
    text = template.format(**values)
    return text[0].upper() + text[1:]


def _tone(p: NGOProfile, day: dt.date, rng: np.random.Generator) -> str:
    if p.story == "falling" and day >= WAVES[2].opens_on - dt.timedelta(days=10):
        probs = (0.1, 0.25, 0.65)
    elif p.story == "rising" and day >= WAVES[1].opens_on:
        probs = (0.6, 0.3, 0.1)
    else:
        probs = (0.35, 0.45, 0.2)
    return TONES[int(rng.choice(3, p=probs))]


def compose(p: NGOProfile, other: NGOProfile | None, lang: str, tone: str, places: list[str],
            day: dt.date, rng: np.random.Generator) -> tuple[str, str]:
    """Title and body of one story about ``p`` (and briefly ``other``) in ``lang`` with ``tone``."""
    def pick(items: tuple[str, ...] | list[str]) -> str:
        """One of ``items``, drawn from the generator."""
        return items[int(rng.integers(len(items)))]

    full, year = _name_slots(p, lang, False), day.year
    bank = SENTENCES[lang]
    order = [int(i) for i in rng.permutation(len(bank[tone]))]
    lead = next(i for i in order if "{place}" in bank[tone][i])  # the lead says where it happened
    order.remove(lead)
    sentences = [_fill(bank[tone][lead], full, pick(places), rng, year)]
    for i in order[:int(rng.integers(1, 3))]:
        sentences.append(_fill(bank[tone][i], _name_slots(p, lang, rng.random() < 0.5), pick(places), rng, year))
    for _ in range(int(rng.integers(1, 3))):
        sentences.append(_fill(pick(bank["filler"]), full, pick(places), rng, year))
    if other is not None:
        sentences.insert(2, _fill(pick(bank["neutral"]), _name_slots(other, lang, False), pick(places), rng, year))
    title = _fill(pick(TITLES[lang][tone]), full, pick(places), rng, year)
    return title, " ".join(dict.fromkeys(sentences))


def _article(outlet: OutletInfo, lang: str, day: dt.date, title: str, body: str, serial: int) -> Article:
    url = f"{outlet.website}/{lang}/{day:%Y/%m/%d}/story-{serial:05d}"
    # the same keys as an upload (``media.ingest``), so re-uploading a demo story is found as a copy
    return Article(outlet_id=outlet.id, url=url, url_hash=url_hash(url), title=title, body=body,
                   language=lang, published_on=day, content_hash=content_hash(f"{title}\n{body}"), status="accepted",
                   synthetic=True)


def _plan(profiles: list[NGOProfile], count: int, rng: np.random.Generator) -> list[Planned]:
    """(NGO, date, forced tone, forced language and place) for each original story: spikes for
    falling NGOs, one story per SHOWCASE spelling, the rest spread over the waves."""
    plan: list[Planned] = []
    burst = max(3, round(count * 0.025))
    for p, day in zip([p for p in profiles if p.story == "falling"], SPIKE_DAYS):
        plan += [(p, day + dt.timedelta(days=int(rng.random() < 0.4)), "negative", None) for _ in range(burst)]
    span = (DATA_END - START).days
    for lang, code, phrase in SHOWCASE:
        local = [p for p in profiles if p.region_code == code] or profiles
        p = local[int(rng.integers(len(local)))]
        plan.append((p, START + dt.timedelta(days=int(rng.integers(0, span + 1))), None, (lang, code, phrase)))
    weights = np.array([4.0 if p.real else 2.5 if p.region_code is None else 1.6 if p.story != "stable"
                        else 1.2 if p.region_code in ("KZ-71", "KZ-75", "KZ-79") else 1.0 for p in profiles])
    while len(plan) < count:
        p = profiles[int(rng.choice(len(profiles), p=weights / weights.sum()))]
        plan.append((p, START + dt.timedelta(days=int(rng.integers(0, span + 1))), None, None))
    plan.sort(key=lambda item: (item[1], item[0].index))
    return plan


def insert_articles(profiles: list[NGOProfile], outlets: list[OutletInfo], regions: dict[str, Region],
                    rng: np.random.Generator, count: int) -> tuple[int, int]:
    """About ``count`` synthetic stories, a few of them syndicated copies; returns (articles, copies)."""
    phrases = {code: place_phrases(code, r.name_ru, r.name_kk, r.name_en) for code, r in regions.items()}
    codes = sorted(regions)
    population = np.array([regions[c].population for c in codes], dtype=float)
    copies = max(2, round(count * 0.035))
    originals: list[Article] = []
    for serial, (p, day, tone, forced) in enumerate(_plan(profiles, count - copies, rng), start=1):
        eligible = [o for o in outlets if (o.region_code is None or p.region_code is None
                                           or o.region_code == p.region_code)
                    and (forced is None or forced[0] in o.languages)]
        w = np.array([o.reach ** 0.5 * (3.0 if p.region_code and o.region_code == p.region_code else 1.0)
                      for o in eligible])
        outlet = eligible[int(rng.choice(len(eligible), p=w / w.sum()))]
        lang = forced[0] if forced else outlet.languages[int(rng.integers(len(outlet.languages)))]
        code = forced[1] if forced else (p.region_code or outlet.region_code
                                         or codes[int(rng.choice(len(codes), p=population / population.sum()))])
        places = [forced[2]] if forced else phrases[code][lang]
        neighbours = [q for q in profiles if q is not p and q.region_code in (None, p.region_code)]
        other = neighbours[int(rng.integers(len(neighbours)))] if rng.random() < 0.3 else None
        title, body = compose(p, other, lang, tone or _tone(p, day, rng), places, day, rng)
        originals.append(_article(outlet, lang, day, title, body, serial))
    db.session.add_all(originals)
    db.session.flush()
    for article in originals:
        article.duplicate_group_id = article.id
    by_id = {o.id: o for o in outlets}
    made: list[Article] = []
    for i in rng.choice(len(originals), size=min(copies, len(originals)), replace=False):
        source = originals[int(i)]
        lang = source.language or "ru"
        targets = [o for o in outlets if lang in o.languages and o.id != source.outlet_id]
        target = targets[int(rng.integers(len(targets)))]
        day = min(source.published_on + dt.timedelta(days=int(rng.integers(0, 2))), DATA_END)
        note = SYNDICATION_NOTES[lang].format(outlet=by_id[source.outlet_id or 0].name)
        copy = _article(target, lang, day, source.title, f"{source.body} {note}", len(originals) + len(made) + 1)
        copy.status, copy.duplicate_group_id = "duplicate", source.id
        made.append(copy)
    db.session.add_all(made)
    db.session.flush()
    return len(originals) + len(made), len(made)
