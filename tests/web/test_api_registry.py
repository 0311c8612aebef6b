"""GET /api/v1/regions, GET /api/v1/ngos and POST /api/v1/ngos."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from models import NGO
from surveyapp.services.users import issue_token
from tests.factories import HOSTILE_STRINGS, KAZAKH_NAME, make_ngo, make_user


def bearer(db, role: str) -> dict[str, str]:
    user = make_user(role)
    token = issue_token(user.email)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_regions_lists_the_twenty_units(client, regions):
    body = client.get("/api/v1/regions").get_json()
    assert body["total"] == 20 and len(body["items"]) == 20
    almaty = next(r for r in body["items"] if r["code"] == "KZ-75")
    assert almaty["kind"] == "city" and almaty["name_kk"] == "Алматы қаласы" and "Alma-Ata" in almaty["variants"]


def test_ngos_search_filter_and_pagination(client, db, regions):
    make_ngo(name_en="Taza Su", name_kk=KAZAKH_NAME, region_id=regions["KZ-75"].id, sector="environment",
             aliases=["ТСУ"])
    for i in range(5):
        make_ngo(name_en=f"Other {i}", sector="youth")
    assert client.get("/api/v1/ngos?q=ұйымдардың").get_json()["items"][0]["name"] == "Taza Su"
    assert client.get("/api/v1/ngos?q=тсу").get_json()["total"] == 1
    by_region = client.get("/api/v1/ngos?region=KZ-75").get_json()
    assert by_region["total"] == 1 and by_region["items"][0]["region"] == "KZ-75"
    page = client.get("/api/v1/ngos?sector=youth&per_page=2&page=2").get_json()
    assert (page["total"], page["page"], page["per_page"], len(page["items"])) == (5, 2, 2, 2)


@pytest.mark.parametrize("query,field", [
    ("sector=astrology", "sector"), ("region=KZ-99", "region"), ("page=0", "page"), ("per_page=-1", "per_page"),
    ("page=1&page=2", "page"), ("page=abc", "page"),
])
def test_ngos_bad_parameters_name_the_field(client, regions, query, field):
    response = client.get(f"/api/v1/ngos?{query}")
    assert response.status_code == 422 and field in response.get_json()["fields"]


def test_ngos_injection_in_search_returns_nothing_extra(client, db, regions):
    make_ngo(name_en="Only One")
    for attack in ("' OR 1=1--", "1;DROP TABLE responses", "%", "_"):
        response = client.get("/api/v1/ngos", query_string={"q": attack})
        assert response.status_code == 200 and response.get_json()["total"] == 0
    assert db.session.scalar(select(func.count()).select_from(NGO)) == 1


def test_post_ngo_requires_an_admin_token(client, db, regions):
    body = {"name_en": "New Fund"}
    assert client.post("/api/v1/ngos", json=body).status_code == 401
    assert client.post("/api/v1/ngos", json=body, headers=bearer(db, "analyst")).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(NGO)) == 0


def test_post_ngo_creates_and_refuses_duplicates_and_bad_fields(client, db, regions):
    headers = bearer(db, "admin")
    created = client.post("/api/v1/ngos", headers=headers, json={
        "name_ru": "Фонд «Жардем»", "name_kk": KAZAKH_NAME, "aliases": "Жардем; ЖРД", "bin": "123456789012",
        "sector": "social_support", "region": "KZ-10"})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["region"] == "KZ-10" and set(body["aliases"]) == {"Жардем", "ЖРД"} and body["name_kk"] == KAZAKH_NAME
    again = client.post("/api/v1/ngos", headers=headers, json={"name_en": "Other", "bin": "123456789012"})
    assert again.status_code == 409 and "bin" in again.get_json()["fields"]
    cases = [({"bin": "123"}, "bin"), ({"name_en": "X", "region": "KZ-99"}, "region"),
             ({"name_en": "X", "sector": "astrology"}, "sector"), ({"name_en": "X", "role": "admin"}, "role"),
             ({"name_en": "X", "website": "javascript:alert(1)"}, "website"), ({"name_en": "x" * 301}, "name_en")]
    for payload, field in cases:
        response = client.post("/api/v1/ngos", headers=headers, json=payload)
        assert response.status_code == 422, payload
        assert field in response.get_json()["fields"], (payload, response.get_json())
    assert db.session.scalar(select(func.count()).select_from(NGO)) == 1


def test_post_ngo_stores_hostile_names_verbatim(client, db, regions):
    headers = bearer(db, "admin")
    for i, name in enumerate(HOSTILE_STRINGS[:9]):
        response = client.post("/api/v1/ngos", headers=headers, json={"name_en": f"{name} {i}"})
        assert response.status_code == 201, (name, response.get_json())
        assert response.get_json()["name_en"] == f"{name} {i}"  # verbatim, even a leading tab


def test_post_ngo_rejects_wrong_content_type_and_bad_json(client, db, regions):
    headers = bearer(db, "admin")
    assert client.post("/api/v1/ngos", headers=headers, data="name_en=X").status_code == 415
    bad = client.post("/api/v1/ngos", headers={**headers, "Content-Type": "application/json"}, data=b"\xff\xfe{")
    assert bad.status_code == 400
    dup = client.post("/api/v1/ngos", headers={**headers, "Content-Type": "application/json"},
                      data='{"name_en": "A", "name_en": "B"}')
    assert dup.status_code == 422 and "name_en" in dup.get_json()["fields"]


def test_registry_operations_are_in_the_openapi_document(client, regions):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert {"get"} <= set(doc["paths"]["/regions"]) and {"get", "post"} <= set(doc["paths"]["/ngos"])
    assert "NgoIn" in json.dumps(doc["components"])
