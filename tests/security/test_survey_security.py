"""Survey security: CSRF, methods, privacy of respondents, hostile strings rendered inert."""
from __future__ import annotations

import io
import logging
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import Date, select, text

from models import Response, db as _db
from surveyapp.services.scores import compute_scores
from tests.conftest import login
from tests.factories import HOSTILE_STRINGS, PASSWORD, make_ngo, make_user
from tests.helpers import csrf_token_from
from tests.survey_factories import FormWalker, FreshClient, make_survey, question_ids, region_id, response_body

MARK_IP, MARK_UA = "127.0.0.77", "ZZ-MARKER"


@pytest.fixture
def setup(db, regions):
    ngo = make_ngo(region_id=region_id("KZ-55"))
    survey = make_survey(ngos=[ngo])
    return {"survey": survey, "id": survey.id, "ids": question_ids(survey), "ngo": ngo.id}


def test_public_posts_without_csrf_token_are_400(app, db, setup):
    client = FreshClient(app.test_client())
    sid = setup["id"]
    assert client.post(f"/s/{sid}/start", data={"language": "ru"}).status_code == 400
    w = FormWalker(client, sid)
    w.start()
    html = w.get(1)
    sub = csrf_token_from(html) and w.submission_id
    assert client.post(f"/s/{sid}/p/1", data={"region": "KZ-55", "submission_id": sub}).status_code == 400
    assert client.post(f"/s/{sid}/submit", data={"submission_id": sub}).status_code == 400
    assert client.post("/vote?region=KZ-55", data={}).status_code == 400
    assert _db.session.scalar(select(Response.id)) is None


def test_admin_actions_without_csrf_token_are_400(app, db, setup):
    client = FreshClient(app.test_client())
    login(client, make_user("admin").email, PASSWORD)
    sid, qid = setup["id"], setup["ids"]["comment"]
    for url, data in ((f"/admin/surveys/{sid}/status", {"status": "closed"}), ("/admin/surveys/new", {"period": "x"}),
                      (f"/admin/surveys/{sid}/questions/{qid}/delete", {}),
                      (f"/admin/surveys/{sid}/tokens", {"count": "1"}), (f"/admin/surveys/{sid}/preview", {})):
        assert client.post(url, data=data).status_code == 400, url
    _db.session.expire_all()
    assert setup["survey"].status == "open"


def test_state_changing_routes_refuse_get(app, db, setup):
    client = FreshClient(app.test_client())
    login(client, make_user("admin").email, PASSWORD)
    sid, qid = setup["id"], setup["ids"]["comment"]
    for url in (f"/s/{sid}/start", f"/s/{sid}/submit", f"/admin/surveys/{sid}/status", f"/admin/surveys/{sid}/preview",
                f"/admin/surveys/{sid}/battery", f"/admin/surveys/{sid}/questions/{qid}/delete",
                f"/admin/surveys/{sid}/questions/{qid}/move", "/admin/surveys/import",
                f"/api/v1/surveys/{sid}/responses"):
        assert client.get(url).status_code == 405, url


def _dump_database() -> str:
    parts = []
    with _db.engine.connect() as conn:
        for table in _db.metadata.sorted_tables:
            for row in conn.execute(table.select()):
                parts.append(repr(tuple(row)))
    return "\n".join(parts)


#: Every export a staff member can download after the marked submissions (dashboard CSV/XLSX, the
#: survey definition export).
EXPORTS = ("/dashboard/heatmap.{fmt}", "/dashboard/map.{fmt}", "/dashboard/trends.{fmt}", "/dashboard/alerts.{fmt}",
           "/dashboard/ngos/{ngo}/regions.{fmt}", "/dashboard/regions/KZ-55/ngos.{fmt}",
           "/admin/surveys/{survey}/export.json", "/api/v1/scores?per_page=1000", "/api/v1/heatmap")


def _export_texts(app, setup) -> dict[str, str]:
    """Each export's content as text (XLSX cells joined), downloaded by an admin after ``scores compute``."""
    compute_scores()
    _db.session.commit()
    admin = FreshClient(app.test_client())
    login(admin, make_user("admin").email, PASSWORD)
    texts = {}
    for template in EXPORTS:
        for fmt in ("csv", "xlsx") if "{fmt}" in template else ("",):
            url = template.format(fmt=fmt, ngo=setup["ngo"], survey=setup["id"])
            response = admin.get(url)
            assert response.status_code == 200, url
            if fmt == "xlsx":
                sheet = load_workbook(io.BytesIO(response.data)).active
                texts[url] = "\n".join(" ".join(map(str, row)) for row in sheet.iter_rows(values_only=True))
            else:
                texts[url] = response.get_data(as_text=True)
    assert any(str(setup["ngo"]) in t or "Test Foundation" in t for t in texts.values())  # the exports have rows
    return texts


@pytest.mark.parametrize("app_config", [{"SENIM_TRUSTED_PROXIES": 1}])
def test_no_address_or_user_agent_is_stored_or_logged(app, db, setup, caplog):
    """Marker address (as the socket's address and as a trusted X-Forwarded-For) and marker user
    agent on a form and an API submission: absent from every row of every table, from the log
    output and from every export."""
    caplog.set_level(logging.DEBUG)
    headers = {"X-Forwarded-For": MARK_IP, "User-Agent": MARK_UA, "Referer": "http://marker.example/ZZ-REF"}
    raw = app.test_client()
    raw.environ_base["REMOTE_ADDR"] = MARK_IP
    client = FreshClient(raw)
    assert FormWalker(client, setup["id"]).complete(setup["ids"], **headers).status_code == 302
    api = client.post(f"/api/v1/surveys/{setup['id']}/responses", json=response_body(setup["survey"]),
                      headers=headers)
    assert api.status_code == 201
    dump = _dump_database()
    assert dump.count("'web'") >= 1 and dump.count("'api'") >= 1  # both responses are there
    exports = _export_texts(app, setup)
    for marker in (MARK_IP, MARK_UA, "ZZ-REF", "marker.example"):
        assert marker not in dump
        assert marker not in caplog.text
        assert not [url for url, body in exports.items() if marker in body], marker
    assert MARK_IP not in _dump_database()  # nor after scores compute wrote its snapshots and weights
    columns = {c.name for c in Response.__table__.columns}
    assert not columns & {"ip", "ip_address", "user_agent", "referrer", "created_at", "submitted_at"}
    assert isinstance(Response.__table__.c.submitted_on.type, Date)
    if _db.engine.dialect.name == "sqlite":
        assert _db.session.execute(text("SELECT count(*) FROM responses WHERE length(submitted_on) = 10")).scalar() == 2


@pytest.mark.parametrize("hostile", [HOSTILE_STRINGS[0], HOSTILE_STRINGS[1], "{{7*7}}", "javascript:alert(1)"])
def test_hostile_survey_texts_and_answers_render_inert(app, db, regions, hostile):
    ngo = make_ngo(name_ru=hostile, name_en=hostile)
    survey = make_survey(ngos=[ngo], titles={"kk": hostile, "ru": hostile, "en": hostile},
                         question_texts={"kk": hostile, "ru": hostile, "en": hostile})
    ids = question_ids(survey)
    client = FreshClient(app.test_client())
    landing = client.get(f"/s/{survey.id}")
    body = landing.get_data(as_text=True)
    assert "script-src 'self'" in landing.headers["Content-Security-Policy"]
    main = re.sub(r'value="[^"]*"', 'value=""', body.split("<main")[1][:2000])  # CSRF tokens may contain "49"
    assert "<script>alert(1)" not in body and "<img src=x" not in body and "49" not in main
    if hostile == "{{7*7}}":
        assert "{{7*7}}" in body
    w = FormWalker(client, survey.id)
    w.complete(ids, extra={f"q{ids['comment']}": hostile})
    page = client.get(f"/s/{survey.id}/p/3").get_data(as_text=True)  # after completion: back to the landing page
    assert "<script>alert(1)" not in page
    from models import Answer

    stored = _db.session.scalar(select(Answer.value_text).where(Answer.question_id == ids["comment"]))
    assert stored == hostile  # stored verbatim
    admin = FreshClient(app.test_client())
    login(admin, make_user("admin").email, PASSWORD)
    detail = admin.get(f"/admin/surveys/{survey.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in detail and "<img src=x" not in detail
