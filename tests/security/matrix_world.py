"""The data set and signed-in clients the access matrix runs against (one per backend).

Monitor A owns an article (with mentions), an upload job; monitor B owns nothing of A's. The
analyst sees only KZ-55. A citizen holds an invitation for the invitation-only survey in their
session. The disabled user was an admin, signed in and holding an API token, before being
disabled. Admin-only survey routes act on a draft survey made for them, so nothing the matrix
posts disturbs the open surveys.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from models import Mention, Outlet, db
from surveyapp.services import jobs
from surveyapp.services.media import ingest_articles
from surveyapp.services.surveys.invitations import generate_tokens
from surveyapp.services.users import issue_token, set_active
from tests.conftest import login
from tests.factories import PASSWORD, make_ngo, make_user
from tests.helpers import csrf_token_from
from tests.media_helpers import media_ngos, ru_item
from tests.snapshot_factories import make_alert, make_grid
from tests.survey_factories import FreshClient, make_survey, question_ids, region_id

ROLES = ("anonymous", "citizen", "monitor_a", "monitor_b", "analyst", "admin", "disabled")
ANALYST_REGION, OTHER_REGION = "KZ-55", "KZ-75"
PERIOD = "2026-Q3"


@dataclass
class Actor:
    """A role's page client (session cookie) and API client (bearer token, no cookie)."""

    name: str
    page: Any
    api: Any
    csrf: str = ""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class World:
    ids: dict[str, Any]
    actors: dict[str, Actor]


def _signed_in(app: Flask, role: str, **kwargs: Any) -> tuple[Any, Any, Any]:
    user = make_user(role, **kwargs)
    page = FreshClient(app.test_client())
    assert login(page, user.email, PASSWORD).status_code == 302
    token = issue_token(user.email)
    db.session.commit()
    return user, page, token


def _csrf(page: Any) -> str:
    return csrf_token_from(page.get("/methodology").get_data(as_text=True))


def build_world(app: Flask, regions: dict[str, Any]) -> World:
    """Create every object the matrix addresses and a signed-in client per role."""
    home, other = regions[ANALYST_REGION], regions[OTHER_REGION]
    ngo_home = make_ngo(region_id=home.id)
    ngo_other = make_ngo(region_id=other.id)
    cnok, alliance = media_ngos()
    open_survey = make_survey(ngos=[ngo_home, ngo_other])
    invitation = make_survey(mode="invitation", ngos=[ngo_home])
    draft = make_survey(status="draft", mode="invitation", battery=False)
    tokens = generate_tokens(invitation, 2)
    make_grid([ngo_home, ngo_other], [home, other], period=PERIOD, base=50)
    make_alert(ngo=ngo_other, region=other, period=PERIOD)
    db.session.commit()

    users: dict[str, Any] = {}
    actors: dict[str, Actor] = {}
    for name, role, extra in (("monitor_a", "monitor", {}), ("monitor_b", "monitor", {}),
                              ("analyst", "analyst", {"region_codes": [ANALYST_REGION]}),
                              ("admin", "admin", {}), ("disabled", "admin", {})):
        user, page, token = _signed_in(app, role, **extra)
        users[name] = user
        api = FreshClient(app.test_client())
        actors[name] = Actor(name, page, api, csrf=_csrf(page), headers={"Authorization": f"Bearer {token}"})
    article_id = ingest_articles([("a", ru_item())], uploader=users["monitor_a"]).items[0].id
    job_id = jobs.create_job("articles.import", users["monitor_a"], meta={"bytes": 1})
    db.session.commit()
    mention = db.session.scalars(select(Mention).where(Mention.article_id == article_id)).first()
    outlet = db.session.scalars(select(Outlet)).first()
    assert mention is not None and outlet is not None

    anonymous = FreshClient(app.test_client())
    actors["anonymous"] = Actor("anonymous", anonymous, FreshClient(app.test_client()), csrf=_csrf(anonymous))
    citizen = FreshClient(app.test_client())
    assert citizen.get(f"/s/{invitation.id}?t={tokens[0]}").status_code == 302
    actors["citizen"] = Actor("citizen", citizen, FreshClient(app.test_client()), csrf=_csrf(citizen))
    # The disabled user's cookie and token were live; disabling ends both.
    disabled = actors["disabled"]
    set_active(users["disabled"], False)
    db.session.commit()

    dq = question_ids(draft)
    ids = {
        "open_survey": open_survey.id, "invitation_survey": invitation.id, "draft_survey": draft.id,
        "draft_question": dq["overall"], "draft_question_delete": dq["comment"], "draft_question_move": dq["recommend"],
        "ngo_home": ngo_home.id, "ngo_other": ngo_other.id, "media_ngo": cnok.id, "alliance": alliance.id,
        "article": article_id, "mention": mention.id, "outlet": outlet.id, "job": job_id,
        "home": ANALYST_REGION, "other": OTHER_REGION, "region_home_id": region_id(ANALYST_REGION),
        "users": {k: u.id for k, u in users.items()}, "unused_token": tokens[1],
    }
    assert disabled.csrf
    return World(ids, actors)


def as_client(actor: Actor, api: bool) -> tuple[FlaskClient, dict[str, str]]:
    """The client and headers a role uses for a page route or an API route."""
    return (actor.api, dict(actor.headers)) if api else (actor.page, {})
