"""``submit_response``: validate, then store a response and its answers exactly once.

Idempotency: ``(survey_id, submission_id)`` is unique in the database. The first submission
creates the row (``created``); the same submission again returns the stored result; the same id
with different content raises ConflictError (409) and leaves the original untouched. Two identical
requests racing each other end with one row: the loser's INSERT fails on the unique constraint
(inside a SAVEPOINT, or the whole short write transaction is rolled back), and the winner's row is
read back and compared. The INSERT comes first and the stored row is only read when it fails (a
replay or a race), so a new submission costs no extra query. The response and its answers are
written with SQLAlchemy Core (one INSERT, one executemany for the answers) for speed.

Two steps, so that a caller can keep its write transaction short (the survey API on SQLite, see
``database.write_transaction``): ``prepare_submission`` reads and validates, ``store_submission``
writes. ``store_submission`` first re-reads the survey's status (closed in between → 410) and, while
the survey has no response yet (its questions can still be edited), re-checks the questions and
validates again if they changed. ``submit_response`` does both in the caller's transaction.
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.exc import IntegrityError

from models import Answer, Response, Survey, db

from ...driver_sql import StatementCache, compile_statement, execute_many, fetch_all
from ..errors import ConflictError, DomainError, NotFoundError
from .invitations import InvitationError, consume_token
from .spec import SurveyClosedError, SurveySpec, load_spec, locked_spec
from .validation import CleanSubmission, SubmissionInput, validate_submission

_RESPONSES = Response.__table__
_ANSWERS = Answer.__table__
#: The columns a submission sets (the others keep their defaults; the answers' key is autoincrement).
_RESPONSE_COLUMNS = ("id", "survey_id", "submission_id", "payload_hash", "region_id", "settlement", "sex",
                     "age_group", "language", "channel", "submitted_on", "duration_s", "flags", "synthetic")
_ANSWER_COLUMNS = tuple(c.key for c in _ANSWERS.columns if c.key != "id")
_INSERT_RESPONSE = StatementCache(lambda d, _v: compile_statement(_RESPONSES.insert(), d, _RESPONSE_COLUMNS))
_INSERT_ANSWERS = StatementCache(lambda d, _v: compile_statement(_ANSWERS.insert(), d, _ANSWER_COLUMNS))


@dataclass(frozen=True)
class SubmitResult:
    created: bool
    response_id: uuid.UUID
    body: dict[str, Any]

    @property
    def status_code(self) -> int:
        return 201 if self.created else 200


def _body(submission_id: uuid.UUID, survey_id: int, answers: int, submitted_on: dt.date) -> dict[str, Any]:
    return {"submission_id": str(submission_id), "survey_id": survey_id, "status": "recorded",
            "answers": answers, "submitted_on": submitted_on.isoformat()}


def _existing(spec: SurveySpec, clean: CleanSubmission, payload_hash: str) -> SubmitResult | None:
    row = db.session.execute(
        select(Response.id, Response.payload_hash, Response.submitted_on)
        .where(Response.survey_id == spec.id, Response.submission_id == clean.submission_id)
    ).first()
    if row is None:
        return None
    if row.payload_hash != payload_hash:
        raise ConflictError(
            "This submission_id was already used with different answers",
            {"submission_id": "already used with different answers"},
        )
    count = db.session.scalar(select(func.count()).select_from(Answer).where(Answer.response_id == row.id)) or 0
    return SubmitResult(False, row.id, _body(clean.submission_id, spec.id, count, row.submitted_on))


@dataclass(frozen=True)
class PreparedSubmission:
    """A validated submission and the rows to store, or ``result`` when there is nothing to store."""

    spec: SurveySpec
    data: SubmissionInput
    options: dict[str, Any]
    clean: CleanSubmission | None = None
    payload_hash: str = ""
    response_row: dict[str, Any] = field(default_factory=dict)
    answer_rows: list[dict[str, Any]] = field(default_factory=list)
    result: SubmitResult | None = None


def prepare_submission(spec: SurveySpec, data: SubmissionInput, *, channel: str, flags: list[str] | None = None,
                       duration_s: float | None = None, invitation_hash: str | None = None,
                       today: dt.date | None = None, synthetic: bool = False,
                       staff_import: bool = False) -> PreparedSubmission:
    """Validate ``data`` against ``spec`` and build the rows ``store_submission`` writes. Reads only.

    Arguments as for ``submit_response``. Raises SurveyClosedError (410), ValidationError (422),
    ConflictError (409) and InvitationError (403).
    """
    options = {"channel": channel, "flags": flags, "duration_s": duration_s, "invitation_hash": invitation_hash,
               "today": today, "synthetic": synthetic, "staff_import": staff_import}
    if spec.status != "open" and not (staff_import and spec.status == "closed"):
        raise SurveyClosedError("This survey is closed", {"survey": "closed"})
    clean = validate_submission(spec, data)
    payload_hash = clean.payload_hash()
    if spec.mode == "invitation" and not invitation_hash and not staff_import:
        # A replay of a recorded submission still gets its stored result without a token.
        found = _existing(spec, clean, payload_hash)
        if found is not None:
            return PreparedSubmission(spec, data, options, clean, payload_hash, result=found)
        raise InvitationError("This survey is by invitation only", {"token": "required"})
    submitted_on = today or dt.date.today()
    response_id = uuid.uuid4()
    answer_rows = [
        {"response_id": response_id, "question_id": qid, "ngo_id": ngo, "ngo_key": ngo or 0,
         **spec.by_id[qid].kind.to_columns(value)}
        for (qid, ngo), value in sorted(clean.answers.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0))
    ]
    response_row = {
        "id": response_id, "survey_id": spec.id, "submission_id": clean.submission_id,
        "payload_hash": payload_hash, "region_id": clean.region_id,
        "settlement": clean.settlement, "sex": clean.sex, "age_group": clean.age_group,
        "language": clean.language, "channel": channel, "submitted_on": submitted_on,
        "duration_s": None if duration_s is None else max(0, int(round(duration_s))),
        "flags": sorted(set(flags or [])), "synthetic": synthetic,
    }
    return PreparedSubmission(spec, data, options, clean, payload_hash, response_row, answer_rows)


def prepare_for_survey(survey_id: int, data: SubmissionInput, *, channel: str,
                       flags_for: Callable[[SurveySpec], list[str]], duration_s: float | None = None,
                       invitation_hash: str | None = None) -> PreparedSubmission:
    """``prepare_submission`` for an open survey given by id, reading its questions only when needed.

    A survey with responses keeps its questions, so this process's copy (``spec.locked_spec``) is
    used without reading the database; ``store_submission`` checks status and settings where it
    writes. A rejection by that copy is not final: the submission is validated again against the
    survey read afresh, whose verdict stands. ``flags_for(spec)`` gives the quality flags (called
    once, again only if the fresh survey's mode differs). Raises NotFoundError (404) and the
    errors of ``prepare_submission``.
    """
    cached = locked_spec(survey_id)
    if cached is not None:
        flags = flags_for(cached)
        try:
            return prepare_submission(cached, data, channel=channel, flags=flags, duration_s=duration_s,
                                      invitation_hash=invitation_hash)
        except DomainError:
            pass  # perhaps out of date (settings changed): the survey as stored decides below
    spec = load_spec(survey_id, require_open=True)
    if cached is None or cached.mode != spec.mode:
        flags = flags_for(spec)
    return prepare_submission(spec, data, channel=channel, flags=flags, duration_s=duration_s,
                              invitation_hash=invitation_hash)


_SURVEY_STATE = select(
    Survey.status, exists().where(Response.survey_id == bindparam("survey_id")),
    Survey.ngos_per_respondent, Survey.ngos_by_region, Survey.created_at,
).where(Survey.id == bindparam("survey_id"))
_SURVEY_STATE_DRIVER = StatementCache(lambda d, _v: compile_statement(_SURVEY_STATE, d))


def _recheck(prepared: PreparedSubmission) -> PreparedSubmission:
    """``prepared`` if the survey still takes it as validated, else validated afresh.

    Raises NotFoundError (the survey is gone) and SurveyClosedError. A survey with responses keeps
    its questions, mode and languages (``building``), so only the settings that may still change
    and the survey's identity are compared with the spec the submission was validated against.
    """
    spec = prepared.spec
    connection = db.session.connection()
    driver = _SURVEY_STATE_DRIVER.get(connection.dialect)
    if driver is not None:
        state = next(iter(fetch_all(connection, driver, {"survey_id": spec.id})), None)
    else:
        state = connection.execute(_SURVEY_STATE, {"survey_id": spec.id}).first()
    if state is None:
        raise NotFoundError("No such survey", {"survey": "not found"})
    staff_import = prepared.options["staff_import"]
    if state[0] != "open" and not (staff_import and state[0] == "closed"):
        raise SurveyClosedError("This survey is closed", {"survey": "closed"})
    unchanged = (state[2] or 6, bool(state[3]), state[4]) == (spec.ngos_per_respondent, spec.ngos_by_region,
                                                             spec.created_at)
    if state[1] and unchanged:
        return prepared
    fresh = load_spec(spec.id, public=False)
    return prepared if fresh is spec else prepare_submission(fresh, prepared.data, **prepared.options)


_SAVEPOINT, _ROLLBACK_TO, _RELEASE = (
    "SAVEPOINT senim_submission", "ROLLBACK TO SAVEPOINT senim_submission", "RELEASE SAVEPOINT senim_submission",
)


def store_submission(prepared: PreparedSubmission, *, savepoint: bool = True) -> SubmitResult:
    """Write a prepared submission (or return the stored one for a replay). Flushes only.

    With ``savepoint`` the INSERTs run in a SAVEPOINT, so a replay leaves the caller's transaction
    usable; without it (a transaction that holds nothing else) a failed INSERT rolls back the
    session's transaction. Raises SurveyClosedError (410), ValidationError (422), ConflictError
    (409) and InvitationError (403).
    """
    if prepared.result is not None:
        return prepared.result
    prepared = _recheck(prepared)
    if prepared.result is not None or prepared.clean is None:
        return prepared.result  # type: ignore[return-value]
    spec, clean, rows = prepared.spec, prepared.clean, prepared.answer_rows
    invitation_hash = prepared.options["invitation_hash"]
    # Core statements on the session's connection: the ORM bulk-insert machinery costs more than the
    # INSERTs themselves. A replay fails here on the unique constraint.
    conn = db.session.connection()
    if savepoint:  # a plain SAVEPOINT (the ORM's begin_nested costs more than both INSERTs), after
        db.session.flush()  # pending ORM objects, which a ROLLBACK TO must not take with it
        conn.exec_driver_sql(_SAVEPOINT)
    try:
        if invitation_hash:
            consume_token(spec.id, invitation_hash)
        insert_response = _INSERT_RESPONSE.get(conn.dialect)
        if insert_response is not None:  # SQLite: straight on the driver's cursor (driver_sql)
            execute_many(conn, insert_response, [prepared.response_row])
            if rows:
                execute_many(conn, _INSERT_ANSWERS.get(conn.dialect), rows)  # type: ignore[arg-type]
        else:
            conn.execute(_RESPONSES.insert(), [prepared.response_row])
            if rows:
                conn.execute(_ANSWERS.insert(), rows)
    except (IntegrityError, InvitationError) as exc:
        # A replay, or a concurrent identical request that won the race (or used the token for this
        # very submission): the SAVEPOINT (or the transaction) is rolled back and the stored row decides.
        if savepoint:
            conn.exec_driver_sql(_ROLLBACK_TO)
            conn.exec_driver_sql(_RELEASE)
        else:
            db.session.rollback()
        found = _existing(spec, clean, prepared.payload_hash)
        if found is not None:
            return found
        if isinstance(exc, InvitationError):
            raise
        raise ConflictError("The submission could not be stored", {"submission_id": "conflict"}) from None
    except BaseException:
        if savepoint:
            conn.exec_driver_sql(_ROLLBACK_TO)
            conn.exec_driver_sql(_RELEASE)
        raise
    if savepoint:
        conn.exec_driver_sql(_RELEASE)
    submitted_on = prepared.response_row["submitted_on"]
    return SubmitResult(True, prepared.response_row["id"], _body(clean.submission_id, spec.id, len(rows), submitted_on))


def submit_response(spec: SurveySpec, data: SubmissionInput, *, channel: str, flags: list[str] | None = None,
                    duration_s: float | None = None, invitation_hash: str | None = None,
                    today: dt.date | None = None, synthetic: bool = False, staff_import: bool = False) -> SubmitResult:
    """Store one response to an open survey (or return the stored one for a replay). Flushes only.

    ``flags`` are quality flags decided by the caller; ``duration_s`` is rounded to whole seconds;
    ``invitation_hash`` (invitation-only surveys) is marked used in the same transaction, with
    nothing linking it to the response. No address, user agent or time of day is stored.
    ``staff_import`` (field interviews keyed in by staff) also accepts closed surveys and needs no
    invitation token.
    Raises SurveyClosedError (410), ValidationError (422), ConflictError (409) and InvitationError (403).
    """
    return store_submission(prepare_submission(
        spec, data, channel=channel, flags=flags, duration_s=duration_s, invitation_hash=invitation_hash,
        today=today, synthetic=synthetic, staff_import=staff_import))
