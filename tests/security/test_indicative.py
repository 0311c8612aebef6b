"""Open-link results are labelled "indicative" next to the number of excluded responses on every
page and API answer that shows survey results; invitation-only results are not
(docs/security.md §6)."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask_babel import refresh
from sqlalchemy import func, select

from models import ScoreSnapshot
from models import db as _db
from surveyapp.services.scores import compute_scores
from surveyapp.services.scores.exclusions import FLAGGED, KEPT
from surveyapp.services.users import issue_token
from tests.conftest import login
from tests.factories import PASSWORD, make_ngo, make_user
from tests.score_factories import add_respondents, make_battery
from tests.survey_factories import FreshClient

OPEN, INVITED = "2026-Q2", "2026-Q1"
FLAGGED_OPEN = 7
LABEL = 'class="indicative-note"'
TRANSLATED = {"en": "Indicative", "ru": "Ориентировочные данные", "kk": "Болжамды деректер"}


@pytest.fixture
def scene(db: Any, regions: dict[str, Any]) -> dict[str, Any]:
    """An invitation-only wave (INVITED) and an open-link wave (OPEN, with flagged responses)."""
    ngo = make_ngo(region_id=regions["KZ-75"].id)
    invited = make_battery(INVITED, ngos=[ngo])
    invited.survey.mode = "invitation"
    _db.session.commit()
    open_link = make_battery(OPEN, ngos=[ngo])
    for battery in (invited, open_link):
        add_respondents(battery, regions["KZ-75"].id, ngo, [1, 2, 3, 4, 5] * 3)
    add_respondents(open_link, regions["KZ-75"].id, ngo, [5] * 4, flags=["duplicate_device"])
    add_respondents(open_link, regions["KZ-75"].id, ngo, [5] * 3, flags=["speeder", "repeat_browser"])
    invited_flagged = 2
    add_respondents(invited, regions["KZ-75"].id, ngo, [1] * invited_flagged, flags=["honeypot"])
    compute_scores()
    _db.session.commit()
    return {"ngo": ngo.id, "invited_flagged": invited_flagged, "survey": open_link.survey.id}


def test_compute_stores_kept_and_flagged_counts_per_period_and_mode(scene: dict[str, Any]) -> None:
    rows = _db.session.execute(select(ScoreSnapshot.metric, ScoreSnapshot.period, ScoreSnapshot.segment,
                                      ScoreSnapshot.n, ScoreSnapshot.estimate, ScoreSnapshot.ngo_id,
                                      ScoreSnapshot.region_id)
                               .where(ScoreSnapshot.metric.in_((KEPT, FLAGGED)))).all()
    assert {(m, p, s, n) for m, p, s, n, *_ in rows} == {
        (KEPT, OPEN, "open", 15), (FLAGGED, OPEN, "open", FLAGGED_OPEN),
        (KEPT, INVITED, "invitation", 15), (FLAGGED, INVITED, "invitation", scene["invited_flagged"])}
    assert all(e is None and g is None and r is None for *_, e, g, r in rows)
    compute_scores()  # idempotent: replaced, not added
    _db.session.commit()
    assert _db.session.scalar(select(func.count()).select_from(ScoreSnapshot)
                              .where(ScoreSnapshot.metric.in_((KEPT, FLAGGED)))) == 4


def _staff(app: Flask) -> tuple[Any, str]:
    user = make_user("admin")
    client = FreshClient(app.test_client())
    assert login(client, user.email, PASSWORD).status_code == 302
    return client, issue_token(user.email)


PAGES = ("/dashboard/heatmap?period={p}", "/dashboard/map?period={p}", "/dashboard/ngos/{ngo}?period={p}",
         "/dashboard/ngos/{ngo}/report?period={p}", "/dashboard/regions/KZ-75?period={p}",
         "/dashboard/regions/KZ-75/report?period={p}")


def test_pages_label_open_link_results_and_only_those(app: Flask, scene: dict[str, Any]) -> None:
    client, _token = _staff(app)
    for template in PAGES:
        open_page = client.get(template.format(p=OPEN, ngo=scene["ngo"])).get_data(as_text=True)
        assert LABEL in open_page and f"Responses excluded by quality checks: {FLAGGED_OPEN}." in open_page, template
        invited_page = client.get(template.format(p=INVITED, ngo=scene["ngo"])).get_data(as_text=True)
        assert "indicative" not in invited_page.lower(), template
    # pages that open on the latest finished period (OPEN) and the trends over both periods
    for url in ("/dashboard/", "/dashboard/summary"):
        assert f'data-indicative="{OPEN}"' in client.get(url).get_data(as_text=True), url
    trends = client.get("/dashboard/trends").get_data(as_text=True)
    assert f'data-indicative="{OPEN}"' in trends and f'data-indicative="{INVITED}"' not in trends
    public = FreshClient(app.test_client()).get("/dashboard/summary").get_data(as_text=True)
    assert LABEL in public and f": {FLAGGED_OPEN}." in public
    respondent = app.test_client()  # the thank-you page compares the region with the country
    with respondent.session_transaction() as session:
        session["thanks"] = [scene["survey"], "KZ-75"]
    thanks = FreshClient(respondent).get(f"/s/{scene['survey']}/thanks").get_data(as_text=True)
    assert "Trust index in" in thanks and f'data-indicative="{OPEN}"' in thanks


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_label_is_translated(app: Flask, scene: dict[str, Any], lang: str) -> None:
    refresh()
    page = FreshClient(app.test_client()).get("/dashboard/summary", headers={"Accept-Language": lang})
    html = page.get_data(as_text=True)
    assert TRANSLATED[lang] in html and "Indicative" not in html


def test_api_carries_the_quality_note(app: Flask, scene: dict[str, Any]) -> None:
    _client, token = _staff(app)
    api = FreshClient(app.test_client())
    auth = {"Authorization": f"Bearer {token}"}
    for url in ("/api/v1/scores?period={p}", "/api/v1/heatmap?period={p}", "/api/v1/ngos/{ngo}?period={p}"):
        opened = api.get(url.format(p=OPEN, ngo=scene["ngo"]), headers=auth).get_json()["quality"]
        assert opened == {"period": OPEN, "indicative": True, "flagged_responses": FLAGGED_OPEN,
                          "open_link_responses": 15}, url
        invited = api.get(url.format(p=INVITED, ngo=scene["ngo"]), headers=auth).get_json()["quality"]
        assert invited["indicative"] is False and invited["open_link_responses"] == 0, url


EXPORTS = ("/dashboard/heatmap.{fmt}?period={p}", "/dashboard/map.{fmt}?period={p}",
           "/dashboard/ngos/{ngo}/regions.{fmt}?period={p}", "/dashboard/regions/KZ-75/ngos.{fmt}?period={p}")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_carry_the_quality_note_on_every_line(app: Flask, scene: dict[str, Any], fmt: str) -> None:
    """A policymaker's export lands in Excel without the page around it: each line says whether its
    period is indicative and how many responses were excluded; XLSX also has a note above."""
    import csv
    import io

    from openpyxl import load_workbook

    client, _token = _staff(app)
    for template in EXPORTS:
        for period, indicative, flagged in ((OPEN, "true", str(FLAGGED_OPEN)),
                                            (INVITED, "false", str(scene["invited_flagged"]))):
            res = client.get(template.format(fmt=fmt, p=period, ngo=scene["ngo"]))
            assert res.status_code == 200, template
            if fmt == "csv":
                rows = list(csv.reader(io.StringIO(res.data.decode("utf-8-sig"))))
                notes: list[str] = []
            else:
                sheet = [["" if c is None else str(c) for c in r]
                         for r in load_workbook(io.BytesIO(res.data)).active.iter_rows(values_only=True)]
                start = next(i for i, r in enumerate(sheet) if "period" in r)
                notes, rows = [r[0] for r in sheet[:start] if r and r[0]], sheet[start:]
            header, lines = rows[0], rows[1:]
            assert header[-2:] == ["indicative", "flagged_responses"] and lines, template
            at = header.index("period")
            for line in lines:
                assert line[at] == period and line[-2:] == [indicative, flagged], (template, line)
            labelled = [n for n in notes if n.startswith(f"{period}: Indicative.")]
            if fmt == "xlsx" and period == OPEN:
                assert labelled == [f"{OPEN}: Indicative. Responses excluded by quality checks: {FLAGGED_OPEN}."]
            else:
                assert labelled == [], template


def test_trends_export_labels_each_period_on_its_own(app: Flask, scene: dict[str, Any]) -> None:
    import csv
    import io

    client, _token = _staff(app)
    rows = list(csv.reader(io.StringIO(client.get("/dashboard/trends.csv").data.decode("utf-8-sig"))))
    at = rows[0].index("period")
    labels = {(line[at], line[-2]) for line in rows[1:] if line[at] in (OPEN, INVITED)}
    assert labels == {(OPEN, "true"), (INVITED, "false")}
