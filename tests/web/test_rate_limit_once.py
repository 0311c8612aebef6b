"""Rate limiting checks a request once (``SenimLimiter``): the route's own limit still counts,
answers 429 with the same JSON error and sends the same ``X-RateLimit-*`` headers (``Retry-After``
only where it asks the client to wait); Flask-Limiter's before-request pass is skipped only while it
has nothing to check, and application, default and meta limits still apply when they are configured."""
from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
from flask import Flask
from flask_limiter import Limiter

from surveyapp.extensions import SenimLimiter, limiter
from surveyapp.security import RETRY_AFTER_STATUSES, init_retry_after_scope


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://",
            "SENIM_API_SUBMIT_LIMIT": "2 per minute;5 per hour"}


@pytest.fixture
def library_checks(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Flask-Limiter's own check, counted: one entry (``in_middleware``) per evaluation."""
    calls: list[bool] = []
    original = Limiter._check_request_limit

    def counting(self: Limiter, callable_name: str | None = None, in_middleware: bool = True) -> None:
        calls.append(in_middleware)
        original(self, callable_name=callable_name, in_middleware=in_middleware)

    monkeypatch.setattr(Limiter, "_check_request_limit", counting)
    return calls


def test_api_limit_headers_and_429_are_unchanged(client, db, regions, library_checks):
    from tests.survey_factories import make_survey, response_body

    survey = make_survey(battery=False)
    url = f"/api/v1/surveys/{survey.id}/responses"
    replies = []
    for _ in range(4):
        started = time.time()
        replies.append((started, client.post(url, json=response_body(survey, submission_id=str(uuid.uuid4())),
                                             environ_base={"REMOTE_ADDR": "10.9.9.9"})))
    assert [r.status_code for _, r in replies] == [201, 201, 429, 429]
    assert library_checks == [False] * 4  # the route's check only, once per request
    reset = int(replies[0][1].headers["X-RateLimit-Reset"])
    for (started, reply), remaining in zip(replies, ["1", "0", "0", "0"]):
        # the smallest window's limit, the quantity left after this request, one reset time
        assert reply.headers["X-RateLimit-Limit"] == "2"
        assert reply.headers["X-RateLimit-Remaining"] == remaining
        assert int(reply.headers["X-RateLimit-Reset"]) == reset
        assert started + 59 <= reset <= time.time() + 61
        if reply.status_code == 429:
            assert 0 < int(reply.headers["Retry-After"]) <= 60
        else:  # a stored submission is not told to wait (Flask-Limiter adds Retry-After to every response)
            assert "Retry-After" not in reply.headers
        assert reply.headers.getlist("X-RateLimit-Limit") == ["2"]  # added once, not twice
    assert replies[2][1].get_json() == {
        "error": "Too many requests: at most 2 in 60 seconds. Please try again later.", "fields": {}}
    assert replies[2][1].mimetype == "application/json"
    other = client.post(url, json=response_body(survey, submission_id=str(uuid.uuid4())),
                        environ_base={"REMOTE_ADDR": "10.9.9.10"})
    assert other.status_code == 201 and other.headers["X-RateLimit-Remaining"] == "1"  # per address


def test_unlimited_routes_get_no_check_and_no_headers(client, db, library_checks):
    reply = client.get("/api/v1/surveys")
    assert reply.status_code == 200
    assert library_checks == []
    assert not [h for h, _ in reply.headers if h.startswith("X-RateLimit")] and "Retry-After" not in reply.headers


def test_the_shared_limiter_has_no_before_request_limits():
    """What lets ``SenimLimiter`` skip the before-request pass in the app."""
    assert isinstance(limiter, SenimLimiter)
    assert not limiter._middleware_has_limits()


def _standalone(**kwargs: Any) -> tuple[Flask, SenimLimiter]:
    """A separate app and limiter (the app's limiter is shared by every test app of the process)."""
    app = Flask(__name__)
    app.config.update(RATELIMIT_STORAGE_URI="memory://", RATELIMIT_HEADERS_ENABLED=True)
    own = SenimLimiter(key_func=lambda: "client", **kwargs)
    own.init_app(app)

    @app.get("/plain")
    def plain() -> str:
        return "ok"

    @app.get("/limited")
    @own.limit("5 per minute")
    def limited() -> str:
        return "ok"

    return app, own


@pytest.mark.parametrize("kwargs, path", [
    ({"default_limits": ["1 per minute"]}, "/plain"),
    ({"application_limits": ["1 per minute"]}, "/limited"),
    ({"meta_limits": ["1 per hour"], "default_limits": ["1 per minute"]}, "/plain"),
])
def test_before_request_limits_still_apply_when_configured(kwargs, path, library_checks):
    app, own = _standalone(**kwargs)
    assert own._middleware_has_limits()
    client = app.test_client()
    codes = [client.get(path).status_code for _ in range(3)]
    assert codes == [200, 429, 429]
    assert True in library_checks  # Flask-Limiter's own before-request pass ran


def test_without_such_limits_the_route_limit_alone_counts(library_checks):
    app, own = _standalone()
    assert not own._middleware_has_limits()
    client = app.test_client()
    assert [client.get("/limited").status_code for _ in range(6)] == [200] * 5 + [429]
    assert [client.get("/plain").status_code for _ in range(6)] == [200] * 6
    assert library_checks == [False] * 6



def test_an_unknown_library_layout_runs_the_librarys_own_pass(monkeypatch):
    """If a Flask-Limiter release renames the private attributes read here, nothing is skipped."""
    _, own = _standalone()
    assert not own._middleware_has_limits()
    monkeypatch.setattr(own, "limit_manager", object())
    assert own._middleware_has_limits()
    monkeypatch.delattr(own, "_meta_limits")
    assert own._middleware_has_limits()


@pytest.mark.parametrize("lang, expected", [
    ("ru", "Слишком много запросов: не более 2 за 60 с. Повторите попытку позже."),
    ("kk", "Сұраулар тым көп: 60 секундта ең көбі 2. Кейінірек қайталап көріңіз."),
])
def test_the_429_message_is_in_the_readers_language(client, db, regions, lang, expected):
    from tests.survey_factories import make_survey, response_body

    survey = make_survey(battery=False)
    url = f"/api/v1/surveys/{survey.id}/responses"
    codes, reply = [], None
    for _ in range(3):
        reply = client.post(url, json=response_body(survey, submission_id=str(uuid.uuid4())),
                            headers={"Accept-Language": lang}, environ_base={"REMOTE_ADDR": "10.9.9.11"})
        codes.append(reply.status_code)
    assert codes == [201, 201, 429]
    assert reply.get_json() == {"error": expected, "fields": {}}


def test_retry_after_only_on_responses_that_ask_to_wait(client, db, regions):
    """A rejected body on a limited route (422) carries the limit headers but no Retry-After; a
    429 does. (503 keeps its own: tests/web/test_database_unavailable.py.)"""
    from tests.survey_factories import make_survey

    survey = make_survey(battery=False)
    url = f"/api/v1/surveys/{survey.id}/responses"
    bad = client.post(url, json={"submission_id": str(uuid.uuid4()), "answers": "<script>"},
                      environ_base={"REMOTE_ADDR": "10.9.9.11"})
    assert bad.status_code == 422 and bad.headers["X-RateLimit-Remaining"] == "1"
    assert "Retry-After" not in bad.headers
    for _ in range(2):
        last = client.post(url, json={"submission_id": str(uuid.uuid4())}, environ_base={"REMOTE_ADDR": "10.9.9.11"})
    assert last.status_code == 429 and 0 < int(last.headers["Retry-After"]) <= 60


def test_retry_after_scope_keeps_redirects_and_waits():
    probe = Flask("probe")
    init_retry_after_scope(probe)

    @probe.get("/<int:status>")
    def answer(status: int):
        return "x", status, {"Retry-After": "7"}

    with probe.test_client() as c:
        for status in (200, 201, 204, 400, 404, 422):
            assert "Retry-After" not in c.get(f"/{status}").headers, status
        for status in (301, 302, 307, *sorted(RETRY_AFTER_STATUSES)):
            assert c.get(f"/{status}").headers["Retry-After"] == "7", status
