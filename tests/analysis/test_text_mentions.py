"""NGO and region mentions: inflection, exact abbreviations, gazetteer variants, offsets."""
from __future__ import annotations

import pytest

from analysis.text import AliasIndex, AliasRecord, Gazetteer, RegionRecord, find_mentions, ngo_alias_records
from analysis.text.gazetteer import ru_case_forms

REGIONS = [
    RegionRecord("KZ-10", "Abai Region", "область Абай", "Абай облысы",
                 ("Semey", "Semipalatinsk", "Семей", "Семипалатинск", "Абайская область")),
    RegionRecord("KZ-19", "Almaty Region", "Алматинская область", "Алматы облысы", ("Almaty oblysy", "Konaev")),
    RegionRecord("KZ-35", "Karaganda Region", "Карагандинская область", "Қарағанды облысы",
                 ("Karaganda", "Караганда", "Қарағанды")),
    RegionRecord("KZ-39", "Kostanay Region", "Костанайская область", "Қостанай облысы",
                 ("Kostanai", "Kostanay", "Костанай", "Қостанай")),
    RegionRecord("KZ-43", "Kyzylorda Region", "Кызылординская область", "Қызылорда облысы",
                 ("Kzyl-Orda", "Kyzylorda", "Кызылорда", "Қызылорда")),
    RegionRecord("KZ-71", "Astana", "город Астана", "Астана қаласы", ("Nur-Sultan", "Нур-Султан", "Астана")),
    RegionRecord("KZ-75", "Almaty", "город Алматы", "Алматы қаласы", ("Alma-Ata", "Алматы", "Верный")),
    RegionRecord("KZ-79", "Shymkent", "город Шымкент", "Шымкент қаласы", ("Chimkent", "Шымкент")),
]
CNOK = ngo_alias_records(
    1,
    name_en="Confederation of Non-Governmental Organizations of Kazakhstan",
    name_ru="Конфедерация неправительственных организаций Казахстана",
    name_kk="Қазақстанның үкіметтік емес ұйымдарының конфедерациясы",
    aliases=["КНОК", "CNOK"],
)
OTHERS = [
    AliasRecord(2, "Фонд развития парламентаризма", "name", "ru"),
    AliasRecord(3, "Ақ Бота", "name", "kk"),
    AliasRecord(4, "Дара", "alias", "ru"),
    AliasRecord(5, "Фонд развития", "alias", "ru"),
]


@pytest.fixture(scope="module")
def index() -> AliasIndex:
    return AliasIndex.build(CNOK + OTHERS)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.build(REGIONS)


def ngo_hits(text: str, index: AliasIndex) -> list[tuple[object, str]]:
    return [(m.ngo_id, m.matched) for m in find_mentions(text, index) if m.kind == "ngo"]


def region_hits(text: str, gazetteer: Gazetteer) -> list[tuple[str | None, str]]:
    return [(m.region_code, m.matched) for m in find_mentions(text, None, gazetteer)]


def test_alias_records_from_an_ngo_row() -> None:
    kinds = {(r.alias, r.kind, r.language) for r in CNOK}
    assert ("КНОК", "abbreviation", "ru") in kinds and ("CNOK", "abbreviation", "en") in kinds
    assert ("Қазақстанның үкіметтік емес ұйымдарының конфедерациясы", "name", "kk") in kinds


def test_russian_name_matches_through_inflection(index: AliasIndex) -> None:
    text = "Представители Конфедерации неправительственных организаций Казахстана провели встречу."
    assert ngo_hits(text, index) == [(1, "Конфедерации неправительственных организаций Казахстана")]
    assert ngo_hits("Поддержку оказали конфедерацией неправительственных организаций казахстана.", index) == [
        (1, "конфедерацией неправительственных организаций казахстана")]


def test_kazakh_name_matches_through_inflection(index: AliasIndex) -> None:
    text = "Біз Қазақстанның үкіметтік емес ұйымдарының конфедерациясымен бірге жұмыс істедік."
    assert ngo_hits(text, index) == [(1, "Қазақстанның үкіметтік емес ұйымдарының конфедерациясымен")]
    text = "Қазақстанның үкіметтік емес ұйымдарының конфедерациясына алғыс айтылды."
    assert ngo_hits(text, index)[0][0] == 1


def test_english_name_matches_through_inflection(index: AliasIndex) -> None:
    text = "The Confederation of Non-Governmental Organisations of Kazakhstan's report"
    assert ngo_hits(text, index) == []  # "Organisations" ≠ "Organizations": spelling is not inflection
    text = "Confederations of non-governmental organization of Kazakhstan met."
    assert ngo_hits(text, index)[0][0] == 1


def test_abbreviations_match_exactly_on_word_boundaries(index: AliasIndex) -> None:
    assert ngo_hits("По данным КНОК и CNOK, всё хорошо.", index) == [(1, "КНОК")]  # once per sentence
    assert ngo_hits("Заявление CNOK. Ответ КНОК.", index) == [(1, "CNOK"), (1, "КНОК")]
    assert ngo_hits("Слово НЕКНОКАУТ и ПОКНОК не в счёт, CNOKS тоже.", index) == []
    assert ngo_hits("кнок в нижнем регистре — не аббревиатура", index) == []
    assert ngo_hits("КНОКа", index) == []  # abbreviations are not inflected


def test_single_word_aliases_are_not_stemmed_and_need_a_capital(index: AliasIndex) -> None:
    assert ngo_hits("Фонд «Дара» помог детям.", index) == [(4, "Дара")]
    assert ngo_hits("Фонду «Даре» помогли.", index) == []
    assert ngo_hits("дара богов", index) == []


def test_longest_match_wins_over_a_contained_alias(index: AliasIndex) -> None:
    hits = ngo_hits("Фонд развития парламентаризма провёл семинар.", index)
    assert hits == [(2, "Фонд развития парламентаризма")]
    assert ngo_hits("Фонда развития парламентаризма", index) == [(2, "Фонда развития парламентаризма")]
    assert ngo_hits("Фонд развития провёл семинар.", index) == [(5, "Фонд развития")]


def test_one_mention_per_ngo_per_sentence_but_again_in_the_next(index: AliasIndex) -> None:
    text = "КНОК заявила, что КНОК готова. Конфедерация неправительственных организаций Казахстана ответила."
    assert [h[1] for h in ngo_hits(text, index)] == ["КНОК", "Конфедерация неправительственных организаций Казахстана"]


def test_mentions_do_not_span_sentences(index: AliasIndex) -> None:
    assert ngo_hits("Это фонд. Развития парламентаризма нет.", index) == []


def test_offsets_map_back_to_the_original_text(index: AliasIndex, gazetteer: Gazetteer) -> None:
    text = ("В Карагандинской области «Ақ Бота» и КНОК (Конфедерации неправительственных организаций "
            "Казахстана) работают.\n\nCNOK met in Nur-Sultan. Қазақстанның үкіметтік емес ұйымдарының "
            "конфедерациясымен Астанада кездесті.")
    mentions = find_mentions(text, index, gazetteer)
    assert len(mentions) == 7
    for m in mentions:
        assert text[m.start:m.end] == m.matched
        assert m.matched in m.sentence
        assert text[m.sentence_start:m.sentence_start + len(m.sentence)] == m.sentence
    assert [(m.kind, m.ngo_id or m.region_code) for m in mentions] == [
        ("region", "KZ-35"), ("ngo", 3), ("ngo", 1), ("ngo", 1), ("region", "KZ-71"), ("ngo", 1), ("region", "KZ-71")]
    assert [m.language for m in mentions] == ["ru", "ru", "ru", "en", "en", "kk", "kk"]


@pytest.mark.parametrize(("text", "code", "matched"), [
    ("Фестиваль прошёл в Алматинской области.", "KZ-19", "Алматинской области"),
    ("Алматинская область получила грант.", "KZ-19", "Алматинская область"),
    ("Жители Карагандинской области", "KZ-35", "Карагандинской области"),
    ("Жители Карагандинской обл. недовольны", "KZ-35", "Карагандинской обл"),
    ("в Алматы открыли центр", "KZ-75", "Алматы"),
    ("город Алматы", "KZ-75", "город Алматы"),
    ("Алматы облысында", "KZ-19", "Алматы облысында"),
    ("Алматыда жиналыс", "KZ-75", "Алматыда"),
    ("Almaty Region and", "KZ-19", "Almaty Region"),
    ("met in Almaty today", "KZ-75", "Almaty"),
    ("Office in Kzyl-Orda", "KZ-43", "Kzyl-Orda"),
    ("Office in Kostanai", "KZ-39", "Kostanai"),
    ("жители Костанае и", "KZ-39", "Костанае"),
    ("Talks in Nur-Sultan", "KZ-71", "Nur-Sultan"),
    ("в Нур-Султане", "KZ-71", "Нур-Султане"),
    ("в Астане", "KZ-71", "Астане"),
    ("Астанада өтті", "KZ-71", "Астанада"),
    ("Volunteers from Semey", "KZ-10", "Semey"),
    ("Semipalatinsk test site", "KZ-10", "Semipalatinsk"),
    ("в Семипалатинске", "KZ-10", "Семипалатинске"),
    ("в области Абай", "KZ-10", "области Абай"),
    ("Абайской области", "KZ-10", "Абайской области"),
    ("Шымкентте", "KZ-79", "Шымкентте"),
    ("Қарағанды облысының әкімдігі", "KZ-35", "Қарағанды облысының"),
])
def test_region_variants_and_inflected_forms(gazetteer: Gazetteer, text: str, code: str, matched: str) -> None:
    assert region_hits(text, gazetteer) == [(code, matched)]


def test_region_single_words_need_a_capital(gazetteer: Gazetteer) -> None:
    assert region_hits("это верный путь", gazetteer) == []
    assert region_hits("Город Верный основан в 1854 году.", gazetteer) == [("KZ-75", "Верный")]


def test_ambiguous_forms_are_dropped() -> None:
    gaz = Gazetteer.build([RegionRecord("KZ-01", "North", variants=("Twin",)),
                           RegionRecord("KZ-02", "South", variants=("Twin",))])
    assert gaz.ambiguous == [("twin",)]
    assert region_hits("Twin and North", gaz) == [("KZ-01", "North")]


def test_gazetteer_accepts_mappings_and_objects() -> None:
    class Row:
        code, name_en, name_ru, name_kk, variants = "KZ-79", "Shymkent", "город Шымкент", "Шымкент қаласы", ["Chimkent"]

    gaz = Gazetteer.build([Row(), {"code": "KZ-71", "name_en": "Astana", "variants": "Nur-Sultan; Tselinograd"}])
    assert region_hits("Chimkent, Tselinograd", gaz) == [("KZ-79", "Chimkent"), ("KZ-71", "Tselinograd")]
    with pytest.raises(ValueError, match="code"):
        Gazetteer.build([{"name_en": "Nowhere"}])
    with pytest.raises(ValueError, match="twice"):
        Gazetteer.build([{"code": "KZ-79"}, {"code": "KZ-79"}])


def test_russian_case_forms() -> None:
    assert ru_case_forms("астана") == ["астаны", "астане", "астану", "астаной", "астаною"]
    assert ru_case_forms("караганда") == ["караганды", "караганде", "караганду", "карагандой", "карагандою"]
    assert ru_case_forms("костанай") == ["костаная", "костанаю", "костанае", "костанаем"]
    assert ru_case_forms("алматы") == []


def test_alias_index_rejects_bad_records() -> None:
    with pytest.raises(ValueError, match="kind"):
        AliasIndex.build([(1, "Фонд", "nickname", "ru")])
    with pytest.raises(ValueError, match="string"):
        AliasIndex.build([{"ngo_id": 1, "alias": 42}])
    with pytest.raises(KeyError):
        AliasIndex.build([{"alias": "Фонд"}])
    assert AliasIndex.build([(1, "«»", "alias", None)]).n_records == 0


def test_shared_alias_reports_every_owner() -> None:
    idx = AliasIndex.build([(1, "Зелёный мост", "name", "ru"), (2, "Зелёный мост", "alias", "ru")])
    assert sorted(m.ngo_id for m in find_mentions("Проект «Зелёного моста» начался.", idx)) == [1, 2]


def test_a_run_on_sentence_is_kept_as_an_excerpt(index: AliasIndex) -> None:
    from analysis.text.mentions import MAX_SENTENCE_CHARS

    text = "слово " * 2000 + "КНОК " + "слово " * 2000
    [m] = find_mentions(text, index)
    assert len(m.sentence) <= MAX_SENTENCE_CHARS and "КНОК" in m.sentence
    assert text[m.sentence_start:m.sentence_start + len(m.sentence)] == m.sentence
