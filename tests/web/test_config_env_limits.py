"""Survey-path abuse limits can be set from the environment (a load test from one address raises
them; a deployment may tighten them)."""
from __future__ import annotations

from surveyapp import create_app


def _app(tmp_path, environ):
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'l.db'}", "SECRET_KEY": "k" * 40,
                       "RATELIMIT_ENABLED": True}, environ=environ)


def test_api_submit_limit_comes_from_the_environment(tmp_path):
    app = _app(tmp_path, {"SENIM_API_SUBMIT_LIMIT": "2 per minute", "SENIM_SURVEY_MIN_SECONDS": "7"})
    assert app.config["SENIM_API_SUBMIT_LIMIT"] == "2 per minute"
    assert app.config["SENIM_SURVEY_MIN_SECONDS"] == 7
    client = app.test_client()
    codes = [client.post("/api/v1/surveys/1/responses", data="x", content_type="text/plain").status_code
             for _ in range(3)]
    assert codes[:2] != [429, 429] and codes[2] == 429


def test_without_the_variable_the_default_limit_applies(tmp_path):
    client = _app(tmp_path, {}).test_client()
    codes = {client.post("/api/v1/surveys/1/responses", data="x", content_type="text/plain").status_code
             for _ in range(3)}
    assert 429 not in codes
