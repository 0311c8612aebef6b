"""Building surveys: settings, questions, the NGO battery and guarded status changes. Flushes only.

Every change writes an AuditLog row. Questions of a survey that already has responses cannot be
added, changed, moved or deleted (the answers would no longer mean what they meant); copy the
survey (export, import) to make a new wave instead.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from models import LANGUAGES, AuditLog, Question, Response, Survey, SurveyNGO, db
from models.survey import CONSTRUCTS, QUESTION_TYPES, SURVEY_MODES

from ..errors import ConflictError, ValidationError
from .types import AnswerError, question_type

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
PERIOD_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_.\-]{0,15}$")
MAX_NGOS_PER_RESPONDENT = 20
MAX_SECTION = 50


@dataclass
class SurveyInput:
    titles: dict[str, str]
    period: str
    intros: dict[str, str] = field(default_factory=dict)
    mode: str = "open"
    languages: list[str] = field(default_factory=lambda: list(LANGUAGES))
    ngos_per_respondent: int = 6
    ngos_by_region: bool = True
    opens_on: dt.date | None = None
    closes_on: dt.date | None = None


@dataclass
class QuestionInput:
    code: str
    type: str
    texts: dict[str, str]
    construct: str = "other"
    section: int = 1
    required: bool = True
    per_ngo: bool = False
    options: list[dict[str, Any]] = field(default_factory=list)
    depends_on_id: int | None = None
    depends_value: str | None = None


def _audit(actor_id: int | None, action: str, survey_id: int, detail: dict[str, Any] | None = None) -> None:
    db.session.add(AuditLog(user_id=actor_id, action=action, object_type="survey", object_id=str(survey_id),
                            detail=detail or {}))


def check_survey_input(data: SurveyInput) -> None:
    """Raise ValidationError naming each invalid field of a survey's settings."""
    errors: dict[str, str] = {}
    if not any((data.titles.get(lang) or "").strip() for lang in LANGUAGES):
        errors["title_en"] = "give a title in at least one language"
    for lang in LANGUAGES:
        if len(data.titles.get(lang) or "") > 300:
            errors[f"title_{lang}"] = "at most 300 characters"
        if len(data.intros.get(lang) or "") > 5000:
            errors[f"intro_{lang}"] = "at most 5000 characters"
    if not PERIOD_RE.match(data.period or ""):
        errors["period"] = "a short label such as 2026-Q1 (letters, digits, '-', '_', '.'; at most 16)"
    if data.mode not in SURVEY_MODES:
        errors["mode"] = "must be one of " + ", ".join(SURVEY_MODES)
    if not data.languages or any(lang not in LANGUAGES for lang in data.languages):
        errors["languages"] = "choose one or more of kk, ru, en"
    else:
        for lang in data.languages:
            if not (data.titles.get(lang) or "").strip():
                errors[f"title_{lang}"] = "required for each language the survey is offered in"
    if isinstance(data.ngos_per_respondent, bool) or not isinstance(data.ngos_per_respondent, int) or \
            not 1 <= data.ngos_per_respondent <= MAX_NGOS_PER_RESPONDENT:
        errors["ngos_per_respondent"] = f"a whole number from 1 to {MAX_NGOS_PER_RESPONDENT}"
    if data.opens_on and data.closes_on and data.closes_on < data.opens_on:
        errors["closes_on"] = "must not be before the opening date"
    if errors:
        raise ValidationError("The survey settings are not valid", errors)


def _apply_survey(survey: Survey, data: SurveyInput) -> None:
    for lang in LANGUAGES:
        setattr(survey, f"title_{lang}", (data.titles.get(lang) or "").strip() or None)
        setattr(survey, f"intro_{lang}", (data.intros.get(lang) or "").strip() or None)
    survey.period, survey.mode = data.period.strip(), data.mode
    survey.languages = [lang for lang in LANGUAGES if lang in data.languages]
    survey.ngos_per_respondent, survey.ngos_by_region = data.ngos_per_respondent, bool(data.ngos_by_region)
    survey.opens_on, survey.closes_on = data.opens_on, data.closes_on


def create_survey(data: SurveyInput, *, actor_id: int | None = None) -> Survey:
    """A new draft survey. Raises ValidationError."""
    check_survey_input(data)
    survey = Survey(status="draft")
    _apply_survey(survey, data)
    db.session.add(survey)
    db.session.flush()
    _audit(actor_id, "survey.create", survey.id, {"period": survey.period})
    db.session.flush()
    return survey


def update_survey(survey: Survey, data: SurveyInput, *, actor_id: int | None = None) -> None:
    """Change a survey's settings. Raises ValidationError; ConflictError when the mode or languages
    of a survey with responses would change."""
    check_survey_input(data)
    if response_count(survey.id) and (data.mode != survey.mode or sorted(data.languages) != sorted(survey.languages)):
        raise ConflictError("The mode and languages of a survey with responses cannot change",
                            {"mode": "survey has responses"})
    _apply_survey(survey, data)
    _audit(actor_id, "survey.update", survey.id)
    db.session.flush()


def response_count(survey_id: int) -> int:
    """Number of stored responses of a survey."""
    return db.session.scalar(select(func.count()).select_from(Response).where(Response.survey_id == survey_id)) or 0


def ensure_questions_editable(survey: Survey) -> None:
    """Raise ConflictError when the survey already has responses."""
    if response_count(survey.id):
        raise ConflictError(
            "This survey already has responses, so its questions cannot be changed. "
            "Export it and import the copy to make a new wave.", {"questions": "survey has responses"})


def check_question_input(survey: Survey, data: QuestionInput, *, editing: Question | None = None) -> None:
    """Raise ValidationError naming each invalid field of a question."""
    errors: dict[str, str] = {}
    if not CODE_RE.match(data.code or ""):
        errors["code"] = "lower-case letters, digits and '_', starting with a letter (at most 40)"
    elif any(q.code == data.code and q is not editing for q in survey.questions):
        errors["code"] = "another question of this survey has this code"
    if data.type not in QUESTION_TYPES:
        errors["type"] = "must be one of " + ", ".join(QUESTION_TYPES)
    if data.construct not in CONSTRUCTS:
        errors["construct"] = "must be one of " + ", ".join(CONSTRUCTS)
    if isinstance(data.section, bool) or not isinstance(data.section, int) or not 1 <= data.section <= MAX_SECTION:
        errors["section"] = f"a page number from 1 to {MAX_SECTION}"
    for lang in survey.languages or LANGUAGES:
        if not (data.texts.get(lang) or "").strip():
            errors[f"text_{lang}"] = "required for each language the survey is offered in"
    if data.type in QUESTION_TYPES:
        try:
            question_type(data.type).check_options(data.options)
        except AnswerError as exc:
            errors["options"] = str(exc)
    if data.depends_on_id is not None:
        parent = next((q for q in survey.questions if q.id == data.depends_on_id), None)
        if parent is None or parent is editing:
            errors["depends_on_id"] = "must be another question of this survey"
        elif editing is not None and parent.position > editing.position:
            errors["depends_on_id"] = "must come before this question"
        elif parent.per_ngo and not data.per_ngo:
            errors["depends_on_id"] = "a general question cannot depend on a per-NGO question"
        elif not _value_fits(parent, data.depends_value):
            errors["depends_value"] = f"not a possible answer of {parent.code}"
    if errors:
        raise ValidationError("The question is not valid", errors)


def _value_fits(parent: Question, value: str | None) -> bool:
    if not value:
        return False
    if parent.type == "yesno":
        return value in ("yes", "no")
    if parent.type in ("single", "multi"):
        return value in [str(o.get("value")) for o in parent.options or []]
    if parent.type in ("scale5", "scale10"):
        return value.isdigit()
    return True


def _apply_question(question: Question, data: QuestionInput) -> None:
    question.code, question.type, question.construct = data.code, data.type, data.construct
    question.section, question.required, question.per_ngo = data.section, bool(data.required), bool(data.per_ngo)
    for lang in LANGUAGES:
        setattr(question, f"text_{lang}", (data.texts.get(lang) or "").strip() or None)
    question.options = [dict(o) for o in data.options] if question_type(data.type).has_options else []
    question.depends_on_id = data.depends_on_id
    question.depends_value = data.depends_value if data.depends_on_id is not None else None


def add_question(survey: Survey, data: QuestionInput, *, actor_id: int | None = None) -> Question:
    """Append a question. Raises ValidationError, ConflictError (survey has responses)."""
    ensure_questions_editable(survey)
    check_question_input(survey, data)
    position = max((q.position for q in survey.questions), default=0) + 1
    question = Question(survey_id=survey.id, position=position)
    _apply_question(question, data)
    survey.questions.append(question)
    db.session.flush()
    _audit(actor_id, "survey.question_add", survey.id, {"question": question.id, "code": question.code})
    db.session.flush()
    return question


def update_question(question: Question, data: QuestionInput, *, actor_id: int | None = None) -> None:
    """Change a question. Raises ValidationError, ConflictError (survey has responses)."""
    survey = question.survey
    ensure_questions_editable(survey)
    check_question_input(survey, data, editing=question)
    _apply_question(question, data)
    _audit(actor_id, "survey.question_update", survey.id, {"question": question.id, "code": question.code})
    db.session.flush()


def delete_question(question: Question, *, actor_id: int | None = None) -> None:
    """Delete a question (questions depending on it become unconditional). Raises ConflictError."""
    survey = question.survey
    ensure_questions_editable(survey)
    for other in survey.questions:
        if other.depends_on_id == question.id:
            other.depends_on_id, other.depends_value = None, None
    _audit(actor_id, "survey.question_delete", survey.id, {"question": question.id, "code": question.code})
    survey.questions.remove(question)
    db.session.delete(question)
    db.session.flush()


def move_question(question: Question, direction: str, *, actor_id: int | None = None) -> None:
    """Swap a question with its neighbour (``up`` or ``down``). Raises ConflictError, ValidationError."""
    survey = question.survey
    ensure_questions_editable(survey)
    if direction not in ("up", "down"):
        raise ValidationError("Unknown direction", {"direction": "up or down"})
    ordered = sorted(survey.questions, key=lambda q: (q.position, q.id))
    i = ordered.index(question)
    j = i - 1 if direction == "up" else i + 1
    if not 0 <= j < len(ordered):
        return
    other = ordered[j]
    if question.depends_on_id == other.id or other.depends_on_id == question.id:
        raise ConflictError("A question must stay after the question it depends on", {"position": "dependency"})
    question.position, other.position = other.position, question.position
    _audit(actor_id, "survey.question_move", survey.id, {"question": question.id, "direction": direction})
    db.session.flush()


def change_status(survey: Survey, target: str, *, actor_id: int | None = None) -> None:
    """Move a survey draft → open → closed (closed → open reopens). Opening needs at least one
    question and, when questions are asked per NGO, a non-empty NGO set.
    Raises ConflictError for a change the state machine does not allow."""
    if not survey.can_move_to(target):
        raise ConflictError(f"A {survey.status} survey cannot become {target}", {"status": "not allowed"})
    if target == "open":
        if not survey.questions:
            raise ConflictError("Add at least one question before opening the survey", {"status": "no questions"})
        has_set = db.session.scalar(select(func.count()).select_from(SurveyNGO)
                                    .where(SurveyNGO.survey_id == survey.id))
        if any(q.per_ngo for q in survey.questions) and not has_set:
            raise ConflictError("Choose the NGO set before opening the survey", {"status": "empty NGO set"})
    before = survey.status
    survey.status = target
    _audit(actor_id, "survey.status", survey.id, {"from": before, "to": target})
    db.session.flush()
