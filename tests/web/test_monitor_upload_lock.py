"""On SQLite the file upload takes the write lock late and briefly: not while the form is read and
parsed (a bulk file is up to 50 MB), not while its articles are analysed; only to store them."""
from __future__ import annotations

import io
import sqlite3

from sqlalchemy import func, select

from models import Article, db
from surveyapp.monitor import views
from surveyapp.services.media import ingest as ingest_module
from tests.conftest import login
from tests.factories import PASSWORD, make_user
from tests.helpers import csrf_token_from
from tests.media_helpers import RU_TEXT, media_ngos


def another_writer_gets_the_lock(database) -> bool:
    """True when a second connection can take SQLite's write lock now (it waits at most 0.2 s)."""
    conn = sqlite3.connect(database, isolation_level=None, timeout=0.2)
    try:
        conn.execute("BEGIN IMMEDIATE")  # "database is locked" after 0.2 s if the request holds the lock
        conn.execute("ROLLBACK")
        return True
    finally:
        conn.close()


def test_file_upload_leaves_the_write_lock_free_while_parsing_and_analysing(tmp_path, monkeypatch):
    from tests.conftest import make_test_app

    database = tmp_path / "upload.db"
    app = make_test_app(f"sqlite:///{database}", tmp_path)
    free_at: list[str] = []
    parse, analyse = views.parse_upload, ingest_module._analyse

    def parse_checked(*args, **kwargs):
        if another_writer_gets_the_lock(database):
            free_at.append("parse")
        return parse(*args, **kwargs)

    def analyse_checked(item, tools):
        if another_writer_gets_the_lock(database):
            free_at.append("analyse")
        return analyse(item, tools)

    monkeypatch.setattr(views, "parse_upload", parse_checked)
    monkeypatch.setattr(ingest_module, "_analyse", analyse_checked)
    with app.app_context():
        db.create_all()
        media_ngos()
        user = make_user("monitor")
        client = app.test_client()
        login(client, user.email, PASSWORD)
        token = csrf_token_from(client.get("/monitor/").get_data(as_text=True))
        csv_text = "title,text,url,published\n" + "".join(
            f"Заметка {i},\"{RU_TEXT} Номер {i}.\",https://s.example/{i},2026-04-10\n" for i in range(3))
        res = client.post("/monitor/upload-file", content_type="multipart/form-data",
                          data={"csrf_token": token, "file": (io.BytesIO(csv_text.encode()), "a.csv")})
        page = res.get_data(as_text=True)
        assert res.status_code == 200, page[:2000]
        assert "Accepted: 1. Duplicates: 2. Rejected: 0." in page  # the same text: syndicated copies
        assert free_at == ["parse", "analyse", "analyse", "analyse"]
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Article)) == 3
        db.session.remove()
        db.engine.dispose()


def test_api_list_upload_leaves_the_write_lock_free_while_analysing(tmp_path, monkeypatch):
    import json

    from surveyapp.services.users import issue_token
    from tests.conftest import make_test_app
    from tests.media_helpers import ru_item

    database = tmp_path / "api-upload.db"
    app = make_test_app(f"sqlite:///{database}", tmp_path)
    free: list[bool] = []
    analyse = ingest_module._analyse

    def analyse_checked(item, tools):
        free.append(another_writer_gets_the_lock(database))
        return analyse(item, tools)

    monkeypatch.setattr(ingest_module, "_analyse", analyse_checked)
    with app.app_context():
        db.create_all()
        media_ngos()
        user = make_user("monitor")
        token = issue_token(user.email)
        db.session.commit()
        body = [ru_item(), ru_item(url="https://x.example/2", title="Другая", text="Совсем другая заметка.")]
        res = app.test_client().post("/api/v1/articles", data=json.dumps(body), content_type="application/json",
                                     headers={"Authorization": f"Bearer {token}"})
        assert res.status_code == 201, res.get_data(as_text=True)[:2000]
        assert [i["status"] for i in res.json["items"]] == ["accepted", "accepted"]
        assert free == [True, True]
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Article)) == 2
        db.session.remove()
        db.engine.dispose()
