"""The NGO registry service: validation, duplicates, aliases, audit and search."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import NGO, AuditLog, NGOAlias
from surveyapp.services.errors import ValidationError
from surveyapp.services.ngos import (
    DuplicateNGOError, NGOInput, create_ngo, normalise_name, search_ngos, sort_key, update_ngo,
)
from tests.factories import KAZAKH_NAME, RUSSIAN_NAME, make_ngo, make_user


def _count(db, model=NGO) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_normalise_name_ignores_case_spaces_yo_and_quote_style():
    assert normalise_name("  Фонд   «Ёлка» ") == normalise_name('фонд "елка"')
    assert normalise_name("ҚАЗАҚСТАН\tҚоры") == "қазақстан қоры"
    assert normalise_name("Fund A") != normalise_name("Fund B")


def test_sort_key_follows_the_kazakh_alphabet():
    names = ["Ұлытау", "Атырау", "Ақмола", "Әлем", "Үміт", "Бірлік", "ақсу", "Улан", "Ёлка", "Есиль", "Жас"]
    assert sorted(names, key=sort_key) == ["Ақмола", "ақсу", "Атырау", "Әлем", "Бірлік", "Есиль", "Ёлка", "Жас",
                                           "Улан", "Ұлытау", "Үміт"]


def test_create_stores_every_field_aliases_and_an_audit_row(db, regions):
    admin = make_user("admin")
    ngo = create_ngo(NGOInput(
        name_kk=KAZAKH_NAME, name_ru=RUSSIAN_NAME, name_en="Confederation of NGOs of Kazakhstan",
        aliases=["Конфедерация НПО", " Confederation of NGOs "], abbreviations=["КНОК", "CNOK"],
        bin="1234 5678 9012", sector="civil_society", region="kz-75", website="https://cnok.kz/about",
        description="Line one\nline two",
    ), user_id=admin.id)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(NGO, ngo.id)
    assert stored.name_kk == KAZAKH_NAME and stored.name_ru == RUSSIAN_NAME
    assert stored.bin == "123456789012" and stored.region.code == "KZ-75"
    assert stored.sector == "civil_society" and stored.website == "https://cnok.kz/about"
    assert {(a.alias, a.kind) for a in stored.aliases} == {
        ("Конфедерация НПО", "alias"), ("Confederation of NGOs", "alias"),
        ("КНОК", "abbreviation"), ("CNOK", "abbreviation"),
    }
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "ngo.create"))
    assert log.user_id == admin.id and log.object_id == str(ngo.id)
    assert log.detail["fields"]["name_kk"] == KAZAKH_NAME and log.detail["fields"]["abbreviations"] == ["КНОК", "CNOK"]


def test_national_ngo_and_default_sector(db, regions):
    ngo = create_ngo(NGOInput(name_ru="Фонд без региона", region=""))
    assert ngo.region is None and ngo.sector == "other"


@pytest.mark.parametrize("data,field", [
    (NGOInput(), "name"),
    (NGOInput(name_en="   ", name_ru=""), "name"),
    (NGOInput(name_en="x" * 301), "name_en"),
    (NGOInput(name_ru="Фонд\x00"), "name_ru"),
    (NGOInput(name_en="Fund", bin="12345"), "bin"),
    (NGOInput(name_en="Fund", bin="1234567890123"), "bin"),
    (NGOInput(name_en="Fund", bin="12345678901a"), "bin"),
    (NGOInput(name_en="Fund", bin="１２３４５６７８９０１２"), "bin"),
    (NGOInput(name_en="Fund", sector="astrology"), "sector"),
    (NGOInput(name_en="Fund", region="KZ-99"), "region"),
    (NGOInput(name_en="Fund", website="javascript:alert(1)"), "website"),
    (NGOInput(name_en="Fund", website="ftp://files.example.kz"), "website"),
    (NGOInput(name_en="Fund", aliases=["a" * 301]), "aliases"),
])
def test_invalid_input_names_the_field_and_writes_nothing(db, regions, data, field):
    with pytest.raises(ValidationError) as caught:
        create_ngo(data)
    assert field in caught.value.fields
    db.session.rollback()
    assert _count(db) == 0 and _count(db, AuditLog) == 0


def test_every_problem_is_reported_at_once(db, regions):
    with pytest.raises(ValidationError) as caught:
        create_ngo(NGOInput(bin="1", sector="nope", region="KZ-00", website="data:text/html,x"))
    assert set(caught.value.fields) == {"name", "bin", "sector", "region", "website"}


def test_pre_2022_region_code_gets_a_hint(db, regions):
    with pytest.raises(ValidationError) as caught:
        create_ngo(NGOInput(name_en="Fund", region="KZ-ALA"))
    assert "KZ-75" in caught.value.fields["region"]


def test_eleven_digit_bin_hints_at_a_dropped_zero(db, regions):
    with pytest.raises(ValidationError) as caught:
        create_ngo(NGOInput(name_en="Fund", bin="51140000123"))
    assert "leading zero" in caught.value.fields["bin"]


def test_formula_like_names_are_stored_verbatim(db, regions):
    for name in ('=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(1)", "\t=1+1"):
        ngo = create_ngo(NGOInput(name_en=name))
        db.session.commit()
        db.session.expire_all()
        assert db.session.get(NGO, ngo.id).name_en == name


def test_duplicate_bin_is_refused(db, regions):
    existing = make_ngo(bin="990140000123")
    with pytest.raises(DuplicateNGOError) as caught:
        create_ngo(NGOInput(name_en="Another fund", bin="990140000123"))
    assert caught.value.field == "bin" and caught.value.existing_id == existing.id
    assert "bin" in caught.value.fields
    db.session.rollback()
    assert _count(db) == 1


@pytest.mark.parametrize("typed", ["фонд  «ромашка»", 'ФОНД "РОМАШКА"', " Фонд “Ромашка” "])
def test_same_name_in_any_language_case_and_spaces_ignored_is_a_duplicate(db, regions, typed):
    existing = make_ngo(name_en="Romashka Foundation", name_ru="Фонд «Ромашка»", name_kk=None)
    with pytest.raises(DuplicateNGOError) as caught:
        create_ngo(NGOInput(name_kk=typed))
    assert caught.value.existing_id == existing.id and caught.value.field == "name_kk"
    db.session.rollback()
    assert _count(db) == 1


def test_shared_alias_is_not_a_duplicate(db, regions):
    make_ngo(aliases=["Ромашка"])
    create_ngo(NGOInput(name_en="Another", aliases=["Ромашка"]))
    db.session.commit()
    assert _count(db) == 2


def test_update_records_changes_and_keeps_alias_rows(db, regions):
    admin = make_user("admin")
    ngo = create_ngo(NGOInput(name_en="Old name", aliases=["Keep me", "Drop me", "КНОК"], bin="111111111111"))
    db.session.commit()
    keep_id = next(a.id for a in ngo.aliases if a.alias == "Keep me")
    changes = update_ngo(ngo, NGOInput(name_en="New name", aliases=["Keep me", "Added"], abbreviations=["КНОК"],
                                       bin="111111111111", sector="health", region="KZ-10"), user_id=admin.id)
    db.session.commit()
    assert set(changes) == {"name_en", "aliases", "abbreviations", "sector", "region"}
    assert changes["name_en"] == {"old": "Old name", "new": "New name"}
    db.session.expire_all()
    stored = db.session.get(NGO, ngo.id)
    assert {(a.alias, a.kind) for a in stored.aliases} == {("Keep me", "alias"), ("Added", "alias"),
                                                           ("КНОК", "abbreviation")}
    assert next(a.id for a in stored.aliases if a.alias == "Keep me") == keep_id
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "ngo.update"))
    assert log.user_id == admin.id and log.detail["changes"]["region"] == {"old": None, "new": "KZ-10"}


def test_update_without_changes_writes_no_audit_row(db, regions):
    ngo = create_ngo(NGOInput(name_en="Same", bin="222222222222"))
    db.session.commit()
    assert update_ngo(ngo, NGOInput(name_en="Same", bin="222222222222")) == {}
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "ngo.update")) == 0


def test_update_to_another_ngos_name_or_bin_is_refused_and_changes_nothing(db, regions):
    other = make_ngo(name_en="Taken", bin="333333333333")
    ngo = make_ngo(name_en="Mine")
    for data in (NGOInput(name_en="TAKEN"), NGOInput(name_en="Mine", bin="333333333333")):
        with pytest.raises(DuplicateNGOError) as caught:
            update_ngo(ngo, data)
        assert caught.value.existing_id == other.id
        db.session.rollback()
    assert db.session.get(NGO, ngo.id).name_en == "Mine" and db.session.get(NGO, ngo.id).bin is None


def test_search_by_alias_and_cyrillic_case_insensitively(db, regions):
    wanted = make_ngo(name_en="Aral Revival", name_ru="ВОЗРОЖДЕНИЕ АРАЛА", aliases=["Арал-Тенізі"])
    make_ngo(name_en="Unrelated")
    assert [n.id for n in search_ngos("возрождение").items] == [wanted.id]
    assert [n.id for n in search_ngos("арал-теНізі").items] == [wanted.id]
    assert [n.id for n in search_ngos("  ARAL   revival ").items] == [wanted.id]
    assert search_ngos("").total == 2


def test_search_by_bin(db, regions):
    wanted = make_ngo(bin="040540001234")
    make_ngo(bin="990140000123")
    assert [n.id for n in search_ngos("04054000").items] == [wanted.id]


def test_filters_by_region_national_and_sector(db, regions):
    almaty = make_ngo(region_id=regions["KZ-75"].id, sector="health")
    national = make_ngo(sector="health")
    make_ngo(region_id=regions["KZ-10"].id, sector="youth")
    assert [n.id for n in search_ngos(region="KZ-75").items] == [almaty.id]
    assert [n.id for n in search_ngos(region="national").items] == [national.id]
    assert {n.id for n in search_ngos(sector="health").items} == {almaty.id, national.id}
    assert search_ngos(region="KZ-99").total == 0 and search_ngos(sector="nope").total == 0


@pytest.mark.parametrize("hostile", ["' OR 1=1--", "1;DROP TABLE responses", "%", "_"])
def test_hostile_search_text_matches_nothing(db, regions, hostile):
    make_ngo()
    make_ngo()
    assert search_ngos(hostile).total == 0
    assert search_ngos(region=hostile).total == 0 and search_ngos(sector=hostile).total == 0


def test_pagination_and_clamping(db, regions):
    for i in range(7):
        make_ngo(name_en=f"Fund {i:02d}")
    first = search_ngos(per_page=3)
    assert first.total == 7 and first.pages == 3 and [n.name_en for n in first.items] == ["Fund 00", "Fund 01",
                                                                                          "Fund 02"]
    last = search_ngos(per_page=3, page=99)
    assert last.page == 3 and [n.name_en for n in last.items] == ["Fund 06"]
    assert search_ngos(per_page=3, page=-5).page == 1
    assert all(isinstance(a, NGOAlias) for n in first.items for a in n.aliases)
