"""Taking a survey through the HTML form (no JavaScript): pages, errors, resuming, policies."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from models import Answer, InvitationToken, Project, ProjectVote, Response, ScoreSnapshot
from models.score import cell_key
from tests.factories import make_ngo
from tests.survey_factories import FormWalker, FreshClient, make_survey, question_ids, region_id


@pytest.fixture
def client(app):
    return FreshClient(app.test_client())


@pytest.fixture
def setup(db, regions):
    local = make_ngo(region_id=region_id("KZ-55"), name_ru="Фонд Павлодара")
    national = make_ngo(name_ru="Национальный фонд")
    survey = make_survey(ngos=[local, national])
    return {"survey": survey, "id": survey.id, "ids": question_ids(survey), "ngos": [local.id, national.id]}


def _responses(db) -> list[Response]:
    db.session.expire_all()
    return list(db.session.scalars(select(Response)))


def in_language(lang: str, message: str) -> str:
    """``message`` as the interface in ``lang`` shows it (whatever the state of the catalogue)."""
    from flask_babel import force_locale, gettext

    with force_locale(lang):
        return gettext(message)


def in_russian(message: str) -> str:
    return in_language("ru", message)


def test_whole_survey_with_errors_corrections_and_dependencies(client, db, setup):
    ids, w = setup["ids"], FormWalker(client, setup["id"])
    assert w.start("ru").status_code == 302
    html = w.get(1)
    assert 'lang="ru"' in html and "Опрос о доверии к НКО" in html
    r = w.post(1, {"sex": "male"})  # region missing
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and 'id="region-error"' in page
    assert re.search(r'value="male"\s+checked', page)  # the typed answer is kept
    assert w.post(1, {"region": "KZ-55", "sex": "male"}).status_code == 302
    r = w.post(2, {f"q{ids['comment']}": "Моё мнение <b>важно</b>", f"q{ids['channels']}": ["tv", "web"]})
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and f'id="q{ids["overall"]}-error"' in page
    assert "Моё мнение &lt;b&gt;важно&lt;/b&gt;" in page  # kept, escaped
    assert re.search(r'value="tv"\s+checked', page) and re.search(r'value="web"\s+checked', page)
    assert w.post(2, {f"q{ids['overall']}": "dk", f"q{ids['comment']}": "Моё мнение",
                      f"q{ids['channels']}": ["tv", "web"]}).status_code == 302
    html = w.get(3)
    fields = w.ngo_fields(html)
    assert {n for _q, n in fields} == set(setup["ngos"]) and {q for q, _n in fields} == {ids["aware"]}
    local, national = setup["ngos"]
    assert w.post(3, {f"q{ids['aware']}_n{local}": "yes", f"q{ids['aware']}_n{national}": "no"}).status_code == 302
    html = w.get(4)
    assert {n for _q, n in w.ngo_fields(html)} == {local}  # follow-ups only for the NGO they know
    assert "<legend class=\"ngo-name\">Фонд Павлодара</legend>" in html
    r = w.post(4, {f"q{ids['trust']}_n{local}": "5", f"q{ids['usefulness']}_n{local}": "4"})
    assert r.status_code == 422
    assert w.post(4, {f"q{ids[c]}_n{local}": "4" for c in ("trust", "usefulness", "transparency", "project")}
                  ).status_code == 302
    w.get(5)
    done = w.post(5, {}, final=True)
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/s/{setup['id']}/thanks")
    rows = _responses(db)
    assert len(rows) == 1
    row = rows[0]
    assert (row.language, row.channel, row.sex, row.age_group, row.settlement) == ("ru", "web", "male", None, None)
    answers = {(a.question_id, a.ngo_id): a for a in db.session.scalars(select(Answer))}
    assert answers[(ids["overall"], None)].value_num is None  # don't know
    assert answers[(ids["channels"], None)].value_list == ["tv", "web"]
    assert answers[(ids["aware"], national)].value_num == 0.0
    assert (ids["trust"], national) not in answers and answers[(ids["trust"], local)].value_num == 4.0
    assert "speeder" in row.flags  # answered in well under 20 seconds
    thanks = client.get(done.headers["Location"])
    not_yet = in_russian("Results for your region are not yet published. They appear once enough people have answered.")
    assert thanks.status_code == 200 and not_yet in thanks.get_data(as_text=True)  # the respondent chose ru
    again = client.get(f"/s/{setup['id']}")
    assert in_russian("You have already answered this survey") in again.get_data(as_text=True)


def test_back_and_resume_keep_answers(client, db, setup):
    ids, w = setup["ids"], FormWalker(client, setup["id"])
    w.start("kk")
    w.get(1)
    w.post(1, {"region": "KZ-55"})
    w.post(2, {f"q{ids['overall']}": "2", "nav": "back"})
    html = w.get(2)
    assert re.search(rf'name="q{ids["overall"]}" value="2"\s+checked', html)
    landing = client.get(f"/s/{setup['id']}").get_data(as_text=True)
    # the interface follows the language the respondent chose
    assert in_language("kk", "You have started this survey. You can continue where you left off.") in landing


@pytest.mark.parametrize("app_config", [{"SENIM_SURVEY_MIN_SECONDS": 0}])
def test_honeypot_and_repeat_browser_are_flagged_not_rejected(client, db, setup):
    w = FormWalker(client, setup["id"])
    assert w.complete(setup["ids"], extra={"website": "http://spam.example"}).status_code == 302
    assert _responses(db)[0].flags == ["honeypot"]
    second = FormWalker(client, setup["id"])  # same browser, straight to the start form
    assert second.complete(setup["ids"]).status_code == 302
    flags = sorted(tuple(r.flags) for r in _responses(db))
    assert flags == [("duplicate_device", "repeat_browser"), ("honeypot",)]


def test_draft_unknown_and_closed(client, db, setup):
    draft = make_survey(status="draft")
    closed = make_survey(status="closed")
    assert client.get(f"/s/{draft.id}").status_code == 404
    assert client.get("/s/999999").status_code == 404
    r = client.get(f"/s/{closed.id}")
    assert r.status_code == 410 and "closed" in r.get_data(as_text=True)


def test_survey_closing_mid_way_is_410(client, db, setup):
    w = FormWalker(client, setup["id"])
    w.start()
    w.get(1)
    setup["survey"].status = "closed"
    db.session.commit()
    assert w.post(1, {"region": "KZ-55"}).status_code == 410
    assert _responses(db) == []


def test_invitation_link_flow(client, app, db, regions):
    from surveyapp.services.surveys.invitations import generate_tokens

    survey = make_survey(mode="invitation", battery=False)
    token, other = generate_tokens(survey, 2)
    db.session.commit()
    ids = question_ids(survey)
    assert client.get(f"/s/{survey.id}").status_code == 403
    assert client.get(f"/s/{survey.id}?t=forged-token-123456").status_code == 403
    r = client.get(f"/s/{survey.id}?t={token}")
    assert r.status_code == 302 and r.headers["Location"] == f"/s/{survey.id}"  # token removed from the URL
    w = FormWalker(client, survey.id)
    w.start()
    w.get(1)
    w.post(1, {"region": "KZ-55"})
    w.post(2, {f"q{ids['overall']}": "5"})
    w.get(3)
    assert w.post(3, {}, final=True).status_code == 302
    rows = _responses(db)
    assert len(rows) == 1 and rows[0].channel == "invitation"
    assert db.session.scalar(select(func.count()).select_from(InvitationToken).where(InvitationToken.used)) == 1
    fresh = app.test_client()
    r = fresh.get(f"/s/{survey.id}?t={token}")
    assert r.status_code == 403 and "already been used" in r.get_data(as_text=True)
    assert fresh.get(f"/s/{survey.id}?t={other}").status_code == 302


def test_thanks_page_compares_region_with_country(client, db, setup):
    pav = region_id("KZ-55")
    for region, estimate, suppressed in ((None, 61.0, False), (pav, 55.0, False)):
        db.session.add(ScoreSnapshot(key=cell_key("trust_index", None, region, "2026-Q1", "all", "direct"),
                                     metric="trust_index", region_id=region, period="2026-Q1", estimate=estimate,
                                     ci_low=estimate - 5, ci_high=estimate + 5, n=100, suppressed=suppressed))
    db.session.commit()
    FormWalker(client, setup["id"]).complete(setup["ids"], language="en")
    page = client.get(f"/s/{setup['id']}/thanks").get_data(as_text=True)
    assert "55" in page and "61" in page and "2026-Q1" in page


def test_suppressed_region_is_not_published(client, db, setup):
    pav = region_id("KZ-55")
    db.session.add(ScoreSnapshot(key="a", metric="trust_index", region_id=None, period="2026-Q1", estimate=61.0, n=500))
    db.session.add(ScoreSnapshot(key="b", metric="trust_index", region_id=pav, period="2026-Q1", estimate=None, n=9,
                                 suppressed=True))
    db.session.commit()
    FormWalker(client, setup["id"]).complete(setup["ids"], language="en")
    page = client.get(f"/s/{setup['id']}/thanks").get_data(as_text=True)
    assert "not yet published" in page and "61" not in page


def test_project_voting_once_per_ballot(client, db, setup):
    ngo = make_ngo(region_id=region_id("KZ-55"))
    project = Project(ngo_id=ngo.id, region_id=region_id("KZ-55"), title_ru="Чистый двор", title_en="Clean yard",
                      period="2025", voting_open=True)
    closed = Project(ngo_id=ngo.id, region_id=region_id("KZ-55"), title_en="Closed", period="2025")
    db.session.add_all([project, closed])
    db.session.commit()
    FormWalker(client, setup["id"]).complete(setup["ids"], language="en")
    assert "Vote on NGO projects" in client.get(f"/s/{setup['id']}/thanks").get_data(as_text=True)
    page = client.get("/vote").get_data(as_text=True)
    assert "Clean yard" in page and "Closed" not in page
    from tests.helpers import csrf_token_from

    token = csrf_token_from(page)
    bad = client.post("/vote?region=KZ-55", data={"csrf_token": token, f"rating_{project.id}": "9"})
    assert bad.status_code == 422
    ok = client.post("/vote?region=KZ-55", data={"csrf_token": token, f"rating_{project.id}": "5",
                                                 f"support_{project.id}": "yes", f"rating_{closed.id}": "1"})
    assert ok.status_code == 302
    again = client.post("/vote?region=KZ-55", data={"csrf_token": token, f"rating_{project.id}": "1"})
    assert again.status_code == 302
    votes = list(db.session.scalars(select(ProjectVote)))
    assert len(votes) == 1 and votes[0].rating == 5 and votes[0].support is True


def test_admin_preview_stores_nothing(client, db, setup):
    from tests.conftest import login
    from tests.factories import PASSWORD, make_user
    from tests.helpers import csrf_token_from

    draft = make_survey(status="draft", ngos=[])
    admin = make_user("admin")
    login(client, admin.email, PASSWORD)
    token = csrf_token_from(client.get(f"/admin/surveys/{draft.id}").get_data(as_text=True))
    r = client.post(f"/admin/surveys/{draft.id}/preview", data={"csrf_token": token})
    assert r.status_code == 302
    landing = client.get(f"/s/{draft.id}").get_data(as_text=True)
    assert "Preview" in landing
    ids = question_ids(draft)
    w = FormWalker(client, draft.id)
    w.start("en")
    w.get(1)
    w.post(1, {"region": "KZ-55"})
    w.post(2, {f"q{ids['overall']}": "3"})
    html = w.get(3)
    assert w.ngo_fields(html) == []  # empty NGO set: nothing to ask on the battery pages
    last = w.post(5, {}, final=True)
    assert last.status_code == 200 and "nothing was stored" in last.get_data(as_text=True)
    assert _responses(db) == []
    anonymous = client.application.test_client()
    assert anonymous.get(f"/s/{draft.id}").status_code == 404
