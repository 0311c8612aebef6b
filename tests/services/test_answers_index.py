"""``answers`` has one index, the unique constraint ``uq_answers_response_question_ngo``
(response_id, question_id, ngo_key): reading a response's answers, the submission's recount and the
ON DELETE CASCADE from ``responses`` search it. Nothing reads answers by question or NGO, so
they have no index of their own (three b-tree inserts per stored answer saved); the cascades from
``questions`` and ``ngos`` still delete, by scanning."""
from __future__ import annotations

import uuid

from sqlalchemy import func, inspect, select, text

from models import NGO, Answer, Question, Response
from surveyapp.services.surveys.spec import spec_of
from surveyapp.services.surveys.submission import submit_response
from tests.factories import make_ngo
from tests.survey_factories import make_survey, question_ids, region_id, response_body, submission_input

BY_RESPONSE = [
    "SELECT count(*) FROM answers WHERE response_id = :r",
    "SELECT question_id, ngo_id, value_num FROM answers WHERE response_id = :r",
    "DELETE FROM answers WHERE response_id = :r",  # what the cascade does per deleted response
]


def _plan(db, backend: str, sql: str, response_id: uuid.UUID) -> str:
    """The query plan, as text; on PostgreSQL with sequential scans priced out (the test tables
    are tiny, so the planner would scan them whatever indexes exist)."""
    conn = db.session.connection()
    if backend == "sqlite":
        rows = conn.execute(text("EXPLAIN QUERY PLAN " + sql), {"r": response_id.hex}).all()
        return "\n".join(str(row[-1]) for row in rows)
    conn.execute(text("SET LOCAL enable_seqscan = off"))
    return "\n".join(row[0] for row in conn.execute(text("EXPLAIN " + sql), {"r": response_id}))


def test_answers_by_response_search_the_unique_constraints_index(db, regions, backend):
    indexes = {ix["name"]: ix["column_names"] for ix in inspect(db.session.connection()).get_indexes("answers")}
    assert not [name for name in indexes if name.startswith("ix_answers_")], indexes
    response_id = uuid.uuid4()
    for sql in BY_RESPONSE:
        plan = _plan(db, backend, sql, response_id)
        if backend == "sqlite":  # the unique constraint's automatic index, searched by its first column
            assert "USING" in plan and "INDEX sqlite_autoindex_answers_" in plan and "(response_id=?)" in plan, plan
            assert "SCAN" not in plan, plan
        else:
            assert "uq_answers_response_question_ngo" in plan and "Seq Scan" not in plan, plan
    db.session.rollback()


def test_deleting_a_response_still_deletes_its_answers(db, regions):
    survey = make_survey(battery=False)
    spec = spec_of(survey)
    kept, gone = (submit_response(spec, submission_input(response_body(survey, submission_id=str(uuid.uuid4()))),
                                  channel="api") for _ in range(2))
    db.session.commit()
    db.session.execute(Response.__table__.delete().where(Response.id == gone.response_id))
    db.session.commit()
    by_response = dict(db.session.execute(select(Answer.response_id, func.count()).group_by(Answer.response_id)).all())
    assert by_response == {kept.response_id: 1}


def test_deleting_a_question_or_an_ngo_still_deletes_their_answers(db, regions):
    """The ON DELETE CASCADE from ``questions`` and ``ngos`` works without an index on the key (the
    app deletes questions of drafts only and never NGOs; here rows are deleted by hand)."""
    ngos = [make_ngo(region_id=region_id("KZ-55")) for _ in range(2)]
    survey = make_survey(ngos=ngos)
    spec = spec_of(survey)
    submit_response(spec, submission_input(response_body(survey, ngos=[n.id for n in ngos])), channel="api")
    db.session.commit()

    def count(*where) -> int:
        return db.session.execute(select(func.count()).select_from(Answer).where(*where)).scalar_one()

    total, overall, ngo = count(), question_ids(survey)["overall"], ngos[0].id
    assert count(Answer.question_id == overall) == 1 and count(Answer.ngo_id == ngo) == 5
    db.session.execute(Question.__table__.delete().where(Question.id == overall))
    db.session.execute(NGO.__table__.delete().where(NGO.id == ngo))
    db.session.commit()
    assert count(Answer.question_id == overall) == 0 and count(Answer.ngo_id == ngo) == 0
    assert count() == total - 1 - 5
