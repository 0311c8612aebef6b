"""Survey building: settings, questions, transitions, NGO sets and rotation, JSON export/import."""
from __future__ import annotations

import json
import random
import uuid
from collections import Counter

import pytest
from sqlalchemy import func, select

from models import AuditLog, Survey, SurveyNGO
from surveyapp.services.errors import ConflictError, ValidationError
from surveyapp.services.surveys.building import (
    QuestionInput, SurveyInput, add_question, change_status, create_survey, delete_question, move_question,
    update_question,
)
from surveyapp.services.surveys.fileformat import export_survey, import_survey
from surveyapp.services.surveys.ngoset import ngos_for_respondent, sample_ngos, set_ngo_set
from surveyapp.services.surveys.spec import build_pages, spec_of
from surveyapp.services.surveys.submission import submit_response
from surveyapp.services.surveys.validation import RawAnswer, SubmissionInput
from tests.factories import HOSTILE_STRINGS, make_ngo
from tests.survey_factories import TITLES, make_survey, region_id, texts


def test_create_requires_titles_in_each_language(db, regions):
    with pytest.raises(ValidationError) as info:
        create_survey(SurveyInput(titles={"en": "Only English"}, period="2026-Q1", languages=["kk", "en"]))
    assert "title_kk" in info.value.fields
    with pytest.raises(ValidationError) as info:
        create_survey(SurveyInput(titles=TITLES, period="bad period!", ngos_per_respondent=0))
    assert {"period", "ngos_per_respondent"} <= set(info.value.fields)


def test_transitions_are_guarded_and_audited(db, regions):
    survey = create_survey(SurveyInput(titles=TITLES, period="2026-Q1"), actor_id=None)
    with pytest.raises(ConflictError):
        change_status(survey, "open")  # no questions yet
    with pytest.raises(ConflictError):
        change_status(survey, "closed")  # draft → closed is not a transition
    add_question(survey, QuestionInput(code="aware", type="yesno", per_ngo=True, texts=texts("Heard of it?")))
    with pytest.raises(ConflictError):
        change_status(survey, "open")  # per-NGO question but no NGO set
    set_ngo_set(survey, ngo_ids=[make_ngo().id])
    change_status(survey, "open")
    change_status(survey, "closed")
    change_status(survey, "open")  # reopen
    with pytest.raises(ConflictError):
        change_status(survey, "draft")
    db.session.commit()
    actions = [a.action for a in db.session.scalars(select(AuditLog).order_by(AuditLog.id))]
    assert actions.count("survey.status") == 3 and "survey.create" in actions and "survey.ngo_set" in actions


def test_questions_are_locked_once_there_are_responses(db, regions):
    survey = make_survey(battery=False)
    overall = next(q for q in survey.questions if q.code == "overall")
    submit_response(spec_of(survey), SubmissionInput(
        submission_id=uuid.uuid4(), language="ru", region="KZ-55",
        answers=[RawAnswer(overall.id, None, 3)],
    ), channel="web")
    db.session.commit()
    with pytest.raises(ConflictError):
        update_question(overall, QuestionInput(code="overall", type="scale5", texts=texts("Changed")))
    with pytest.raises(ConflictError):
        delete_question(overall)
    with pytest.raises(ConflictError):
        add_question(survey, QuestionInput(code="extra", type="yesno", texts=texts("New")))
    with pytest.raises(ConflictError):
        move_question(overall, "down")


def test_question_validation_names_fields(db, regions):
    survey = make_survey(battery=False, status="draft")
    with pytest.raises(ValidationError) as info:
        add_question(survey, QuestionInput(code="Bad Code", type="single", texts={"en": "x"}, options=[]))
    assert {"code", "options", "text_ru", "text_kk"} <= set(info.value.fields)
    with pytest.raises(ValidationError) as info:
        add_question(survey, QuestionInput(code="overall", type="yesno", texts=texts("dup")))
    assert "code" in info.value.fields
    parent = next(q for q in survey.questions if q.code == "channels")
    with pytest.raises(ValidationError) as info:
        add_question(survey, QuestionInput(code="why", type="text", texts=texts("Why?"), depends_on_id=parent.id,
                                           depends_value="radio"))
    assert "depends_value" in info.value.fields


def test_move_and_delete_keep_order_and_dependencies(db, regions):
    survey = make_survey(status="draft")
    codes = lambda: [q.code for q in sorted(survey.questions, key=lambda q: q.position)]  # noqa: E731
    comment = next(q for q in survey.questions if q.code == "comment")
    move_question(comment, "up")
    assert codes()[:3] == ["overall", "comment", "channels"]
    aware = next(q for q in survey.questions if q.code == "aware")
    trust = next(q for q in survey.questions if q.code == "trust")
    with pytest.raises(ConflictError):
        move_question(trust, "up")  # would put trust before aware
    delete_question(aware)
    db.session.commit()
    assert trust.depends_on_id is None and "aware" not in codes()


def test_pages_of_the_factory_survey(db, regions):
    survey = make_survey()
    pages = build_pages(spec_of(survey))
    assert [[q.code for q in page] for page in pages] == [
        ["overall", "channels", "comment"], ["aware"], ["trust", "usefulness", "transparency", "project"],
        ["recommend"],
    ]


def test_ngo_set_by_region_national_sector_and_explicit(db, regions):
    pav, ala = region_id("KZ-55"), region_id("KZ-75")
    a = make_ngo(region_id=pav, sector="health")
    b = make_ngo(region_id=pav, sector="youth")
    c = make_ngo(sector="health")
    d = make_ngo(region_id=ala)
    survey = make_survey(status="draft")
    assert set_ngo_set(survey, region_codes=["KZ-55"], include_national=True, sectors=["health"]) == 2
    assert set(db.session.scalars(select(SurveyNGO.ngo_id).where(SurveyNGO.survey_id == survey.id))) == {a.id, c.id}
    assert set_ngo_set(survey, region_codes=["KZ-55"], ngo_ids=[d.id]) == 3
    with pytest.raises(ValidationError):
        set_ngo_set(survey, region_codes=["KZ-00"])
    with pytest.raises(ValidationError):
        set_ngo_set(survey, ngo_ids=[999999])
    assert b.id  # used


def test_respondents_see_their_region_plus_national_and_rotation_covers_all(db, regions):
    pav, ala = region_id("KZ-55"), region_id("KZ-75")
    local = [make_ngo(region_id=pav) for _ in range(6)]
    national = [make_ngo() for _ in range(6)]
    other = [make_ngo(region_id=ala) for _ in range(3)]
    survey = make_survey(ngos=local + national + other, ngos_per_respondent=4)
    rng = random.Random(7)
    seen: Counter[int] = Counter()
    for _ in range(300):
        chosen = ngos_for_respondent(survey, pav, rng)
        assert len(chosen) == 4 and len(set(chosen)) == 4
        assert not set(chosen) & {n.id for n in other}
        assert len(set(chosen) & {n.id for n in local}) == 2  # half from the region
        seen.update(chosen)
    assert set(seen) == {n.id for n in local + national}  # every eligible NGO is rotated in
    assert max(seen.values()) < 2 * min(seen.values())  # roughly evenly


def test_sample_tops_up_from_the_larger_group():
    chosen = sample_ngos([1], [2, 3, 4, 5], 4, random.Random(1))
    assert len(chosen) == 4 and 1 in chosen  # the only regional NGO plus three national ones
    assert len(sample_ngos([1, 2, 3, 4, 5], [6], 4, random.Random(2))) == 4
    assert sample_ngos([], [], 4) == []
    assert len(sample_ngos([1, 2], [3], 6)) == 3


def test_export_import_round_trip(db, regions):
    ngo = make_ngo(bin="123456789012")
    survey = make_survey(ngos=[ngo], titles={"kk": HOSTILE_STRINGS[0], "ru": "{{7*7}}", "en": "=HYPERLINK(1)"})
    exported = export_survey(survey)
    copy = import_survey(json.dumps(exported).encode("utf-8"))
    db.session.commit()
    assert copy.id != survey.id and copy.status == "draft"
    again = export_survey(copy)
    assert again == exported
    assert copy.title_kk == HOSTILE_STRINGS[0]  # stored verbatim


@pytest.mark.parametrize("mutate,field", [
    (lambda d: d["questions"][0].update(type="slider"), "questions.0.type"),
    (lambda d: d["questions"][4].update(depends_on="nope"), "questions.4.depends_on"),
    (lambda d: d["survey"].update(ngos_per_respondent="6"), "survey.ngos_per_respondent"),
    (lambda d: d.update(extra=1), "extra"),
    (lambda d: d["questions"][1].update(options=[]), "questions.1.options"),
    (lambda d: d["ngos"].append({"id": 999999}), "ngos.1"),
])
def test_bad_survey_files_name_the_field_and_write_nothing(db, regions, mutate, field):
    survey = make_survey(ngos=[make_ngo()])
    before = db.session.scalar(select(func.count()).select_from(Survey))
    data = export_survey(survey)
    mutate(data)
    with pytest.raises(ValidationError) as info:
        import_survey(json.dumps(data).encode("utf-8"))
    assert field in info.value.fields, info.value.fields
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Survey)) == before


@pytest.mark.parametrize("raw", [b"", b"{", b"\xff\xfe", b"[]", b'{"format": "other"}'])
def test_unreadable_survey_files(db, regions, raw):
    with pytest.raises(ValidationError):
        import_survey(raw)
