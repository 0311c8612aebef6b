"""The admin survey builder through its pages: create, questions, NGO set, open/close, files, tokens."""
from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import func, select

from models import AuditLog, InvitationToken, Question, Survey
from tests.conftest import login
from tests.factories import HOSTILE_STRINGS, PASSWORD, make_ngo, make_user
from tests.helpers import csrf_token_from
from tests.survey_factories import FormWalker, FreshClient, make_survey, region_id


@pytest.fixture
def admin(app, db, regions):
    client = FreshClient(app.test_client())
    user = make_user("admin")
    login(client, user.email, PASSWORD)
    client.token = csrf_token_from(client.get("/admin/surveys").get_data(as_text=True))
    return client


def _survey_form(**over):
    data = {"title_kk": "Сауалнама", "title_ru": "Опрос", "title_en": "Survey", "period": "2026-Q2", "mode": "open",
            "languages": ["kk", "ru", "en"], "ngos_per_respondent": "6", "ngos_by_region": "y"}
    data.update(over)
    return data


def test_only_admins(app, db, regions):
    client = FreshClient(app.test_client())
    assert client.get("/admin/surveys").status_code in (302, 401)
    user = make_user("analyst")
    login(client, user.email, PASSWORD)
    assert client.get("/admin/surveys").status_code == 403
    assert client.post("/admin/surveys/new", data={}).status_code in (400, 403)


def test_build_a_survey_end_to_end(admin, db):
    r = admin.post("/admin/surveys/new", data={**_survey_form(title_kk=""), "csrf_token": admin.token})
    assert r.status_code == 422 and "required for each language" in r.get_data(as_text=True)
    r = admin.post("/admin/surveys/new", data={**_survey_form(), "csrf_token": admin.token})
    assert r.status_code == 302
    survey = db.session.scalar(select(Survey))
    base = f"/admin/surveys/{survey.id}"
    r = admin.post(base + "/questions/new", data={
        "csrf_token": admin.token, "code": "channel", "type": "single", "construct": "other", "section": "1",
        "required": "y", "text_kk": "Қайдан?", "text_ru": "Откуда?", "text_en": "Where from?",
        "options": "tv | Теледидар | Телевидение | Television\nweb | Интернет | Интернет | Internet",
        "depends_on_id": "0"})
    assert r.status_code == 302, r.get_data(as_text=True)
    q = db.session.scalar(select(Question))
    assert q.options[1] == {"value": "web", "label": {"kk": "Интернет", "ru": "Интернет", "en": "Internet"}}
    assert admin.post(base + "/battery", data={"csrf_token": admin.token}).status_code == 302
    db.session.expire_all()
    assert [x.code for x in db.session.get(Survey, survey.id).questions][:2] == ["channel", "aware"]
    r = admin.post(base + "/status", data={"csrf_token": admin.token, "status": "open"})
    assert "Choose the NGO set" in admin.get(base).get_data(as_text=True)
    ngo = make_ngo(region_id=region_id("KZ-55"))
    r = admin.post(base + "/ngos", data={"csrf_token": admin.token, "regions": ["KZ-55"], "ngo_ids": ""})
    assert r.status_code == 302
    admin.post(base + "/status", data={"csrf_token": admin.token, "status": "open"})
    db.session.expire_all()
    assert db.session.get(Survey, survey.id).status == "open"
    detail = admin.get(base).get_data(as_text=True)
    assert f"/s/{survey.id}" in detail and ngo.id
    actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"survey.create", "survey.question_add", "survey.ngo_set", "survey.status"} <= actions


def test_editing_questions_with_responses_is_refused(admin, db, app):
    survey = make_survey(battery=False)
    from surveyapp.services.surveys.spec import spec_of
    from surveyapp.services.surveys.submission import submit_response
    from surveyapp.services.surveys.validation import RawAnswer, SubmissionInput
    import uuid

    overall = next(q for q in survey.questions if q.code == "overall")
    submit_response(spec_of(survey), SubmissionInput(uuid.uuid4(), "ru", "KZ-55",
                                                     answers=[RawAnswer(overall.id, None, 2)]), channel="web")
    db.session.commit()
    r = admin.post(f"/admin/surveys/{survey.id}/questions/{overall.id}/delete", data={"csrf_token": admin.token})
    assert r.status_code == 302
    page = admin.get(f"/admin/surveys/{survey.id}").get_data(as_text=True)
    assert "already has responses" in page
    db.session.expire_all()
    assert db.session.get(Question, overall.id) is not None


def test_export_then_import_and_bad_file(admin, db):
    survey = make_survey(titles={"kk": "Сауалнама", "ru": HOSTILE_STRINGS[1], "en": "{{7*7}}"})
    exported = admin.get(f"/admin/surveys/{survey.id}/export.json")
    assert exported.status_code == 200 and "attachment" in exported.headers["Content-Disposition"]
    data = exported.get_data()
    r = admin.post("/admin/surveys/import", data={"csrf_token": admin.token,
                                                 "file": (io.BytesIO(data), "survey.json")},
                   content_type="multipart/form-data")
    assert r.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Survey)) == 2
    broken = json.loads(data)
    broken["questions"][0]["type"] = "slider"
    r = admin.post("/admin/surveys/import", data={"csrf_token": admin.token,
                                                 "file": (io.BytesIO(json.dumps(broken).encode()), "s.json")},
                   content_type="multipart/form-data")
    assert r.status_code == 422 and "questions.0.type" in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Survey)) == 2
    listing = admin.get("/admin/surveys").get_data(as_text=True)
    assert "{{7*7}}" in listing or "&#34;&gt;&lt;img" in listing or "Сауалнама" in listing
    assert "<img src=x" not in listing


def test_tokens_csv_is_formula_safe_and_only_hashes_are_kept(admin, db):
    survey = make_survey(mode="invitation", battery=False)
    r = admin.post(f"/admin/surveys/{survey.id}/tokens", data={"csrf_token": admin.token, "count": "3",
                                                               "batch": "=HYPERLINK(\"x\")"})
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["token", "link", "batch"] and len(rows) == 4
    for token, link, batch in rows[1:]:
        assert batch.startswith("'=")
        assert link.endswith(f"/s/{survey.id}?t={token}")
        assert db.session.scalar(select(InvitationToken).where(InvitationToken.token_hash == token)) is None
    assert db.session.scalar(select(func.count()).select_from(InvitationToken)) == 3
    open_survey = make_survey(battery=False)
    r = admin.post(f"/admin/surveys/{open_survey.id}/tokens", data={"csrf_token": admin.token, "count": "3"})
    assert r.status_code == 422
