"""NGO names for the demo: the two real national networks and composed, invented names.

Russian names are built from an optional adjective, a head noun and an uninflected complement, so
every case form can be produced (the press writes "Гражданскому альянсу Казахстана", not the
nominative). Kazakh names end in a possessive head noun ("қоры", "орталығы") that takes case
suffixes by vowel harmony. English names do not inflect.
"""
from __future__ import annotations

from dataclasses import dataclass, field

RU_CASES = ("nom", "gen", "dat", "acc", "ins", "prep")
KK_CASES = ("nom", "gen", "dat", "acc", "loc", "abl", "ins")

#: Head nouns: Russian gender and case forms (in RU_CASES order), Kazakh possessive form, English.
HEADS: dict[str, tuple[str, tuple[str, ...], str, str]] = {
    "fund": ("m", ("фонд", "фонда", "фонду", "фонд", "фондом", "фонде"), "қоры", "Foundation"),
    "centre": ("m", ("центр", "центра", "центру", "центр", "центром", "центре"), "орталығы", "Centre"),
    "association": ("f", ("ассоциация", "ассоциации", "ассоциации", "ассоциацию", "ассоциацией",
                          "ассоциации"), "қауымдастығы", "Association"),
    "union": ("m", ("союз", "союза", "союзу", "союз", "союзом", "союзе"), "одағы", "Union"),
    "league": ("f", ("лига", "лиги", "лиге", "лигу", "лигой", "лиге"), "лигасы", "League"),
    "network": ("f", ("сеть", "сети", "сети", "сеть", "сетью", "сети"), "желісі", "Network"),
    "public_association": ("n", ("объединение", "объединения", "объединению", "объединение",
                                 "объединением", "объединении"), "қоғамдық бірлестігі", "Public Association"),
}

#: Per sector: the Russian genitive complement, the Kazakh attribute and the English theme.
SECTOR_THEMES: dict[str, tuple[str, str, str]] = {
    "civil_society": ("гражданских инициатив", "азаматтық бастамалар", "Civic Initiatives"),
    "social_support": ("социальной поддержки", "әлеуметтік қолдау", "Social Support"),
    "health": ("охраны здоровья", "денсаулық сақтау", "Health"),
    "education": ("развития образования", "білім беруді дамыту", "Education Development"),
    "youth": ("молодёжных инициатив", "жастар бастамалары", "Youth Initiatives"),
    "children": ("защиты детей", "балаларды қорғау", "Child Protection"),
    "disability": ("поддержки людей с инвалидностью", "мүмкіндігі шектеулі жандарды қолдау",
                   "Disability Support"),
    "environment": ("экологических инициатив", "экологиялық бастамалар", "Environmental Initiatives"),
    "human_rights": ("защиты прав человека", "адам құқықтарын қорғау", "Human Rights"),
    "women": ("женского лидерства", "әйелдер көшбасшылығы", "Women's Leadership"),
    "elderly": ("поддержки старшего поколения", "аға буынды қолдау", "Older People's Support"),
    "culture": ("развития культуры", "мәдениетті дамыту", "Cultural Development"),
    "sport": ("развития массового спорта", "бұқаралық спортты дамыту", "Community Sport"),
    "veterans": ("поддержки ветеранов", "ардагерлерді қолдау", "Veterans' Support"),
    "local_development": ("развития местных сообществ", "жергілікті қоғамдастықтарды дамыту",
                          "Community Development"),
    "media": ("медиаграмотности", "медиасауаттылық", "Media Literacy"),
}

#: National adjectives: Russian stem, Kazakh and English equivalents.
NATIONAL_ADJECTIVES = (("Республиканск", "Республикалық", "Republican"),
                       ("Национальн", "Ұлттық", "National"),
                       ("Казахстанск", "Қазақстандық", "Kazakhstan"))

#: Kazakh words often used as organisation names, with two Latin spellings.
BRANDS = (("Мейірім", "Meyirim", "Meiirim"), ("Шаңырақ", "Shanyraq", "Shanyrak"),
          ("Қамқор", "Qamqor", "Kamkor"), ("Үміт", "Umit", "Ümit"), ("Бірлік", "Birlik", "Birlik KZ"),
          ("Ізгілік", "Izgilik", "Izgilik KZ"), ("Жарқын Болашақ", "Zharqyn Bolashaq", "Zharkyn Bolashak"),
          ("Жасыл Дала", "Zhasyl Dala", "Jasyl Dala"), ("Алтын Бесік", "Altyn Besik", "Altyn Bessik"),
          ("Қайырым", "Qaiyrym", "Kaiyrym"), ("Асыл Мұра", "Asyl Mura", "Assyl Mura"),
          ("Ақниет", "Aqniet", "Akniet"), ("Жанұя", "Zhanuya", "Zhanuia"), ("Таза Су", "Taza Su", "Taza Suu"))

_SOFT_STEM_LETTERS = set("кгхжшчщ")
_FRONT_VOWELS = set("әеіөүиэ")
_BACK_VOWELS = set("аоұыуяю")


@dataclass
class NameForms:
    """One way of writing an NGO's name in all three languages, with case forms."""

    ru: dict[str, str]
    kk: dict[str, str]
    en: str
    #: Extra surface forms for NGOAlias rows: (alias, kind, language).
    aliases: list[tuple[str, str, str]] = field(default_factory=list)
    #: Short forms (case tables) that articles may use instead of the full name.
    short_ru: dict[str, str] | None = None
    short_kk: dict[str, str] | None = None


def ru_adjective(stem: str, gender: str, case: str) -> str:
    """The Russian adjective ``stem`` + ending for a hard stem in ``gender`` and ``case`` (inanimate)."""
    soft = stem[-1].lower() in _SOFT_STEM_LETTERS
    i_or_y = "и" if soft else "ы"
    endings = {
        "m": {"nom": i_or_y + "й", "gen": "ого", "dat": "ому", "acc": i_or_y + "й", "ins": i_or_y + "м", "prep": "ом"},
        "n": {"nom": "ое", "gen": "ого", "dat": "ому", "acc": "ое", "ins": i_or_y + "м", "prep": "ом"},
        "f": {"nom": "ая", "gen": "ой", "dat": "ой", "acc": "ую", "ins": "ой", "prep": "ой"},
    }
    return stem + endings[gender][case]


def ru_phrase(head: str, *, adjective: str | None = None, complement: str = "", capital: bool = True) -> dict[str, str]:
    """Case forms of a Russian name: [adjective] head [complement]; the complement does not inflect."""
    gender, forms, _, _ = HEADS[head]
    out: dict[str, str] = {}
    for i, case in enumerate(RU_CASES):
        words = ([ru_adjective(adjective, gender, case).lower()] if adjective else []) + [forms[i]]
        text = " ".join(words + ([complement] if complement else []))
        out[case] = text[0].upper() + text[1:] if capital else text
    return out


def kk_phrase(stem: str) -> dict[str, str]:
    """Case forms of a Kazakh name ending in a possessive (3rd person) noun, by vowel harmony."""
    vowels = [c for c in stem.lower() if c in _FRONT_VOWELS | _BACK_VOWELS]
    front = bool(vowels) and vowels[-1] in _FRONT_VOWELS
    suffix = {"nom": "", "gen": "нің" if front else "ның", "dat": "не" if front else "на", "acc": "н",
              "loc": "нде" if front else "нда", "abl": "нен" if front else "нан", "ins": "мен"}
    return {case: stem + suffix[case] for case in KK_CASES}


def fixed_forms(text: str, cases: tuple[str, ...]) -> dict[str, str]:
    """The same text for every case (abbreviations and quoted brands do not inflect here)."""
    return {case: text for case in cases}


def real_networks() -> list[tuple[str, NameForms]]:
    """The two real national NGO networks the demo names (their figures in the demo are synthetic)."""
    alliance = NameForms(
        ru={"nom": "Гражданский альянс Казахстана", "gen": "Гражданского альянса Казахстана",
            "dat": "Гражданскому альянсу Казахстана", "acc": "Гражданский альянс Казахстана",
            "ins": "Гражданским альянсом Казахстана", "prep": "Гражданском альянсе Казахстана"},
        kk=kk_phrase("Қазақстанның Азаматтық Альянсы"),
        en="Civil Alliance of Kazakhstan",
        aliases=[("Гражданский альянс", "alias", "ru"), ("Civil Alliance", "alias", "en"),
                 ("Азаматтық Альянс", "alias", "kk")],
        short_ru={
            "nom": "Гражданский альянс", "gen": "Гражданского альянса", "dat": "Гражданскому альянсу",
            "acc": "Гражданский альянс", "ins": "Гражданским альянсом", "prep": "Гражданском альянсе"},
    )
    confederation = NameForms(
        ru={"nom": "Конфедерация неправительственных организаций Казахстана",
            "gen": "Конфедерации неправительственных организаций Казахстана",
            "dat": "Конфедерации неправительственных организаций Казахстана",
            "acc": "Конфедерацию неправительственных организаций Казахстана",
            "ins": "Конфедерацией неправительственных организаций Казахстана",
            "prep": "Конфедерации неправительственных организаций Казахстана"},
        kk=kk_phrase("Қазақстан үкіметтік емес ұйымдарының конфедерациясы"),
        en="Confederation of NGOs of Kazakhstan",
        aliases=[("КНОК", "abbreviation", "ru"), ("CNOK", "abbreviation", "en"),
                 ("Confederation of Non-Governmental Organizations of Kazakhstan", "name", "en")],
        short_ru=fixed_forms("КНОК", RU_CASES),
    )
    return [("civil_society", alliance), ("civil_society", confederation)]


def compose_name(sector: str, head: str, pattern: str, *, place: tuple[str, str, str] | None = None,
                 adjective: tuple[str, str, str] | None = None,
                 brand: tuple[str, str, str] | None = None) -> NameForms:
    """An invented name in kk/ru/en for ``pattern``: ``place`` (theme + home city), ``national``
    (national adjective + theme), ``brand`` (theme + quoted brand) or ``brand_pa`` (public association).

    ``place`` is (Russian genitive, Kazakh, English) of the home city; ``brand`` is (Kazakh, Latin,
    second Latin spelling).
    """
    theme_ru, theme_kk, theme_en = SECTOR_THEMES[sector]
    _, _, head_kk, head_en = HEADS[head]
    if pattern == "place" and place:
        forms = NameForms(ru=ru_phrase(head, complement=f"{theme_ru} {place[0]}"),
                          kk=kk_phrase(f"{place[1]} {theme_kk} {head_kk}"), en=f"{place[2]} {theme_en} {head_en}")
        if head == "centre":
            forms.aliases.append((f"{place[2]} {theme_en} Center", "alias", "en"))
        return forms
    if pattern == "national" and adjective:
        return NameForms(ru=ru_phrase(head, adjective=adjective[0], complement=theme_ru),
                         kk=kk_phrase(f"{adjective[1]} {theme_kk} {head_kk}"),
                         en=f"{adjective[2]} {theme_en} {head_en}")
    if pattern == "brand" and brand:
        short_ru = ru_phrase(head, complement=f"«{brand[0]}»", capital=False)
        short_kk = kk_phrase(f"«{brand[0]}» {head_kk}")
        return NameForms(ru=ru_phrase(head, complement=f"{theme_ru} «{brand[0]}»"),
                         kk=kk_phrase(f"«{brand[0]}» {theme_kk} {head_kk}"),
                         en=f"{brand[1]} {theme_en} {head_en}",
                         aliases=[(short_ru["nom"], "alias", "ru"), (short_kk["nom"], "alias", "kk"),
                                  (f"{brand[2]} {head_en}", "alias", "en")],
                         short_ru=short_ru, short_kk=short_kk)
    if pattern == "brand_pa" and brand:
        short_ru = fixed_forms(f"ОО «{brand[0]}»", RU_CASES)
        return NameForms(ru=ru_phrase("public_association", adjective="Общественн", complement=f"«{brand[0]}»"),
                         kk=kk_phrase(f"«{brand[0]}» қоғамдық бірлестігі"),
                         en=f"{brand[1]} Public Association",
                         aliases=[(short_ru["nom"], "alias", "ru"), (f"{brand[2]} Public Association", "alias", "en")],
                         short_ru=short_ru)
    raise ValueError(f"pattern {pattern!r} needs its parts")


def abbreviation(words: str) -> str:
    """Upper-case initials of the significant words of a name (quotes and short words skipped)."""
    skip = {"с", "и", "of", "and", "for", "the"}
    parts = [w.strip("«»\"'") for w in words.replace("-", " ").split()]
    return "".join(p[0].upper() for p in parts if p and p.lower() not in skip and p[0].isalpha())
