"""POST/GET /api/v1/articles: per-item results, isolation between monitors, ignored mass assignment."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from models import Article, Mention, db
from surveyapp.services.users import issue_token
from tests.factories import make_user
from tests.media_helpers import media_ngos, ru_item


def _auth(role="monitor"):
    user = make_user(role)
    token = issue_token(user.email)
    db.session.commit()
    return user, {"Authorization": f"Bearer {token}"}


def _post(client, headers, body):
    return client.post("/api/v1/articles", data=json.dumps(body), headers=headers, content_type="application/json")


def test_upload_list_gives_per_item_results(client, db, regions):
    cnok, alliance = media_ngos()
    user, headers = _auth()
    db.session.commit()
    res = _post(client, headers, [ru_item(), ru_item(text=""), ru_item(url="https://x.example/2", title="Other",
                                                                      text="Совсем другая заметка без организаций.")])
    assert res.status_code == 201, res.json
    items = res.json["items"]
    assert [i["status"] for i in items] == ["accepted", "rejected", "accepted"]
    assert items[1]["reason"] == "text is empty"
    first = items[0]
    assert {m["ngo_id"] for m in first["mentions"]} == {cnok.id, alliance.id}
    assert set(first["mentions"][0]) >= {"ngo_id", "ngo", "matched", "sentence", "tone", "label"}
    assert "KZ-35" in first["regions"] and first["language"] == "ru"
    again = _post(client, headers, ru_item())
    assert again.status_code == 200 and again.json["items"][0]["status"] == "duplicate"
    got = client.get(f"/api/v1/articles/{first['id']}", headers=headers)
    assert got.status_code == 200 and got.json["title"] == ru_item()["title"]
    assert {m["ngo_id"] for m in got.json["mentions"]} == {cnok.id, alliance.id}


def test_single_rejected_object_is_422(client, db, regions):
    _, headers = _auth()
    res = _post(client, headers, ru_item(published="not a date"))
    assert res.status_code == 422 and "published" in res.json["fields"]
    assert db.session.scalar(select(func.count()).select_from(Article)) == 0


def test_monitor_b_cannot_see_monitor_a_articles(client, db, regions):
    media_ngos()
    a, ha = _auth()
    b, hb = _auth()
    admin, hadmin = _auth("admin")
    db.session.commit()
    article_id = _post(client, ha, ru_item()).json["items"][0]["id"]
    assert client.get(f"/api/v1/articles/{article_id}", headers=hb).status_code == 404
    assert client.get(f"/api/v1/articles/{article_id}", headers=hadmin).status_code == 200
    assert client.get("/api/v1/articles/999999", headers=ha).status_code == 404


def test_mass_assignment_is_ignored(client, db, regions):
    a, ha = _auth()
    b = make_user("monitor")
    res = _post(client, ha, ru_item(uploaded_by_id=b.id, uploader=b.email, role="admin", status="duplicate",
                                    duplicate_group_id=12345))
    assert res.status_code == 201
    article = db.session.get(Article, res.json["items"][0]["id"])
    assert article.uploaded_by_id == a.id and article.status == "accepted"
    assert article.duplicate_group_id == article.id


def test_auth_and_roles(client, db, regions):
    assert _post(client, {}, ru_item()).status_code == 401
    _, analyst = _auth("analyst")
    assert _post(client, analyst, ru_item()).status_code == 403
    _, headers = _auth()
    assert client.post("/api/v1/articles", data="{}", headers=headers, content_type="text/plain").status_code == 415
    assert _post(client, headers, []).status_code == 422
    too_many = [ru_item(url=f"https://x.example/{i}") for i in range(1001)]
    assert _post(client, headers, too_many).status_code == 413
    deep = client.post("/api/v1/articles", data="[" * 100_000 + "]" * 100_000, headers=headers,
                       content_type="application/json")
    assert deep.status_code in (400, 413, 422)
    big = client.post("/api/v1/articles", data=b"[" + b" " * (11 * 1024 * 1024) + b"]", headers=headers,
                      content_type="application/json")
    assert big.status_code == 413
    assert db.session.scalar(select(func.count()).select_from(Mention)) == 0


def test_openapi_documents_articles(client, db):
    doc = client.get("/api/v1/openapi.json").json
    assert "post" in doc["paths"]["/articles"] and "get" in doc["paths"]["/articles/{article_id}"]
    assert "ArticlesIn" in doc["components"]["schemas"]
