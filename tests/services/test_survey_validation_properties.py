"""Properties of survey answer validation (``services/surveys/types.py`` and ``validation.py``): any
value for any question type is a canonical value that survives storage, or an AnswerError with a
message; any submission is accepted or refused with every problem named by its field — never another
exception, and never a field name the client cannot map back to its input."""
from __future__ import annotations

import re
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveyapp.services.errors import ValidationError
from surveyapp.services.surveys.spec import spec_of
from surveyapp.services.surveys.types import MISSING, QUESTION_TYPES, AnswerError
from surveyapp.services.surveys.validation import CleanSubmission, RawAnswer, SubmissionInput, validate_submission
from tests.factories import make_ngo
from tests.survey_factories import CHANNEL_OPTIONS, make_survey, region_id

OPTIONS = {"single": CHANNEL_OPTIONS, "multi": CHANNEL_OPTIONS}
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-20, 20) | st.integers() | st.floats() | st.text(max_size=30)
    | st.sampled_from(["tv", "web", "friends", "dk", "5", " 3 ", "\x00", "x" * 501]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8)
form_values = st.lists(st.one_of(st.text(max_size=12), st.sampled_from(["tv", "web", "dk", "1", "5", "10", "²", "٣"])),
                       max_size=4)
#: What validate_submission may name: a top-level field, answers.<i>[.question|.ngo|.value], or q<id>[_n<id>].
FIELD = re.compile(r"(language|region|settlement|sex|age_group|answers|answers\.\d+(\.(question|ngo|value))?"
                   r"|q\d+(_n\d+)?)")


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(QUESTION_TYPES)), json_values)
def test_any_json_value_is_canonical_or_an_answer_error(type_name, value):
    kind, options = QUESTION_TYPES[type_name], OPTIONS.get(type_name, [])
    try:
        canonical = kind.from_json(value, options)
    except AnswerError as exc:
        assert str(exc)
        return
    stored = kind.to_columns(canonical)
    assert kind.from_columns(stored["value_num"], stored["value_text"], stored["value_list"]) == canonical
    assert kind.from_session(kind.to_session(canonical)) == canonical


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(QUESTION_TYPES)), form_values)
def test_any_form_strings_are_canonical_missing_or_an_answer_error(type_name, raw):
    kind, options = QUESTION_TYPES[type_name], OPTIONS.get(type_name, [])
    try:
        value = kind.from_form(raw, options)
    except AnswerError as exc:
        assert str(exc)
        return
    if value is not MISSING:
        assert kind.from_json(value, options) == value  # what the form accepts, the API accepts as the same value
        assert kind.from_form(kind.to_form(value), options) == value


@pytest.fixture
def survey_setup(db, regions):
    """One survey for all examples (examples only read; each rolls back)."""
    local, national = make_ngo(region_id=region_id("KZ-55")), make_ngo()
    return spec_of(make_survey(ngos=[local, national])), local.id, national.id


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(data=st.data())
def test_any_submission_is_accepted_or_refused_field_by_field(db, survey_setup, data):
    spec, local, national = survey_setup
    question_ids = [q.id for q in spec.questions]
    answers = data.draw(st.lists(st.builds(
        RawAnswer,
        question=st.one_of(st.sampled_from(question_ids), st.integers(-5, 2**31 - 1)),
        ngo=st.one_of(st.none(), st.sampled_from([local, national]), st.integers(-5, 2**63)),
        value=json_values), max_size=12))
    submission = SubmissionInput(
        submission_id=uuid.uuid4(),
        language=data.draw(st.sampled_from(["kk", "ru", "en", "de", ""])),
        region=data.draw(st.sampled_from(["KZ-55", "kz-75", " KZ-19 ", "KZ-99", "", "' OR 1=1--"])),
        settlement=data.draw(st.sampled_from([None, "urban", "rural", "moon"])),
        sex=data.draw(st.sampled_from([None, "female", "male", "x"])),
        age_group=data.draw(st.sampled_from([None, "18-29", "30-44", "200+"])),
        answers=answers)
    try:
        clean = validate_submission(spec, submission)
    except ValidationError as exc:
        assert exc.fields and all(FIELD.fullmatch(key) for key in exc.fields), exc.fields
        assert all(isinstance(v, str) and v for v in exc.fields.values())
        return
    finally:
        db.session.rollback()
    assert isinstance(clean, CleanSubmission) and len(clean.payload_hash()) == 64
    assert set(clean.answers) <= {(a.question, a.ngo) for a in answers}


def test_field_import_with_an_ngo_id_past_the_integer_column_rejects_the_row(runner, db, survey_setup, tmp_path):
    """Regression: a CSV header ``aware:1099511627776`` reached PostgreSQL's integer column (DataError,
    a traceback from ``senim responses import``); the row is now rejected naming the column."""
    spec, _local, _national = survey_setup
    path = tmp_path / "field.csv"
    path.write_bytes(f"region,settlement,sex,age_group,language,date,overall,aware:{2**40}\n"
                     "KZ-55,rural,female,60+,kk,2026-03-01,5,yes\n".encode())
    result = runner.invoke(args=["responses", "import", str(path), "--survey", str(spec.id)])
    assert result.exit_code == 0, repr(result.exception)
    assert "not an NGO of this survey" in result.output and "0 imported" in result.output
