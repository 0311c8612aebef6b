"""``senim responses import``: field interviews from CSV (UTF-8, BOM, CP1251), per-row report."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import Answer, Response
from tests.factories import make_ngo
from tests.survey_factories import make_survey, region_id


@pytest.fixture
def setup(db, regions):
    ngo = make_ngo(region_id=region_id("KZ-55"))
    survey = make_survey(ngos=[ngo])
    n = ngo.id
    header = (f"region,settlement,sex,age_group,language,date,overall,channels,comment,aware:{n},trust:{n},"
              f"usefulness:{n},transparency:{n},project:{n},recommend")
    rows = [
        "KZ-55,rural,female,60+,kk,2026-03-01,5,tv;web,Бәрі жақсы: ә ғ қ ң ө ұ ү һ і,yes,4,dk,3,2,7",
        "KZ-55,urban,male,18-29,ru,2026-03-02,dk,,Всё хорошо,no,,,,,",
        "KZ-99,urban,male,18-29,ru,2026-03-02,3,,,no,,,,,",  # unknown region
        "KZ-55,urban,male,18-29,ru,2026-03-02,6,,,no,,,,,",  # out of range
        f"KZ-55,urban,male,18-29,ru,2026-03-02,3,,,no,5,,,,",  # follow-up for an NGO they do not know
    ]
    return {"survey": survey, "csv": "\n".join([header, *rows]) + "\n"}


def _count(db) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Response))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_import_report_and_reimport_counts_once(runner, db, setup, tmp_path, encoding):
    path = tmp_path / "field.csv"
    path.write_bytes(setup["csv"].replace("\n", "\r\n").encode(encoding))
    result = runner.invoke(args=["responses", "import", str(path), "--survey", str(setup["survey"].id)])
    assert result.exit_code == 0, result.output
    assert "2 imported, 0 duplicate, 3 rejected" in result.output
    assert "row 4: rejected — region" in result.output and "row 5: rejected" in result.output
    assert _count(db) == 2
    row = db.session.scalar(select(Response).where(Response.language == "kk"))
    assert row.channel == "field" and str(row.submitted_on) == "2026-03-01"
    texts = set(db.session.scalars(select(Answer.value_text)))
    assert "Бәрі жақсы: ә ғ қ ң ө ұ ү һ і" in texts
    again = runner.invoke(args=["responses", "import", str(path), "--survey", str(setup["survey"].id)])
    assert "0 imported, 2 duplicate, 3 rejected" in again.output
    assert _count(db) == 2


def test_cp1251_file(runner, db, setup, tmp_path):
    path = tmp_path / "field.csv"
    path.write_bytes(setup["csv"].split("\n")[0].encode() + b"\n" + setup["csv"].split("\n")[2].encode("cp1251") + b"\n")
    result = runner.invoke(args=["responses", "import", str(path), "--survey", str(setup["survey"].id)])
    assert "1 imported" in result.output, result.output
    assert "Всё хорошо" in set(db.session.scalars(select(Answer.value_text)))


def test_bad_files_exit_non_zero(runner, db, setup, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("region,nonsense\nKZ-55,1\n", encoding="utf-8")
    result = runner.invoke(args=["responses", "import", str(path), "--survey", str(setup["survey"].id)])
    assert result.exit_code != 0 and "nonsense" in result.output
    missing = runner.invoke(args=["responses", "import", str(path), "--survey", "999999"])
    assert missing.exit_code != 0
    assert _count(db) == 0
