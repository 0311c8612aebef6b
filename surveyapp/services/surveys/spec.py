"""A survey read once into plain data: questions, their order, pages and dependencies."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import LANGUAGES, Survey, db

from ..errors import DomainError, NotFoundError
from .types import MISSING, QuestionType, question_type


class SurveyClosedError(DomainError):
    """The survey exists but no longer takes answers."""

    status_code = 410


@dataclass(frozen=True)
class QuestionSpec:
    id: int
    code: str
    type: str
    construct: str
    section: int
    position: int
    required: bool
    per_ngo: bool
    texts: dict[str, str]
    options: list[dict[str, Any]]
    depends_on_id: int | None
    depends_value: str | None

    @property
    def kind(self) -> QuestionType:
        return question_type(self.type)

    def text(self, lang: str | None) -> str:
        """The question's text in ``lang``, else English, Russian, Kazakh."""
        for code in ([lang] if lang else []) + ["en", "ru", "kk"]:
            if self.texts.get(code):
                return self.texts[code]
        return self.code

    def option_label(self, option: dict[str, Any], lang: str | None) -> str:
        label = option.get("label") or {}
        if isinstance(label, str):
            return label
        for code in ([lang] if lang else []) + ["en", "ru", "kk"]:
            if label.get(code):
                return str(label[code])
        return str(option.get("value"))

    def field_name(self, ngo_id: int | None = None) -> str:
        """The HTML form field and error key: ``q12`` or ``q12_n5``."""
        return f"q{self.id}" if ngo_id is None else f"q{self.id}_n{ngo_id}"


@dataclass
class SurveySpec:
    id: int
    status: str
    mode: str
    period: str
    languages: list[str]
    ngos_per_respondent: int
    ngos_by_region: bool
    titles: dict[str, str]
    intros: dict[str, str]
    questions: list[QuestionSpec] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.by_id = {q.id: q for q in self.questions}

    def title(self, lang: str | None) -> str:
        for code in ([lang] if lang else []) + ["en", "ru", "kk"]:
            if self.titles.get(code):
                return self.titles[code]
        return ""

    def intro(self, lang: str | None) -> str:
        for code in ([lang] if lang else []) + ["en", "ru", "kk"]:
            if self.intros.get(code):
                return self.intros[code]
        return ""


def spec_of(survey: Survey) -> SurveySpec:
    """Plain-data copy of ``survey`` and its questions (ordered by position)."""
    questions = [
        QuestionSpec(
            id=q.id, code=q.code, type=q.type, construct=q.construct or "other", section=q.section or 1,
            position=q.position, required=bool(q.required), per_ngo=bool(q.per_ngo),
            texts={lang: getattr(q, f"text_{lang}") or "" for lang in LANGUAGES},
            options=list(q.options or []), depends_on_id=q.depends_on_id, depends_value=q.depends_value,
        )
        for q in sorted(survey.questions, key=lambda q: (q.position, q.id))
    ]
    languages = [lang for lang in (survey.languages or LANGUAGES) if lang in LANGUAGES] or list(LANGUAGES)
    return SurveySpec(
        id=survey.id, status=survey.status, mode=survey.mode, period=survey.period, languages=languages,
        ngos_per_respondent=survey.ngos_per_respondent or 6, ngos_by_region=bool(survey.ngos_by_region),
        titles={lang: getattr(survey, f"title_{lang}") or "" for lang in LANGUAGES},
        intros={lang: getattr(survey, f"intro_{lang}") or "" for lang in LANGUAGES},
        questions=questions,
    )


def get_survey(survey_id: int, *, public: bool = True, require_open: bool = False) -> Survey:
    """The survey with its questions. Raises NotFoundError (unknown, or a draft when ``public``)
    and SurveyClosedError (closed when ``require_open``)."""
    survey = db.session.scalar(
        select(Survey).where(Survey.id == survey_id).options(selectinload(Survey.questions))
    )
    if survey is None or (public and survey.status == "draft"):
        raise NotFoundError("No such survey", {"survey": "not found"})
    if require_open and survey.status != "open":
        raise SurveyClosedError("This survey is closed", {"survey": "closed"})
    return survey


def depth_in_section(spec: SurveySpec, question: QuestionSpec) -> int:
    """How many dependency links inside the same section lead to ``question`` (0 for none)."""
    depth, seen, current = 0, {question.id}, question
    while current.depends_on_id is not None:
        parent = spec.by_id.get(current.depends_on_id)
        if parent is None or parent.section != question.section or parent.id in seen:
            break
        depth, current = depth + 1, parent
        seen.add(parent.id)
    return depth


def build_pages(spec: SurveySpec) -> list[list[QuestionSpec]]:
    """The question pages in order: one per section, split so that a question and a question it
    depends on are never on the same page (the form works without JavaScript)."""
    pages: dict[tuple[int, int], list[QuestionSpec]] = {}
    for q in spec.questions:
        pages.setdefault((q.section, depth_in_section(spec, q)), []).append(q)
    return [pages[key] for key in sorted(pages)]


def is_asked(spec: SurveySpec, question: QuestionSpec, answers: dict[tuple[int, int | None], Any],
             ngo_id: int | None) -> bool:
    """Whether ``question`` is asked (for ``ngo_id`` when per NGO) given the answers so far."""
    seen: set[int] = set()
    current = question
    while current.depends_on_id is not None and current.id not in seen:
        seen.add(current.id)
        parent = spec.by_id.get(current.depends_on_id)
        if parent is None:
            return True  # the parent question was deleted: ask unconditionally
        value = answers.get((parent.id, ngo_id if parent.per_ngo else None), MISSING)
        if not parent.kind.matches(value, current.depends_value):
            return False
        current = parent
    return True
