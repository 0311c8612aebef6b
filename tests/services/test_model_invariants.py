"""Invariants the database itself enforces (named CHECK and UNIQUE constraints), on both engines."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models import (
    NGO, Answer, Article, Mention, Question, Response, ScoreSnapshot, Survey, User, cell_key,
)
from tests.factories import HOSTILE_STRINGS, KAZAKH_LETTERS, KAZAKH_NAME, RUSSIAN_NAME, make_ngo


def _fails(db, obj) -> None:
    db.session.add(obj)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_kazakh_russian_and_hostile_text_round_trip_exactly(db, regions):
    names = [KAZAKH_NAME, RUSSIAN_NAME, KAZAKH_LETTERS, *HOSTILE_STRINGS]
    ids = [make_ngo(name_kk=name, name_ru=name).id for name in names]
    db.session.expire_all()
    for ngo_id, name in zip(ids, names):
        ngo = db.session.get(NGO, ngo_id)
        assert ngo.name_kk == name and ngo.name_ru == name


def test_ngo_needs_a_name_and_a_known_sector(db, regions):
    _fails(db, NGO(name_en="", name_ru=None, name_kk=None, sector="other"))
    _fails(db, NGO(name_en="X", sector="astrology"))


def test_bin_is_unique(db, regions):
    make_ngo(bin="123456789012")
    _fails(db, NGO(name_en="Other", bin="123456789012", sector="other"))


def test_user_role_and_lowercase_email(db, regions):
    _fails(db, User(email="x@example.kz", password_hash="h", role="root"))
    _fails(db, User(email="X@Example.kz", password_hash="h", role="admin"))


def _survey(db, regions) -> tuple[Survey, Question]:
    survey = Survey(title_en="S", period="2026-Q1", status="open", mode="open")
    question = Question(code="trust", position=1, type="scale5", construct="trust", text_en="Trust?", per_ngo=True)
    survey.questions.append(question)
    db.session.add(survey)
    db.session.commit()
    return survey, question


def test_one_response_per_submission_id(db, regions):
    survey, _ = _survey(db, regions)
    sid = uuid.uuid4()
    row = dict(survey_id=survey.id, submission_id=sid, payload_hash="a" * 64, region_id=regions["KZ-75"].id,
               language="kk", submitted_on=dt.date(2026, 1, 5))
    db.session.add(Response(**row))
    db.session.commit()
    _fails(db, Response(**row))


def test_response_has_no_column_that_could_identify_a_person(db):
    columns = {c.name for c in Response.__table__.columns}
    forbidden = {"ip", "ip_address", "remote_addr", "user_agent", "referrer", "created_at", "submitted_at"}
    assert not columns & forbidden
    assert str(Response.__table__.c.submitted_on.type) == "DATE"
    assert Response.__table__.c.id.type.__class__.__name__ == "Uuid"


def test_answer_ngo_key_must_match_and_be_unique(db, regions):
    survey, question = _survey(db, regions)
    ngo = make_ngo()
    response = Response(survey_id=survey.id, submission_id=uuid.uuid4(), payload_hash="b" * 64,
                        region_id=regions["KZ-10"].id, language="ru", submitted_on=dt.date(2026, 2, 1))
    db.session.add(response)
    db.session.commit()
    _fails(db, Answer(response_id=response.id, question_id=question.id, ngo_id=ngo.id, ngo_key=0, value_num=4))
    db.session.add(Answer(response_id=response.id, question_id=question.id, ngo_id=ngo.id, ngo_key=ngo.id,
                          value_num=4))
    db.session.commit()
    _fails(db, Answer(response_id=response.id, question_id=question.id, ngo_id=ngo.id, ngo_key=ngo.id,
                      value_num=5))


def test_mention_targets_exactly_one_thing_and_tone_is_bounded(db, regions):
    ngo = make_ngo()
    article = Article(title="t", body="b", published_on=dt.date(2026, 3, 1), content_hash="c" * 64)
    db.session.add(article)
    db.session.commit()
    base = dict(article_id=article.id, matched="x", sentence="x", start=0, end=1)
    _fails(db, Mention(**base, ngo_id=ngo.id, region_id=regions["KZ-75"].id))
    _fails(db, Mention(**base))
    _fails(db, Mention(**base, ngo_id=ngo.id, tone=1.5))
    db.session.add(Mention(**base, ngo_id=ngo.id, tone=-0.4, label="negative", tone_source="lexicon"))
    db.session.commit()


def test_suppressed_snapshot_cannot_carry_a_value(db, regions):
    key = cell_key("trust_index", None, regions["KZ-75"].id, "2026-Q1", "all", "direct")
    _fails(db, ScoreSnapshot(key=key, metric="trust_index", region_id=regions["KZ-75"].id, period="2026-Q1",
                             estimate=55.0, n=9, suppressed=True))
    db.session.add(ScoreSnapshot(key=key, metric="trust_index", region_id=regions["KZ-75"].id,
                                 period="2026-Q1", estimate=None, n=9, suppressed=True))
    db.session.commit()
    _fails(db, ScoreSnapshot(key=key, metric="trust_index", period="2026-Q1", n=20))
    assert db.session.scalar(select(ScoreSnapshot.key)) == "trust_index|*|%d|2026-Q1|all|direct" % regions[
        "KZ-75"].id


def test_a_rolled_back_savepoint_is_undone_on_both_engines(db, regions):
    """SQLite's driver used to commit a SAVEPOINT taken before the first write on release."""
    keep = make_ngo()
    nested = db.session.begin_nested()
    db.session.add(NGO(name_en="Rolled back", sector="other"))
    db.session.flush()
    nested.rollback()
    db.session.rollback()
    assert db.session.scalar(select(NGO).where(NGO.name_en == "Rolled back")) is None
    assert db.session.get(NGO, keep.id) is not None


def test_form_fields_carry_no_none_aria_attributes(client, regions):
    html = client.get("/login").get_data(as_text=True)
    assert 'aria-describedby="None"' not in html and 'aria-invalid="None"' not in html
