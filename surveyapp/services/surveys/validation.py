"""Validation of a whole submission, shared by the web form, the JSON API and the CSV import.

Policy for dependent questions (e.g. trust after "have you heard of it?"): an answer to a question
that was not asked — a follow-up for an NGO the respondent said they did not know — is rejected
(422 naming ``answers.<i>``). The web form never sends such answers: it drops answers that an
earlier change made irrelevant before it submits.
"""
from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Integer, bindparam, cast, literal, null, select, union_all
from sqlalchemy.engine import Connection, Dialect

from models import AGE_GROUPS, NGO, SETTLEMENTS, SEXES, Region, SurveyNGO, db

from ...driver_sql import DriverStatement, StatementCache, compile_statement, fetch_all
from ..errors import ValidationError
from .spec import SurveySpec, is_asked
from .types import MISSING, AnswerError

DEMOGRAPHICS: dict[str, tuple[str, ...]] = {"settlement": SETTLEMENTS, "sex": SEXES, "age_group": AGE_GROUPS}
MAX_ANSWERS = 1000


@dataclass
class RawAnswer:
    """One answer as received: ``value`` is a JSON-like value (already typed)."""

    question: int
    ngo: int | None
    value: Any
    #: Error key prefix, e.g. ``answers.3`` (API) or ``q12_n5`` (form).
    where: str = ""


@dataclass
class SubmissionInput:
    submission_id: uuid.UUID
    language: str
    region: str
    settlement: str | None = None
    sex: str | None = None
    age_group: str | None = None
    answers: list[RawAnswer] = field(default_factory=list)
    #: NGOs the respondent was asked about (web form); None: the NGOs named in the answers.
    asked_ngos: list[int] | None = None


@dataclass
class CleanSubmission:
    submission_id: uuid.UUID
    language: str
    region_id: int
    region_code: str
    settlement: str | None
    sex: str | None
    age_group: str | None
    #: (question id, NGO id or None) → canonical value.
    answers: dict[tuple[int, int | None], Any]

    def payload_hash(self) -> str:
        """SHA-256 of the canonical content, telling a replay (same) from a conflict (different)."""
        body = {
            "l": self.language, "r": self.region_code, "s": self.settlement, "x": self.sex, "a": self.age_group,
            "ans": sorted([q, n or 0, v] for (q, n), v in self.answers.items()),
        }
        text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


# Built once: constructing a statement and its cache key costs more than running it.
_REGION_ID = select(Region.id).where(Region.code == bindparam("code"))
_SURVEY_NGOS = (
    select(NGO.id, NGO.region_id).join(SurveyNGO, SurveyNGO.ngo_id == NGO.id)
    .where(SurveyNGO.survey_id == bindparam("survey_id"), NGO.id.in_(bindparam("ngo_ids", expanding=True)))
)
#: (0, region id, NULL) for the region code, then (1, NGO id, NGO home region) for each NGO of the
#: survey among ngo_ids: what validation reads from the database, in one round trip.
_REGION_AND_NGOS = union_all(
    select(literal(0, Integer), Region.id, cast(null(), Integer)).where(Region.code == bindparam("code")),
    select(literal(1, Integer), NGO.id, NGO.region_id).join(SurveyNGO, SurveyNGO.ngo_id == NGO.id)
    .where(SurveyNGO.survey_id == bindparam("survey_id"), NGO.id.in_(bindparam("ngo_ids", expanding=True))),
)

#: At most this many NGO ids go through the driver statement (one compiled form per count).
_DRIVER_MAX_NGOS = 16


def _region_and_ngos_fixed(dialect: Dialect, count: int) -> DriverStatement:
    """``_REGION_AND_NGOS`` with ``count`` plain parameters ``n0`` … in place of the expanding list."""
    statement = union_all(
        select(literal(0, Integer), Region.id, cast(null(), Integer)).where(Region.code == bindparam("code")),
        select(literal(1, Integer), NGO.id, NGO.region_id).join(SurveyNGO, SurveyNGO.ngo_id == NGO.id)
        .where(SurveyNGO.survey_id == bindparam("survey_id"),
               NGO.id.in_([bindparam(f"n{i}") for i in range(count)])),
    )
    return compile_statement(statement, dialect)


_REGION_AND_NGOS_DRIVER = StatementCache(_region_and_ngos_fixed)


def _connection() -> Connection:
    """The session's connection, after the autoflush a session query would do (SQLAlchemy Core on
    it skips the ORM's per-statement overhead)."""
    session = db.session()
    if session.autoflush:
        session.flush()
    return session.connection()


def region_id_for(code: str | None) -> int | None:
    """The id of the region with this ISO code (``KZ-55``), or None."""
    if not isinstance(code, str) or not code or len(code) > 8:
        return None
    return _connection().execute(_REGION_ID, {"code": code.strip().upper()}).scalar()


def _allowed(spec: SurveySpec, rows: Any, region_id: int | None) -> dict[int, int | None]:
    return {ngo_id: home for ngo_id, home in rows
            if not spec.ngos_by_region or home is None or home == region_id}


def allowed_ngos(spec: SurveySpec, ngo_ids: set[int], region_id: int | None) -> dict[int, int | None]:
    """Those of ``ngo_ids`` that belong to the survey's set (and, for regional surveys, are national
    or from ``region_id``), mapped to their home region."""
    if not ngo_ids:
        return {}
    rows = _connection().execute(_SURVEY_NGOS, {"survey_id": spec.id, "ngo_ids": sorted(ngo_ids)}).all()
    return _allowed(spec, rows, region_id)


def region_and_ngos(spec: SurveySpec, code: str | None, ngo_ids: set[int]) -> tuple[int | None, dict[int, int | None]]:
    """``region_id_for(code)`` and ``allowed_ngos(spec, ngo_ids, that region)`` in one query."""
    if not ngo_ids or not isinstance(code, str) or not code or len(code) > 8:
        region_id = region_id_for(code)
        return region_id, allowed_ngos(spec, ngo_ids, region_id)
    connection, ids = _connection(), sorted(ngo_ids)
    driver = _REGION_AND_NGOS_DRIVER.get(connection.dialect, len(ids)) if len(ids) <= _DRIVER_MAX_NGOS else None
    if driver is not None:
        rows: Any = fetch_all(connection, driver, {"code": code.strip().upper(), "survey_id": spec.id,
                                                   **{f"n{i}": ngo for i, ngo in enumerate(ids)}})
    else:
        rows = connection.execute(_REGION_AND_NGOS, {"code": code.strip().upper(), "survey_id": spec.id,
                                                     "ngo_ids": ids}).all()
    region_id = next((ngo_or_region for kind, ngo_or_region, _home in rows if kind == 0), None)
    return region_id, _allowed(spec, [(ngo, home) for kind, ngo, home in rows if kind == 1], region_id)


def validate_submission(spec: SurveySpec, data: SubmissionInput) -> CleanSubmission:
    """Check a submission against the survey; returns canonical values.

    Raises ValidationError whose ``fields`` name every problem (``region``, ``answers.3.value``,
    ``q12_n5`` for a missing required answer …).
    """
    errors: dict[str, str] = {}
    if data.language not in spec.languages:
        errors["language"] = "must be one of " + ", ".join(spec.languages)
    # Ids past PostgreSQL's integer (a CSV header "trust:99999999999") name no NGO; never query them.
    ngo_ids = {a.ngo for a in data.answers if isinstance(a.ngo, int) and 0 < a.ngo < 2**31} \
        | set(data.asked_ngos or [])
    region_id, ngo_ok = region_and_ngos(spec, data.region, ngo_ids)
    if region_id is None:
        errors["region"] = "required: the ISO 3166-2 code of a region of Kazakhstan, e.g. KZ-55"
    for name, allowed in DEMOGRAPHICS.items():
        value = getattr(data, name)
        if value is not None and value not in allowed:
            errors[name] = "must be one of " + ", ".join(allowed)
    if len(data.answers) > MAX_ANSWERS:
        raise ValidationError("Too many answers", {"answers": f"at most {MAX_ANSWERS}"})

    answers: dict[tuple[int, int | None], Any] = {}
    where: dict[tuple[int, int | None], str] = {}
    for i, raw in enumerate(data.answers):
        at = raw.where or f"answers.{i}"
        question = spec.by_id.get(raw.question)
        if question is None:
            errors[f"{at}.question"] = "not a question of this survey"
            continue
        if question.per_ngo and raw.ngo is None:
            errors[f"{at}.ngo"] = "required: this question is asked about each NGO"
            continue
        if not question.per_ngo and raw.ngo is not None:
            errors[f"{at}.ngo"] = "this question is not asked per NGO"
            continue
        if raw.ngo is not None and raw.ngo not in ngo_ok:
            errors[f"{at}.ngo"] = "not an NGO of this survey for this region"
            continue
        key = (question.id, raw.ngo)
        if key in answers:
            errors[at] = "this question was already answered" + (" for this NGO" if raw.ngo else "")
            continue
        try:
            answers[key] = question.kind.from_json(raw.value, question.options)
        except AnswerError as exc:
            errors[f"{at}.value"] = str(exc)
            continue
        where[key] = at

    asked_ngos = list(dict.fromkeys([n for (_q, n) in answers if n is not None] + list(data.asked_ngos or [])))
    if data.asked_ngos is not None:
        asked_ngos = [n for n in asked_ngos if n in ngo_ok]
    if len(asked_ngos) > spec.ngos_per_respondent:
        errors["answers"] = f"answers may concern at most {spec.ngos_per_respondent} NGOs"
    for (qid, ngo), _value in list(answers.items()):
        if not is_asked(spec, spec.by_id[qid], answers, ngo):
            parent = spec.by_id.get(spec.by_id[qid].depends_on_id or 0)
            errors[where[(qid, ngo)]] = (
                f"only asked when the answer to {parent.code if parent else 'its parent'} is "
                f"{spec.by_id[qid].depends_value}"
            )
    for question in spec.questions:
        if not question.required:
            continue
        for ngo in (asked_ngos if question.per_ngo else [None]):
            key = (question.id, ngo)
            if key not in answers and is_asked(spec, question, answers, ngo):
                errors[question.field_name(ngo)] = "an answer is required"
    if errors:
        raise ValidationError("The submission is not valid", errors)
    if region_id is None:  # never: a missing region is an error above (explicit, as asserts vanish under -O)
        raise ValidationError("The submission is not valid", {"region": "required"})
    return CleanSubmission(
        submission_id=data.submission_id, language=data.language, region_id=region_id,
        region_code=data.region.strip().upper(), settlement=data.settlement, sex=data.sex,
        age_group=data.age_group, answers={k: v for k, v in answers.items() if v is not MISSING},
    )
