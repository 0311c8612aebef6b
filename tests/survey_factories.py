"""Surveys for tests, built through the same services admins use."""
from __future__ import annotations

import re
import uuid
from typing import Any

from models import NGO, Region, Survey, SurveyNGO, db
from surveyapp.services.surveys.battery import add_ngo_battery
from surveyapp.services.surveys.building import QuestionInput, SurveyInput, add_question, create_survey
from surveyapp.services.surveys.validation import RawAnswer, SubmissionInput

TITLES = {"kk": "НҰЖ-ға сенім сауалнамасы", "ru": "Опрос о доверии к НКО", "en": "Trust in NGOs survey"}
CHANNEL_OPTIONS = [
    {"value": "tv", "label": {"kk": "Теледидар", "ru": "Телевидение", "en": "Television"}},
    {"value": "web", "label": {"kk": "Интернет", "ru": "Интернет", "en": "Internet"}},
    {"value": "friends", "label": {"kk": "Таныстар", "ru": "Знакомые", "en": "Friends"}},
]


def texts(en: str, ru: str | None = None, kk: str | None = None) -> dict[str, str]:
    return {"en": en, "ru": ru or f"{en} (ru)", "kk": kk or f"{en} (kk)"}


def make_survey(*, status: str = "open", mode: str = "open", languages: tuple[str, ...] = ("kk", "ru", "en"),
                ngos: list[NGO] | None = None, battery: bool = True, ngos_per_respondent: int = 6,
                ngos_by_region: bool = True, titles: dict[str, str] | None = None,
                question_texts: dict[str, str] | None = None) -> Survey:
    """A committed survey: page 1 general questions (``overall`` scale5 required, ``channels`` multi,
    ``comment`` text), the NGO battery on page 2, ``recommend`` (scale10, optional) on page 3."""
    survey = create_survey(SurveyInput(
        titles=dict(titles or TITLES), intros=texts("Please answer a few questions."), period="2026-Q1", mode=mode,
        languages=list(languages), ngos_per_respondent=ngos_per_respondent, ngos_by_region=ngos_by_region,
    ))
    add_question(survey, QuestionInput(
        code="overall", type="scale5", construct="trust", section=1,
        texts=question_texts or texts("How much do you trust NGOs in general?",
                                      "Насколько вы доверяете НКО в целом?", "Жалпы ҮЕҰ-ға қаншалықты сенесіз?")))
    add_question(survey, QuestionInput(code="channels", type="multi", section=1, required=False,
                                       texts=texts("Where do you hear about NGOs?", "Где вы слышите об НКО?",
                                                   "ҮЕҰ туралы қайдан естисіз?"), options=CHANNEL_OPTIONS))
    add_question(survey, QuestionInput(code="comment", type="text", section=1, required=False,
                                       texts=texts("Anything else?", "Что-нибудь ещё?", "Тағы не айтасыз?")))
    if battery:
        add_ngo_battery(survey, section=2)
    add_question(survey, QuestionInput(code="recommend", type="scale10", section=3, required=False,
                                       texts=texts("Would you volunteer?", "Стали бы вы волонтёром?",
                                                   "Ерікті болар ма едіңіз?")))
    for ngo in ngos or []:
        db.session.add(SurveyNGO(survey_id=survey.id, ngo_id=ngo.id))
    survey.status = status
    db.session.commit()
    return survey


def question_ids(survey: Survey) -> dict[str, int]:
    return {q.code: q.id for q in survey.questions}


def region_id(code: str) -> int:
    from sqlalchemy import select

    return db.session.scalar(select(Region.id).where(Region.code == code))


def submission_input(body: dict[str, Any]) -> SubmissionInput:
    """The service-level input for an API-shaped ``body`` (as the API view builds it)."""
    return SubmissionInput(
        submission_id=uuid.UUID(body["submission_id"]), language=body["language"], region=body["region"],
        settlement=body.get("settlement"), sex=body.get("sex"), age_group=body.get("age_group"),
        answers=[RawAnswer(a["question"], a.get("ngo"), a["value"]) for a in body["answers"]],
    )


def response_body(survey: Survey, *, ngos: list[int] | None = None, region: str = "KZ-55", aware: bool = True,
                  trust: Any = 4, submission_id: str | None = None, **extra: Any) -> dict[str, Any]:
    """A valid API body: ``overall`` 4, and for each NGO aware + (when aware) the four follow-ups."""
    q = question_ids(survey)
    answers: list[dict[str, Any]] = [{"question": q["overall"], "value": 4}]
    for ngo in ngos or []:
        answers.append({"question": q["aware"], "ngo": ngo, "value": aware})
        if aware:
            answers.append({"question": q["trust"], "ngo": ngo, "value": trust})
            for code in ("usefulness", "transparency", "project"):
                answers.append({"question": q[code], "ngo": ngo, "value": 3})
    body = {"submission_id": submission_id or str(uuid.uuid4()), "language": "ru", "region": region,
            "settlement": "urban", "sex": "female", "age_group": "30-44", "answers": answers}
    body.update(extra)
    return body


def fresh_request_state() -> None:
    """Forget what the previous request cached in the test's shared app context (user, CSRF
    token, locale): in production every request has its own app context."""
    from flask import g, has_app_context

    if not has_app_context():
        return
    import flask_babel

    for name in ("_login_user", "csrf_token"):
        g.pop(name, None)
    flask_babel.refresh()


class FreshClient:
    """Wraps a test client so that each request starts from a fresh request state."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._client, name)
        if name in ("get", "post", "open", "put", "delete"):
            def call(*args: Any, **kwargs: Any) -> Any:
                fresh_request_state()
                return attr(*args, **kwargs)
            return call
        return attr


class FormWalker:
    """Answers a survey through the HTML form with the test client (no JavaScript)."""

    _SUB = re.compile(r'name="submission_id" value="([0-9a-f]+)"')
    _NGO_FIELD = re.compile(r'name="q(\d+)_n(\d+)"')

    def __init__(self, client: Any, survey_id: int) -> None:
        self.client, self.survey_id = FreshClient(client), survey_id
        self.csrf = ""
        self.submission_id = ""
        self.last: Any = None

    def start(self, language: str = "ru", **headers: str) -> Any:
        from tests.helpers import csrf_token_from

        landing = self.client.get(f"/s/{self.survey_id}", headers=headers)
        self.csrf = csrf_token_from(landing.get_data(as_text=True))
        return self.client.post(f"/s/{self.survey_id}/start", data={"csrf_token": self.csrf, "language": language},
                                headers=headers)

    def get(self, page: int) -> str:
        self.last = self.client.get(f"/s/{self.survey_id}/p/{page}")
        html = self.last.get_data(as_text=True)
        match = self._SUB.search(html)
        if match:
            self.submission_id = match.group(1)
        return html

    def ngo_fields(self, html: str) -> list[tuple[int, int]]:
        return sorted({(int(q), int(n)) for q, n in self._NGO_FIELD.findall(html)})

    def post(self, page: int, data: dict[str, Any], *, final: bool = False, **headers: str) -> Any:
        if not self.submission_id:
            self.get(page)
        url = f"/s/{self.survey_id}/submit" if final else f"/s/{self.survey_id}/p/{page}"
        body = {"csrf_token": self.csrf, "submission_id": self.submission_id, **data}
        self.last = self.client.post(url, data=body, headers=headers)
        return self.last

    def complete(self, ids: dict[str, int], *, region: str = "KZ-55", aware: bool = True, extra: dict[str, Any] | None = None,
                 language: str = "ru", **headers: str) -> Any:
        """Answer every page validly; returns the final response (a redirect to the thank-you page)."""
        self.start(language, **headers)
        self.get(1)
        self.post(1, {"region": region, "sex": "female", "age_group": "30-44", "settlement": "urban"}, **headers)
        self.get(2)
        self.post(2, {f"q{ids['overall']}": "4", **(extra or {})}, **headers)
        html = self.get(3)
        self.post(3, {f"q{q}_n{n}": "yes" if aware else "no" for q, n in self.ngo_fields(html)}, **headers)
        if aware:
            html = self.get(4)
            self.post(4, {f"q{q}_n{n}": "4" for q, n in self.ngo_fields(html)}, **headers)
        self.get(5)
        return self.post(5, {f"q{ids['recommend']}": "8"}, final=True, **headers)
