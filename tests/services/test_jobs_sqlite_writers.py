"""Background jobs on SQLite beside live writers (the web workers taking submissions): every job
transaction takes the write lock first, so it waits its turn instead of failing with "database is
locked" (a deferred transaction that read before another writer committed cannot write)."""
from __future__ import annotations

import sqlite3
import threading
import time

from sqlalchemy import func, select

from models import Article, db
from surveyapp.services import jobs
from surveyapp.services.media import jobs as media_jobs
from tests.conftest import make_test_app
from tests.factories import make_user
from tests.media_helpers import media_ngos, ru_item


def _sqlite_app(tmp_path):
    path = tmp_path / "jobs.db"
    app = make_test_app(f"sqlite:///{path}", tmp_path)
    with app.app_context():
        db.create_all()
    return app, path


def _other_writer(path, stop: threading.Event, hold_s: float = 0.0) -> threading.Thread:
    """Commits small writes in a loop (holding the lock ``hold_s`` each time) until stopped."""
    def run() -> None:
        conn = sqlite3.connect(path, isolation_level=None, timeout=15)
        conn.execute("CREATE TABLE IF NOT EXISTS other_writes (n INTEGER)")
        while not stop.is_set():
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO other_writes VALUES (1)")
            time.sleep(hold_s)
            conn.execute("COMMIT")
            time.sleep(0.002)
        conn.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_job_status_update_waits_for_another_writer(tmp_path):
    app, path = _sqlite_app(tmp_path)
    with app.app_context():
        job_id = jobs.create_job("articles.import", make_user("monitor"))
        db.session.commit()
        stop = threading.Event()
        writer = _other_writer(path, stop, hold_s=0.05)
        try:
            for done in range(1, 21):
                jobs._update(job_id, done=done)
        finally:
            stop.set()
            writer.join()
        db.session.expire_all()
        assert jobs.get_job(job_id, make_user("admin"))["done"] == 20
        db.session.remove()
        db.engine.dispose()


def test_import_job_commits_every_chunk_beside_another_writer(tmp_path, monkeypatch):
    monkeypatch.setattr(media_jobs, "CHUNK", 3)
    app, path = _sqlite_app(tmp_path)
    with app.app_context():
        media_ngos()
        user = make_user("monitor")
        words = ["бюджет", "ауыл", "грант", "школа", "экология", "медицина", "жастар", "приют", "семинар",
                 "конкурс", "отчёт", "волонтёры", "театр", "спорт", "библиотека", "дорога"]
        rows = [ru_item(url=f"https://stepnoy.example/news/{i}", title=f"Новость {i}",
                        text="Конфедерация неправительственных организаций Казахстана: "
                             + " ".join(words[(i * 7 + k * 3) % len(words)] + str(i * k) for k in range(40)))
                for i in range(12)]
        import json

        data = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode()
        progress: list[int] = []
        stop = threading.Event()
        writer = _other_writer(path, stop)
        try:
            result = media_jobs.import_file_job("job", lambda done, total, _m="": progress.append(done), data,
                                                "a.jsonl", user.id)
        finally:
            stop.set()
            writer.join()
        assert result["counts"].get("accepted") == 12
        assert progress[-1] == 12 and len(progress) == 5  # start + 4 chunks of 3
        assert db.session.scalar(select(func.count()).select_from(Article)) == 12
        db.session.remove()
        db.engine.dispose()
