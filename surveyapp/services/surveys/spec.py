"""A survey read once into plain data: questions, their order, pages and dependencies."""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import Text, bindparam, cast, exists, select
from sqlalchemy.orm import selectinload

from models import LANGUAGES, Question, Response, Survey, db

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
    #: When the survey row was created: tells a survey from an earlier one with the same id.
    created_at: Any = None

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
        questions=questions, created_at=survey.created_at,
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


_SURVEY_COLUMNS = (
    Survey.id, Survey.status, Survey.mode, Survey.period, cast(Survey.languages, Text),
    Survey.ngos_per_respondent, Survey.ngos_by_region,
    *(getattr(Survey, f"title_{lang}") for lang in LANGUAGES),
    *(getattr(Survey, f"intro_{lang}") for lang in LANGUAGES),
    Survey.created_at,
)
_QUESTION_COLUMNS = (
    Question.id, Question.code, Question.type, Question.construct, Question.section, Question.position,
    Question.required, Question.per_ngo, *(getattr(Question, f"text_{lang}") for lang in LANGUAGES),
    cast(Question.options, Text), Question.depends_on_id, Question.depends_value,
)
_SPEC_QUERY = (
    select(*_SURVEY_COLUMNS, *_QUESTION_COLUMNS)
    .outerjoin(Question, Question.survey_id == Survey.id)
    .where(Survey.id == bindparam("survey_id"))
    .order_by(Question.position, Question.id)
)
_HAS_RESPONSES = select(exists().where(Response.survey_id == bindparam("survey_id")))
_NS, _NL = len(_SURVEY_COLUMNS), len(LANGUAGES)


class _Cached(NamedTuple):
    rows: tuple[tuple[Any, ...], ...]  # what the spec was built from
    spec: SurveySpec
    #: The survey had responses before ``rows`` were read, so its questions, mode and languages can
    #: no longer change (``building.ensure_questions_editable``, ``update_survey``).
    locked: bool


#: survey id → the spec last built for it. Per process, bounded.
_SPEC_CACHE: dict[int, _Cached] = {}
_SPEC_CACHE_LOCK = threading.Lock()
_SPEC_CACHE_MAX = 256


def _json(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _spec_from_rows(rows: tuple[tuple[Any, ...], ...]) -> SurveySpec:
    """The same SurveySpec ``spec_of`` builds, from the rows of ``_SPEC_QUERY``."""
    s = rows[0]
    questions = []
    for row in rows:
        q = row[_NS:]
        if q[0] is None:  # a survey without questions (outer join)
            continue
        qid, code, qtype, construct, section, position, required, per_ngo = q[:8]
        texts = q[8:8 + _NL]
        options, depends_on_id, depends_value = q[8 + _NL:]
        questions.append(QuestionSpec(
            id=qid, code=code, type=qtype, construct=construct or "other", section=section or 1,
            position=position, required=bool(required), per_ngo=bool(per_ngo),
            texts={lang: texts[i] or "" for i, lang in enumerate(LANGUAGES)},
            options=list(_json(options) or []), depends_on_id=depends_on_id, depends_value=depends_value,
        ))
    languages_raw = _json(s[4])
    languages = [lang for lang in (languages_raw or LANGUAGES) if lang in LANGUAGES] or list(LANGUAGES)
    titles = s[7:7 + _NL]
    intros = s[7 + _NL:7 + 2 * _NL]
    return SurveySpec(
        id=s[0], status=s[1], mode=s[2], period=s[3], languages=languages,
        ngos_per_respondent=s[5] or 6, ngos_by_region=bool(s[6]),
        titles={lang: titles[i] or "" for i, lang in enumerate(LANGUAGES)},
        intros={lang: intros[i] or "" for i, lang in enumerate(LANGUAGES)},
        questions=questions, created_at=s[7 + 2 * _NL],
    )


def _read_rows(survey_id: int, *, public: bool, require_open: bool) -> tuple[tuple[Any, ...], ...]:
    rows = tuple(tuple(r) for r in db.session.connection().execute(_SPEC_QUERY, {"survey_id": survey_id}))
    if not rows or (public and rows[0][1] == "draft"):
        raise NotFoundError("No such survey", {"survey": "not found"})
    if require_open and rows[0][1] != "open":
        raise SurveyClosedError("This survey is closed", {"survey": "closed"})
    return rows


def load_spec(survey_id: int, *, public: bool = True, require_open: bool = False) -> SurveySpec:
    """``spec_of(get_survey(...))`` without the ORM, with the same errors, reusing a per-process copy.

    Every call reads the survey and its questions afresh in one query (inside the caller's
    transaction, so a status change or an edited question is seen at once); only the building of
    the spec is skipped when those rows are identical to the ones the cached copy was built from.
    While the survey has no responses, whether it has any is read first (see ``locked_spec``).
    The returned spec is shared between requests: treat it as read-only.
    """
    cached = _SPEC_CACHE.get(survey_id)
    if cached is not None and cached.locked:
        rows = _read_rows(survey_id, public=public, require_open=require_open)
        if cached.rows == rows:
            return cached.spec
    # Whether the survey has responses is read before the rows it vouches for: questions edited
    # between the two reads would otherwise be taken as final.
    locked = bool(db.session.connection().execute(_HAS_RESPONSES, {"survey_id": survey_id}).scalar())
    rows = _read_rows(survey_id, public=public, require_open=require_open)
    if cached is not None and cached.rows == rows and cached.locked == locked:
        return cached.spec
    spec = cached.spec if cached is not None and cached.rows == rows else _spec_from_rows(rows)
    with _SPEC_CACHE_LOCK:
        if len(_SPEC_CACHE) >= _SPEC_CACHE_MAX:
            _SPEC_CACHE.clear()
        _SPEC_CACHE[survey_id] = _Cached(rows, spec, locked)
    return spec


def locked_spec(survey_id: int) -> SurveySpec | None:
    """This process's spec of an open survey whose questions were final when it was read (it had
    responses), without reading the database; None when there is none.

    Its status and its settings that may still change (NGOs per respondent, by region) may be out
    of date, and the survey may be gone: a caller must check them again where it writes
    (``submission.store_submission`` does).
    """
    cached = _SPEC_CACHE.get(survey_id)
    if cached is None or not cached.locked or cached.spec.status != "open":
        return None
    return cached.spec


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
