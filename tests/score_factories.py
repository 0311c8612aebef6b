"""Hand-checkable survey data for the scores pipeline: a survey with the NGO battery and
respondents whose demographics and answers the test chooses."""
from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import insert

from models import NGO, Answer, Question, Response, Survey, SurveyNGO, db


@dataclass
class Battery:
    survey: Survey
    aware: Question
    trust: Question
    useful: Question


def make_battery(period: str = "2026-Q1", ngos: Iterable[NGO] = ()) -> Battery:
    """A closed survey of ``period`` with aware → trust, usefulness questions about ``ngos``."""
    survey = Survey(title_en=f"Wave {period}", period=period, status="closed", mode="open")
    aware = Question(code="aware", position=1, type="yesno", construct="awareness", text_en="Heard of it?",
                     per_ngo=True)
    trust = Question(code="trust", position=2, type="scale5", construct="trust", text_en="Trust it?", per_ngo=True,
                     depends_on=aware, depends_value="yes")
    useful = Question(code="useful", position=3, type="scale5", construct="usefulness", text_en="Useful?",
                      per_ngo=True, depends_on=aware, depends_value="yes")
    survey.questions.extend([aware, trust, useful])
    for ngo in ngos:
        survey.ngo_links.append(SurveyNGO(ngo_id=ngo.id))
    db.session.add(survey)
    db.session.commit()
    return Battery(survey, aware, trust, useful)


def add_respondents(battery: Battery, region_id: int, ngo: NGO, trust_scores: list[int | None], *,
                    aware: bool = True, sex: str = "female", age_group: str = "30-44",
                    settlement: str = "urban", flags: list[str] | None = None, duration_s: int = 300,
                    useful: int | None = 4) -> None:
    """One respondent per entry of ``trust_scores`` (None = don't know), all alike otherwise."""
    responses, answers = [], []
    for score in trust_scores:
        rid = uuid.uuid4()
        responses.append({"id": rid, "survey_id": battery.survey.id, "submission_id": uuid.uuid4(),
                          "payload_hash": hashlib.sha256(rid.bytes).hexdigest(), "region_id": region_id,
                          "settlement": settlement, "sex": sex, "age_group": age_group, "language": "ru",
                          "channel": "web", "submitted_on": dt.date(2026, 2, 1), "duration_s": duration_s,
                          "flags": list(flags or []), "synthetic": False})
        answers.append({"response_id": rid, "question_id": battery.aware.id, "ngo_id": ngo.id, "ngo_key": ngo.id,
                        "value_num": 1.0 if aware else 0.0})
        if aware:
            answers.append({"response_id": rid, "question_id": battery.trust.id, "ngo_id": ngo.id,
                            "ngo_key": ngo.id, "value_num": None if score is None else float(score)})
            answers.append({"response_id": rid, "question_id": battery.useful.id, "ngo_id": ngo.id,
                            "ngo_key": ngo.id, "value_num": None if useful is None else float(useful)})
    db.session.execute(insert(Response), responses)
    db.session.execute(insert(Answer), answers)
    db.session.commit()
