"""The per-process copy of a survey's definition used by API submissions (``load_spec``,
``locked_spec``) never serves stale data: status changes, settings and question edits are seen by
the very next submission."""
from __future__ import annotations

from sqlalchemy import func, select

from models import Question, Response, Survey, SurveyNGO
from surveyapp.services.surveys.building import QuestionInput, add_question, change_status, update_question
from surveyapp.services.surveys.spec import get_survey, load_spec, locked_spec, spec_of
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


def _locked(client, db, survey, ngos) -> None:
    """Two stored submissions: the second one's read finds responses, so the copy is locked."""
    for _ in range(2):
        assert _post(client, survey.id, response_body(survey, ngos=ngos)).status_code == 201
    assert locked_spec(survey.id) is not None


def test_a_survey_with_responses_is_validated_against_the_workers_copy(client, db, regions, monkeypatch):
    survey, ngos = _survey(db)
    load_spec(survey.id)
    assert locked_spec(survey.id) is None  # no responses yet: its questions may still change
    _locked(client, db, survey, ngos)
    from surveyapp.services.surveys import spec as spec_module
    from surveyapp.services.surveys import submission

    def no_read(*_a, **_k):
        raise AssertionError("the survey's questions are final: no need to read them")

    monkeypatch.setattr(submission, "load_spec", no_read)
    monkeypatch.setattr(spec_module, "_read_rows", no_read)
    assert _post(client, survey.id, response_body(survey, ngos=ngos)).status_code == 201
    assert _count(db) == 3


def test_settings_changed_after_the_copy_was_made_decide(client, db, regions):
    other = make_ngo()  # national: offered in every region
    survey, ngos = _survey(db)
    db.session.add(SurveyNGO(survey_id=survey.id, ngo_id=other.id))
    db.session.commit()
    _locked(client, db, survey, ngos)
    two = [*ngos, other.id]
    db.session.get(Survey, survey.id).ngos_per_respondent = 1  # the copy still says 6
    db.session.commit()
    r = _post(client, survey.id, response_body(survey, ngos=two))
    assert r.status_code == 422 and "answers" in r.get_json()["fields"]  # caught where it writes
    assert _post(client, survey.id, response_body(survey, ngos=ngos)).status_code == 201  # the copy is renewed
    db.session.get(Survey, survey.id).ngos_per_respondent = 2  # now the copy says 1
    db.session.commit()
    assert _post(client, survey.id, response_body(survey, ngos=two)).status_code == 201  # its "no" is not final
    assert _count(db) == 4


def test_a_closed_or_deleted_survey_is_refused_although_the_copy_says_open(client, db, regions):
    survey, ngos = _survey(db)
    _locked(client, db, survey, ngos)
    survey_id = survey.id
    db.session.get(Survey, survey_id).status = "closed"
    db.session.commit()
    assert locked_spec(survey_id) is not None and locked_spec(survey_id).status == "open"
    assert _post(client, survey_id, response_body(survey, ngos=ngos)).status_code == 410
    db.session.get(Survey, survey_id).status = "open"
    db.session.commit()
    assert _post(client, survey_id, response_body(survey, ngos=ngos)).status_code == 201
    body = response_body(survey, ngos=ngos)
    db.session.delete(db.session.get(Survey, survey_id))
    db.session.commit()
    r = _post(client, survey_id, body)
    assert r.status_code == 404 and r.get_json()["fields"] == {"survey": "not found"}
    assert _count(db) == 0
