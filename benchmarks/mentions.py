"""Mention-matching throughput on synthetic data (a benchmark, not a test).

Builds a registry of 35,000 synthetic NGO aliases (Russian, Kazakh and English names plus
abbreviations) and N synthetic articles of about 3,000 characters in mixed kk/ru/en (sentences of
words drawn from per-language pools, and news-like template sentences naming an NGO and a region,
some inflected; about 5 % are near-copies of an earlier article), all seeded. Prints one JSON
object with articles per second for

(a) the raw Aho-Corasick scan of pre-normalised text (the surface automaton over token streams
    built beforehand), and
(b) the full pipeline: sentence split, language, normalisation, stems, NGO and region mentions,
    tone of every NGO mention, fingerprint, and duplicate grouping (:class:`DuplicateIndex`).

Model loading (py3langid, pymorphy3, VADER) happens before timing. ``*_articles_per_s`` divide by
the process's CPU time (one core; robust when other jobs share the machine), ``*_wall_*`` by
elapsed time.

By default, as a bulk import does (``senim articles import`` and the background import job:
``frozen_heap`` in ``surveyapp/services/media/chunks.py``), everything alive after setup (registry,
automata, models, and the modules ``import nltk`` pulls in: pandas, scipy, scikit-learn) is moved out
of the garbage collector's reach with ``gc.freeze()`` before timing; ``--no-gc-freeze`` measures
without it (the collector then rescans those objects at every full collection: one in a
10,000-article run, ~0.2 s). ``gc_freeze`` in the output says which was measured.

    python benchmarks/mentions.py [--articles 10000] [--aliases 35000] [--seed 7] [--no-gc-freeze]
"""
from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.text import AliasIndex, AliasRecord, DuplicateIndex, Gazetteer  # noqa: E402 - after sys.path
from analysis.text import ToneScorer, analyse_article, normalise  # noqa: E402
from analysis.text.document import build_stream  # noqa: E402

ARTICLES_PER_DAY = 400
REGIONS = [
    {"code": "KZ-10", "name_en": "Abai Region", "name_ru": "область Абай", "name_kk": "Абай облысы",
     "variants": ["Semey", "Семей", "Semipalatinsk", "Семипалатинск", "Абайская область"]},
    {"code": "KZ-19", "name_en": "Almaty Region", "name_ru": "Алматинская область", "name_kk": "Алматы облысы",
     "variants": ["Konaev", "Қонаев"]},
    {"code": "KZ-35", "name_en": "Karaganda Region", "name_ru": "Карагандинская область",
     "name_kk": "Қарағанды облысы", "variants": ["Karaganda", "Караганда", "Қарағанды"]},
    {"code": "KZ-39", "name_en": "Kostanay Region", "name_ru": "Костанайская область", "name_kk": "Қостанай облысы",
     "variants": ["Kostanai", "Костанай", "Қостанай"]},
    {"code": "KZ-43", "name_en": "Kyzylorda Region", "name_ru": "Кызылординская область",
     "name_kk": "Қызылорда облысы", "variants": ["Kzyl-Orda", "Кызылорда", "Қызылорда"]},
    {"code": "KZ-71", "name_en": "Astana", "name_ru": "город Астана", "name_kk": "Астана қаласы",
     "variants": ["Nur-Sultan", "Нур-Султан", "Астана"]},
    {"code": "KZ-75", "name_en": "Almaty", "name_ru": "город Алматы", "name_kk": "Алматы қаласы",
     "variants": ["Алматы", "Alma-Ata"]},
    {"code": "KZ-79", "name_en": "Shymkent", "name_ru": "город Шымкент", "name_kk": "Шымкент қаласы",
     "variants": ["Шымкент", "Chimkent"]},
]
REGION_TEXT = {"ru": ["в Алматы", "в Карагандинской области", "в Костанае", "в Астане", "в Семее", "в Шымкенте"],
               "kk": ["Алматыда", "Астанада", "Қарағанды облысында", "Шымкентте", "Қостанайда"],
               "en": ["in Almaty", "in Kostanai", "in Nur-Sultan", "in Karaganda Region", "in Semey"]}

RU_KIND = ["Общественный фонд", "Ассоциация", "Общественное объединение", "Центр", "Союз", "Фонд"]
RU_ADJ = ["детский", "молодежный", "экологический", "женский", "правовой", "социальный", "гражданский",
          "культурный", "медицинский", "образовательный", "волонтерский", "семейный", "научный", "спортивный"]
RU_NOUN = ["развития", "поддержки", "помощи", "защиты", "инициатив", "просвещения", "партнерства",
           "здоровья", "будущего", "диалога", "доверия", "содействия", "солидарности", "наследия"]
RU_TAIL = ["детей", "молодежи", "женщин", "семьи", "села", "города", "природы", "культуры", "науки",
           "спорта", "ветеранов", "инвалидов", "предпринимателей", "студентов", "пенсионеров", "мигрантов"]
KK_NOUN = ["балалар", "жастар", "әйелдер", "отбасы", "ауыл", "қала", "табиғат", "мәдениет", "ғылым",
           "спорт", "ардагерлер", "мүгедектер", "кәсіпкерлер", "студенттер", "зейнеткерлер", "көшіп келушілер"]
KK_KIND = ["қоғамдық қоры", "қауымдастығы", "орталығы", "одағы", "бірлестігі", "қоры"]
KK_MID = ["қолдау", "даму", "көмек", "қорғау", "бастама", "ағарту", "серіктестік", "денсаулық", "болашақ",
          "диалог", "сенім", "ынтымақ", "мұра", "ағартушылық"]
EN_ADJ = ["Youth", "Green", "Civic", "Women's", "Legal", "Social", "Family", "Rural", "Urban", "Health",
          "Education", "Heritage", "Future", "Open"]
EN_KIND = ["Foundation", "Association", "Center", "Union", "Alliance", "Network"]
EN_TAIL = ["Development", "Support", "Aid", "Rights", "Initiatives", "Dialogue", "Trust", "Solidarity",
           "Learning", "Care", "Innovation", "Partnership", "Progress", "Voice"]
PLACES = ["Kazakhstan", "Almaty", "Astana", "Karaganda", "Shymkent", "Semey", "Aktobe", "Pavlodar", "Taraz",
          "Oral", "Kostanay", "Atyrau", "Turkistan", "Kyzylorda", "Ekibastuz", "Zhezkazgan", "Aktau", "Konaev",
          "Petropavl", "Oskemen", "Kokshetau", "Taldykorgan", "Temirtau", "Rudny", "Balkhash"]

RU_FILL = ("Представители организации рассказали журналистам о планах на следующий год. "
           "Проект реализуется при поддержке местного акимата и международных партнеров. "
           "По словам руководителя, в программе участвуют более двухсот человек из разных районов. "
           "Эксперты отмечают, что спрос на такие услуги растет с каждым годом. "
           "Жители жалуются на задержки выплат и нехватку специалистов в сельской местности. "
           "Участники встречи обсудили вопросы прозрачности и отчетности перед населением. ").split(". ")
KK_FILL = ("Ұйым өкілдері келесі жылға арналған жоспарлары туралы айтып берді. "
           "Жоба жергілікті әкімдік пен халықаралық серіктестердің қолдауымен жүзеге асырылуда. "
           "Басшының айтуынша, бағдарламаға әр аудандардан екі жүзден астам адам қатысады. "
           "Сарапшылар мұндай қызметтерге сұраныс жыл сайын артып келе жатқанын атап өтті. "
           "Тұрғындар ауылдық жерлерде мамандардың жетіспеушілігіне шағымданады. "
           "Кездесуге қатысушылар халық алдындағы ашықтық пен есептілік мәселелерін талқылады. ").split(". ")
EN_FILL = ("Representatives of the organization told reporters about their plans for next year. "
           "The project is implemented with the support of the local administration and international partners. "
           "According to the head of the program, more than two hundred people from different districts take part. "
           "Experts note that demand for such services grows every year. "
           "Residents complain about delayed payments and a shortage of specialists in rural areas. "
           "Participants discussed transparency and accountability to the public. ").split(". ")
FILL = {"ru": RU_FILL, "kk": KK_FILL, "en": EN_FILL}
TEMPLATES = {
    "ru": ["{ngo} провел благотворительную акцию {region}.", "Сотрудники {ngo} не смогли помочь жителям {region}.",
           "Волонтеры {ngo} оказали помощь пострадавшим семьям {region}.",
           "Против руководства {ngo} возбуждено дело о мошенничестве {region}."],
    "kk": ["{ngo} {region} қайырымдылық шарасын өткізді.", "{ngo} өкілдері {region} тұрғындарға көмек көрсетті.",
           "{ngo} қызметіне қатысты шағымдар түсті, {region} тексеру басталды."],
    "en": ["{ngo} held a charity event {region}.", "Volunteers of {ngo} did a wonderful job helping families {region}.",
           "Residents accused {ngo} of fraud {region}, and an investigation has started."],
}


def registry(n_aliases: int, rng: random.Random) -> tuple[list[AliasRecord], dict[str, list[str]]]:
    """Synthetic alias records and, per language, the names to put into articles."""
    records: list[AliasRecord] = []
    names: dict[str, list[str]] = {"ru": [], "kk": [], "en": []}
    seen: set[str] = set()
    ngo = 0
    while len(records) < n_aliases:
        ngo += 1
        place = rng.choice(PLACES)
        ru = f"{rng.choice(RU_KIND)} {rng.choice(RU_NOUN)} {rng.choice(RU_TAIL)} «{place} {rng.randint(1, 999)}»"
        kk = f"«{place} {rng.randint(1, 999)}» {rng.choice(KK_NOUN)} {rng.choice(KK_MID)} {rng.choice(KK_KIND)}"
        en = f"{place} {rng.choice(EN_ADJ)} {rng.choice(EN_TAIL)} {rng.choice(EN_KIND)} {rng.randint(1, 999)}"
        abbr = "".join(rng.choice("АБВГДЕЖЗИКЛМНОПРСТУФХ") for _ in range(rng.randint(3, 5)))
        for alias, kind, lang in ((ru, "name", "ru"), (kk, "name", "kk"), (en, "name", "en"),
                                  (abbr, "abbreviation", None)):
            if alias in seen or len(records) >= n_aliases:
                continue
            seen.add(alias)
            records.append(AliasRecord(ngo, alias, kind, lang))
            if lang:
                names[lang].append(alias)
    return records, names


SYLLABLES = {
    "ru": "ка ро ли на ст во пр ре ти ко ва ми ле де та по ра не жи ны се ча го ду ме за ло бе ви сти ров".split(),
    "kk": "қа ға ла ры ды ба қы тар ңы ші лі ұл ет ек ән өз ау ым ер ін ық бе де жа са ке мә та ұй жұ".split(),
    "en": "ta re in ed on st er al pro com pa ti ve de ment ter ar ing con sh ry na lo mi ble ness ac po".split(),
}


def vocabulary(rng: random.Random, size: int = 6000) -> dict[str, tuple[list[str], list[float], list[str]]]:
    """Per-language (content words, their cumulative Zipf weights, function words). Content words
    are the filler sentences' words plus ``size`` pseudo-words built from the language's
    syllables, drawn with Zipf-like frequencies, so that articles share frequent words (as news
    does) while long word sequences rarely repeat."""
    pools: dict[str, tuple[list[str], list[float], list[str]]] = {}
    for lang, fill in FILL.items():
        words = sorted({w.strip(".,").lower() for line in fill for w in line.split()})
        content = [w for w in words if len(w) > 3]
        seen = set(content)
        while len(content) < size:
            w = "".join(rng.choice(SYLLABLES[lang]) for _ in range(rng.randint(2, 4)))
            if w not in seen:
                seen.add(w)
                content.append(w)
        cum, total = [], 0.0
        for rank in range(1, len(content) + 1):
            total += 1.0 / rank
            cum.append(total)
        pools[lang] = (content, cum, [w for w in words if len(w) <= 3])
    return pools


def article(rng: random.Random, names: dict[str, list[str]],
            pools: dict[str, tuple[list[str], list[float], list[str]]], length: int = 3000) -> str:
    """About ``length`` characters of mixed-language synthetic news: sentences of 8–26 words (news
    averages about 17) drawn from the language's pool (about 30 % function words, as in news text),
    and now and then a template sentence naming an NGO and a region."""
    parts: list[str] = []
    size = 0
    main = rng.choice(["ru", "ru", "kk", "kk", "en"])
    while size < length:
        lang = main if rng.random() < 0.85 else rng.choice(["ru", "kk", "en"])
        if rng.random() < 0.1:
            s = rng.choice(TEMPLATES[lang]).format(ngo=rng.choice(names[lang]), region=rng.choice(REGION_TEXT[lang]))
        else:
            content, cum, function = pools[lang]
            n = rng.randint(8, 26)
            words = rng.choices(content, cum_weights=cum, k=n)
            words = [rng.choice(function) if rng.random() < 0.3 else w for w in words]
            s = " ".join(words).capitalize() + "."
        parts.append(s)
        size += len(s) + 1
    return " ".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Build the data, time both measurements and print the JSON object; returns 0."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--aliases", type=int, default=35_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--gc-freeze", action=argparse.BooleanOptionalAction, default=True,
                    help="gc.freeze() after setup, as a bulk import does (default; see above)")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    records, names = registry(args.aliases, rng)
    t0 = time.perf_counter()
    index = AliasIndex.build(records)
    gazetteer = Gazetteer.build(REGIONS)
    build_s = time.perf_counter() - t0
    pools = vocabulary(rng)
    texts: list[str] = []
    for i in range(args.articles):
        if i > 20 and rng.random() < 0.05:
            base = texts[rng.randrange(len(texts))]
            texts.append(base[: int(len(base) * 0.9)] + " " + rng.choice(RU_FILL) + ".")
        else:
            texts.append(article(rng, names, pools))
    scorer = ToneScorer()
    analyse_article("Разогрев", texts[0], index, gazetteer, scorer)  # load models outside timing

    streams = [build_stream([normalise(t).split()]) for t in texts]
    if args.gc_freeze:
        gc.freeze()
    t0, c0 = time.perf_counter(), time.process_time()
    raw_hits = sum(index.scan_surface(s) for s in streams)
    raw_s, raw_cpu = time.perf_counter() - t0, time.process_time() - c0

    dedup = DuplicateIndex()
    day0 = date(2026, 1, 1)
    mentions = duplicates = 0
    t0, c0 = time.perf_counter(), time.process_time()
    for i, text in enumerate(texts):
        day = day0 + timedelta(days=i // ARTICLES_PER_DAY)
        if i % ARTICLES_PER_DAY == 0:
            dedup.prune(day - timedelta(days=7))
        res = analyse_article(None, text, index, gazetteer, scorer, article_id=i, published=day)
        mentions += len(res.mentions)
        duplicates += dedup.add(res.fingerprint) is not None
    full_s, full_cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({
        "articles": len(texts),
        "mean_chars": round(sum(map(len, texts)) / len(texts)),
        "aliases": len(records),
        "automaton_keys": index.size,
        "index_build_s": round(build_s, 2),
        "raw_scan_articles_per_s": round(len(texts) / raw_cpu),
        "raw_scan_wall_articles_per_s": round(len(texts) / raw_s),
        "raw_scan_hits": raw_hits,
        "pipeline_articles_per_s": round(len(texts) / full_cpu),
        "pipeline_wall_articles_per_s": round(len(texts) / full_s),
        "mentions_per_article": round(mentions / len(texts), 2),
        "duplicates_found": duplicates,
        "gc_freeze": args.gc_freeze,
    }, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
