"""Every route in ``app.url_map`` × every role, against one expected-outcome table.

A route (or a method of it) without a row in ``MATRIX`` fails ``test_every_route_has_a_row``: a new
route must be classified here before it ships. Rows are ``"endpoint METHOD"`` or
``"endpoint@variant METHOD"`` (the same route on another object, e.g. a region outside the
analyst's scope). Each row lists the outcome for the roles in ``ROLES`` order:

    anonymous  citizen  monitor_a  monitor_b  analyst  admin  disabled

Outcomes: an HTTP status; ``302`` a redirect that is not to sign-in; ``login`` a redirect to
``/login`` (pages) or 401 (API). ``citizen`` holds an invitation in their session; ``disabled``
is an admin whose live cookie and API token were kept after the account was disabled. API routes
are called with the role's bearer token and no cookie; POSTs carry a valid CSRF token (pages) or
an empty JSON object (API), so the table shows authorisation, not CSRF (tested in
``test_survey_security``).

Set ``SENIM_MATRIX_PRINT=1`` to print the observed table (for classifying a new route).
"""
from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import func, select

from models import NGO, Article, AuditLog, Mention, Outlet, User
from models import db as _db
from surveyapp.dashboard.assets import plotly_version
from tests.conftest import login, make_test_app
from tests.factories import PASSWORD, make_ngo, make_user
from tests.helpers import csrf_token_from
from tests.media_helpers import RU_TEXT, RU_TITLE, media_ngos
from tests.security.matrix_world import ROLES, World, as_client, build_world
from tests.survey_factories import FreshClient

# Allowed for everyone.
EVERYONE_200 = "200 200 200 200 200 200 200"
# Staff pages: analyst and admin; others refused; the disabled admin's cookie is dead.
STAFF_PAGE = "login login 403 403 200 200 login"
STAFF_API = "login login 403 403 200 200 login"
ADMIN_PAGE = "login login 403 403 403 200 login"
MONITOR_PAGE = "login login 200 200 403 200 login"
# Objects owned by monitor A: B gets 404 (no hint it exists), the analyst 403 (wrong role).
A_OWNED_PAGE = "login login 200 404 403 200 login"

MATRIX: dict[str, str] = {
    # public pages
    "static GET": EVERYONE_200,
    "public.home GET": EVERYONE_200,
    "public.methodology GET": EVERYONE_200,
    "public.set_language POST": "302 302 302 302 302 302 302",
    "public.vote GET": EVERYONE_200,
    "public.vote POST": EVERYONE_200,
    "auth.login GET": "200 200 302 302 302 302 200",
    "auth.login POST": "422 422 302 302 302 302 422",
    "auth.logout POST": "login login 302 302 302 302 login",
    "dashboard.summary GET": EVERYONE_200,
    "dashboard.plotly_js GET": EVERYONE_200,
    "dashboard.plotly_stylesheet GET": EVERYONE_200,
    # public survey (open link): everyone may answer; an invitation-only one needs the invitation
    "public.survey GET": EVERYONE_200,
    "public.survey@invitation GET": "403 200 403 403 403 403 403",
    "public.survey_start POST": "302 302 302 302 302 302 302",
    "public.survey_page GET": "302 302 302 302 302 302 302",
    "public.survey_page POST": "302 302 302 302 302 302 302",
    "public.survey_submit POST": "302 302 302 302 302 302 302",
    "public.survey_submit@invitation POST": "403 302 403 403 403 403 403",
    "public.survey_thanks GET": "302 302 302 302 302 302 302",
    # admin: NGO registry and surveys
    "admin.ngos GET": ADMIN_PAGE,
    "admin.ngo_new GET": ADMIN_PAGE,
    "admin.ngo_new POST": "login login 403 403 403 422 login",
    "admin.ngo_edit GET": ADMIN_PAGE,
    "admin.ngo_edit POST": "login login 403 403 403 302 login",  # absent fields keep their values
    "admin.ngo_import GET": ADMIN_PAGE,
    "admin.ngo_import POST": "login login 403 403 403 422 login",
    "admin.surveys GET": ADMIN_PAGE,
    "admin.survey_new GET": ADMIN_PAGE,
    "admin.survey_new POST": "login login 403 403 403 422 login",
    "admin.survey_import POST": "login login 403 403 403 422 login",
    "admin.survey_detail GET": ADMIN_PAGE,
    "admin.survey_edit GET": ADMIN_PAGE,
    "admin.survey_edit POST": "login login 403 403 403 422 login",
    "admin.survey_status POST": "login login 403 403 403 302 login",
    "admin.survey_export GET": ADMIN_PAGE,
    "admin.survey_preview POST": "login login 403 403 403 302 login",
    "admin.survey_battery POST": "login login 403 403 403 302 login",
    "admin.survey_ngos GET": ADMIN_PAGE,
    "admin.survey_ngos POST": "login login 403 403 403 302 login",
    "admin.survey_tokens GET": ADMIN_PAGE,
    "admin.survey_tokens POST": "login login 403 403 403 422 login",
    "admin.question_new GET": ADMIN_PAGE,
    "admin.question_new POST": "login login 403 403 403 422 login",
    "admin.question_edit GET": ADMIN_PAGE,
    "admin.question_edit POST": "login login 403 403 403 422 login",
    "admin.question_move POST": "login login 403 403 403 302 login",
    "admin.question_delete POST": "login login 403 403 403 302 login",
    # monitor: uploads and review (B never reaches A's objects)
    "monitor.upload GET": MONITOR_PAGE,
    "monitor.upload POST": "login login 422 422 403 422 login",
    "monitor.upload_file POST": "login login 422 422 403 422 login",
    "monitor.upload_status GET": A_OWNED_PAGE,
    "monitor.articles GET": MONITOR_PAGE,
    "monitor.article GET": A_OWNED_PAGE,
    "monitor.mention_add POST": "login login 422 404 403 422 login",
    "monitor.mention_decision POST": "login login 400 404 403 400 login",
    "monitor.mention_tone POST": "login login 400 404 403 400 login",
    "monitor.review_queue GET": MONITOR_PAGE,
    "monitor.outlets GET": MONITOR_PAGE,
    "monitor.outlet_edit GET": MONITOR_PAGE,
    # Outlets are shared reference data (any monitor may correct one; audited), not uploads.
    "monitor.outlet_edit POST": "login login 302 302 403 302 login",
    # dashboard (staff); the analyst sees KZ-55 only
    "dashboard.index GET": STAFF_PAGE,
    "dashboard.heatmap GET": STAFF_PAGE,
    "dashboard.heatmap_export GET": STAFF_PAGE,
    "dashboard.region_map_page GET": STAFF_PAGE,
    "dashboard.region_map_export GET": STAFF_PAGE,
    "dashboard.trends_page GET": STAFF_PAGE,
    "dashboard.trends_export GET": STAFF_PAGE,
    "dashboard.alerts_export GET": STAFF_PAGE,
    "dashboard.ngo GET": STAFF_PAGE,
    "dashboard.ngo_report GET": STAFF_PAGE,
    "dashboard.ngo_regions_export GET": STAFF_PAGE,
    "dashboard.region GET": "login login 403 403 404 200 login",
    "dashboard.region@home GET": STAFF_PAGE,
    "dashboard.region_report GET": "login login 403 403 404 200 login",
    "dashboard.region_report@home GET": STAFF_PAGE,
    "dashboard.region_ngos_export GET": "login login 403 403 404 200 login",
    "dashboard.region_ngos_export@home GET": STAFF_PAGE,
    # API (bearer tokens)
    "api.openapi_document GET": EVERYONE_200,
    "api.regions GET": EVERYONE_200,
    "api.list_ngos GET": EVERYONE_200,
    "api.ngo_detail GET": EVERYONE_200,
    "api.create_ngo_api POST": "login login 403 403 403 422 login",
    "api.list_surveys GET": EVERYONE_200,
    "api.get_survey_definition GET": EVERYONE_200,
    "api.submit POST": "422 422 422 422 422 422 422",
    "api.scores GET": STAFF_API,
    "api.scores@other GET": "login login 403 403 400 200 login",
    "api.heatmap GET": STAFF_API,
    "api.upload_articles POST": "login login 422 422 403 422 login",
    "api.get_article GET": "login login 200 404 403 200 login",
}

#: URL values per argument name; ``@variant`` rows override some.
VARIANTS: dict[str, dict[str, str]] = {
    "invitation": {"survey_id": "invitation_survey"},
    "home": {"code": "home"},
    "other": {"_query": "region=KZ-75"},
}
ADMIN_SURVEY = {"survey_id": "draft_survey"}
PER_ENDPOINT = {"admin.question_delete": {"question_id": "draft_question_delete"},
                "admin.question_move": {"question_id": "draft_question_move"},
                "admin.ngo_edit": {"ngo_id": "ngo_home"}}


def _url_values(world: World, endpoint: str, variant: str | None, arguments: set[str]) -> tuple[dict[str, Any], str]:
    ids = world.ids
    names = {"survey_id": "open_survey", "question_id": "draft_question", "ngo_id": "ngo_other",
             "article_id": "article", "mention_id": "mention", "outlet_id": "outlet", "job_id": "job",
             "code": "other"}
    if endpoint.startswith("admin."):
        names.update(ADMIN_SURVEY)
    names.update(PER_ENDPOINT.get(endpoint, {}))
    names.update(VARIANTS.get(variant or "", {}))
    query = names.pop("_query", "")
    fixed = {"fmt": "csv", "version": plotly_version(), "filename": "css/senim.css", "page": 2}
    if endpoint == "public.set_language":
        fixed["code"] = "kk"
    values = {a: fixed[a] if a in fixed else ids[names[a]] for a in arguments}
    return values, query


def _outcome(response: Any) -> str:
    if response.status_code in (301, 302, 303, 307, 308):
        return "login" if "/login" in response.headers.get("Location", "") else "302"
    if response.status_code == 401:
        return "login"
    return str(response.status_code)


def _cells(app: Flask) -> list[tuple[str, str, Any]]:
    """(row key, method, rule) for every rule and method of the app, logout last."""
    out = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            out.append((f"{rule.endpoint} {method}", method, rule))
    return sorted(out, key=lambda c: (c[0].startswith("auth.logout"), c[0]))


def _rows_for(key: str) -> list[str]:
    endpoint, method = key.split(" ")
    return [k for k in MATRIX if k == key or (k.startswith(endpoint + "@") and k.endswith(" " + method))]


def _request(world: World, role: str, row: str, rule: Any) -> Any:
    endpoint_variant, method = row.split(" ")
    endpoint, _, variant = endpoint_variant.partition("@")
    values, query = _url_values(world, endpoint, variant or None, set(rule.arguments))
    url = rule.build(values, append_unknown=False)[1] + (f"?{query}" if query else "")
    actor = world.actors[role]
    api = endpoint.startswith("api.")
    client, headers = as_client(actor, api)
    if method == "GET":
        return client.get(url, headers=headers)
    if api:
        return client.open(url, method=method, json={}, headers=headers)
    return client.open(url, method=method, data={"csrf_token": actor.csrf}, headers=headers)


def _call(world: World, role: str, row: str, rule: Any) -> str:
    response = _request(world, role, row, rule)
    try:
        return _outcome(response)
    finally:
        response.close()


def test_every_route_has_a_row(tmp_path: Path) -> None:
    app = make_test_app("sqlite://", tmp_path)
    missing = [key for key, _m, _r in _cells(app) if key not in MATRIX]
    assert not missing, f"classify these routes in MATRIX: {missing}"
    known = {key for key, _m, _r in _cells(app)}
    stale = [row for row in MATRIX if row.split("@")[0].split(" ")[0] + " " + row.split(" ")[1] not in known]
    assert not stale, f"rows for routes that no longer exist: {stale}"


def _state(ids: dict[str, Any]) -> tuple[Any, ...]:
    """What monitor B must never change: A's article and its mentions."""
    article = _db.session.execute(select(Article.title, Article.body, Article.uploaded_by_id, Article.status)
                                  .where(Article.id == ids["article"])).one()
    mentions = _db.session.execute(select(Mention.id, Mention.status, Mention.label, Mention.tone_source, Mention.reviewed_by_id)
                                   .where(Mention.article_id == ids["article"]).order_by(Mention.id)).all()
    return tuple(article), tuple(tuple(m) for m in mentions)


def test_route_role_matrix(app: Flask, db: Any, regions: dict[str, Any]) -> None:
    world = build_world(app, regions)
    untouched = _state(world.ids)
    # monitor B, with valid bodies that would change A's data if they reached it
    ids, b = world.ids, world.actors["monitor_b"]
    for url, data in ((f"/monitor/mentions/{ids['mention']}/decision", {"decision": "reject"}),
                      (f"/monitor/mentions/{ids['mention']}/tone", {"label": "negative"}),
                      (f"/monitor/articles/{ids['article']}/mentions",
                       {"ngo": f"#{ids['alliance']}", "matched": "Гражданский альянс"})):
        assert b.page.post(url, data={"csrf_token": b.csrf, **data}).status_code == 404, url
    assert b.api.get(f"/api/v1/articles/{ids['article']}", headers=b.headers).status_code == 404
    _db.session.expire_all()
    assert _state(ids) == untouched
    a = world.actors["monitor_a"]  # the same body from the owner does change it (the body was valid)
    assert a.page.post(f"/monitor/mentions/{ids['mention']}/decision",
                       data={"csrf_token": a.csrf, "decision": "reject"}).status_code == 302
    _db.session.expire_all()
    before = _state(ids)
    assert before != untouched
    observed: dict[str, list[str]] = {}
    for key, _method, rule in _cells(app):
        for row in _rows_for(key) or [key]:
            observed[row] = [_call(world, role, row, rule) for role in ROLES]
    if os.environ.get("SENIM_MATRIX_PRINT"):
        for row, cells in observed.items():
            print(f'    "{row}": "{" ".join(cells)}",')
    wrong = {row: (MATRIX.get(row), " ".join(cells)) for row, cells in observed.items()
             if MATRIX.get(row) != " ".join(cells)}
    assert not wrong, "expected vs observed (roles: " + " ".join(ROLES) + "):\n" + "\n".join(
        f"  {row}: {exp!r} != {got!r}" for row, (exp, got) in sorted(wrong.items()))
    _db.session.expire_all()
    assert _state(world.ids) == before  # A's article and mentions: nobody else changed them
    assert _db.session.scalar(select(func.count()).select_from(AuditLog)
                              .where(AuditLog.user_id == world.ids["users"]["monitor_b"],
                                     AuditLog.action.like("mention.%"))) == 0


#: Where a region outside the analyst's scope could show: exports, API bodies, page links.
SCOPED_READS = ("/dashboard/heatmap.csv", "/dashboard/heatmap.xlsx", "/dashboard/map.csv", "/dashboard/trends.csv",
                "/dashboard/alerts.csv", "/dashboard/ngos/{ngo}/regions.csv", "/dashboard/heatmap",
                "/dashboard/ngos/{ngo}", "/dashboard/trends", "/dashboard/map",
                "/api/v1/scores?per_page=1000", "/api/v1/heatmap", "/api/v1/ngos/{ngo}")


def _text(response: Any) -> str:
    if response.mimetype.endswith("spreadsheetml.sheet"):
        sheet = load_workbook(io.BytesIO(response.data)).active
        return "\n".join(" ".join(str(v) for v in row) for row in sheet.iter_rows(values_only=True))
    return response.get_data(as_text=True)


def test_region_limited_analyst_reads_only_their_region(app: Flask, db: Any, regions: dict[str, Any]) -> None:
    """Pages, exports and API: the analyst limited to KZ-55 never sees KZ-75 (the admin does, so
    the check can fail); the other region's name and its alert stay out too."""
    world = build_world(app, regions)
    other = regions["KZ-75"]
    names = {other.code, other.name_ru, other.name_en, other.name_kk} - {None, ""}
    for template in SCOPED_READS:
        url = template.format(ngo=world.ids["ngo_home"])  # registered in KZ-55, scored in both
        for role, visible in (("analyst", False), ("admin", True)):
            client, headers = as_client(world.actors[role], url.startswith("/api/"))
            response = client.get(url, headers=headers)
            assert response.status_code == 200, (role, url, response.status_code)
            body = _text(response)
            # pages name the three cities in their help text: look for the code (links, data) there
            wanted = {other.code} if response.mimetype == "text/html" else names
            seen = sorted(n for n in wanted if n in body)
            if visible:
                assert seen, (role, url)
            else:
                assert not seen, (role, url, seen)
            response.close()


def test_mass_assignment_of_role_owner_and_ids_is_ignored(app: Flask, db: Any, regions: dict[str, Any]) -> None:
    """Forms that update a user's session, an article, an outlet or an NGO ignore ``role``,
    ``is_active``, owner and id fields (there is no profile page: accounts change only by CLI)."""
    media_ngos()
    a, b = make_user("monitor"), make_user("monitor")
    hostile = {"role": "admin", "is_active": "false", "uploaded_by_id": str(b.id), "owner_id": str(b.id),
               "user_id": str(b.id), "id": "999", "status": "duplicate", "session_version": "99"}
    client = FreshClient(app.test_client())
    assert client.post("/login", data={"csrf_token": csrf_token_from(client.get("/login").get_data(as_text=True)),
                                       "email": a.email, "password": PASSWORD, **hostile}).status_code == 302
    token = csrf_token_from(client.get("/monitor/").get_data(as_text=True))
    res = client.post("/monitor/", data={"csrf_token": token, "title": RU_TITLE, "text": RU_TEXT, "outlet": "Дала",
                                         "url": "https://dala.example/m", "published": "2026-04-10", "language": "",
                                         **hostile})
    assert res.status_code == 302
    article = _db.session.scalars(select(Article)).one()
    assert article.uploaded_by_id == a.id and article.status == "accepted" and article.id != 999
    outlet = _db.session.scalars(select(Outlet)).one()
    res = client.post(f"/monitor/outlets/{outlet.id}/edit", data={"csrf_token": token, "name": "Дала 2", **hostile})
    assert res.status_code == 302
    admin_client = FreshClient(app.test_client())
    admin = make_user("admin")
    login(admin_client, admin.email, PASSWORD)
    ngo = make_ngo()
    edit = admin_client.get(f"/admin/ngos/{ngo.id}/edit").get_data(as_text=True)
    res = admin_client.post(f"/admin/ngos/{ngo.id}/edit", data={"csrf_token": csrf_token_from(edit),
                                                                 "name_en": "Renamed", **hostile})
    assert res.status_code == 302
    _db.session.expire_all()
    assert {u.id: (u.role, u.is_active, u.session_version < 99) for u in _db.session.scalars(select(User))} == {
        a.id: ("monitor", True, True), b.id: ("monitor", True, True), admin.id: ("admin", True, True)}
    assert _db.session.get(Outlet, outlet.id).name == "Дала 2" and _db.session.get(Outlet, 999) is None
    assert _db.session.get(NGO, ngo.id).name_en == "Renamed" and _db.session.get(NGO, 999) is None
    assert _db.session.scalars(select(Article)).one().uploaded_by_id == a.id
