"""pydantic models of the API's request and response bodies. Requests are validated with these
models and the OpenAPI document is generated from the same models (``surveyapp.api.openapi``)."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, StrictInt, StrictStr

from models import AGE_GROUPS, SETTLEMENTS, SEXES
from models.survey import CONSTRUCTS, QUESTION_TYPES

from ..routing import MAX_ROW_ID
from ..services.surveys.types import TEXT_MAX

MAX_LIST_ITEMS = 100
MAX_OPTION_CHARS = 40


def _answer_value(value: Any) -> Any:
    """Accept only the JSON shapes an answer can have; the question's type checks the rest."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if abs(value) > 10**6:
            raise ValueError("number out of range")
        return value
    if isinstance(value, str):
        if len(value) > TEXT_MAX:
            raise ValueError(f"text must be at most {TEXT_MAX} characters")
        return value
    if isinstance(value, list):
        if len(value) > MAX_LIST_ITEMS or not all(isinstance(v, str) and len(v) <= MAX_OPTION_CHARS for v in value):
            raise ValueError("a list must hold at most 100 option values (strings)")
        return value
    raise ValueError("must be an integer, null, true/false, a string or a list of option values")


AnswerValue = Annotated[
    Any,
    PlainValidator(_answer_value, json_schema_input_type=Union[
        StrictInt, bool, Annotated[str, Field(max_length=TEXT_MAX)],
        Annotated[list[Annotated[str, Field(max_length=MAX_OPTION_CHARS)]], Field(max_length=MAX_LIST_ITEMS)], None,
    ]),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorOut(BaseModel):
    """Every 4xx/5xx body: a message and, per offending field, what is wrong with it."""

    error: str
    fields: dict[str, str] = Field(default_factory=dict)


class AnswerIn(_Strict):
    question: StrictInt = Field(ge=1, le=MAX_ROW_ID, description="Question id (from the survey definition).")
    ngo: Optional[StrictInt] = Field(default=None, ge=1, le=MAX_ROW_ID,
                                     description="NGO id, for questions asked per NGO.")
    value: AnswerValue = Field(description=(
        "scale5: 1–5 or null (don't know); scale10: 0–10; single: an option value; multi: a list of option "
        "values; yesno: true/false; text: a string (at most 500 characters)."))


class ResponseIn(_Strict):
    """A respondent's answers to one survey (DESIGN §3 "Survey response JSON")."""

    submission_id: uuid.UUID = Field(description="Client-generated UUID; replaying it never counts twice.")
    language: Literal["kk", "ru", "en"]
    region: StrictStr = Field(min_length=1, max_length=8, description="ISO 3166-2 code, e.g. KZ-55.")
    settlement: Optional[Literal[SETTLEMENTS]] = None  # type: ignore[valid-type]
    sex: Optional[Literal[SEXES]] = None  # type: ignore[valid-type]
    age_group: Optional[Literal[AGE_GROUPS]] = None  # type: ignore[valid-type]
    answers: list[AnswerIn] = Field(max_length=1000)
    token: Optional[StrictStr] = Field(default=None, max_length=200,
                                       description="Invitation token (invitation-only surveys).")
    duration_s: Optional[StrictInt] = Field(default=None, ge=0, le=7 * 24 * 3600,
                                            description="Seconds the respondent took (speeder check).")


class ResponseOut(BaseModel):
    submission_id: uuid.UUID
    survey_id: int
    status: Literal["recorded"]
    answers: int
    submitted_on: dt.date


class SurveySummary(BaseModel):
    id: int
    title: str
    period: str
    status: Literal["draft", "open", "closed"]
    mode: Literal["open", "invitation"]
    languages: list[str]


class SurveyList(BaseModel):
    items: list[SurveySummary]
    total: int


class OptionOut(BaseModel):
    value: str
    label: str


class DependsOn(BaseModel):
    question: int
    value: str


class QuestionOut(BaseModel):
    id: int
    code: str
    type: Literal[QUESTION_TYPES]  # type: ignore[valid-type]
    construct_name: Literal[CONSTRUCTS] = Field(alias="construct")  # type: ignore[valid-type]
    text: str
    required: bool
    section: int
    per_ngo: bool
    options: list[OptionOut]
    depends_on: Optional[DependsOn]


class SurveyNGOOut(BaseModel):
    id: int
    name: str
    region: Optional[str]


class DemographicField(BaseModel):
    required: bool
    values: list[str]


class SurveyDefinition(SurveySummary):
    intro: str
    language: Optional[str]
    ngos_per_respondent: int
    ngos_by_region: bool
    demographics: dict[str, DemographicField]
    ngos: list[SurveyNGOOut]
    questions: list[QuestionOut]
