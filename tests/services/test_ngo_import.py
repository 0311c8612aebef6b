"""CSV import of NGOs: per-row statuses, encodings, delimiters, hostile and unreadable files."""
from __future__ import annotations

import csv
import io
import zipfile

import pytest
from sqlalchemy import func, select

from models import NGO, AuditLog, NGOAlias
from surveyapp.services import ngo_import
from surveyapp.services.ngo_import import ImportFileError, decode_csv_bytes, import_ngos_csv, looks_like_abbreviation
from tests.factories import KAZAKH_NAME, RUSSIAN_NAME, make_ngo, make_user

HEADER = ["name_en", "name_ru", "name_kk", "aliases", "bin", "sector", "region"]


def csv_bytes(rows: list[list[str]], *, header: list[str] = HEADER, delimiter: str = ",",
              encoding: str = "utf-8", newline: str = "\n") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def _count(db, model=NGO) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("alias,expected", [
    ("КНОК", True), ("CNOK", True), ("ҚҚК", True), ("UN-W", True),
    ("Кнок", False), ("Red Crescent", False), ("A", False), ("2024", False),
])
def test_abbreviation_heuristic(alias, expected):
    assert looks_like_abbreviation(alias) is expected


def test_good_duplicate_and_bad_rows_get_their_own_status(db, regions):
    admin = make_user("admin")
    existing = make_ngo(name_en="Existing Fund", name_ru="Существующий фонд", bin="111111111111")
    data = csv_bytes([
        ["Good One", "Хороший фонд", KAZAKH_NAME, "Good;КНОК", "123456789012", "health", "KZ-75"],  # 2
        ["National Two", "", "", "", "", "", ""],                                                  # 3
        ["  good   ONE ", "", "", "", "", "youth", ""],                                            # 4 dup of row 2
        ["Fresh name", "", "", "", "111111111111", "", ""],                                        # 5 dup BIN in DB
        ["", "существующий   ФОНД", "", "", "", "", ""],                                           # 6 dup name in DB
        ["Bad BIN", "", "", "", "12345", "", ""],                                                  # 7
        ["Bad region", "", "", "", "", "", "KZ-99"],                                               # 8
        ["", "", "", "alias only", "", "", ""],                                                    # 9 no name
        ["x" * 301, "", "", "", "", "", ""],                                                       # 10 too long
        ["Bad sector", "", "", "", "", "astrology", ""],                                           # 11
        ["Same BIN as row 2", "", "", "", "123456789012", "", ""],                                 # 12 dup BIN in file
    ])
    report = import_ngos_csv(data, user_id=admin.id)
    db.session.commit()
    statuses = [(r.row, r.status) for r in report.rows]
    assert statuses == [(2, "imported"), (3, "imported"), (4, "duplicate"), (5, "duplicate"), (6, "duplicate"),
                        (7, "rejected"), (8, "rejected"), (9, "rejected"), (10, "rejected"), (11, "rejected"),
                        (12, "duplicate")]
    assert report.counts == {"imported": 2, "duplicate": 4, "rejected": 5}
    by_row = {r.row: r for r in report.rows}
    first_id = by_row[2].ngo_id
    assert by_row[4].ngo_id == first_id and "row 2" in by_row[4].reason
    assert by_row[12].ngo_id == first_id and "BIN" in by_row[12].reason and "row 2" in by_row[12].reason
    assert by_row[5].ngo_id == existing.id and "BIN" in by_row[5].reason
    assert by_row[6].ngo_id == existing.id and "name" in by_row[6].reason
    assert "bin" in by_row[7].reason and "12 digits" in by_row[7].reason
    assert "KZ-99" in by_row[8].reason
    assert "name" in by_row[9].reason
    assert "300" in by_row[10].reason
    assert "health" in by_row[11].reason and "astrology" in by_row[11].reason
    assert all(r.ngo_id is None for r in report.rows if r.status == "rejected")

    assert _count(db) == 3
    db.session.expire_all()
    good = db.session.get(NGO, first_id)
    assert (good.name_en, good.name_ru, good.name_kk, good.bin, good.sector, good.region.code) == (
        "Good One", "Хороший фонд", KAZAKH_NAME, "123456789012", "health", "KZ-75")
    assert {(a.alias, a.kind) for a in good.aliases} == {("Good", "alias"), ("КНОК", "abbreviation")}
    national = db.session.get(NGO, by_row[3].ngo_id)
    assert national.region is None and national.sector == "other"
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "ngo.import"))
    assert log.user_id == admin.id and log.detail["counts"] == report.counts
    assert sorted(log.detail["imported_ids"]) == sorted([first_id, by_row[3].ngo_id])


def test_cp1251_export_imports_russian_text_exactly(db, regions):
    name = "Общественный фонд «Ёлочка» № 1 — Алматы"
    data = f"name_ru;region\r\n{name};KZ-75\r\n".encode("cp1251")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    report = import_ngos_csv(data)
    db.session.commit()
    assert report.encoding == "cp1251" and report.delimiter == ";"
    db.session.expire_all()
    assert db.session.get(NGO, report.rows[0].ngo_id).name_ru == name


def test_utf8_bom_crlf_and_semicolons(db, regions):
    data = "\ufeff" + "name_en;name_ru;aliases;sector\r\n" \
           'Fund A;Фонд А;"Alias one;Alias two";education\r\n' \
           "Fund B;Фонд Б;;\r\n"
    report = import_ngos_csv(data.encode("utf-8"))
    db.session.commit()
    assert report.encoding == "utf-8-sig" and report.delimiter == ";"
    assert [r.status for r in report.rows] == ["imported", "imported"]
    db.session.expire_all()
    first = db.session.get(NGO, report.rows[0].ngo_id)
    assert first.name_en == "Fund A" and first.name_ru == "Фонд А" and first.sector == "education"
    assert [a.alias for a in first.aliases] == ["Alias one", "Alias two"]
    assert not first.name_en.startswith("\ufeff")


def test_kazakh_letters_round_trip(db, regions):
    report = import_ngos_csv(csv_bytes([["", RUSSIAN_NAME, KAZAKH_NAME, "Қазақ ұйымы", "", "", "KZ-62"]]))
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(NGO, report.rows[0].ngo_id)
    assert stored.name_kk == KAZAKH_NAME and stored.name_ru == RUSSIAN_NAME
    assert [a.alias for a in stored.aliases] == ["Қазақ ұйымы"]
    assert all(letter in stored.name_kk for letter in "әғқңөұүһі")


def test_comma_file_with_quoted_commas_and_bare_cr_lines(db, regions):
    data = 'name_en,aliases\r"Fund, Almaty","A, B;C"\r'.encode()
    report = import_ngos_csv(data)
    assert report.delimiter == "," and report.counts["imported"] == 1
    assert [a.alias for a in db.session.get(NGO, report.rows[0].ngo_id).aliases] == ["A, B", "C"]


def test_excel_sep_line_and_tab_delimiter(db, regions):
    report = import_ngos_csv(b"sep=;\nname_en;bin\nFund;123456789012\n")
    assert report.delimiter == ";" and report.rows[0].row == 3 and report.counts["imported"] == 1
    report = import_ngos_csv(b"name_en\tsector\nTabbed fund\thealth\n")
    assert report.delimiter == "\t" and report.counts["imported"] == 1


def test_header_is_matched_loosely_and_extra_columns_reported_once(db, regions):
    data = csv_bytes([["Fund", "x", "y"], ["Other", "x", "y"]], header=[" Name_EN ", "Notes", "phone"])
    report = import_ngos_csv(data)
    assert report.counts["imported"] == 2 and report.ignored_columns == ["notes", "phone"]


def test_optional_columns_are_used(db, regions):
    data = csv_bytes([["Fund", "ҚҚК;Қ-ҚОРЫ", "https://fund.kz", "About"]],
                     header=["name_en", "abbreviations", "website", "description"])
    report = import_ngos_csv(data)
    ngo = db.session.get(NGO, report.rows[0].ngo_id)
    assert ngo.website == "https://fund.kz" and ngo.description == "About"
    assert {(a.alias, a.kind) for a in ngo.aliases} == {("ҚҚК", "abbreviation"), ("Қ-ҚОРЫ", "abbreviation")}


def test_row_with_more_cells_than_the_header_is_rejected(db, regions):
    report = import_ngos_csv(b"name_en,bin\nFund, Almaty,123456789012\nGood,\n")
    assert [r.status for r in report.rows] == ["rejected", "imported"]
    assert "cells" in report.rows[0].reason


FORMULAS = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(1)", "\t=1+1", "=cmd|' /C calc'!A0"]


def test_formula_injection_strings_are_stored_verbatim(db, regions):
    data = csv_bytes([[f, "", "", f"{f} alias", "", "", ""] for f in FORMULAS])
    report = import_ngos_csv(data)
    db.session.commit()
    assert report.counts["imported"] == len(FORMULAS)
    db.session.expire_all()
    stored = [db.session.get(NGO, r.ngo_id) for r in report.rows]
    assert [n.name_en for n in stored] == FORMULAS
    assert [n.aliases[0].alias for n in stored] == [f"{f} alias" for f in FORMULAS]


def test_a_nul_inside_a_value_rejects_only_that_row(db, regions):
    report = import_ngos_csv(b"name_en\nBad\x00name\nGood name\n")
    assert [r.status for r in report.rows] == ["rejected", "imported"]
    assert "control" in report.rows[0].reason


def test_a_database_refusal_rolls_back_only_that_row(db, regions, monkeypatch):
    """The NGO row is inserted, then its aliases fail: the SAVEPOINT must take the NGO back too."""
    real = ngo_import.alias_kinds

    def sabotage(clean):
        kinds = real(clean)
        if clean.names["name_en"] == "Breaks":
            kinds = {alias: "not-a-kind" for alias in kinds}  # violates the CHECK constraint on insert
        return kinds
    monkeypatch.setattr(ngo_import, "alias_kinds", sabotage)
    report = import_ngos_csv(csv_bytes([["Before", "", "", "a;b", "", "", ""], ["Breaks", "", "", "c;d", "", "", ""],
                                        ["After", "", "", "e", "", "", ""]]))
    db.session.commit()
    assert [r.status for r in report.rows] == ["imported", "rejected", "imported"]
    assert "database" in report.rows[1].reason
    assert sorted(db.session.scalars(select(NGO.name_en))) == ["After", "Before"]
    assert sorted(db.session.scalars(select(NGOAlias.alias))) == ["a", "b", "e"]


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ngos.csv", "name_en\nFund\n")
    return buffer.getvalue()


PE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run"


@pytest.mark.parametrize("data,expected", [
    (_zip_bytes(), "ZIP"),
    (PE_BYTES, "program"),
    (b"", "empty"),
    (b"  \r\n\r\n", "empty"),
    (b"\xef\xbb\xbf", "empty"),
    (bytes(range(256)) * 8, "binary"),
    (b"foo,bar\n1,2\n", "header"),
    (b"\n\nnotes;phone\nx;y\n", "header"),
    ("name_en\nMüller Stiftung für Ökologie\n".encode("latin-1"), "encoding"),
    ("name_ru\nПривет мир\nНовая строка\n".encode("koi8_r"), "encoding"),
    ("name_ru\nФонд\n".encode("utf-8")[:-3] + b"\xff\xfe\n", "UTF-8"),
    (b"name_en,name_en\nA,B\n", "more than once"),
])
def test_unreadable_files_raise_a_clear_error_and_write_nothing(db, regions, data, expected):
    with pytest.raises(ImportFileError) as caught:
        import_ngos_csv(data)
    assert expected.lower() in caught.value.message.lower()
    assert "\n" not in caught.value.message
    db.session.rollback()
    assert _count(db) == 0 and _count(db, AuditLog) == 0


def test_size_and_row_limits(db, regions):
    with pytest.raises(ImportFileError, match="10 MB"):
        import_ngos_csv(b"name_en\n" + b"a" * (10 * 1024 * 1024))
    rows = b"name_en\n" + b"".join(b"Fund %d\n" % i for i in range(50_001))
    with pytest.raises(ImportFileError, match="50000"):
        import_ngos_csv(rows)
    assert _count(db) == 0


def test_utf16_with_bom_is_read(db, regions):
    report = import_ngos_csv("name_ru\tname_kk\nФонд\tҚор\n".encode("utf-16"))
    assert report.encoding == "utf-16" and report.counts["imported"] == 1


def test_decode_prefers_strict_utf8():
    text, encoding = decode_csv_bytes("name_ru\nёлка\n".encode())
    assert (text, encoding) == ("name_ru\nёлка\n", "utf-8")


def test_header_only_file_imports_nothing(db, regions):
    report = import_ngos_csv(b"name_en,name_ru\n\n")
    assert report.rows == [] and report.counts["imported"] == 0


def test_nothing_is_kept_until_the_caller_commits(db, regions):
    """Per-row SAVEPOINTs must nest inside one transaction (pysqlite would otherwise commit each)."""
    report = import_ngos_csv(csv_bytes([["One", "", "", "", "", "", ""], ["Two", "", "", "", "", "", ""]]))
    assert report.counts["imported"] == 2 and _count(db) == 2
    db.session.rollback()
    assert _count(db) == 0 and _count(db, AuditLog) == 0
