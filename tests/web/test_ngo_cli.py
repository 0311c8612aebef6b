"""`senim ngo import FILE.csv`: the report, exit codes and one-line failures."""
from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import func, select

from models import NGO, AuditLog
from tests.factories import KAZAKH_NAME, make_ngo


def _count(db, model=NGO) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_import_prints_a_row_table_and_a_summary(runner, db, regions, tmp_path):
    existing = make_ngo(name_en="Known Fund")
    path = tmp_path / "ngos.csv"
    path.write_text("name_en;name_kk;bin;region;extra\r\n"
                    f"New Fund;{KAZAKH_NAME};123456789012;KZ-75;x\r\n"
                    "known fund;;;;\r\n"
                    "Bad BIN;;12;;\r\n", encoding="utf-8-sig")
    result = runner.invoke(args=["ngo", "import", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["Row", "Status", "NGO", "Reason"]
    new_id = db.session.scalar(select(NGO.id).where(NGO.name_en == "New Fund"))
    assert lines[1].split() == ["2", "imported", f"#{new_id}"]
    assert lines[2].split()[:3] == ["3", "duplicate", f"#{existing.id}"] and "name" in lines[2]
    assert lines[3].split()[:2] == ["4", "rejected"] and "12 digits" in lines[3]
    assert "Ignored columns: extra" in result.output
    assert lines[-1] == "3 rows: 1 imported, 1 duplicate, 1 rejected (encoding utf-8-sig, delimiter ;)."
    db.session.expire_all()
    assert db.session.get(NGO, new_id).name_kk == KAZAKH_NAME
    assert _count(db) == 2 and _count(db, AuditLog) == 1


def test_cp1251_file_from_the_command_line(runner, db, regions, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("name_ru;region\r\nФонд «Ёлочка»;KZ-71\r\n".encode("cp1251"))
    result = runner.invoke(args=["ngo", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "encoding cp1251" in result.output
    assert db.session.scalar(select(NGO.name_ru)) == "Фонд «Ёлочка»"


def test_dry_run_saves_nothing(runner, db, regions, tmp_path):
    path = tmp_path / "ngos.csv"
    path.write_text("name_en\nFund\n", encoding="utf-8")
    result = runner.invoke(args=["ngo", "import", "--dry-run", str(path)])
    assert result.exit_code == 0 and "1 imported" in result.output and "nothing was saved" in result.output
    assert _count(db) == 0 and _count(db, AuditLog) == 0


def test_terminal_control_characters_in_reasons_are_escaped(runner, db, regions, tmp_path):
    make_ngo(name_en="Evil\u202eName\x1b[2J", bin="123456789012")  # e.g. left by an older version
    path = tmp_path / "ngos.csv"
    path.write_text("name_en,bin\nInnocent,123456789012\n", encoding="utf-8")
    result = runner.invoke(args=["ngo", "import", str(path)])
    assert "\x1b" not in result.output and "\u202e" not in result.output
    assert "\\u202e" in result.output and "\\x1b" in result.output


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ngos.csv", "name_en\nFund\n")
    return buffer.getvalue()


@pytest.mark.parametrize("content,expected", [
    (None, "no such file"),
    (_zip_bytes(), "ZIP"),
    (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120, "program"),
    (b"", "empty"),
    (b"just,some,words\nand,more,words\n", "header"),
    ("name_en\nMüller Stiftung für Ökologie\n".encode("latin-1"), "encoding"),
    ("folder", "folder"),
])
def test_unreadable_input_exits_non_zero_with_one_line(runner, db, regions, tmp_path, content, expected):
    path = tmp_path / "ngos.csv"
    if content == "folder":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    result = runner.invoke(args=["ngo", "import", str(path)])
    assert result.exit_code != 0
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert expected.lower() in result.output.lower()
    assert _count(db) == 0 and _count(db, AuditLog) == 0
