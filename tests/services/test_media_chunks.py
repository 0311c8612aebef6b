"""Large uploads in chunks (``ingest_in_chunks``: the background job and ``senim articles import``):
the analysis runs with no write transaction open, each chunk commits on its own with a correct
per-item report, and duplicates are found across chunks and against a concurrent upload."""
from __future__ import annotations

import json
import sqlite3
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Article, AuditLog, db
from surveyapp.services.media import chunks
from surveyapp.services.media import ingest as ingest_module
from surveyapp.services.media import jobs as media_jobs
from surveyapp.services.media.chunks import ingest_in_chunks
from surveyapp.services.media.duplicates import url_hash
from tests.conftest import make_test_app
from tests.factories import make_user
from tests.media_helpers import PUBLISHED, RU_TEXT, media_ngos, ru_item

WORDS = ["бюджет", "ауыл", "грант", "школа", "экология", "медицина", "жастар", "приют", "семинар", "конкурс",
         "отчёт", "волонтёры", "театр", "спорт", "библиотека", "дорога"]


def _item(i: int, **overrides: str) -> dict[str, str]:
    body = "Конфедерация неправительственных организаций Казахстана: " + " ".join(
        WORDS[(i * 7 + k * 3) % len(WORDS)] + str(i * 100 + k) for k in range(40))
    return ru_item(**{"url": f"https://stepnoy.example/news/{i}", "title": f"Новость {i}", "text": body, **overrides})


def _count_elsewhere() -> int:
    """Articles committed, as another connection sees them."""
    with db.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(Article))


def _store_elsewhere(**fields: object) -> int:
    """Commit an article from another session (a concurrent upload); returns its id."""
    with Session(db.engine) as other:
        article = Article(title="Другая загрузка", body=RU_TEXT, published_on=PUBLISHED, status="accepted",
                          content_hash="0" * 64, **fields)
        other.add(article)
        other.commit()
        return article.id


@pytest.mark.parametrize("path", ["job", "cli"])
def test_another_connection_can_write_while_a_chunk_is_analysed(tmp_path, monkeypatch, path):
    """The fault: the job held SQLite's write lock (BEGIN IMMEDIATE) while it analysed each chunk."""
    monkeypatch.setattr(media_jobs, "CHUNK", 2)
    database = tmp_path / "chunks.db"
    app = make_test_app(f"sqlite:///{database}", tmp_path)
    writes: list[str] = []
    analyse = ingest_module._analyse

    def analyse_and_write_elsewhere(item, tools):
        conn = sqlite3.connect(database, isolation_level=None, timeout=0.2)
        try:
            conn.execute("BEGIN IMMEDIATE")  # "database is locked" after 0.2 s if the upload holds the lock
            conn.execute("CREATE TABLE IF NOT EXISTS other_writes (n INTEGER)")
            conn.execute("INSERT INTO other_writes VALUES (1)")
            conn.execute("COMMIT")
            writes.append(item.title)
        finally:
            conn.close()
        return analyse(item, tools)

    monkeypatch.setattr(ingest_module, "_analyse", analyse_and_write_elsewhere)
    with app.app_context():
        db.create_all()
        media_ngos()
        user = make_user("monitor")
        file = tmp_path / "a.jsonl"
        file.write_text("\n".join(json.dumps(_item(i), ensure_ascii=False) for i in range(5)), encoding="utf-8")
        if path == "job":
            result = media_jobs.import_file_job("job", lambda *a: None, file.read_bytes(), "a.jsonl", user.id)
            assert result["counts"]["accepted"] == 5
        else:
            email = user.email
            db.session.commit()
            out = app.test_cli_runner().invoke(args=["articles", "import", str(file), "--monitor", email])
            assert out.exit_code == 0, out.output
            assert "5 items: 5 accepted, 0 duplicate, 0 rejected." in out.output
        assert writes == [f"Новость {i}" for i in range(5)]
        assert _count_elsewhere() == 5
        db.session.remove()
        db.engine.dispose()


def test_chunks_commit_one_by_one_with_a_per_item_report(db, regions, monkeypatch):
    monkeypatch.setattr(chunks, "WRITE_BATCH", 2)  # a chunk of 3 is stored in two write transactions
    media_ngos()
    user = make_user("monitor")
    items = [("row 1", _item(1)), ("row 2", _item(2)), ("row 3", {"title": "x", "text": "", "published": "2026-04-10"}),
             ("row 4", _item(4)),
             ("row 5", _item(1)),  # same URL as row 1 (an earlier chunk): an exact re-upload, not stored
             ("row 6", _item(2, url="https://other.example/copy", outlet="Другое издание")),  # syndicated copy
             ("row 7", _item(7))]
    committed: list[tuple[int, int]] = []
    report = ingest_in_chunks(items, uploader=user, source="test", chunk=3,
                              progress=lambda done, total: committed.append((done, _count_elsewhere())))
    assert committed == [(3, 2), (6, 4), (7, 5)]  # each chunk visible to others as soon as it is reported
    by_ref = {r.ref: r for r in report.items}
    assert [r.ref for r in report.items] == [ref for ref, _ in items]
    assert [r.status for r in report.items] == ["accepted", "accepted", "rejected", "accepted", "duplicate",
                                                "duplicate", "accepted"]
    assert report.counts == {"accepted": 4, "duplicate": 2, "rejected": 1}
    assert by_ref["row 5"].duplicate_of == by_ref["row 1"].id and not by_ref["row 5"].stored
    assert by_ref["row 6"].stored and by_ref["row 6"].duplicate_of == by_ref["row 2"].id
    copy = db.session.get(Article, by_ref["row 6"].id)
    assert copy.duplicate_group_id == by_ref["row 2"].id and copy.status == "duplicate"
    assert by_ref["row 1"].mentions and by_ref["row 3"].field == "text"
    audits = db.session.scalars(select(AuditLog).where(AuditLog.action == "article.upload").order_by(AuditLog.id)).all()
    assert [a.detail["counts"] for a in audits] == [  # one audit row per chunk, whatever its write batches
        {"accepted": 2, "duplicate": 0, "rejected": 1}, {"accepted": 1, "duplicate": 2, "rejected": 0},
        {"accepted": 1, "duplicate": 0, "rejected": 0}]
    assert audits[1].detail["article_ids"] == [by_ref["row 4"].id, by_ref["row 6"].id]


def test_a_copy_stored_by_a_concurrent_upload_while_analysing_is_a_duplicate(db, regions, monkeypatch):
    """The same URL committed by someone else after this chunk's read-only checks: found again at write time."""
    media_ngos()
    user = make_user("monitor")
    analyse = ingest_module._analyse
    concurrent: dict[str, int] = {}

    def analyse_while_another_upload_commits(item, tools):
        if item.title == "Новость 2" and not concurrent:
            concurrent["id"] = _store_elsewhere(url=item.url, url_hash=url_hash(item.url))
        return analyse(item, tools)

    monkeypatch.setattr(ingest_module, "_analyse", analyse_while_another_upload_commits)
    report = ingest_in_chunks([("a", _item(1)), ("b", _item(2)), ("c", _item(3))], uploader=user, source="test",
                              chunk=2)
    assert [r.status for r in report.items] == ["accepted", "duplicate", "accepted"]
    assert report.items[1].duplicate_of == concurrent["id"] and not report.items[1].stored
    assert db.session.scalar(select(func.count()).select_from(Article).where(Article.url == _item(2)["url"])) == 1


def test_an_integrity_error_marks_the_item_duplicate_not_the_chunk_failed(db, regions, monkeypatch):
    """The unique index on url_hash is the database's word: a copy both checks missed is refused by
    the database, and that item is a duplicate while its neighbours in the chunk are stored."""
    media_ngos()
    user = make_user("monitor")
    existing = _store_elsewhere(url=_item(2)["url"], url_hash=url_hash(_item(2)["url"]))
    exact_copy = ingest_module._exact_copy
    misses = {"left": 2}  # the read-only check and the write-time check both miss it once

    def blind_once(u_hash, c_hash, outlet_id):
        if u_hash == url_hash(_item(2)["url"]) and misses["left"]:
            misses["left"] -= 1
            return None
        return exact_copy(u_hash, c_hash, outlet_id)

    monkeypatch.setattr(ingest_module, "_exact_copy", blind_once)
    report = ingest_in_chunks([("a", _item(1)), ("b", _item(2)), ("c", _item(3))], uploader=user,
                              source="test", chunk=3)
    assert misses["left"] == 0
    assert [r.status for r in report.items] == ["accepted", "duplicate", "accepted"]
    assert report.items[1].duplicate_of == existing and "already uploaded" in report.items[1].reason
    assert _count_elsewhere() == 3
    assert db.session.scalar(select(func.count()).select_from(Article).where(Article.url == _item(2)["url"])) == 1


@pytest.mark.parametrize("others_writing", [False, True])
def test_an_upload_gives_way_to_other_writers(db, regions, monkeypatch, others_writing):
    """While the upload had to wait for the write lock (survey submissions under load), it stores
    BUSY_WRITE_BATCH items per transaction and pauses BUSY_BACKOFF times its hold afterwards; on an
    idle database it stores WRITE_BATCH items per transaction and never pauses."""
    from contextlib import contextmanager

    real_transaction, real_store = chunks.write_transaction, chunks.store_articles
    holds: list[float] = []
    pauses: list[float] = []
    batches: list[int] = []

    @contextmanager
    def transaction(session):
        with real_transaction(session) as turn:
            turn.waited = turn.waited or others_writing  # another writer held the lock: this one queued
            start = time.perf_counter()
            yield turn
        holds.append(time.perf_counter() - start)

    def store(prepared, **kwargs):
        batches.append(len(prepared))
        return real_store(prepared, **kwargs)

    monkeypatch.setattr(chunks, "write_transaction", transaction)
    monkeypatch.setattr(chunks, "store_articles", store)
    monkeypatch.setattr(chunks.time, "sleep", lambda s: pauses.append(s) if s else None)  # not the analysis' sleep(0)
    media_ngos()
    items = [(f"row {i}", _item(i)) for i in range(40)]
    report = ingest_in_chunks(items, uploader=make_user("monitor"), source="test")
    assert report.counts == {"accepted": 40, "duplicate": 0, "rejected": 0}
    assert _count_elsewhere() == 40
    if not others_writing:
        assert batches == [25, 15] and pauses == []
        return
    assert batches == [25, 5, 5, 5]  # the first wait shows others are writing: smaller batches from then on
    assert len(pauses) == len(batches)
    for pause, held in zip(pauses, holds):
        assert pause >= chunks.BUSY_BACKOFF * held * 0.99
