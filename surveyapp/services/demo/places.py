"""How the demo's texts name the 20 regions: centres in each language and spelling variants.

The press names a region by its centre ("в Караганде"), by an adjective form ("в Карагандинской
области"), by an old name ("Nur-Sultan") or by a transliteration ("Kzyl-Orda", "Kostanai"); the
media pipeline's gazetteer must cope with all of them, so the articles use all of them.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    """The administrative centre of a region in three languages, and variant phrases."""

    #: Russian genitive ("Караганды") and locative phrase ("в Караганде").
    ru_gen: str
    ru_loc: str
    #: Kazakh nominative and locative ("Қарағанды", "Қарағандыда").
    kk: str
    kk_loc: str
    en: str
    #: More locative phrases by language, e.g. ("en", "in Kzyl-Orda").
    variants: tuple[tuple[str, str], ...] = ()


PLACES: dict[str, Place] = {
    "KZ-10": Place("Семея", "в Семее", "Семей", "Семейде", "Semey",
                   (("en", "in Semipalatinsk"), ("ru", "в Абайской области"))),
    "KZ-11": Place("Кокшетау", "в Кокшетау", "Көкшетау", "Көкшетауда", "Kokshetau", (("en", "in Aqmola Region"),)),
    "KZ-15": Place("Актобе", "в Актобе", "Ақтөбе", "Ақтөбеде", "Aktobe", (("en", "in Aqtobe"),)),
    "KZ-19": Place("Конаева", "в Конаеве", "Қонаев", "Қонаевта", "Konaev",
                   (("en", "in Almaty oblast"), ("ru", "в Капшагае"))),
    "KZ-23": Place("Атырау", "в Атырау", "Атырау", "Атырауда", "Atyrau", (("ru", "в Атырауской области"),)),
    "KZ-27": Place("Уральска", "в Уральске", "Орал", "Оралда", "Oral", (("en", "in Uralsk"), ("ru", "в ЗКО"))),
    "KZ-31": Place("Тараза", "в Таразе", "Тараз", "Таразда", "Taraz", (("en", "in Jambyl Region"),)),
    "KZ-33": Place("Талдыкоргана", "в Талдыкоргане", "Талдықорған", "Талдықорғанда", "Taldykorgan",
                   (("ru", "в области Жетысу"), ("en", "in Jetisu Region"))),
    "KZ-35": Place("Караганды", "в Караганде", "Қарағанды", "Қарағандыда", "Karaganda",
                   (("en", "in Karagandy Region"),)),
    "KZ-39": Place("Костаная", "в Костанае", "Қостанай", "Қостанайда", "Kostanay",
                   (("en", "in Kostanai"), ("en", "in Qostanay"))),
    "KZ-43": Place("Кызылорды", "в Кызылорде", "Қызылорда", "Қызылордада", "Kyzylorda",
                   (("en", "in Kzyl-Orda"), ("ru", "в Кызылординской области"))),
    "KZ-47": Place("Актау", "в Актау", "Ақтау", "Ақтауда", "Aktau", (("en", "in Mangistau"),)),
    "KZ-55": Place("Павлодара", "в Павлодаре", "Павлодар", "Павлодарда", "Pavlodar", (("ru", "в Экибастузе"),)),
    "KZ-59": Place("Петропавловска", "в Петропавловске", "Петропавл", "Петропавлда", "Petropavl",
                   (("ru", "в СКО"), ("en", "in Petropavlovsk"))),
    "KZ-61": Place("Туркестана", "в Туркестане", "Түркістан", "Түркістанда", "Turkistan",
                   (("en", "in Turkestan Region"),)),
    "KZ-62": Place("Жезказгана", "в Жезказгане", "Жезқазған", "Жезқазғанда", "Zhezkazgan",
                   (("ru", "в Улытауской области"),)),
    "KZ-63": Place("Усть-Каменогорска", "в Усть-Каменогорске", "Өскемен", "Өскеменде", "Oskemen",
                   (("en", "in Ust-Kamenogorsk"), ("ru", "в ВКО"))),
    "KZ-71": Place("Астаны", "в Астане", "Астана", "Астанада", "Astana",
                   (("en", "in Nur-Sultan"), ("ru", "в Нур-Султане"))),
    "KZ-75": Place("Алматы", "в Алматы", "Алматы", "Алматыда", "Almaty", (("en", "in Alma-Ata"), ("ru", "в Алма-Ате"))),
    "KZ-79": Place("Шымкента", "в Шымкенте", "Шымкент", "Шымкентте", "Shymkent", (("en", "in Chimkent"),)),
}


def ru_region_locative(name_ru: str) -> str | None:
    """"в Карагандинской области" for "Карагандинская область"; None for the three cities."""
    if name_ru.endswith("ская область"):
        return "в " + name_ru[: -len("ая область")] + "ой области"
    if name_ru.startswith("область "):
        return "в области " + name_ru[len("область "):]
    return None


def kk_region_locative(name_kk: str) -> str:
    """"Қарағанды облысында" for "Қарағанды облысы" (also "Алматы қаласында")."""
    return name_kk + "нда"


def place_phrases(code: str, name_ru: str, name_kk: str, name_en: str) -> dict[str, list[str]]:
    """Every locative phrase the articles may use for a region, by language (first is the plainest)."""
    place = PLACES[code]
    phrases: dict[str, list[str]] = {
        "ru": [place.ru_loc, ru_region_locative(name_ru) or place.ru_loc],
        "kk": [place.kk_loc, kk_region_locative(name_kk)],
        "en": [f"in {place.en}", f"in {name_en}"],
    }
    for lang, phrase in place.variants:
        phrases[lang].append(phrase)
    return {lang: list(dict.fromkeys(items)) for lang, items in phrases.items()}
