"""``/surveys``: open surveys, a survey's definition, and submitting a response.

Ballot stuffing through the API: submissions are rate-limited per client address
(``SENIM_API_SUBMIT_LIMIT``); anonymous callers also get the daily keyed device check and the
per-address daily allowance (``SENIM_SURVEY_PER_ADDRESS_DAILY``; both flag ``duplicate_device``) —
authenticated callers (field partners with a bearer token, who submit
many interviews from one device) do not.
"""
from __future__ import annotations

from flask import Response, current_app, jsonify, request
from flask_login import current_user

from models import db

from ..clientaddr import client_address
from ..database import begin_reads, own_write_transaction
from ..extensions import limiter
from ..group_commit import commit_write
from ..services import antiabuse
from ..services.surveys.definition import open_surveys, survey_definition, survey_summary
from ..services.surveys.invitations import token_hash
from ..services.surveys.spec import get_survey
from ..services.surveys.submission import prepare_for_survey, store_submission
from ..services.surveys.validation import RawAnswer, SubmissionInput
from . import bp
from .jsonbody import ApiError, parse_json
from .openapi import operation, path_param, query_param
from .schemas import ErrorOut, ResponseIn, ResponseOut, SurveyDefinition, SurveyList

LANG_PARAM = query_param("lang", {"type": "string", "enum": ["kk", "ru", "en"]},
                         "Language of the texts (default: the survey's first language).")
DEFAULT_SUBMIT_LIMIT = "60 per minute;1000 per hour"


def _lang() -> str | None:
    lang = request.args.get("lang") or None  # an empty value means "not given", as the API document says
    if lang is not None and lang not in ("kk", "ru", "en"):
        raise ApiError(422, "Unknown language", {"lang": "must be kk, ru or en"})
    return lang


@bp.get("/surveys")
@operation("/surveys", "get", summary="Open surveys", tags=["surveys"], parameters=[LANG_PARAM],
           responses={200: ("Open surveys, newest first", SurveyList), 422: ("Bad parameter", ErrorOut)})
def list_surveys() -> Response:
    lang = _lang()
    items = [survey_summary(s, lang) for s in open_surveys()]
    return jsonify({"items": items, "total": len(items)})


@bp.get("/surveys/<int:survey_id>")
@operation("/surveys/{survey_id}", "get", summary="A survey's definition", tags=["surveys"],
           parameters=[path_param("survey_id"), LANG_PARAM],
           responses={200: ("The definition", SurveyDefinition), 404: ("Unknown or draft survey", ErrorOut),
                      422: ("Bad parameter", ErrorOut)})
def get_survey_definition(survey_id: int) -> Response:
    lang = _lang()
    survey = get_survey(survey_id)
    return jsonify(survey_definition(survey, lang or (survey.languages or ["kk"])[0]))


def _submit_limit() -> str:
    return str(current_app.config.get("SENIM_API_SUBMIT_LIMIT", DEFAULT_SUBMIT_LIMIT))


@bp.post("/surveys/<int:survey_id>/responses")
@limiter.limit(_submit_limit)
@operation("/surveys/{survey_id}/responses", "post", summary="Submit a response", tags=["surveys"],
           parameters=[path_param("survey_id")], request=ResponseIn,
           description="Idempotent by submission_id: first time 201, an identical replay 200 with the same "
                       "body, the same id with different answers 409.",
           responses={201: ("Recorded", ResponseOut), 200: ("Replay of a recorded submission", ResponseOut),
                      400: ("Unreadable body", ErrorOut), 403: ("Invitation token missing or used", ErrorOut),
                      404: ("Unknown or draft survey", ErrorOut), 409: ("submission_id reused", ErrorOut),
                      410: ("Survey closed", ErrorOut), 413: ("Body too large", ErrorOut),
                      415: ("Not JSON", ErrorOut), 422: ("Invalid response", ErrorOut),
                      429: ("Too many submissions", ErrorOut)})
@own_write_transaction
def submit(survey_id: int) -> tuple[Response, int]:
    body = parse_json(ResponseIn)
    begin_reads(db.session)  # on SQLite: reads without a transaction, then write_transaction below
    data = SubmissionInput(
        submission_id=body.submission_id, language=body.language, region=body.region,
        settlement=body.settlement, sex=body.sex, age_group=body.age_group,
        answers=[RawAnswer(question=a.question, ngo=a.ngo, value=a.value, where=f"answers.{i}")
                 for i, a in enumerate(body.answers)],
    )
    prepared = prepare_for_survey(
        survey_id, data, channel="api", duration_s=body.duration_s,
        flags_for=lambda spec: _flags(spec.id, body.duration_s, invitation=spec.mode == "invitation"),
        invitation_hash=token_hash(body.token) if body.token else None)
    # On SQLite: the write lock for the INSERTs and the COMMIT only, shared with this worker's other
    # submissions of the moment (one fsync for all of them, see group_commit).
    result = commit_write(db.session, lambda savepoint: store_submission(prepared, savepoint=savepoint))
    return jsonify(result.body), result.status_code


def _authenticated() -> bool:
    """``current_user.is_authenticated``; a request with neither a cookie nor an Authorization
    header is anonymous (Flask-Login finds users only there), so the user loaders are skipped."""
    if "Cookie" not in request.headers and "Authorization" not in request.headers:
        return False
    return bool(current_user.is_authenticated)


def _flags(survey_id: int, duration_s: int | None, *, invitation: bool) -> list[str]:
    repeat = False
    if not invitation and not _authenticated():
        # The device mark and the per-address allowance; a missing duration_s is not flagged (it is
        # the client's own claim, so a script sends any value; the allowance bounds it, docs/security.md).
        address = client_address()
        material = "|".join([address, request.headers.get("User-Agent", "")[:300]])
        store = antiabuse.key_store(current_app.config.get("SENIM_REDIS_URL"), current_app.extensions)
        per_address = int(current_app.config.get("SENIM_SURVEY_PER_ADDRESS_DAILY", antiabuse.DEFAULT_PER_ADDRESS_DAILY))
        repeat = antiabuse.check_device(store, survey_id, material=material, address=address,
                                        per_address_daily=per_address)
    min_seconds = int(current_app.config.get("SENIM_SURVEY_MIN_SECONDS", antiabuse.DEFAULT_MIN_SECONDS))
    return antiabuse.quality_flags(honeypot=False, duration_s=duration_s, min_seconds=min_seconds,
                                   repeat_device=repeat)
