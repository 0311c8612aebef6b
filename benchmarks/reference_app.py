"""WSGI entry for the submission benchmark's same-run baselines: the two naive endpoints the issue's
figures describe ("a plain ORM object-per-answer insert", "SQLAlchemy Core bulk insert"), on the
same tables, database settings, gunicorn configuration and request body as the real endpoint.

    POST /orm/<survey_id>   one ORM object per response and per answer, session.commit()
    POST /core/<survey_id>  one Core INSERT for the response, one executemany for the answers, commit

``insert_orm`` and ``insert_core`` are also timed in a plain loop, in one thread without HTTP, which
is how the issue's figures read: "a plain ORM object-per-answer insert manages ~450/s here;
SQLAlchemy Core bulk insert ~1,300/s".

Neither validates, checks a rate limit, flags abuse or answers a replay: they are the cost of
parsing the JSON and storing its rows, the yardstick the issue's 1,000 responses/s target is set
against (~450/s and ~1,300/s on the machine the issue was written on). The database comes from
SENIM_DATABASE_URL; SQLite gets the shipped settings (WAL, synchronous=FULL, busy_timeout).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import uuid
from typing import Any

from flask import Flask, abort, jsonify, request
from sqlalchemy import event

from models import Answer, Response, db

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["SENIM_DATABASE_URL"]
if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 15}}
db.init_app(app)

with app.app_context():
    if db.engine.dialect.name == "sqlite":
        @event.listens_for(db.engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "busy_timeout=15000"):
                cursor.execute(f"PRAGMA {pragma}")
            cursor.close()


def rows(survey_id: int, body: dict[str, Any], raw: bytes) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The response row and the answer rows of a request body, mapped without any checking."""
    response_id = uuid.uuid4()
    response = {
        "id": response_id, "survey_id": survey_id, "submission_id": uuid.UUID(body["submission_id"]),
        "payload_hash": hashlib.sha256(raw).hexdigest(), "region_id": 1,
        "settlement": body.get("settlement"), "sex": body.get("sex"), "age_group": body.get("age_group"),
        "language": body["language"], "channel": "api", "submitted_on": dt.date.today(),
        "duration_s": body.get("duration_s"), "flags": [], "synthetic": False,
    }
    answers = []
    for a in body["answers"]:
        value = a.get("value")
        answers.append({
            "response_id": response_id, "question_id": a["question"], "ngo_id": a.get("ngo"),
            "ngo_key": a.get("ngo") or 0,
            "value_num": float(value) if isinstance(value, (int, float)) else None,
            "value_text": value if isinstance(value, str) else None,
            "value_list": value if isinstance(value, list) else None,
        })
    return response, answers


def insert_orm(response: dict[str, Any], answers: list[dict[str, Any]]) -> None:
    """One ORM object per row, then ``session.commit()``."""
    db.session.add(Response(**response))
    for a in answers:
        db.session.add(Answer(**a))
    db.session.commit()


def insert_core(response: dict[str, Any], answers: list[dict[str, Any]]) -> None:
    """One Core INSERT for the response, one executemany for its answers, then commit."""
    db.session.execute(Response.__table__.insert(), [response])
    db.session.execute(Answer.__table__.insert(), answers)
    db.session.commit()


def _rows(survey_id: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("answers"), list):
        abort(400)
    return rows(survey_id, body, request.get_data())


def _created(response: dict[str, Any], count: int) -> tuple[Any, int]:
    return jsonify({"submission_id": str(response["submission_id"]), "status": "recorded",
                    "answers": count}), 201


@app.post("/orm/<int:survey_id>")
def orm(survey_id: int) -> tuple[Any, int]:
    response, answers = _rows(survey_id)
    insert_orm(response, answers)
    return _created(response, len(answers))


@app.post("/core/<int:survey_id>")
def core(survey_id: int) -> tuple[Any, int]:
    response, answers = _rows(survey_id)
    insert_core(response, answers)
    return _created(response, len(answers))


@app.get("/ping")
def ping() -> str:
    return json.dumps({"ok": True})
