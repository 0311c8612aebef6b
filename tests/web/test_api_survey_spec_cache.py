"""The per-process copy of a survey's definition used by API submissions (``load_spec``) never
serves stale data: status changes and question edits are seen by the very next submission."""
from __future__ import annotations

from sqlalchemy import func, select

from models import Question, Response
from surveyapp.services.surveys.building import QuestionInput, add_question, change_status, update_question
from surveyapp.services.surveys.spec import get_survey, load_spec, spec_of
from tests.factories import make_ngo
from tests.survey_factories import CHANNEL_OPTIONS, fresh_request_state, make_survey, question_ids, region_id, \
    response_body, texts


def _post(client, survey_id, body):
    fresh_request_state()
    return client.post(f"/api/v1/surveys/{survey_id}/responses", json=body)


def _count(db) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Response))


def _survey(db):
    ngo = make_ngo(region_id=region_id("KZ-55"))
    return make_survey(ngos=[ngo]), [ngo.id]


def test_load_spec_equals_spec_of_and_is_reused_until_the_rows_change(app, db, regions):
    survey, _ngos = _survey(db)
    first = load_spec(survey.id)
    assert first == spec_of(get_survey(survey.id))
    assert load_spec(survey.id) is first  # unchanged rows: the cached copy
    db.session.commit()
    question = db.session.get(Question, question_ids(survey)["comment"])
    question.text_ru = "Ещё что-нибудь?"
    db.session.commit()
    second = load_spec(survey.id)
    assert second is not first and second.by_id[question.id].texts["ru"] == "Ещё что-нибудь?"
    assert second == spec_of(get_survey(survey.id))
    db.session.commit()


def test_closing_a_survey_is_honoured_at_once(client, db, regions):
    survey, ngos = _survey(db)
    assert _post(client, survey.id, response_body(survey, ngos=ngos)).status_code == 201  # cache warm
    change_status(survey, "closed")
    db.session.commit()
    assert _post(client, survey.id, response_body(survey, ngos=ngos)).status_code == 410
    change_status(survey, "open")
    db.session.commit()
    assert _post(client, survey.id, response_body(survey, ngos=ngos)).status_code == 201
    survey.status = "closed"  # a direct change (no audit row, nothing else touched) is seen too
    db.session.commit()
    assert _post(client, survey.id, response_body(survey, ngos=ngos)).status_code == 410
    assert _count(db) == 2


def test_edited_and_added_questions_are_seen_by_the_next_submission(client, db, regions):
    survey, ngos = _survey(db)
    q = question_ids(survey)
    body = response_body(survey, ngos=ngos)
    body["answers"].append({"question": q["channels"], "value": ["podcast"]})
    r = _post(client, survey.id, body)  # warms the cache; nothing is stored
    assert r.status_code == 422 and f"answers.{len(body['answers']) - 1}.value" in r.get_json()["fields"]
    channels = db.session.get(Question, q["channels"])
    update_question(channels, QuestionInput(
        code="channels", type="multi", section=1, required=False, texts=texts("Where?", "Где?", "Қайда?"),
        options=CHANNEL_OPTIONS + [{"value": "podcast", "label": {"en": "Podcasts"}}]))
    new = add_question(survey, QuestionInput(code="age_ok", type="yesno", section=3, required=True,
                                             texts=texts("Are you over 18?")))
    db.session.commit()
    r = _post(client, survey.id, body)  # same question/option count changes nothing: new required question
    assert r.status_code == 422 and f"q{new.id}" in r.get_json()["fields"], r.get_json()
    body["answers"].append({"question": new.id, "value": True})
    r = _post(client, survey.id, body)
    assert r.status_code == 201, r.get_json()
    assert _count(db) == 1
