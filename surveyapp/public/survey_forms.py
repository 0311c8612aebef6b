"""The survey form without JavaScript: progress kept in the signed session, pages, parsing.

Progress is kept compactly under ``session["sv"]`` (one survey at a time) so the cookie stays
under 4 KB: ``i`` submission id (hex), ``s`` survey id, ``t`` start time (epoch seconds, only in
the respondent's own cookie), ``l`` language, ``d`` demographics, ``n`` the NGO ids asked about,
``a`` answers (``{"12": v, "13": {"5": v}}`` in each type's session form), ``h`` honeypot hit,
``p`` admin preview, ``k`` invitation token hash.
"""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, session
from werkzeug.datastructures import MultiDict

from models import AGE_GROUPS, SETTLEMENTS, SEXES

from ..services.surveys.spec import QuestionSpec, SurveySpec, build_pages, is_asked
from ..services.surveys.types import MISSING, AnswerError
from ..services.surveys.validation import RawAnswer, SubmissionInput

KEY = "sv"
HONEYPOT = "website"
#: Largest signed session we allow ourselves (browsers keep at most 4096 bytes per cookie).
COOKIE_BUDGET = 3900
DEMOGRAPHIC_CHOICES: dict[str, tuple[str, ...]] = {"settlement": SETTLEMENTS, "sex": SEXES, "age_group": AGE_GROUPS}


@dataclass
class Progress:
    survey_id: int
    submission_id: str
    started: int
    language: str
    demographics: dict[str, str] = field(default_factory=dict)
    ngos: list[int] = field(default_factory=list)
    answers: dict[str, Any] = field(default_factory=dict)
    honeypot: bool = False
    preview: bool = False
    invitation: str | None = None

    @classmethod
    def new(cls, survey_id: int, language: str, *, preview: bool = False, invitation: str | None = None) -> "Progress":
        return cls(survey_id, uuid.uuid4().hex, int(time.time()), language, preview=preview, invitation=invitation)

    def dump(self) -> dict[str, Any]:
        data: dict[str, Any] = {"s": self.survey_id, "i": self.submission_id, "t": self.started, "l": self.language,
                                "d": self.demographics, "n": self.ngos, "a": self.answers}
        if self.honeypot:
            data["h"] = 1
        if self.preview:
            data["p"] = 1
        if self.invitation:
            data["k"] = self.invitation
        return data

    @classmethod
    def load(cls, data: dict[str, Any]) -> "Progress":
        return cls(int(data["s"]), str(data["i"]), int(data["t"]), str(data["l"]), dict(data.get("d") or {}),
                   [int(n) for n in data.get("n") or []], dict(data.get("a") or {}), bool(data.get("h")),
                   bool(data.get("p")), data.get("k"))


def load_progress(survey_id: int) -> Progress | None:
    """The respondent's progress on ``survey_id`` from the session, or None."""
    data = session.get(KEY)
    if not isinstance(data, dict) or data.get("s") != survey_id:
        return None
    try:
        return Progress.load(data)
    except (KeyError, TypeError, ValueError):
        return None


def save_progress(progress: Progress) -> bool:
    """Keep the progress in the session; False (and nothing changed) when the cookie would be too big."""
    before = session.get(KEY)
    session[KEY] = progress.dump()
    serializer = current_app.session_interface.get_signing_serializer(current_app)  # type: ignore[attr-defined]
    if serializer is not None and len(serializer.dumps(dict(session))) > COOKIE_BUDGET:
        if before is None:
            session.pop(KEY, None)
        else:
            session[KEY] = before
        return False
    return True


def clear_progress() -> None:
    session.pop(KEY, None)


def answers_of(spec: SurveySpec, progress: Progress) -> dict[tuple[int, int | None], Any]:
    """Canonical answers kept in the progress, keyed by (question id, NGO id or None)."""
    out: dict[tuple[int, int | None], Any] = {}
    for qid_text, stored in progress.answers.items():
        question = spec.by_id.get(int(qid_text)) if qid_text.isdigit() else None
        if question is None:
            continue
        if question.per_ngo and isinstance(stored, dict):
            for ngo_text, value in stored.items():
                out[(question.id, int(ngo_text))] = question.kind.from_session(value)
        elif not question.per_ngo:
            out[(question.id, None)] = question.kind.from_session(stored)
    return out


def store_answer(progress: Progress, question: QuestionSpec, ngo: int | None, value: Any) -> None:
    key = str(question.id)
    if question.per_ngo:
        per = progress.answers.setdefault(key, {})
        if value is MISSING:
            per.pop(str(ngo), None)
        else:
            per[str(ngo)] = question.kind.to_session(value)
    elif value is MISSING:
        progress.answers.pop(key, None)
    else:
        progress.answers[key] = question.kind.to_session(value)


@dataclass
class Item:
    """One question to show, for one NGO or for none."""

    question: QuestionSpec
    ngo: int | None

    @property
    def name(self) -> str:
        return self.question.field_name(self.ngo)


def question_pages(spec: SurveySpec) -> list[list[QuestionSpec]]:
    return build_pages(spec)


def page_items(spec: SurveySpec, questions: list[QuestionSpec], progress: Progress) -> list[Item]:
    """The items of a page that this respondent is asked, given their earlier answers."""
    answers = answers_of(spec, progress)
    items: list[Item] = []
    for question in questions:
        for ngo in (progress.ngos if question.per_ngo else [None]):
            if is_asked(spec, question, answers, ngo):
                items.append(Item(question, ngo))
    return items


def parse_items(items: list[Item], form: MultiDict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """(values by field name — MISSING when unanswered, errors by field name) for a page."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for item in items:
        q = item.question
        try:
            value = q.kind.from_form(form.getlist(item.name), q.options)
        except AnswerError as exc:
            errors[item.name] = str(exc)
            continue
        if value is MISSING and q.required:
            errors[item.name] = "required"
        values[item.name] = value
    return values, errors


def parse_demographics(form: MultiDict[str, str], region_codes: set[str]) -> tuple[dict[str, str], dict[str, str]]:
    """(demographics, errors): region required; settlement, sex and age group optional."""
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    region = form.get("region", "").strip().upper()
    if region in region_codes:
        values["region"] = region
    else:
        errors["region"] = "required"
    for name, allowed in DEMOGRAPHIC_CHOICES.items():
        value = form.get(name, "").strip()
        if value in allowed:
            values[name] = value
        elif value:
            errors[name] = "invalid"
    return values, errors


def submission_input(spec: SurveySpec, progress: Progress) -> SubmissionInput:
    """The submission built from the progress. Answers to questions that are no longer asked (the
    respondent went back and changed an earlier answer) are left out."""
    answers = answers_of(spec, progress)
    raw = [RawAnswer(question=qid, ngo=ngo, value=value, where=spec.by_id[qid].field_name(ngo))
           for (qid, ngo), value in answers.items()
           if (ngo is None or ngo in progress.ngos) and is_asked(spec, spec.by_id[qid], answers, ngo)]
    demo = progress.demographics
    return SubmissionInput(
        submission_id=uuid.UUID(progress.submission_id), language=progress.language, region=demo.get("region", ""),
        settlement=demo.get("settlement"), sex=demo.get("sex"), age_group=demo.get("age_group"),
        answers=raw, asked_ngos=list(progress.ngos),
    )
