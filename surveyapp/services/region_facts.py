"""Facts about Kazakhstan's 20 first-level units (since the 2022 reform), shipped with Senim.

Codes are ISO 3166-2 (numeric since late 2022). Populations are the Bureau of National
Statistics (BNS) figures where a dated release is named in ``population_source``; the others are
Senim's estimates (``estimate``) to be replaced with the BNS table for 1 January 2026. Urban
shares are BNS figures (2024) or estimates likewise. Adult population margins for weighting are
modelled from these totals in ``regions.model_margins`` and documented in docs/methodology.md.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RegionFact:
    code: str
    code_pre2022: str | None
    kato: str
    kind: str
    name_en: str
    name_ru: str
    name_kk: str
    variants: tuple[str, ...]
    centre: str
    lat: float
    lon: float
    population: int
    population_date: str
    population_source: str
    urban_share: float
    area_km2: int
    #: Share of the population aged 18 and over (modelled).
    adult_share: float = 0.67


BNS26 = "BNS, 1 January 2026 release"
EST = "estimate (replace with BNS 1 January 2026)"

REGIONS: tuple[RegionFact, ...] = (
    RegionFact("KZ-10", None, "10", "region", "Abai Region", "область Абай", "Абай облысы",
               ("Abay Region", "Abai oblysy", "Абайская область", "Semey", "Semei", "Semipalatinsk",
                "Семей", "Семипалатинск", "Семипалатинская область"),
               "Semey", 50.4206, 80.2502, 595676, "2026-01-01", BNS26, 0.62, 185935, 0.70),
    RegionFact("KZ-11", "KZ-AKM", "11", "region", "Akmola Region", "Акмолинская область", "Ақмола облысы",
               ("Aqmola Region", "Akmola oblysy", "Kokshetau", "Kokchetav", "Кокшетау", "Көкшетау"),
               "Kokshetau", 53.2841, 69.3936, 781000, "2025-01-01", EST, 0.50, 145979, 0.71),
    RegionFact("KZ-15", "KZ-AKT", "15", "region", "Aktobe Region", "Актюбинская область", "Ақтөбе облысы",
               ("Aqtobe Region", "Aqtöbe", "Aktyubinsk", "Aktobe", "Актобе", "Ақтөбе", "Актюбинск"),
               "Aktobe", 50.2797, 57.2072, 945000, "2025-01-01", EST, 0.75, 300959, 0.66),
    RegionFact("KZ-19", "KZ-ALM", "19", "region", "Almaty Region", "Алматинская область", "Алматы облысы",
               ("Almaty oblysy", "Alma-Ata Oblast", "Almatinskaya oblast", "Konaev", "Qonaev", "Қонаев",
                "Конаев", "Kapchagay", "Капшагай"),
               "Konaev", 43.8668, 77.0630, 1596331, "2026-01-01", BNS26, 0.161, 104811, 0.63),
    RegionFact("KZ-23", "KZ-ATY", "23", "region", "Atyrau Region", "Атырауская область", "Атырау облысы",
               ("Atyraū", "Atyrau oblysy", "Guryev", "Atyrau", "Атырау", "Гурьев"),
               "Atyrau", 47.1048, 51.8843, 703180, "2024-01-01", "BNS Atyrau department, 1 January 2024",
               0.554, 128066, 0.63),
    RegionFact("KZ-27", "KZ-ZAP", "27", "region", "West Kazakhstan Region", "Западно-Казахстанская область",
               "Батыс Қазақстан облысы",
               ("Batys Qazaqstan", "WKO", "ZKO", "ЗКО", "Uralsk", "Oral", "Уральск", "Орал"),
               "Oral", 51.2460, 51.4256, 693000, "2025-01-01", EST, 0.52, 151443, 0.68),
    RegionFact("KZ-31", "KZ-ZHA", "31", "region", "Zhambyl Region", "Жамбылская область", "Жамбыл облысы",
               ("Jambyl Region", "Jambyl", "Dzhambul", "Taraz", "Тараз", "Джамбульская область"),
               "Taraz", 42.8980, 71.3733, 1215373, "2026-01-01", BNS26, 0.435, 144345, 0.63),
    RegionFact("KZ-33", None, "33", "region", "Zhetisu Region", "область Жетісу", "Жетісу облысы",
               ("Jetisu Region", "Zhetysu Region", "Jetysu", "Жетысуская область", "область Жетысу",
                "Taldykorgan", "Талдыкорган", "Талдықорған"),
               "Taldykorgan", 45.0156, 78.3739, 700000, "2025-01-01", EST, 0.45, 118224, 0.65),
    RegionFact("KZ-35", "KZ-KAR", "35", "region", "Karaganda Region", "Карагандинская область",
               "Қарағанды облысы",
               ("Karagandy Region", "Qaraghandy", "Qaragandy", "Karaganda", "Караганда", "Қарағанды"),
               "Karaganda", 49.8019, 73.1021, 1131287, "2026-01-01", BNS26, 0.817, 238704, 0.72),
    RegionFact("KZ-39", "KZ-KUS", "39", "region", "Kostanay Region", "Костанайская область", "Қостанай облысы",
               ("Kostanai", "Qostanay", "Qostanai", "Kustanai", "Kostanay", "Костанай", "Қостанай"),
               "Kostanay", 53.2144, 63.6246, 830000, "2025-01-01", EST, 0.56, 196082, 0.73),
    RegionFact("KZ-43", "KZ-KZY", "43", "region", "Kyzylorda Region", "Кызылординская область",
               "Қызылорда облысы",
               ("Qyzylorda", "Kzyl-Orda", "Kyzyl-Orda", "Kyzylorda", "Кызылорда", "Қызылорда"),
               "Kyzylorda", 44.8528, 65.5092, 840000, "2025-01-01", EST, 0.46, 226818, 0.61),
    RegionFact("KZ-47", "KZ-MAN", "47", "region", "Mangystau Region", "Мангистауская область",
               "Маңғыстау облысы",
               ("Mangghystau", "Mangistau", "Mangyshlak", "Aktau", "Aqtau", "Актау", "Ақтау"),
               "Aktau", 43.6611, 51.1739, 818345, "2025-12-01", "BNS via regional press, 1 December 2025",
               0.468, 184204, 0.60),
    RegionFact("KZ-55", "KZ-PAV", "55", "region", "Pavlodar Region", "Павлодарская область", "Павлодар облысы",
               ("Pavlodar oblysy", "Pavlodar", "Павлодар", "Ekibastuz", "Экибастуз"),
               "Pavlodar", 52.2760, 76.9688, 750000, "2025-01-01", EST, 0.72, 124604, 0.72),
    RegionFact("KZ-59", "KZ-SEV", "59", "region", "North Kazakhstan Region", "Северо-Казахстанская область",
               "Солтүстік Қазақстан облысы",
               ("Soltüstik Qazaqstan", "SKO", "NKR", "СКО", "Petropavl", "Petropavlovsk", "Петропавловск"),
               "Petropavl", 54.8734, 69.1506, 514156, "2026-01-01", BNS26, 0.47, 97996, 0.75),
    RegionFact("KZ-61", "KZ-YUZ", "61", "region", "Turkistan Region", "Туркестанская область",
               "Түркістан облысы",
               ("Türkistan", "Turkestan Region", "South Kazakhstan Region", "Южно-Казахстанская область",
                "ЮКО", "Turkistan", "Туркестан", "Түркістан"),
               "Turkistan", 43.2946, 68.2569, 2148658, "2026-01-01", BNS26, 0.247, 116224, 0.58),
    RegionFact("KZ-62", None, "62", "region", "Ulytau Region", "область Ұлытау", "Ұлытау облысы",
               ("Ulytaū", "Улытауская область", "область Улытау", "Zhezkazgan", "Jezkazgan",
                "Жезказган", "Жезқазған"),
               "Zhezkazgan", 47.7941, 67.7063, 218993, "2026-01-01", BNS26, 0.792, 188904, 0.68),
    RegionFact("KZ-63", "KZ-VOS", "63", "region", "East Kazakhstan Region", "Восточно-Казахстанская область",
               "Шығыс Қазақстан облысы",
               ("Shyghys Qazaqstan", "VKO", "EKR", "ВКО", "Oskemen", "Ust-Kamenogorsk", "Усть-Каменогорск",
                "Өскемен"),
               "Oskemen", 49.9714, 82.6059, 725000, "2025-01-01", EST, 0.66, 96049, 0.73),
    RegionFact("KZ-71", "KZ-AST", "71", "city", "Astana", "город Астана", "Астана қаласы",
               ("Astana city", "Nur-Sultan", "Нур-Султан", "Нұр-Сұлтан", "Tselinograd", "Akmolinsk", "Астана"),
               "Astana", 51.1801, 71.4460, 1638233, "2026-01-01", BNS26, 1.0, 801, 0.66),
    RegionFact("KZ-75", "KZ-ALA", "75", "city", "Almaty", "город Алматы", "Алматы қаласы",
               ("Almaty city", "Alma-Ata", "Алма-Ата", "Верный", "Алматы"),
               "Almaty", 43.2525, 76.9115, 2347924, "2026-01-01", BNS26, 1.0, 705, 0.72),
    RegionFact("KZ-79", "KZ-SHY", "79", "city", "Shymkent", "город Шымкент", "Шымкент қаласы",
               ("Shymkent city", "Chimkent", "Чимкент", "Шымкент"),
               "Shymkent", 42.3099, 69.6004, 1293648, "2026-01-01", BNS26, 1.0, 1165, 0.60),
)
