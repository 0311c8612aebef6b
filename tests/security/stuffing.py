"""A scripted ballot-stuffing attack on an open-link survey, shared by ``test_stuffing`` and
``benchmarks/stuffing.py``.

The scene: honest respondents in KZ-55 rate one NGO; an attacker then fires submissions rating it
5 (trust index 100) from one client address, through the API and through the HTML form, first
plainly and then with a different spoofed ``X-Forwarded-For`` on every request. The app trusts
no proxy (``SENIM_TRUSTED_PROXIES`` = 0), so every phase is one client for the limiter and for the
device check. A further phase rotates the User-Agent on every request: a new "device" each time,
but the same address, so beyond the per-address allowance (``SENIM_SURVEY_PER_ADDRESS_DAILY``,
3) every submission is flagged (docs/security.md).
"""
from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from sqlalchemy import select

from models import NGO, Response, ScoreSnapshot, Survey, db
from surveyapp.services.scores import compute_scores
from tests.factories import make_ngo
from tests.score_factories import Battery, add_respondents
from tests.survey_factories import (
    FormWalker,
    FreshClient,
    make_survey,
    question_ids,
    region_id,
    response_body,
)

REGION = "KZ-55"
#: Honest trust answers (1..5): 40 respondents, trust index 50.
HONEST = [1, 2, 3, 4, 5] * 8
ATTACK_UA = "Stuffer/1.0"


@dataclass
class Phase:
    """Outcome counts of one attack phase."""

    name: str
    sent: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    retry_after_missing: int = 0

    @property
    def accepted(self) -> int:
        return self.statuses[201] + self.statuses[302]

    @property
    def limited(self) -> int:
        return self.statuses[429]


@dataclass
class Scene:
    survey: Survey
    ngo: NGO
    ids: dict[str, int]


def seed(app: Flask) -> Scene:
    """An open-link survey about one NGO of KZ-55 and ``HONEST`` respondents (300 s each, no flags)."""
    ngo = make_ngo(region_id=region_id(REGION))
    survey = make_survey(ngos=[ngo], ngos_per_respondent=1)
    ids = question_ids(survey)
    by_code = {q.code: q for q in survey.questions}
    battery = Battery(survey, by_code["aware"], by_code["trust"], by_code["usefulness"])
    add_respondents(battery, region_id(REGION), ngo, list(HONEST))
    return Scene(survey, ngo, ids)


def _count(phase: Phase, response: Any) -> None:
    phase.sent += 1
    phase.statuses[response.status_code] += 1
    if response.status_code == 429 and not response.headers.get("Retry-After", "").isdigit():
        phase.retry_after_missing += 1
    response.close()


def _client(app: Flask, address: str) -> Any:
    client = app.test_client()
    client.environ_base.update({"REMOTE_ADDR": address, "HTTP_USER_AGENT": ATTACK_UA})
    return FreshClient(client)


def spoofed(n: int) -> str:
    """The n-th spoofed X-Forwarded-For value (a different documentation address each time)."""
    return f"203.0.113.{n % 250 + 1}, 198.51.100.{n // 250 % 250 + 1}"


def api_phase(app: Flask, scene: Scene, name: str, address: str, count: int, *, rotate_xff: bool = False,
              rotate_ua: bool = False) -> Phase:
    """``count`` API submissions rating the NGO 5, from ``address``."""
    phase = Phase(name)
    client = _client(app, address)
    url = f"/api/v1/surveys/{scene.survey.id}/responses"
    for i in range(count):
        headers = {}
        if rotate_xff:
            headers["X-Forwarded-For"] = spoofed(i)
        if rotate_ua:
            headers["User-Agent"] = f"Mozilla/5.0 (Stuffer; {name} {i})"
        body = response_body(scene.survey, ngos=[scene.ngo.id], region=REGION, trust=5)
        _count(phase, client.post(url, json=body, headers=headers))
    return phase


def form_phase(app: Flask, scene: Scene, name: str, address: str, count: int, *, rotate_xff: bool = False,
               rotate_ua: bool = False) -> Phase:
    """Walk the HTML form and submit until refused, then ``count`` more bare POSTs of the final page
    (what a script does once it has one filled session). ``rotate_ua``: every walk with a new
    User-Agent and Accept-Language and without the cookies of the previous one."""
    phase = Phase(name)
    client = _client(app, address)
    counter = itertools.count()
    while True:
        n = next(counter)
        headers = {"X-Forwarded-For": spoofed(n)} if rotate_xff else {}
        if rotate_ua:
            client = _client(app, address)
            headers["User-Agent"] = f"Mozilla/5.0 (Stuffer; {name} {n})"
            headers["Accept-Language"] = f"ru;q=0.{n % 9 + 1}"
        walker = FormWalker(client, scene.survey.id)
        final = walker.complete(scene.ids, region=REGION, **headers)
        _count(phase, final)
        if final.status_code == 429 or phase.sent >= count:
            break
    sid = scene.survey.id
    for _ in range(max(0, count - phase.sent)):
        headers = {"X-Forwarded-For": spoofed(next(counter))} if rotate_xff else {}
        _count(phase, client.post(f"/s/{sid}/submit", data={"csrf_token": walker.csrf,
                                                            "submission_id": walker.submission_id},
                                  headers=headers))
    return phase


def published(scene: Scene) -> dict[str, tuple[float | None, int]]:
    """(estimate, n) of the NGO's trust index in KZ-55 and nationally, after ``compute_scores``."""
    compute_scores()
    db.session.commit()
    out = {}
    for label, region in (("regional", region_id(REGION)), ("national", None)):
        row = db.session.scalar(select(ScoreSnapshot).where(
            ScoreSnapshot.metric == "trust_index", ScoreSnapshot.ngo_id == scene.ngo.id,
            ScoreSnapshot.period == scene.survey.period, ScoreSnapshot.segment == "all",
            ScoreSnapshot.method == "direct",
            ScoreSnapshot.region_id.is_(None) if region is None else ScoreSnapshot.region_id == region))
        out[label] = (row.estimate, row.n) if row is not None else (None, 0)
    return out


def stored_flags(scene: Scene) -> Counter[str]:
    """Stored attack responses by flag set (``-`` for none); honest rows (300 s) left out."""
    rows = db.session.execute(select(Response.flags, Response.duration_s).where(
        Response.survey_id == scene.survey.id)).all()
    return Counter(",".join(sorted(flags or [])) or "-" for flags, duration in rows if duration != 300)


def bound(honest_n: int, unflagged: int, scale_range: float = 100.0) -> float:
    """Largest move of a mean over ``honest_n`` equally weighted answers when ``unflagged`` extreme
    answers join it: range × k / (n + k) (docs/security.md)."""
    return scale_range * unflagged / (honest_n + unflagged)
