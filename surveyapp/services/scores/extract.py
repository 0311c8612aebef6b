"""Bulk reads for ``senim scores compute``: the database into pandas DataFrames, one query each.

No Python loop per response: rows come back from one SELECT per table through the DBAPI cursor.
"""
from __future__ import annotations

import json
from typing import Any

import pandas as pd
from sqlalchemy import Select, select

from models import (
    NGO, Answer, Article, Mention, Outlet, Project, ProjectVote, Question, Region, RegionMargin, Response,
    Survey, TransparencyChecklist, db,
)


def _frame(statement: Select[Any], columns: list[str]) -> pd.DataFrame:
    """Run ``statement`` on the raw DBAPI cursor (no per-row ORM type processing) into a DataFrame.

    Identifiers come back as the driver gives them (UUIDs as hex text on SQLite), which is all the
    pipeline needs to join frames; JSON columns are decoded by the caller.
    """
    connection = db.session.connection()
    compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
    cursor = connection.connection.cursor()
    try:
        cursor.execute(str(compiled))
        rows = cursor.fetchall()
    finally:
        cursor.close()
    return pd.DataFrame.from_records(rows, columns=columns)


def _json_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (bytes, str)):
        return list(json.loads(value) or [])
    return list(value)


def load_regions() -> pd.DataFrame:
    """Regions: id, code, kind."""
    return _frame(select(Region.id, Region.code, Region.kind), ["region_id", "code", "kind"])


def load_margins() -> pd.DataFrame:
    """Adult population per region × sex × age group × settlement (persons)."""
    return _frame(
        select(RegionMargin.region_id, RegionMargin.sex, RegionMargin.age_group, RegionMargin.settlement,
               RegionMargin.population),
        ["region_id", "sex", "age_group", "settlement", "population"],
    )


def load_respondents(periods: list[str] | None = None) -> pd.DataFrame:
    """One row per response of a closed or open survey: demographics, period, flags, duration (s)."""
    stmt = (
        select(Response.id, Response.survey_id, Survey.period, Response.region_id, Response.settlement,
               Response.sex, Response.age_group, Response.duration_s, Response.flags, Survey.mode)
        .join(Survey, Survey.id == Response.survey_id)
    )
    if periods:
        stmt = stmt.where(Survey.period.in_(periods))
    frame = _frame(stmt, ["response_id", "survey_id", "period", "region_id", "settlement", "sex", "age_group",
                          "duration_s", "flags", "mode"])
    frame["flags"] = frame["flags"].map(_json_list)
    return frame


def load_answers(periods: list[str] | None = None) -> pd.DataFrame:
    """Numeric answers to per-NGO questions: response, construct, question code and type
    (categoricals from the small questions table, not strings per row), NGO, value (scale points)."""
    stmt = select(Answer.response_id, Answer.question_id, Answer.ngo_id, Answer.value_num).where(
        Answer.ngo_id.is_not(None))
    if periods:
        stmt = (stmt.join(Response, Response.id == Answer.response_id)
                .join(Survey, Survey.id == Response.survey_id).where(Survey.period.in_(periods)))
    frame = _frame(stmt, ["response_id", "question_id", "ngo_id", "value"])
    questions = _frame(select(Question.id, Question.construct, Question.code, Question.type),
                       ["question_id", "construct", "code", "type"]).set_index("question_id")
    for column in ("construct", "code", "type"):
        frame[column] = pd.Categorical(frame["question_id"].map(questions[column]))
    return frame[["response_id", "construct", "code", "type", "ngo_id", "value"]]


def load_scale_answers_general(periods: list[str] | None = None) -> pd.DataFrame:
    """Numeric answers to general (not per-NGO) scale questions, for straight-lining checks."""
    stmt = (
        select(Answer.response_id, Question.code, Question.type, Answer.value_num)
        .join(Question, Question.id == Answer.question_id)
        .join(Response, Response.id == Answer.response_id)
        .join(Survey, Survey.id == Response.survey_id)
        .where(Question.type.in_(("scale5", "scale10")), Answer.ngo_id.is_(None))
    )
    if periods:
        stmt = stmt.where(Survey.period.in_(periods))
    return _frame(stmt, ["response_id", "code", "type", "value"])


def load_votes() -> pd.DataFrame:
    """Project votes with the project's NGO and the vote's date: rating 1–5 (or None), support (bool or None)."""
    stmt = (
        select(ProjectVote.project_id, Project.ngo_id, ProjectVote.voted_on, ProjectVote.region_id,
               ProjectVote.rating, ProjectVote.support, ProjectVote.flags)
        .join(Project, Project.id == ProjectVote.project_id)
    )
    frame = _frame(stmt, ["project_id", "ngo_id", "voted_on", "region_id", "rating", "support", "flags"])
    frame["flags"] = frame["flags"].map(_json_list)
    return frame


def load_checklists() -> pd.DataFrame:
    """Analysts' disclosure checklists: NGO, period (year or wave label) and the five items (bool)."""
    return _frame(
        select(TransparencyChecklist.ngo_id, TransparencyChecklist.period, TransparencyChecklist.annual_report,
               TransparencyChecklist.audited_statements, TransparencyChecklist.funding_sources,
               TransparencyChecklist.governing_body, TransparencyChecklist.state_contracts_published),
        ["ngo_id", "period", "annual_report", "audited_statements", "funding_sources", "governing_body",
         "state_contracts_published"],
    )


def load_mentions() -> pd.DataFrame:
    """NGO mentions (not rejected) with article date, duplicate group, outlet reach and home region."""
    stmt = (
        select(Mention.ngo_id, Mention.tone, Mention.article_id, Article.duplicate_group_id, Article.published_on,
               Article.outlet_id, Outlet.reach, Outlet.region_id)
        .join(Article, Article.id == Mention.article_id)
        .outerjoin(Outlet, Outlet.id == Article.outlet_id)
        .where(Mention.ngo_id.is_not(None), Mention.status != "rejected")
    )
    return _frame(stmt, ["ngo_id", "tone", "article_id", "group_id", "published_on", "outlet_id", "reach",
                         "outlet_region_id"])


def load_region_mentions() -> pd.DataFrame:
    """Region mentions (not rejected): which articles speak of which region."""
    stmt = select(Mention.article_id, Mention.region_id).where(Mention.region_id.is_not(None),
                                                                Mention.status != "rejected")
    return _frame(stmt, ["article_id", "region_id"])


def load_ngos() -> pd.DataFrame:
    """NGOs: id, home region (None for national), sector."""
    return _frame(select(NGO.id, NGO.region_id, NGO.sector), ["ngo_id", "home_region_id", "sector"])
