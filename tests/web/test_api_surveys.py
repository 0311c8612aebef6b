"""The survey API: listing, definition, submissions (validation, idempotency), OpenAPI document."""
from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import func, select

from models import Response
from tests.factories import make_ngo, make_user
from tests.survey_factories import fresh_request_state, make_survey, question_ids, region_id, response_body


@pytest.fixture
def setup(db, regions):
    local = make_ngo(region_id=region_id("KZ-55"))
    national = make_ngo()
    survey = make_survey(ngos=[local, national])
    return {"survey": survey, "id": survey.id, "ngos": [local.id, national.id]}


def _count(db) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Response))


def _post(client, survey_id, body, **kw):
    fresh_request_state()
    return client.post(f"/api/v1/surveys/{survey_id}/responses", json=body, **kw)


def test_lists_only_open_surveys(client, db, setup):
    make_survey(status="draft")
    make_survey(status="closed")
    data = client.get("/api/v1/surveys?lang=ru").get_json()
    assert data["total"] == 1 and [s["id"] for s in data["items"]] == [setup["id"]]
    assert data["items"][0]["title"] == "Опрос о доверии к НКО"
    assert client.get("/api/v1/surveys?lang=xx").status_code == 422
    assert client.get("/api/v1/surveys?lang=").status_code == 200  # empty means "not given"


def test_definition_has_everything_a_client_needs(client, db, setup):
    data = client.get(f"/api/v1/surveys/{setup['id']}?lang=kk").get_json()
    assert {"id", "title", "period", "status", "languages", "demographics", "ngos", "questions"} <= set(data)
    assert data["demographics"]["settlement"]["values"] == ["urban", "rural"]
    assert "KZ-55" in data["demographics"]["region"]["values"]
    assert {n["id"] for n in data["ngos"]} == set(setup["ngos"])
    assert {n["region"] for n in data["ngos"]} == {"KZ-55", None}
    by_code = {q["code"]: q for q in data["questions"]}
    assert by_code["trust"]["depends_on"] == {"question": by_code["aware"]["id"], "value": "yes"}
    assert by_code["trust"]["per_ngo"] and by_code["trust"]["construct"] == "trust"
    assert by_code["channels"]["options"][0] == {"value": "tv", "label": "Теледидар"}
    assert by_code["overall"]["text"].startswith("Жалпы")


def test_draft_is_invisible_and_unknown_is_404(client, db, setup):
    draft = make_survey(status="draft")
    assert client.get(f"/api/v1/surveys/{draft.id}").status_code == 404
    assert client.get("/api/v1/surveys/999999").status_code == 404
    r = _post(client, draft.id, response_body(draft))
    assert r.status_code == 404 and r.get_json()["error"]


def test_submit_replay_conflict(client, db, setup):
    body = response_body(setup["survey"], ngos=setup["ngos"])
    first = _post(client, setup["id"], body)
    assert first.status_code == 201, first.get_json()
    replay = _post(client, setup["id"], body)
    assert replay.status_code == 200 and replay.get_json() == first.get_json()
    changed = dict(body, age_group="60+")
    conflict = _post(client, setup["id"], changed)
    assert conflict.status_code == 409 and "submission_id" in conflict.get_json()["fields"]
    assert _count(db) == 1


def test_closed_survey_is_410(client, db, setup):
    setup["survey"].status = "closed"
    db.session.commit()
    r = _post(client, setup["id"], response_body(setup["survey"]))
    assert r.status_code == 410 and _count(db) == 0


def _with_value(setup, value):
    body = response_body(setup["survey"])
    body["answers"][0]["value"] = value
    return body


@pytest.mark.parametrize("value", [0, 6, "5", 5.5, [5], {"v": 5}, True, -3])
def test_bad_scale_values_are_422_naming_the_field(client, db, setup, value):
    r = _post(client, setup["id"], _with_value(setup, value))
    assert r.status_code == 422, r.get_json()
    assert "answers.0.value" in r.get_json()["fields"]
    assert _count(db) == 0


def test_dont_know_is_null(client, db, setup):
    assert _post(client, setup["id"], _with_value(setup, None)).status_code == 201


@pytest.mark.parametrize("raw", [b'1e309', b'NaN', b'Infinity', b'-Infinity', b'1' * 5000])
def test_non_finite_and_huge_numbers(client, db, setup, raw):
    body = json.dumps(_with_value(setup, 12345)).replace("12345", raw.decode())
    r = client.post(f"/api/v1/surveys/{setup['id']}/responses", data=body, content_type="application/json")
    assert r.status_code in (400, 422), r.get_data(as_text=True)
    assert r.get_json()["fields"]
    assert _count(db) == 0


@pytest.mark.parametrize("mutate,field", [
    (lambda b, s: b.update(extra="x"), "extra"),
    (lambda b, s: b.pop("submission_id"), "submission_id"),
    (lambda b, s: b.update(submission_id=""), "submission_id"),
    (lambda b, s: b.update(submission_id=None), "submission_id"),
    (lambda b, s: b.pop("region"), "region"),
    (lambda b, s: b.update(region="KZ-00"), "region"),
    (lambda b, s: b.update(answers={"a": 1}), "answers"),
    (lambda b, s: b["answers"][0].update(extra=1), "answers.0.extra"),
    (lambda b, s: b["answers"].append({"question": 999999, "value": 1}), "answers.1.question"),
    (lambda b, s: b["answers"].append({"question": question_ids(s["survey"])["aware"], "ngo": 999999,
                                       "value": True}), "answers.1.ngo"),
    (lambda b, s: b["answers"].append({"question": question_ids(s["survey"])["comment"], "value": "x" * 501}),
     "answers.1.value"),
    (lambda b, s: b["answers"].append({"question": question_ids(s["survey"])["channels"], "value": "tv"}),
     "answers.1.value"),
    (lambda b, s: b["answers"].append({"question": "1", "value": 1}), "answers.1.question"),
])
def test_invalid_bodies_name_the_field(client, db, setup, mutate, field):
    body = response_body(setup["survey"])
    mutate(body, setup)
    r = _post(client, setup["id"], body)
    assert r.status_code == 422, r.get_json()
    assert field in r.get_json()["fields"], r.get_json()
    assert _count(db) == 0


def test_other_surveys_question_and_ngo_outside_region(client, db, setup):
    other = make_survey(battery=False)
    body = response_body(setup["survey"])
    body["answers"].append({"question": question_ids(other)["recommend"], "value": 3})
    assert _post(client, setup["id"], body).status_code == 422
    far = make_ngo(region_id=region_id("KZ-75"))
    from models import SurveyNGO, db as _db

    _db.session.add(SurveyNGO(survey_id=setup["id"], ngo_id=far.id))
    _db.session.commit()
    r = _post(client, setup["id"], response_body(setup["survey"], ngos=[far.id]))
    assert r.status_code == 422 and "answers.1.ngo" in r.get_json()["fields"]
    assert _count(db) == 0


def test_follow_up_for_unaware_ngo_is_rejected(client, db, setup):
    q = question_ids(setup["survey"])
    body = response_body(setup["survey"], ngos=[setup["ngos"][0]], aware=False)
    body["answers"].append({"question": q["trust"], "ngo": setup["ngos"][0], "value": 5})
    r = _post(client, setup["id"], body)
    assert r.status_code == 422 and "answers.2" in r.get_json()["fields"]


def test_wrong_content_type_invalid_utf8_bad_json_duplicate_keys(client, db, setup):
    url = f"/api/v1/surveys/{setup['id']}/responses"
    body = json.dumps(response_body(setup["survey"]))
    assert client.post(url, data=body, content_type="text/plain").status_code == 415
    assert client.post(url, data={"score": ["1", "5"]}).status_code == 415
    r = client.post(url, data=b'{"submission_id": "\xff"}', content_type="application/json")
    assert r.status_code == 400 and r.get_json()["fields"]
    assert client.post(url, data="{not json", content_type="application/json").status_code == 400
    dup = body[:-1] + ', "region": "KZ-75"}'
    r = client.post(url, data=dup, content_type="application/json")
    assert r.status_code == 422 and "region" in r.get_json()["fields"]
    assert _count(db) == 0


def test_deeply_nested_json_is_refused_fast(client, db, setup):
    nested = "[" * 100_000 + "]" * 100_000
    r = client.post(f"/api/v1/surveys/{setup['id']}/responses", data=nested, content_type="application/json")
    assert r.status_code in (400, 422)


def test_oversized_body_is_413_json(app, client, db, setup):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    r = client.post(f"/api/v1/surveys/{setup['id']}/responses", data="x" * 4096, content_type="application/json")
    assert r.status_code == 413 and "error" in r.get_json()


def test_get_on_responses_is_405(client, db, setup):
    assert client.get(f"/api/v1/surveys/{setup['id']}/responses").status_code == 405


def test_invitation_survey_via_api(client, db, setup):
    from surveyapp.services.surveys.invitations import generate_tokens

    survey = make_survey(mode="invitation", battery=False)
    token = generate_tokens(survey, 1)[0]
    db.session.commit()
    body = response_body(survey)
    assert _post(client, survey.id, body).status_code == 403
    assert _post(client, survey.id, dict(body, token="forged-0123456789")).status_code == 403
    assert _post(client, survey.id, dict(body, token=token)).status_code == 201
    assert _post(client, survey.id, dict(body, token=token)).status_code == 200  # replay
    other = response_body(survey, token=token)
    assert _post(client, survey.id, other).status_code == 403  # token used
    assert _count(db) == 1


def test_duplicate_device_flag_and_authenticated_partners(client, db, setup):
    _post(client, setup["id"], response_body(setup["survey"]))
    _post(client, setup["id"], response_body(setup["survey"]))
    flags = sorted(tuple(f) for f in db.session.scalars(select(Response.flags)))
    assert flags == [(), ("duplicate_device",)]
    from surveyapp.services.users import issue_token

    user = make_user("monitor")
    token = issue_token(user.email)
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    for _ in range(2):
        assert _post(client, setup["id"], response_body(setup["survey"]), headers=headers).status_code == 201
    db.session.expire_all()
    assert sum(1 for f in db.session.scalars(select(Response.flags)) if not f) == 3


def test_speeders_are_flagged(client, db, setup):
    assert _post(client, setup["id"], response_body(setup["survey"], duration_s=3)).status_code == 201
    assert db.session.scalar(select(Response.flags)) == ["speeder"]


def test_openapi_document(client, db):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    post = doc["paths"]["/surveys/{survey_id}/responses"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ResponseIn"}
    assert {"201", "200", "409", "410", "422"} <= set(post["responses"])
    assert "/surveys" in doc["paths"] and "/surveys/{survey_id}" in doc["paths"]
    schemas = doc["components"]["schemas"]
    assert {"ResponseIn", "AnswerIn", "ErrorOut", "SurveyDefinition", "SurveyList"} <= set(schemas)
    assert schemas["ResponseIn"]["additionalProperties"] is False
    text = json.dumps(doc)
    for ref in set(part.split('"')[0] for part in text.split('"$ref": "#/components/schemas/')[1:]):
        assert ref in schemas, ref


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "SENIM_API_SUBMIT_LIMIT": "3 per minute"}])
def test_rate_limit_per_client_ignores_spoofed_forwarded_for(app, client, db, setup):
    codes = [_post(client, setup["id"], response_body(setup["survey"]),
                   headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code for i in range(5)]
    assert codes[:3] == [201, 201, 201] and codes[3:] == [429, 429]
    assert _count(db) == 3


def test_submission_id_must_be_a_uuid(client, db, setup):
    r = _post(client, setup["id"], response_body(setup["survey"], submission_id="None"))
    assert r.status_code == 422
    ok = _post(client, setup["id"], response_body(setup["survey"], submission_id=str(uuid.uuid4())))
    assert ok.status_code == 201
