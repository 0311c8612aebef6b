"""Bad input at the HTTP edge: regressions for what the API fuzzer found, and TEST-BATTERY cases 29
(SQL in search and filter parameters) and 30 (repeated parameters, wrong Content-Type, invalid UTF-8).

Every answer is a deterministic 4xx with ``{"error", "fields"}`` naming the field; never a 500."""
from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from models import NGO, Response, db as _db
from surveyapp.services.users import issue_token
from tests.factories import make_ngo, make_user
from tests.survey_factories import make_survey, response_body

SQL_STRINGS = ("' OR 1=1--", "1;DROP TABLE responses", "1' OR '1'='1", "%' OR 1=1 OR name LIKE '%",
               "KZ-75' UNION SELECT * FROM users--", '") OR ("1"="1')


def bearer(role: str = "admin") -> dict[str, str]:
    user = make_user(role)
    token = issue_token(user.email)
    _db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def assert_error(res: Any, status: int, field: str | None = None) -> None:
    assert res.status_code == status, (res.status_code, res.get_data(as_text=True)[:300])
    body = res.get_json()
    assert isinstance(body["error"], str) and body["error"]
    if field is not None:
        assert field in body["fields"], body


# --- found by schemathesis (tests/security/test_api_fuzz.py) --------------------------------------------


def test_method_not_allowed_keeps_the_allow_header(client, db):
    """RFC 9110: a 405 lists the allowed methods. The JSON (and HTML) error pages used to drop it."""
    res = client.open("/api/v1/ngos", method="TRACE")
    assert res.status_code == 405 and res.is_json
    assert set(res.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    page = client.put("/login")
    assert page.status_code == 405 and "POST" in page.headers["Allow"]


def test_ngos_per_page_above_the_documented_maximum_is_refused(client, db):
    """The document says per_page ≤ 200; larger values used to be silently capped."""
    assert_error(client.get("/api/v1/ngos?per_page=201"), 422, "per_page")
    assert client.get("/api/v1/ngos?per_page=200").status_code == 200


def test_an_empty_query_value_means_absent_as_documented(client, db):
    """``?sector=&page=`` is what a form with nothing chosen sends; the document says allowEmptyValue."""
    doc = client.get("/api/v1/openapi.json").get_json()
    assert all(p["allowEmptyValue"] for p in doc["paths"]["/ngos"]["get"]["parameters"])
    res = client.get("/api/v1/ngos?q=&region=&sector=&page=&per_page=")
    assert res.status_code == 200 and (res.get_json()["page"], res.get_json()["per_page"]) == (1, 50)


@pytest.mark.parametrize("url", ["/api/v1/ngos?page=²", "/api/v1/ngos?per_page=٣", "/api/v1/ngos?page=0"])
def test_ngos_paging_takes_ascii_positive_numbers(client, db, url):
    """``"²".isdigit()`` is True but ``int("²")`` fails: that used to be a 500."""
    assert_error(client.get(url), 422)


@pytest.mark.parametrize("query", ["page=²", "per_page=0", "page=0", "ngo=²", "per_page=99999999999999"])
def test_scores_and_heatmap_paging_and_ids_are_checked(client, db, regions, query):
    """Zero and Unicode digits used to pass as "no value" or crash; now a 400 naming the field."""
    headers = bearer("analyst")
    field = query.split("=")[0]
    assert_error(client.get(f"/api/v1/scores?{query}", headers=headers), 400, field)
    assert_error(client.get(f"/api/v1/heatmap?{query}", headers=headers), 400, field)
    assert_error(client.get("/api/v1/heatmap?survey=9999999999999", headers=headers), 400, "survey")


@pytest.mark.parametrize("path", ["/api/v1/surveys/{big}", "/api/v1/ngos/{big}", "/api/v1/articles/{big}",
                                  "/dashboard/ngo/{big}", "/s/{big}", "/api/v1/surveys/0"])
def test_ids_beyond_the_integer_column_are_not_found(client, db, path):
    """PostgreSQL's integer ends at 2**31 - 1: a larger id in the path used to fail in the database (500)."""
    headers = bearer("admin")
    res = client.get(path.format(big=2**31), headers=headers)
    assert res.status_code == 404, res.get_data(as_text=True)[:300]


@pytest.fixture
def open_survey(db, regions):
    ngo = make_ngo(region_id=regions["KZ-55"].id)
    return make_survey(ngos=[ngo]), ngo


def _responses() -> int:
    return _db.session.scalar(select(func.count()).select_from(Response))


@pytest.mark.parametrize("field", ["ngo", "question"])
def test_answer_ids_beyond_the_integer_column_are_422(client, open_survey, field):
    """An NGO id past 2**31 - 1 in an answer used to reach PostgreSQL's integer column (a 500)."""
    survey, ngo = open_survey
    body = response_body(survey, ngos=[ngo.id])
    body["answers"][1][field] = 2**31
    res = client.post(f"/api/v1/surveys/{survey.id}/responses", data=json.dumps(body), content_type="application/json")
    assert_error(res, 422, f"answers.1.{field}")
    assert _responses() == 0


def test_post_ngos_documents_what_it_answers(client, db):
    """A POST /ngos without a JSON body is a 415; the document lists 400, 413 and 415 for it."""
    doc = client.get("/api/v1/openapi.json").get_json()
    assert {"400", "413", "415"} <= set(doc["paths"]["/ngos"]["post"]["responses"])
    assert_error(client.post("/api/v1/ngos", data="name_en=x", headers=bearer()), 415, "Content-Type")


def test_articles_document_describes_the_bodies_accepted(client, db, regions):
    """The document used to describe ``{"items": [...]}``, a body the endpoint rejects; it takes one article
    or a list of them."""
    doc = client.get("/api/v1/openapi.json").get_json()
    schema = doc["components"]["schemas"]["ArticlesIn"]
    shapes = {s.get("type") or s.get("$ref") for s in schema["anyOf"]}
    assert shapes == {"array", "#/components/schemas/ArticleIn"}
    headers = bearer("monitor")
    item = {"title": "Заметка", "text": "Текст заметки.", "published": "2026-04-14", "url": "https://a.example/1"}
    res = client.post("/api/v1/articles", data=json.dumps([item, None]), headers=headers,
                      content_type="application/json")
    assert res.status_code == 201
    assert [i["status"] for i in res.get_json()["items"]] == ["accepted", "rejected"]


# --- case 29: SQL in search and filter parameters ------------------------------------------------------


@pytest.mark.parametrize("evil", SQL_STRINGS)
def test_sql_in_ngo_search_finds_nothing_extra(client, db, regions, evil):
    make_ngo(name_en="Taza Su")
    make_ngo(name_en="Other")
    res = client.get("/api/v1/ngos", query_string={"q": evil})
    assert res.status_code == 200 and res.get_json()["total"] == 0
    for param in ("region", "sector"):
        assert_error(client.get("/api/v1/ngos", query_string={param: evil}), 422, param)
    assert _db.session.scalar(select(func.count()).select_from(NGO)) == 2


@pytest.mark.parametrize("evil", SQL_STRINGS)
def test_sql_in_score_filters_is_a_clean_4xx(client, db, regions, evil):
    headers = bearer("analyst")
    for param in ("ngo", "region", "metric", "period", "segment", "method", "page", "per_page"):
        res = client.get("/api/v1/scores", query_string={param: evil}, headers=headers)
        assert res.status_code in (200, 400), (param, res.status_code)
        if res.status_code == 200:
            assert res.get_json()["total"] == 0
    for param in ("ngo", "survey", "sector", "sort", "page"):
        res = client.get("/api/v1/heatmap", query_string={param: evil}, headers=headers)
        assert res.status_code in (200, 400), (param, res.status_code)
    assert client.get("/api/v1/surveys", query_string={"lang": evil}).status_code == 422


# --- case 30: repeated parameters, wrong Content-Type, invalid UTF-8 ----------------------------------


@pytest.mark.parametrize("url,field", [("/api/v1/ngos?page=1&page=2", "page"),
                                       ("/api/v1/ngos?per_page=1&per_page=5", "per_page")])
def test_repeated_paging_parameters_are_refused(client, db, url, field):
    assert_error(client.get(url), 422, field)


def test_repeated_score_filters_are_refused(client, db, regions):
    headers = bearer("analyst")
    for query, field in (("period=2026-Q1&period=2026-Q2", "period"), ("region=KZ-75&region=KZ-19", "region"),
                         ("metric=trust_index&metric=awareness", "metric")):
        assert_error(client.get(f"/api/v1/scores?{query}", headers=headers), 400, field)


def test_duplicate_score_key_in_a_submission_is_refused(client, open_survey):
    survey, ngo = open_survey
    body = json.dumps(response_body(survey, ngos=[ngo.id]))
    q_overall = next(q.id for q in survey.questions if q.code == "overall")
    twice = body.replace(f'{{"question": {q_overall}, "value": 4}}',
                         f'{{"question": {q_overall}, "value": 1, "value": 5}}')
    assert twice != body
    res = client.post(f"/api/v1/surveys/{survey.id}/responses", data=twice, content_type="application/json")
    assert_error(res, 422, "value")
    assert _responses() == 0


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                                          "application/xml", None])
def test_submission_with_another_content_type_is_415(client, open_survey, content_type):
    survey, ngo = open_survey
    body = json.dumps(response_body(survey, ngos=[ngo.id]))
    headers = {"Content-Type": content_type} if content_type else {}
    res = client.post(f"/api/v1/surveys/{survey.id}/responses", data=body, headers=headers)
    assert_error(res, 415, "Content-Type")
    assert _responses() == 0


@pytest.mark.parametrize("raw", [b'{"submission_id": "\xff\xfe"}', b"\xef\xbb\xbf{}", b"\xc3\x28", b"\x00\x00\x00{"])
def test_submission_that_is_not_utf8_json_is_400(client, open_survey, raw):
    survey, _ngo = open_survey
    res = client.post(f"/api/v1/surveys/{survey.id}/responses", data=raw, content_type="application/json")
    assert_error(res, 400, "body")
    assert _responses() == 0


def test_articles_with_invalid_utf8_or_wrong_type_are_refused(client, db):
    headers = bearer("monitor")
    assert_error(client.post("/api/v1/articles", data=b'[{"text": "\xff"}]', headers=headers,
                             content_type="application/json"), 400, "body")
    assert_error(client.post("/api/v1/articles", data="text=x", headers=headers,
                             content_type="application/x-www-form-urlencoded"), 415, "Content-Type")


def _form_at_page_two(client: Any, survey: Any) -> Any:
    from tests.survey_factories import FormWalker

    walker = FormWalker(client, survey.id)
    assert walker.start("ru").status_code == 302
    assert walker.post(1, {"region": "KZ-55", "sex": "male"}).status_code == 302
    walker.get(2)
    return walker


def test_form_with_two_values_for_one_score_is_422_and_stores_nothing(client, open_survey):
    """``q12=1&q12=5`` in the public form: one answer per question, whichever order the values come in."""
    survey, _ngo = open_survey
    overall = next(q.id for q in survey.questions if q.code == "overall")
    walker = _form_at_page_two(client, survey)
    for values in (["1", "5"], ["5", "1"], ["3", "3"]):
        res = walker.post(2, {f"q{overall}": values})
        assert res.status_code == 422 and f'id="q{overall}-error"' in res.get_data(as_text=True)
    assert walker.post(2, {f"q{overall}": "4"}).status_code == 302
    assert _responses() == 0


def test_form_body_that_is_not_utf8_is_refused_without_a_500(client, open_survey):
    survey, _ngo = open_survey
    overall = next(q.id for q in survey.questions if q.code == "overall")
    walker = _form_at_page_two(client, survey)
    body = f"csrf_token={walker.csrf}&submission_id={walker.submission_id}&q{overall}=".encode() + b"\xff\xfe4"
    res = walker.client.post(f"/s/{survey.id}/p/2", data=body, content_type="application/x-www-form-urlencoded")
    assert res.status_code in (400, 422)
    assert _responses() == 0
