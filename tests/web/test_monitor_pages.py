"""Monitor pages: upload one article, see mentions highlighted, correct tone, review queue, outlets,
file uploads with per-item reports, background jobs, isolation between monitors."""
from __future__ import annotations

import io
import time

from sqlalchemy import func, select

from models import Article, AuditLog, Mention, Outlet, ToneExample, db
from surveyapp.services.media import ingest_articles
from tests.conftest import login
from tests.factories import PASSWORD, make_user
from tests.helpers import csrf_token_from
from tests.media_helpers import RU_TEXT, RU_TITLE, media_ngos, ru_item

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Степной вестник</title>
<item><title>Форум</title><link>https://stepnoy.example/rss/1</link><pubDate>Fri, 10 Apr 2026 09:00:00 +0000</pubDate>
<description>&lt;p&gt;Гражданский альянс Казахстана провёл форум в Костанае.&lt;/p&gt;</description></item>
<item><title>Без даты</title><link>https://stepnoy.example/rss/2</link><description>Текст без даты.</description></item>
</channel></rss>"""


def _monitor(client, email=None):
    user = make_user("monitor", email=email)
    login(client, user.email, PASSWORD)
    return user


def _token(client, path="/monitor/"):
    return csrf_token_from(client.get(path).get_data(as_text=True))


def test_upload_form_highlights_mentions_and_tone_correction_covers_group(client, db, regions):
    cnok, alliance = media_ngos()
    user = _monitor(client)
    res = client.post("/monitor/", data={"csrf_token": _token(client), "title": RU_TITLE, "text": RU_TEXT,
                                         "outlet": "Степной вестник", "url": "https://stepnoy.example/1",
                                         "published": "2026-04-10", "language": ""})
    assert res.status_code == 302, res.get_data(as_text=True)[:2000]
    article = db.session.scalars(select(Article)).one()
    page = client.get(res.headers["Location"]).get_data(as_text=True)
    assert 'class="mention ngo tone-positive"' in page and 'class="mention region' in page
    assert "Карагандинской" in page
    # a syndicated copy by another monitor joins the group
    other = make_user("monitor")
    copy = ingest_articles([("x", ru_item(url="https://dala.example/2", outlet="Дала"))], uploader=other).items[0]
    db.session.commit()
    mention = next(m for m in article.mentions if m.ngo_id == alliance.id and m.start != m.end)
    res = client.post(f"/monitor/mentions/{mention.id}/tone", data={"csrf_token": _token(client), "label": "positive"})
    assert res.status_code == 302
    db.session.expire_all()
    group = db.session.scalars(select(Mention).where(Mention.ngo_id == alliance.id)).all()
    assert {m.article_id for m in group} == {article.id, copy.id}
    assert all(m.label == "positive" and m.tone_source == "person" for m in group)
    example = db.session.scalars(select(ToneExample)).one()
    assert example.source == "correction" and example.label == 1
    assert db.session.scalars(select(AuditLog).where(AuditLog.action == "mention.tone")).one().user_id == user.id


def test_form_rejects_bad_article_with_422(client, db, regions):
    _monitor(client)
    res = client.post("/monitor/", data={"csrf_token": _token(client), "title": "t", "text": "текст",
                                         "url": "javascript:alert(1)", "published": "2026-04-10"})
    assert res.status_code == 422
    assert "url must be a web address" in res.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Article)) == 0


def test_confirm_reject_add_and_review_queue(client, db, regions):
    cnok, alliance = media_ngos()
    user = _monitor(client)
    report = ingest_articles([("x", ru_item(text=RU_TEXT + " Ещё упоминается фонд Серпер."))], uploader=user)
    db.session.commit()
    article = db.session.get(Article, report.items[0].id)
    queue = client.get("/monitor/review").get_data(as_text=True)
    assert RU_TITLE in queue
    m1, m2 = [m for m in article.mentions if m.ngo_id][:2]
    token = _token(client)
    assert client.post(f"/monitor/mentions/{m1.id}/decision", data={"csrf_token": token, "decision": "confirm"}).status_code == 302
    assert client.post(f"/monitor/mentions/{m2.id}/decision", data={"csrf_token": token, "decision": "reject"}).status_code == 302
    bad = client.post(f"/monitor/articles/{article.id}/mentions", data={"csrf_token": token, "ngo": "No such NGO",
                                                                         "matched": "Серпер"})
    assert bad.status_code == 422
    ok = client.post(f"/monitor/articles/{article.id}/mentions",
                     data={"csrf_token": token, "ngo": f"#{cnok.id}", "matched": "фонд Серпер"})
    assert ok.status_code == 302
    db.session.expire_all()
    statuses = sorted(m.status for m in db.session.get(Article, article.id).mentions if m.ngo_id)
    assert "confirmed" in statuses and "rejected" in statuses and "added" in statuses
    actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"mention.confirm", "mention.reject", "mention.add"} <= actions


def test_monitor_b_gets_404_on_monitor_a_article_and_mentions(client, db, regions):
    media_ngos()
    a = make_user("monitor")
    article_id = ingest_articles([("x", ru_item())], uploader=a).items[0].id
    db.session.commit()
    mention = db.session.scalars(select(Mention).where(Mention.article_id == article_id,
                                                       Mention.ngo_id.is_not(None))).first()
    before = (mention.label, mention.status)
    _monitor(client)
    token = _token(client)
    assert client.get(f"/monitor/articles/{article_id}").status_code == 404
    assert client.post(f"/monitor/mentions/{mention.id}/tone", data={"csrf_token": token, "label": "negative"}).status_code == 404
    assert client.post(f"/monitor/mentions/{mention.id}/decision", data={"csrf_token": token, "decision": "reject"}).status_code == 404
    assert client.post(f"/monitor/articles/{article_id}/mentions", data={"csrf_token": token, "ngo": "#1", "matched": "Конфедерация"}).status_code == 404
    assert RU_TITLE not in client.get("/monitor/review").get_data(as_text=True)
    assert RU_TITLE not in client.get("/monitor/articles").get_data(as_text=True)
    db.session.expire_all()
    after = db.session.get(Mention, mention.id)
    assert (after.label, after.status) == before


def test_roles(client, db, regions):
    assert client.get("/monitor/").status_code == 302
    analyst = make_user("analyst")
    login(client, analyst.email, PASSWORD)
    assert client.get("/monitor/").status_code == 403


def _upload(client, data: bytes, name: str):
    return client.post("/monitor/upload-file", data={"csrf_token": _token(client), "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_csv_with_bad_rows_gets_per_item_report(client, db, regions):
    media_ngos()
    _monitor(client)
    csv_text = ("title,text,outlet,url,published\r\n"
                f"{RU_TITLE},\"{RU_TEXT}\",Степной вестник,https://s.example/1,2026-04-10\r\n"
                "Пусто,,Степной вестник,https://s.example/2,2026-04-10\r\n"
                "Дата,Текст статьи,Степной вестник,https://s.example/3,10.04.2026\r\n"
                "Қазақша,Қазақстандағы ұйымдар әлеуметтік жобаны бастады,Дала хабары,https://d.example/1,2026-04-11\r\n")
    res = _upload(client, csv_text.encode("cp1251", errors="strict") if False else csv_text.encode("utf-8-sig"), "a.csv")
    page = res.get_data(as_text=True)
    assert res.status_code == 200
    assert "Accepted: 2. Duplicates: 0. Rejected: 2." in page
    assert "text is empty" in page and "published must be an ISO date" in page
    assert db.session.scalar(select(func.count()).select_from(Article)) == 2


def test_cp1251_csv_keeps_cyrillic(client, db, regions):
    _monitor(client)
    csv_text = "title,text,published\nЗаголовок,Гражданское общество провело встречу в Павлодаре,2026-04-10\n"
    res = _upload(client, csv_text.encode("cp1251"), "win.csv")
    assert res.status_code == 200
    assert db.session.scalars(select(Article.title)).one() == "Заголовок"


def test_rss_upload(client, db, regions):
    cnok, alliance = media_ngos()
    _monitor(client)
    res = _upload(client, RSS.encode("utf-8"), "feed.xml")
    page = res.get_data(as_text=True)
    assert res.status_code == 200, page[:3000]
    assert "Accepted: 1. Duplicates: 0. Rejected: 1." in page
    article = db.session.scalars(select(Article)).one()
    assert article.outlet.name == "Степной вестник" and "<p>" not in article.body
    assert any(m.ngo_id == alliance.id for m in article.mentions)


def test_large_upload_runs_as_a_background_job(client, db, regions):
    user = _monitor(client)
    lines = ["title,text,url,published"] + [
        f"Заметка {i},Общественное объединение номер {i} провело встречу с жителями села {i},"
        f"https://big.example/{i},2026-04-10" for i in range(230)]
    res = _upload(client, "\n".join(lines).encode("utf-8"), "big.csv")
    assert res.status_code == 302 and "/monitor/uploads/" in res.headers["Location"]
    status_url = res.headers["Location"]
    for _ in range(300):
        db.session.rollback()  # requests share the test's session: see the job's commits
        page = client.get(status_url).get_data(as_text=True)
        if "Finished." in page or "failed" in page:
            break
        time.sleep(0.1)
    assert "Finished." in page, page[page.find("<h1>"):][:1500]
    assert "Items: 230. Accepted:" in page
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Article)) >= 1
    other = make_user("monitor")
    client.post("/logout", data={"csrf_token": _token(client)})
    login(client, other.email, PASSWORD)
    assert client.get(status_url).status_code == 404
    assert client.get("/monitor/uploads/not-a-uuid").status_code == 404


def test_outlet_list_and_edit(client, db, regions):
    user = _monitor(client)
    ingest_articles([("x", ru_item())], uploader=user)
    db.session.commit()
    outlet = db.session.scalars(select(Outlet)).one()
    assert "Степной вестник" in client.get("/monitor/outlets").get_data(as_text=True)
    token = _token(client, f"/monitor/outlets/{outlet.id}/edit")
    res = client.post(f"/monitor/outlets/{outlet.id}/edit", data={"csrf_token": token, "name": "Степной вестник",
                                                                  "reach": "300000", "region": "KZ-35", "website": ""})
    assert res.status_code == 302
    db.session.expire_all()
    assert db.session.get(Outlet, outlet.id).reach == 300000
    assert db.session.get(Outlet, outlet.id).region.code == "KZ-35"
