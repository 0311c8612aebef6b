"""GET /api/v1/scores, /heatmap and /ngos/<id>: shapes, auth, scope, suppression, bad input."""
from __future__ import annotations

import pytest

from models import db as _db
from surveyapp.services.users import issue_token
from tests.dashboard_helpers import seed
from tests.factories import make_user
from tests.snapshot_factories import make_snapshot


def bearer(role: str = "analyst", region_codes: list[str] | None = None) -> dict[str, str]:
    user = make_user(role, region_codes=region_codes)
    token = issue_token(user.email)
    _db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_scores_shape_and_national_rows(client, db, regions):
    data = seed(regions)
    body = client.get("/api/v1/scores?region=national&ngo=" + str(data["ngos"][0].id), headers=bearer()).get_json()
    assert body["total"] == 1
    row = body["items"][0]
    assert set(row) >= {"metric", "ngo_id", "ngo", "region", "period", "segment", "estimate", "ci_low", "ci_high",
                        "n", "n_eff", "method", "suppressed"}
    assert row["estimate"] == 53.0 and row["region"] is None and row["method"] == "direct"
    assert row["period"] == "2026-Q3" and row["ngo"] == "Alpha Fund"


def test_scores_pagination_counts_cells(client, db, regions):
    seed(regions)
    headers = bearer()
    first = client.get("/api/v1/scores?per_page=5", headers=headers).get_json()
    second = client.get("/api/v1/scores?per_page=5&page=2", headers=headers).get_json()
    assert first["total"] == second["total"] == 16  # (3 NGOs + all) × (national + 3 regions)
    keys = {(r["ngo_id"], r["region"]) for r in first["items"] + second["items"]}
    assert len(keys) == 10


@pytest.mark.parametrize("n,visible", [(9, False), (10, True)])
def test_nine_respondents_suppressed_ten_shown(client, db, regions, n, visible):
    data = seed(regions)
    make_snapshot(ngo=data["ngos"][0], region=regions["KZ-19"], n=n, estimate=77.7)
    headers = bearer()
    row = client.get(f"/api/v1/scores?region=KZ-19&ngo={data['ngos'][0].id}", headers=headers).get_json()["items"][0]
    assert row["suppressed"] is (not visible)
    assert (row["estimate"] == 77.7) is visible and (row["n"] == n) is visible
    matrix = client.get("/api/v1/heatmap", headers=headers).get_json()
    alpha = next(i for i in matrix["items"] if i["ngo"] == "Alpha Fund")
    assert alpha["cells"]["KZ-19"]["suppressed"] is (not visible)
    assert "KZ-19" in alpha["cells"] and (alpha["cells"]["KZ-19"]["estimate"] is None) is (not visible)


def test_heatmap_shape(client, db, regions):
    seed(regions)
    body = client.get("/api/v1/heatmap?metric=trust_index&period=2026-Q2", headers=bearer()).get_json()
    assert body["metric"] == "trust_index" and body["period"] == "2026-Q2" and body["total"] == 3
    assert len(body["regions"]) == 20 and body["all_ngos"]["national"]["estimate"] == 40.0
    assert set(body["items"][0]) == {"ngo_id", "ngo", "sector", "national", "cells"}


def test_region_limited_analyst_gets_only_their_region(client, db, regions):
    seed(regions)
    headers = bearer("analyst", ["KZ-71"])
    rows = client.get("/api/v1/scores?per_page=100", headers=headers).get_json()["items"]
    assert {r["region"] for r in rows} == {None, "KZ-71"}
    matrix = client.get("/api/v1/heatmap", headers=headers).get_json()
    assert [r["code"] for r in matrix["regions"]] == ["KZ-71"]
    assert all(set(i["cells"]) == {"KZ-71"} for i in matrix["items"])
    response = client.get("/api/v1/scores?region=KZ-75", headers=headers)
    assert response.status_code == 400 and "region" in response.get_json()["fields"]


def test_anonymous_401_monitor_403(client, db, regions):
    seed(regions)
    assert client.get("/api/v1/scores").status_code == 401
    assert client.get("/api/v1/heatmap").get_json()["error"]
    assert client.get("/api/v1/heatmap", headers=bearer("monitor")).status_code == 403


@pytest.mark.parametrize("query,field", [
    ("metric=bogus", "metric"), ("period=2026-Q9", "period"), ("period=%27%20OR%201%3D1--", "period"),
    ("segment=suburban", "segment"), ("ngo=abc", "ngo"), ("ngo=999999", "ngo"), ("region=KZ-00", "region"),
    ("region=1;DROP%20TABLE%20responses", "region"), ("per_page=5000", "per_page"), ("method=x", "method"),
    ("metric=trust_index&metric=awareness", "metric"),
])
def test_bad_query_is_400_naming_the_field(client, db, regions, query, field):
    seed(regions)
    response = client.get(f"/api/v1/scores?{query}", headers=bearer())
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] and field in body["fields"]


def test_ngo_detail_public_national_staff_regional(client, db, regions):
    data = seed(regions)
    ngo_id = data["ngos"][0].id
    public = client.get(f"/api/v1/ngos/{ngo_id}").get_json()
    assert public["id"] == ngo_id and public["regions"] == {} and public["period"] == "2026-Q3"
    assert public["scores"]["trust_index"]["estimate"] == 53.0
    staff = client.get(f"/api/v1/ngos/{ngo_id}", headers=bearer("analyst", ["KZ-75"])).get_json()
    assert set(staff["regions"]) == {"KZ-75"}
    assert client.get("/api/v1/ngos/999999").status_code == 404
    assert client.get(f"/api/v1/ngos/{ngo_id}?period=1999-Q1").status_code == 400


def test_operations_are_in_the_openapi_document(client, db):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert {"/scores", "/heatmap", "/ngos/{ngo_id}"} <= set(doc["paths"])
    assert "ScoreList" in doc["components"]["schemas"]
