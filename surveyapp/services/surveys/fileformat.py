"""Survey files: export a survey to JSON and import it (as a new draft) after validating it with
the same pydantic schema that describes the export.

The NGO set travels as ``ngos``: each entry ``{"id", "bin", "name"}``; on import an NGO is found
by BIN when given, else by id. Dependencies refer to question codes.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import select

from models import LANGUAGES, NGO, AuditLog, Survey, SurveyNGO, db
from models.survey import CONSTRUCTS, QUESTION_TYPES, SURVEY_MODES

from ..errors import DomainError, ValidationError
from .building import QuestionInput, SurveyInput, add_question, create_survey

FORMAT = "senim-survey"
VERSION = 1
MAX_FILE_BYTES = 2 * 1024 * 1024


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Texts(_Strict):
    kk: StrictStr | None = Field(default=None, max_length=5000)
    ru: StrictStr | None = Field(default=None, max_length=5000)
    en: StrictStr | None = Field(default=None, max_length=5000)


class OptionFile(_Strict):
    value: StrictStr = Field(min_length=1, max_length=40)
    label: Texts


class QuestionFile(_Strict):
    code: StrictStr = Field(min_length=1, max_length=40)
    type: Literal[QUESTION_TYPES]  # type: ignore[valid-type]
    construct_name: Literal[CONSTRUCTS] = Field(default="other", alias="construct")  # type: ignore[valid-type]
    section: StrictInt = Field(default=1, ge=1, le=50)
    required: StrictBool = True
    per_ngo: StrictBool = False
    text: Texts
    options: list[OptionFile] = Field(default_factory=list, max_length=100)
    depends_on: StrictStr | None = None
    depends_value: StrictStr | None = Field(default=None, max_length=40)


class SurveySettingsFile(_Strict):
    title: Texts
    intro: Texts = Field(default_factory=Texts)
    period: StrictStr = Field(min_length=1, max_length=16)
    mode: Literal[SURVEY_MODES] = "open"  # type: ignore[valid-type]
    languages: list[Literal[LANGUAGES]] = Field(default_factory=lambda: list(LANGUAGES), min_length=1)  # type: ignore[valid-type]
    ngos_per_respondent: StrictInt = Field(default=6, ge=1, le=20)
    ngos_by_region: StrictBool = True
    opens_on: dt.date | None = None
    closes_on: dt.date | None = None


class NGORef(_Strict):
    id: StrictInt | None = None
    bin: StrictStr | None = Field(default=None, max_length=12)
    name: StrictStr | None = Field(default=None, max_length=300)


class SurveyFile(_Strict):
    """A survey exported by Senim (``format`` = ``senim-survey``, ``version`` = 1)."""

    format: Literal["senim-survey"]
    version: Literal[1]
    survey: SurveySettingsFile
    questions: list[QuestionFile] = Field(max_length=500)
    ngos: list[NGORef] = Field(default_factory=list, max_length=50_000)


def _texts(obj: Any, field: str) -> dict[str, str | None]:
    return {lang: getattr(obj, f"{field}_{lang}") for lang in LANGUAGES}


def export_survey(survey: Survey) -> dict[str, Any]:
    """The survey as a JSON-able dict in the ``senim-survey`` format."""
    by_id = {q.id: q for q in survey.questions}
    ngos = db.session.scalars(select(NGO).join(SurveyNGO, SurveyNGO.ngo_id == NGO.id)
                              .where(SurveyNGO.survey_id == survey.id).order_by(NGO.id))
    return {
        "format": FORMAT, "version": VERSION,
        "survey": {
            "title": _texts(survey, "title"), "intro": _texts(survey, "intro"), "period": survey.period,
            "mode": survey.mode, "languages": list(survey.languages), "ngos_per_respondent": survey.ngos_per_respondent,
            "ngos_by_region": survey.ngos_by_region,
            "opens_on": survey.opens_on.isoformat() if survey.opens_on else None,
            "closes_on": survey.closes_on.isoformat() if survey.closes_on else None,
        },
        "questions": [
            {"code": q.code, "type": q.type, "construct": q.construct, "section": q.section, "required": q.required,
             "per_ngo": q.per_ngo, "text": _texts(q, "text"), "options": list(q.options or []),
             "depends_on": by_id[q.depends_on_id].code if q.depends_on_id in by_id else None,
             "depends_value": q.depends_value if q.depends_on_id in by_id else None}
            for q in sorted(survey.questions, key=lambda q: (q.position, q.id))
        ],
        "ngos": [{"id": n.id, "bin": n.bin, "name": n.name} for n in ngos],
    }


def _pydantic_fields(exc: PydanticValidationError) -> dict[str, str]:
    return {".".join(str(p) for p in err["loc"]) or "file": err["msg"] for err in exc.errors()}


def parse_survey_file(data: bytes) -> SurveyFile:
    """Read and validate a survey file. Raises ValidationError naming the offending field."""
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError("The file is too large", {"file": f"at most {MAX_FILE_BYTES // 1024} KB"})
    try:
        raw = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ValidationError("The file is not valid JSON", {"file": str(exc)[:200]}) from None
    try:
        return SurveyFile.model_validate(raw)
    except PydanticValidationError as exc:
        raise ValidationError("The survey file is not valid", _pydantic_fields(exc)) from None


def import_survey(data: bytes, *, actor_id: int | None = None) -> Survey:
    """Create a new draft survey from a survey file. Raises ValidationError (nothing is written:
    the caller rolls back) naming the field, e.g. ``questions.2.depends_on``."""
    parsed = parse_survey_file(data)
    s = parsed.survey
    try:
        survey = create_survey(SurveyInput(
            titles={k: v or "" for k, v in s.title.model_dump().items()},
            intros={k: v or "" for k, v in s.intro.model_dump().items()}, period=s.period, mode=s.mode,
            languages=list(s.languages), ngos_per_respondent=s.ngos_per_respondent,
            ngos_by_region=s.ngos_by_region, opens_on=s.opens_on, closes_on=s.closes_on,
        ), actor_id=actor_id)
    except DomainError as exc:
        raise ValidationError(exc.message, {f"survey.{k}": v for k, v in exc.fields.items()}) from None
    ids: dict[str, int] = {}
    for i, q in enumerate(parsed.questions):
        if q.depends_on is not None and q.depends_on not in ids:
            raise ValidationError("A question depends on an unknown or later question",
                                  {f"questions.{i}.depends_on": f"no earlier question with code {q.depends_on!r}"})
        try:
            added = add_question(survey, QuestionInput(
                code=q.code, type=q.type, construct=q.construct_name, section=q.section, required=q.required,
                per_ngo=q.per_ngo, texts={k: v or "" for k, v in q.text.model_dump().items()},
                options=[o.model_dump() for o in q.options],
                depends_on_id=ids.get(q.depends_on) if q.depends_on else None, depends_value=q.depends_value,
            ), actor_id=actor_id)
        except DomainError as exc:
            raise ValidationError(exc.message, {f"questions.{i}.{k}": v for k, v in exc.fields.items()}) from None
        ids[q.code] = added.id
    chosen: list[int] = []
    for i, ref in enumerate(parsed.ngos):
        ngo_id = None
        if ref.bin:
            ngo_id = db.session.scalar(select(NGO.id).where(NGO.bin == ref.bin))
        elif ref.id is not None:
            ngo_id = db.session.scalar(select(NGO.id).where(NGO.id == ref.id))
        if ngo_id is None:
            raise ValidationError("An NGO of the set is not in the registry", {f"ngos.{i}": "not found"})
        chosen.append(ngo_id)
    if chosen:
        db.session.execute(SurveyNGO.__table__.insert(),
                           [{"survey_id": survey.id, "ngo_id": n} for n in sorted(set(chosen))])
    db.session.add(AuditLog(user_id=actor_id, action="survey.import", object_type="survey",
                            object_id=str(survey.id), detail={"questions": len(parsed.questions)}))
    db.session.flush()
    return survey
