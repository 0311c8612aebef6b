"""Hostile uploads: XSS/SSTI inert, formulas verbatim, XML entities refused, binary refused,
filenames never used as paths, oversized bodies 413."""
from __future__ import annotations

import io
import os

from sqlalchemy import func, select

from models import Article, db
from surveyapp.services.errors import ValidationError
from surveyapp.services.media import ingest_articles, parse_upload
from tests.conftest import login
from tests.factories import PASSWORD, make_user
from tests.helpers import csrf_token_from
from tests.media_helpers import ru_item

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss version="2.0"><channel><title>&lol3;</title><item><title>&lol3;</title><description>x</description></item></channel></rss>"""
XXE_FILE = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>t</title><item><title>&x;</title><description>&x;</description>
<pubDate>Fri, 10 Apr 2026 09:00:00 +0000</pubDate></item></channel></rss>"""
XXE_NET = XXE_FILE.replace(b"file:///etc/passwd", b"http://127.0.0.1:9/")


def _refused(data: bytes, name: str, needle: str) -> None:
    try:
        parse_upload(data, name)
    except ValidationError as exc:
        assert needle in exc.message, exc.message
    else:  # pragma: no cover - the assertion explains
        raise AssertionError(f"{name} was accepted")


def test_xml_entities_and_dtds_refused():
    for data in (BILLION_LAUGHS, XXE_FILE, XXE_NET):
        _refused(data, "feed.xml", "DTD or entities")


def test_binary_named_csv_refused():
    _refused(b"PK\x03\x04" + os.urandom(200), "a.csv", "ZIP")
    _refused(b"MZ\x90\x00" + b"\x00" * 600, "a.csv", "program")
    _refused(b"\xff\xfe\xfa" * 1000 + os.urandom(100), "a.csv", "")


def test_wrong_encoding_refused_not_mojibake():
    latin1 = "title,text,published\nMüller Straße,Grüße aus Köln für alle,2026-04-10\n".encode("latin-1")
    _refused(latin1, "x.csv", "encoding")


def _client_as_monitor(client):
    user = make_user("monitor")
    login(client, user.email, PASSWORD)
    return user


def test_hostile_filenames_never_reach_the_file_system(client, db, regions, tmp_path):
    _client_as_monitor(client)
    before = set(os.listdir(tmp_path))
    csv = b"title,text,published\nT,\xd0\xa2\xd0\xb5\xd0\xba\xd1\x81\xd1\x82 \xd1\x81\xd1\x82\xd0\xb0\xd1\x82\xd1\x8c\xd0\xb8,2026-04-10\n"
    for i, name in enumerate(["../../instance/app.db", "a.csv.php", "a\x00b.csv", "x" * 300 + ".csv",
                              "\u202etxt.csv", "..\\..\\win.csv"]):
        token = csrf_token_from(client.get("/monitor/").get_data(as_text=True))
        data = csv.replace(b"T,", f"T{i},".encode())
        res = client.post("/monitor/upload-file", data={"csrf_token": token, "file": (io.BytesIO(data), name)},
                          content_type="multipart/form-data")
        assert res.status_code in (200, 422), name
    lock = {n for n in os.listdir(tmp_path) if n.endswith(".db-writelock")}  # database.write_transaction's
    assert set(os.listdir(tmp_path)) - lock == before


def test_zip_upload_through_the_web_is_422(client, db, regions):
    _client_as_monitor(client)
    token = csrf_token_from(client.get("/monitor/").get_data(as_text=True))
    res = client.post("/monitor/upload-file", data={"csrf_token": token, "file": (io.BytesIO(b"PK\x03\x04zip"), "a.csv")},
                      content_type="multipart/form-data")
    assert res.status_code == 422 and "ZIP" in res.get_data(as_text=True)


def test_oversized_upload_is_413(client, db, regions):
    _client_as_monitor(client)
    token = csrf_token_from(client.get("/monitor/").get_data(as_text=True))
    boundary = "senimboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n"
            "Content-Type: text/csv\r\n\r\n").encode() + b"a" * (52 * 1024 * 1024) + f"\r\n--{boundary}--\r\n".encode()
    res = client.post("/monitor/upload-file", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert res.status_code == 413
    res = client.post("/monitor/", data={"csrf_token": token, "text": "x" * (11 * 1024 * 1024)})
    assert res.status_code == 413


def test_xss_and_ssti_are_shown_escaped(client, db, regions):
    user = _client_as_monitor(client)
    report = ingest_articles([("x", ru_item(title="<script>alert(1)</script>{{7*7}}",
                                            text='"><img src=x onerror=alert(1)> {{7*7}} =HYPERLINK("http://e.x")',
                                            url="https://x.example/xss", outlet="<b>Outlet</b>"))], uploader=user)
    db.session.commit()
    article_id = report.items[0].id
    for path in (f"/monitor/articles/{article_id}", "/monitor/articles", "/monitor/outlets"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert(1)" not in page and "<img src=x" not in page and "<b>Outlet" not in page
        assert "49" not in page.replace("2026", "") or "{{7*7}}" in page
    page = client.get(f"/monitor/articles/{article_id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{7*7}}" in page
    assert db.session.scalars(select(Article.body)).one().startswith('"><img')
    assert db.session.scalar(select(func.count()).select_from(Article)) == 1
