"""The public survey definition (DESIGN §3 "Survey definition") in one language."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from models import AGE_GROUPS, NGO, SETTLEMENTS, SEXES, Region, Survey, SurveyNGO, db

from .spec import SurveySpec, spec_of


def open_surveys() -> list[Survey]:
    """Open surveys, newest first."""
    return list(db.session.scalars(select(Survey).where(Survey.status == "open").order_by(Survey.id.desc())))


def survey_summary(survey: Survey, lang: str | None) -> dict[str, Any]:
    """``id, title, period, status, mode, languages`` of a survey."""
    return {"id": survey.id, "title": survey.text_in("title", lang), "period": survey.period,
            "status": survey.status, "mode": survey.mode, "languages": list(survey.languages or [])}


def demographics() -> dict[str, Any]:
    """The weighting fields asked of respondents, with their allowed values."""
    regions = db.session.execute(select(Region.code).order_by(Region.code)).scalars().all()
    return {
        "region": {"required": True, "values": list(regions)},
        "settlement": {"required": False, "values": list(SETTLEMENTS)},
        "sex": {"required": False, "values": list(SEXES)},
        "age_group": {"required": False, "values": list(AGE_GROUPS)},
    }


def survey_ngos(survey_id: int, lang: str | None) -> list[dict[str, Any]]:
    """The survey's NGO set: ``id``, ``name`` (in ``lang`` when known) and home ``region`` code."""
    rows = db.session.execute(
        select(NGO, Region.code).join(SurveyNGO, SurveyNGO.ngo_id == NGO.id)
        .outerjoin(Region, Region.id == NGO.region_id)
        .where(SurveyNGO.survey_id == survey_id).order_by(NGO.id)
    ).all()
    return [{"id": ngo.id, "name": ngo.display_name(lang), "region": code} for ngo, code in rows]


def question_definitions(spec: SurveySpec, lang: str | None) -> list[dict[str, Any]]:
    """Each question with ``id, code, type, construct, text, required, options, per_ngo,
    depends_on`` (``{"question", "value"}`` or null) and ``section``."""
    out = []
    for q in spec.questions:
        parent = spec.by_id.get(q.depends_on_id or 0)
        out.append({
            "id": q.id, "code": q.code, "type": q.type, "construct": q.construct, "text": q.text(lang),
            "required": q.required, "section": q.section, "per_ngo": q.per_ngo,
            "options": [{"value": str(o.get("value")), "label": q.option_label(o, lang)} for o in q.options],
            "depends_on": {"question": parent.id, "value": q.depends_value} if parent else None,
        })
    return out


def survey_definition(survey: Survey, lang: str | None) -> dict[str, Any]:
    """Everything another client needs to render the survey and build a valid response."""
    spec = spec_of(survey)
    data = survey_summary(survey, lang)
    data.update({
        "intro": survey.text_in("intro", lang),
        "language": lang,
        "ngos_per_respondent": survey.ngos_per_respondent,
        "ngos_by_region": survey.ngos_by_region,
        "demographics": demographics(),
        "ngos": survey_ngos(survey.id, lang),
        "questions": question_definitions(spec, lang),
    })
    return data
