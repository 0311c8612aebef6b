"""submit_response: validation, exactly-once storage (replay, conflict, concurrent), invitations."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from models import Answer, InvitationToken, Response
from surveyapp.services.errors import ConflictError, ValidationError
from surveyapp.services.surveys.invitations import InvitationError, check_token, generate_tokens, token_hash
from surveyapp.services.surveys.spec import SurveyClosedError, spec_of
from surveyapp.services.surveys.submission import prepare_submission, store_submission, submit_response
from tests.factories import make_ngo
from tests.survey_factories import make_survey, question_ids, region_id, response_body
from tests.survey_factories import submission_input as _input



@pytest.fixture
def setup(db, regions):
    local = make_ngo(region_id=region_id("KZ-55"))
    national = make_ngo()
    elsewhere = make_ngo(region_id=region_id("KZ-75"))
    survey = make_survey(ngos=[local, national, elsewhere])
    return {"survey": survey, "local": local.id, "national": national.id, "elsewhere": elsewhere.id}


def _count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Response))


def test_first_submission_creates_then_replay_returns_same_body(db, setup):
    spec = spec_of(setup["survey"])
    body = response_body(setup["survey"], ngos=[setup["local"], setup["national"]])
    first = submit_response(spec, _input(body), channel="api")
    db.session.commit()
    again = submit_response(spec, _input(body), channel="api")
    db.session.commit()
    assert first.created and not again.created
    assert first.status_code == 201 and again.status_code == 200
    assert first.body == again.body
    assert _count(db) == 1
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 11


def test_same_id_with_different_answers_conflicts_and_keeps_original(db, setup):
    spec = spec_of(setup["survey"])
    body = response_body(setup["survey"], ngos=[setup["local"]])
    submit_response(spec, _input(body), channel="api")
    db.session.commit()
    changed = response_body(setup["survey"], ngos=[setup["local"]], trust=1, submission_id=body["submission_id"])
    with pytest.raises(ConflictError):
        submit_response(spec, _input(changed), channel="api")
    db.session.rollback()
    trust_q = question_ids(setup["survey"])["trust"]
    assert db.session.scalar(select(Answer.value_num).where(Answer.question_id == trust_q)) == 4.0


def test_stored_row_has_date_only_and_no_client_details(db, setup):
    spec = spec_of(setup["survey"])
    submit_response(spec, _input(response_body(setup["survey"])), channel="web", flags=["speeder"], duration_s=12.6)
    db.session.commit()
    row = db.session.scalar(select(Response))
    assert row.duration_s == 13 and row.flags == ["speeder"]
    assert not hasattr(row, "ip") and not hasattr(row, "user_agent")
    assert type(row.submitted_on).__name__ == "date"


@pytest.mark.parametrize("mutate,field", [
    (lambda b, s: b.update(region="KZ-99"), "region"),
    (lambda b, s: b.update(language="de"), "language"),
    (lambda b, s: b.update(sex="other"), "sex"),
    (lambda b, s: b["answers"].append({"question": 999999, "value": 1}), "answers.1.question"),
    (lambda b, s: b["answers"].__setitem__(0, {"question": b["answers"][0]["question"], "value": 6}),
     "answers.0.value"),
    (lambda b, s: b["answers"].append({"question": question_ids(s["survey"])["aware"], "ngo": s["elsewhere"],
                                       "value": True}), "answers.1.ngo"),
    (lambda b, s: b["answers"].append({"question": question_ids(s["survey"])["aware"], "value": True}),
     "answers.1.ngo"),
    (lambda b, s: b.update(answers=[]), f"q{0}"),
])
def test_invalid_submissions_name_the_field_and_store_nothing(db, setup, mutate, field):
    body = response_body(setup["survey"])
    mutate(body, setup)
    if field == "q0":
        field = f"q{question_ids(setup['survey'])['overall']}"
    with pytest.raises(ValidationError) as info:
        submit_response(spec_of(setup["survey"]), _input(body), channel="api")
    assert field in info.value.fields, info.value.fields
    db.session.rollback()
    assert _count(db) == 0


def test_follow_ups_for_unknown_ngo_are_rejected_and_required_when_aware(db, setup):
    q = question_ids(setup["survey"])
    body = response_body(setup["survey"], ngos=[setup["local"]], aware=False)
    body["answers"].append({"question": q["trust"], "ngo": setup["local"], "value": 5})
    with pytest.raises(ValidationError) as info:
        submit_response(spec_of(setup["survey"]), _input(body), channel="api")
    assert "answers.2" in info.value.fields
    aware_only = response_body(setup["survey"])
    aware_only["answers"].append({"question": q["aware"], "ngo": setup["local"], "value": True})
    with pytest.raises(ValidationError) as info:
        submit_response(spec_of(setup["survey"]), _input(aware_only), channel="api")
    assert f"q{q['trust']}_n{setup['local']}" in info.value.fields


def test_at_most_ngos_per_respondent(db, setup):
    survey = setup["survey"]
    survey.ngos_per_respondent = 1
    db.session.commit()
    body = response_body(survey, ngos=[setup["local"], setup["national"]])
    with pytest.raises(ValidationError) as info:
        submit_response(spec_of(survey), _input(body), channel="api")
    assert "answers" in info.value.fields


def test_closed_survey_is_refused(db, setup):
    survey = setup["survey"]
    survey.status = "closed"
    db.session.commit()
    with pytest.raises(SurveyClosedError):
        submit_response(spec_of(survey), _input(response_body(survey)), channel="api")


def test_another_surveys_question_is_unknown(db, setup):
    other = make_survey(battery=False)
    body = response_body(setup["survey"])
    body["answers"].append({"question": question_ids(other)["recommend"], "value": 5})
    with pytest.raises(ValidationError) as info:
        submit_response(spec_of(setup["survey"]), _input(body), channel="api")
    assert "answers.1.question" in info.value.fields


def test_concurrent_identical_submissions_count_once(app, db, setup):
    survey_id = setup["survey"].id
    body = response_body(setup["survey"], ngos=[setup["local"], setup["national"]])
    barrier = threading.Barrier(2)
    results: list[object] = []

    def worker() -> None:
        with app.app_context():
            from models import Survey, db as _db
            from surveyapp.database import begin_write

            spec = spec_of(_db.session.get(Survey, survey_id))
            _db.session.rollback()  # a request starts with no transaction open
            barrier.wait(timeout=10)
            try:
                begin_write(_db.session)  # as every POST request does (see create_app)
                result = submit_response(spec, _input(body), channel="api")
                _db.session.commit()
                results.append(result.status_code)
            except Exception as exc:  # noqa: BLE001 - recorded and asserted below
                _db.session.rollback()
                results.append(repr(exc))
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results, key=str) == [200, 201], results
    db.session.rollback()  # end this session's read snapshot to see the threads' commits
    assert _count(db) == 1


def test_invitation_token_works_once_and_only_once(db, setup):
    survey = make_survey(mode="invitation", battery=False)
    tokens = generate_tokens(survey, 2, batch="partner A")
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(InvitationToken)) == 2
    stored = set(db.session.scalars(select(InvitationToken.token_hash)))
    assert tokens[0] not in stored and token_hash(tokens[0]) in stored  # only hashes
    digest = check_token(survey.id, tokens[0])
    spec = spec_of(survey)
    body = response_body(survey)
    with pytest.raises(InvitationError):
        submit_response(spec, _input(body), channel="invitation")  # no token
    first = submit_response(spec, _input(body), channel="invitation", invitation_hash=digest)
    db.session.commit()
    assert first.created
    replay = submit_response(spec, _input(body), channel="invitation", invitation_hash=digest)
    assert not replay.created  # a replay of the same submission is not a second use
    with pytest.raises(InvitationError):
        submit_response(spec, _input(response_body(survey)), channel="invitation", invitation_hash=digest)
    db.session.rollback()
    with pytest.raises(InvitationError):
        check_token(survey.id, tokens[0])
    with pytest.raises(InvitationError):
        check_token(survey.id, "forged-token-0123456789")
    with pytest.raises(InvitationError):
        submit_response(spec, _input(response_body(survey)), channel="invitation",
                        invitation_hash=token_hash("forged-token-0123456789"))
    db.session.rollback()
    assert _count(db) == 1
    used = db.session.scalar(select(InvitationToken).where(InvitationToken.token_hash == digest))
    assert used.used is True
    assert {c.name for c in InvitationToken.__table__.columns} == {"id", "survey_id", "token_hash", "batch", "used"}


def test_work_pending_in_the_session_survives_a_replay_rolled_back_to_its_savepoint(db, setup):
    """A replay is rolled back to the submission's SAVEPOINT; what the caller had added to the
    session before (not yet flushed) is not rolled back with it."""
    from models import AuditLog

    survey = make_survey(mode="invitation", battery=False)
    digest = token_hash(generate_tokens(survey, 1, batch="b")[0])
    db.session.commit()
    spec, body = spec_of(survey), response_body(survey)
    assert submit_response(spec, _input(body), channel="invitation", invitation_hash=digest).created
    db.session.commit()
    prepared = prepare_submission(spec, _input(body), channel="invitation", invitation_hash=digest)
    db.session.add(AuditLog(action="test.pending", object_type="survey", object_id=str(survey.id)))
    replay = store_submission(prepared, savepoint=True)
    assert not replay.created  # the token's UPDATE (which autoflushes) failed inside the SAVEPOINT
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "test.pending")) == 1
