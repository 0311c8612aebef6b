"""``senim articles import``: formats, per-item report, progress, one-line failures."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from models import Article, db
from tests.factories import make_user
from tests.media_helpers import RU_TEXT, media_ngos
from tests.web.test_monitor_pages import RSS


def test_import_jsonl_with_bad_line(runner, db, regions, tmp_path):
    media_ngos()
    user = make_user("monitor")
    path = tmp_path / "a.jsonl"
    lines = [json.dumps({"title": "Форум", "text": RU_TEXT, "outlet": "Степной вестник",
                         "url": "https://s.example/1", "published": "2026-04-10"}, ensure_ascii=False),
             "{not json", json.dumps({"title": "x", "text": "", "published": "2026-04-10"})]
    path.write_text("\n".join(lines), encoding="utf-8")
    result = runner.invoke(args=["articles", "import", str(path), "--monitor", user.email])
    assert result.exit_code == 0, result.output
    assert "line 1\taccepted" in result.output and "line 2\trejected" in result.output
    assert "3 items: 1 accepted, 0 duplicate, 2 rejected." in result.output
    assert "3/3 articles" in result.output  # progress (stderr is mixed in by the runner)
    assert db.session.scalar(select(func.count()).select_from(Article)) == 1


def test_import_rss_json_report(runner, db, regions, tmp_path):
    user = make_user("monitor")
    path = tmp_path / "feed.rss"
    path.write_text(RSS, encoding="utf-8")
    result = runner.invoke(args=["articles", "import", str(path), "--monitor", user.email, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output.strip().splitlines()[-1])
    assert report["counts"] == {"accepted": 1, "duplicate": 0, "rejected": 1}


def test_unreadable_input_exits_nonzero_with_one_line(runner, db, regions, tmp_path):
    user = make_user("monitor")
    zip_named_csv = tmp_path / "a.csv"
    zip_named_csv.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    for args, needle in (([str(zip_named_csv), "--monitor", user.email], "ZIP"),
                         ([str(tmp_path / "missing.csv"), "--monitor", user.email], "no such file"),
                         ([str(tmp_path), "--monitor", user.email], "folder"),
                         ([str(zip_named_csv), "--monitor", "nobody@example.kz"], "No active monitor")):
        result = runner.invoke(args=["articles", "import", *args])
        assert result.exit_code != 0
        assert needle in result.output and len(result.output.strip().splitlines()) == 1, result.output
