"""prepare_submission (read, validate) then store_submission in a short write transaction, as the
survey API does: what changes between the two steps is caught, and exactly-once still holds."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from models import Answer, Question, Response, Survey
from surveyapp.database import begin_reads, commit_write_transaction, write_transaction
from surveyapp.services.errors import ConflictError, ValidationError
from surveyapp.services.surveys.invitations import (
    InvitationError,
    generate_tokens,
    token_hash,
)
from surveyapp.services.surveys.spec import SurveyClosedError, load_spec
from surveyapp.services.surveys.submission import prepare_submission, store_submission
from tests.factories import make_ngo
from tests.survey_factories import make_survey, question_ids, region_id, response_body
from tests.survey_factories import submission_input as _input



@pytest.fixture
def setup(db, regions):
    local = make_ngo(region_id=region_id("KZ-55"))
    survey = make_survey(ngos=[local])
    return {"survey_id": survey.id, "local": local.id, "survey": survey}


def _submit(db, survey_id: int, body: dict, **options):
    """The API's sequence: read and validate, then write and commit in write_transaction."""
    prepared = prepare_submission(load_spec(survey_id), _input(body), channel="api", **options)
    with write_transaction(db.session):
        result = store_submission(prepared, savepoint=False)
        db.session.commit()
    return result


def _rows(db) -> tuple[int, int]:
    db.session.rollback()
    return (db.session.scalar(select(func.count()).select_from(Response)),
            db.session.scalar(select(func.count()).select_from(Answer)))


def test_created_then_replayed_then_conflicting(db, setup):
    body = response_body(setup["survey"], ngos=[setup["local"]])
    first = _submit(db, setup["survey_id"], body)
    again = _submit(db, setup["survey_id"], body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.body == first.body and first.body["answers"] == 6
    changed = dict(body, answers=[dict(body["answers"][0], value=1), *body["answers"][1:]])
    with pytest.raises(ConflictError):
        _submit(db, setup["survey_id"], changed)
    assert _rows(db) == (1, 6)


def test_survey_closed_between_validation_and_write_stores_nothing(db, setup):
    body = response_body(setup["survey"], ngos=[setup["local"]])
    prepared = prepare_submission(load_spec(setup["survey_id"]), _input(body), channel="api")
    db.session.commit()
    db.session.get(Survey, setup["survey_id"]).status = "closed"  # an admin closes it meanwhile
    db.session.commit()
    with pytest.raises(SurveyClosedError), write_transaction(db.session):
        store_submission(prepared, savepoint=False)
        db.session.commit()
    assert _rows(db) == (0, 0)


def test_question_edited_before_the_first_response_is_validated_afresh(db, setup):
    body = response_body(setup["survey"], ngos=[setup["local"]])
    prepared = prepare_submission(load_spec(setup["survey_id"]), _input(body), channel="api")
    db.session.commit()
    recommend = question_ids(setup["survey"])["recommend"]
    db.session.get(Question, recommend).required = True  # edited: allowed while there are no responses
    db.session.commit()
    with pytest.raises(ValidationError) as info, write_transaction(db.session):
        store_submission(prepared, savepoint=False)
        db.session.commit()
    assert f"q{recommend}" in info.value.fields
    assert _rows(db) == (0, 0)


def test_survey_with_responses_is_not_reread(db, setup, monkeypatch):
    _submit(db, setup["survey_id"], response_body(setup["survey"], ngos=[setup["local"]]))
    prepared = prepare_submission(load_spec(setup["survey_id"]),
                                  _input(response_body(setup["survey"], ngos=[setup["local"]])), channel="api")
    from surveyapp.services.surveys import submission

    def fail(*_a, **_k):
        raise AssertionError("questions are locked once responses exist: no need to read them again")

    monkeypatch.setattr(submission, "load_spec", fail)
    with write_transaction(db.session):
        assert store_submission(prepared, savepoint=False).status_code == 201
        db.session.commit()
    assert _rows(db) == (2, 12)


def test_invitation_token_used_once_in_the_write_transaction(db, setup):
    survey = make_survey(mode="invitation", battery=False)
    token = generate_tokens(survey, 1, batch="b")[0]
    db.session.commit()
    body = response_body(survey)
    assert _submit(db, survey.id, body, invitation_hash=token_hash(token)).status_code == 201
    assert _submit(db, survey.id, body, invitation_hash=token_hash(token)).status_code == 200  # replay
    with pytest.raises(InvitationError):
        _submit(db, survey.id, response_body(survey), invitation_hash=token_hash(token))
    assert _rows(db)[0] == 1


def test_concurrent_identical_submissions_make_one_row(app, db, setup):
    body = response_body(setup["survey"], ngos=[setup["local"]])
    barrier = threading.Barrier(4)
    results: list[object] = []

    def worker() -> None:
        with app.app_context():
            from models import db as _db

            try:
                prepared = prepare_submission(load_spec(setup["survey_id"]), _input(body), channel="api")
                barrier.wait(timeout=10)
                with write_transaction(_db.session):
                    results.append(store_submission(prepared, savepoint=False).status_code)
                    _db.session.commit()
            except Exception as exc:  # noqa: BLE001 - recorded and asserted below
                results.append(repr(exc))
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results, key=str) == [200, 200, 200, 201], results
    assert _rows(db) == (1, 6)


def test_write_turn_says_whether_another_writer_held_the_lock(app, db, setup, backend):
    """``write_transaction`` yields whether this writer queued behind another (a thread of this
    process or another process): bulk uploads use it to give way to survey submissions."""
    import fcntl

    from surveyapp.database import _file_lock

    with write_transaction(db.session) as turn:
        db.session.commit()
    assert turn.waited is False
    if backend != "sqlite":
        return  # no single writer: nothing to queue for
    holding, release = threading.Event(), threading.Event()
    path = _file_lock(db.engine.url.database).path

    def other_process_writing() -> None:  # an flock on another open file behaves like another process
        with open(path, "rb") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            holding.set()
            release.wait(10)
            fcntl.flock(fh, fcntl.LOCK_UN)

    other = threading.Thread(target=other_process_writing)
    other.start()
    assert holding.wait(10)
    threading.Timer(0.05, release.set).start()
    with write_transaction(db.session) as turn:
        db.session.commit()
    other.join(10)
    assert turn.waited is True


def test_commit_after_begin_reads_commits_on_the_driver_and_reads_on(db, setup, backend):
    """The API's commit (``commit_write_transaction``) after ``begin_reads``: the rows and pending
    ORM changes are committed (another connection sees them), and the session reads and writes on."""
    body = response_body(setup["survey"], ngos=[setup["local"]])
    db.session.commit()
    begin_reads(db.session)
    prepared = prepare_submission(load_spec(setup["survey_id"]), _input(body), channel="api")
    with write_transaction(db.session):
        store_submission(prepared, savepoint=False)
        db.session.get(Survey, setup["survey_id"]).title_ru = "ә ғ қ ң ө ұ ү һ і"  # a pending ORM change
        commit_write_transaction(db.session)
    with db.engine.connect() as other:  # committed: a fresh connection sees both
        assert other.scalar(select(func.count()).select_from(Answer)) == 6
        assert other.scalar(select(Survey.title_ru).where(Survey.id == setup["survey_id"])) == "ә ғ қ ң ө ұ ү һ і"
    if backend == "sqlite":  # still as begin_reads left it: no driver transaction, reads on their own
        assert not db.session.connection().connection.driver_connection.in_transaction
    second = response_body(setup["survey"], ngos=[setup["local"]])
    prepared = prepare_submission(load_spec(setup["survey_id"]), _input(second), channel="api")
    with pytest.raises(RuntimeError), write_transaction(db.session):  # a failed block is rolled back
        store_submission(prepared, savepoint=False)
        raise RuntimeError("after the INSERTs")
    assert _rows(db) == (1, 6)
    assert _submit(db, setup["survey_id"], second).status_code == 201
    assert _rows(db) == (2, 12)
