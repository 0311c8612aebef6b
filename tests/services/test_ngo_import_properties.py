"""Properties of the NGO CSV import (TEST-BATTERY case 23): any bytes give a per-row report or a clear
ImportFileError, never another exception; text written as UTF-8 (with or without BOM), UTF-16 or
Windows-1251 comes back exactly — Kazakh letters included — or is refused, never turned into mojibake."""
from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import NGO
from surveyapp.services.ngo_import import ImportFileError, decode_csv_bytes, import_ngos_csv

KAZAKH = "әғқңөұүһіӘҒҚҢӨҰҮҺІ"
RUSSIAN_LOWER = "абвгдежзийклмнопрстуфхцчшщъыьэюя"
RUSSIAN = RUSSIAN_LOWER + RUSSIAN_LOWER.upper() + "ёЁ"
PUNCTUATION = " ,;.:\"'«»№—-()=+@"
DB_SETTINGS = settings(max_examples=25, deadline=None,
                       suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

#: Names anyone may type: Kazakh and Russian letters, Latin, digits, CSV-special punctuation, formula starts.
names = st.text(st.sampled_from(KAZAKH + RUSSIAN + "abcXYZ0129" + PUNCTUATION), min_size=1, max_size=40) \
    .map(lambda s: s.strip(" ")).filter(bool)


@st.composite
def russian_word(draw: st.DrawFn) -> str:
    """A capital or not, then at least two lowercase letters: in Windows-1251 a lowercase letter (0xE0-0xFF)
    followed by another is never valid UTF-8, as in any real Russian word."""
    first = draw(st.sampled_from(["", *RUSSIAN_LOWER.upper()]))
    return first + draw(st.text(st.sampled_from(RUSSIAN_LOWER), min_size=2, max_size=10))


russian_names = st.tuples(st.lists(russian_word(), min_size=1, max_size=4),
                          st.sampled_from([" ", ", ", " — ", " «", "» ", " № "])).map(lambda t: t[1].join(t[0]))


def _csv(rows: list[list[str]], header: list[str], delimiter: str, newline: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows([header, *rows])
    return out.getvalue()


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_decode_or_raise_a_clear_error(data):
    try:
        text, encoding = decode_csv_bytes(data)
    except ImportFileError as exc:
        assert exc.fields["file"]
        return
    assert isinstance(text, str) and encoding in ("utf-8", "utf-8-sig", "utf-16", "cp1251")
    assert text.encode(encoding) == data or encoding == "utf-16"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_unicode_text_comes_back_exactly_or_is_refused(text, encoding):
    """Any text (controls included) encoded with a BOM or as UTF-8: read back exactly, or refused as binary."""
    try:
        decoded, _used = decode_csv_bytes(text.encode(encoding, errors="surrogatepass"))
    except ImportFileError:
        return
    except UnicodeEncodeError:
        return
    assert decoded == text


@settings(max_examples=200, deadline=None)
@given(st.lists(names, min_size=1, max_size=5), st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_kazakh_text_is_never_refused_or_changed(values, encoding):
    text = "name_kk\r\n" + "\r\n".join(values) + "\r\n"
    decoded, _used = decode_csv_bytes(text.encode(encoding))
    assert decoded.lstrip("\ufeff") == text


@settings(max_examples=200, deadline=None)
@given(st.lists(russian_names, min_size=1, max_size=5))
def test_windows_1251_russian_text_comes_back_exactly(values):
    text = "name_ru;region\r\n" + "".join(f"{v};KZ-75\r\n" for v in values)
    decoded, used = decode_csv_bytes(text.encode("cp1251"))
    assert (decoded, used) == (text, "cp1251")


@DB_SETTINGS
@given(data=st.binary(max_size=600))
def test_import_of_any_bytes_reports_per_row_or_refuses_the_file(db, regions, data):
    try:
        report = import_ngos_csv(data)
    except ImportFileError as exc:
        assert exc.fields["file"]
        return
    finally:
        db.session.rollback()
    assert sum(report.counts.values()) == report.total
    assert all(r.status in ("imported", "duplicate", "rejected") for r in report.rows)
    assert all(r.reason for r in report.rows if r.status != "imported")


@DB_SETTINGS
@given(rows=st.lists(st.tuples(names, names), min_size=1, max_size=6),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]), delimiter=st.sampled_from([",", ";", "\t"]),
       newline=st.sampled_from(["\n", "\r\n"]))
def test_kazakh_and_russian_names_round_trip_through_the_database(db, regions, rows, encoding, delimiter, newline):
    # A row number in front keeps names apart for the duplicate check (which normalises case and punctuation).
    rows = [[f"{i} {kk}", f"{i} {ru}"] for i, (kk, ru) in enumerate(rows)]
    data = _csv(rows, ["name_kk", "name_ru"], delimiter, newline).encode(encoding)
    try:
        report = import_ngos_csv(data)
        stored = [(r.status, db.session.get(NGO, r.ngo_id)) for r in report.rows]
        assert [s for s, _ngo in stored] == ["imported"] * len(rows), [r.reason for r in report.rows]
        assert [[ngo.name_kk, ngo.name_ru] for _s, ngo in stored] == rows
    finally:
        db.session.rollback()


@DB_SETTINGS
@given(rows=st.lists(russian_names, min_size=1, max_size=6), newline=st.sampled_from(["\n", "\r\n"]))
def test_windows_1251_rows_round_trip_through_the_database(db, regions, rows, newline):
    # Two known columns, so the ";" of a Russian-locale Excel export is recognised (a one-column file has no
    # delimiter to find, and "," is assumed).
    rows = [[f"{i} {name}", "KZ-75"] for i, name in enumerate(rows)]
    try:
        report = import_ngos_csv(_csv(rows, ["name_ru", "region"], ";", newline).encode("cp1251"))
        assert report.encoding == "cp1251"
        assert [r.status for r in report.rows] == ["imported"] * len(rows), [r.reason for r in report.rows]
        assert [db.session.get(NGO, r.ngo_id).name_ru for r in report.rows] == [name for name, _code in rows]
    finally:
        db.session.rollback()
