"""A background job in a process of its own: ``python -m surveyapp.job_process`` (started by
``services.jobs.dispatch`` when no Redis is configured).

A job's analysis is hours of pure-Python CPU for a large upload. In a thread of a web worker it
would hold that worker's interpreter lock: its request threads (survey submissions) then wait for
the lock in 5 ms slices and the worker's throughput halves. A child process has its own
interpreter, runs at a lower priority (the job lowers its own), and outlives a restart of the
worker that started it.

The parent writes one JSON document to the child's standard input and closes it:
``{"config": {...}, "job_id": "...", "kind": "...", "args": [...]}`` where ``config`` holds the
settings the child cannot read from the environment (the database URL and secret key) and a
``bytes`` argument is written as ``{"bytes": "<base64>"}``.
"""
from __future__ import annotations

import base64
import json
import sys
from typing import Any, BinaryIO

#: Settings the parent passes on; everything else comes from the same SENIM_* environment.
PASSED_SETTINGS = ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "SENIM_ENV", "TESTING")


def encode_request(config: dict[str, Any], job_id: str, kind: str, args: tuple[Any, ...]) -> bytes:
    """The JSON document (UTF-8) that starts job ``job_id`` of ``kind`` with ``args`` in a child."""
    def arg(value: Any) -> Any:
        if isinstance(value, (bytes, bytearray)):
            return {"bytes": base64.b64encode(value).decode("ascii")}
        return value

    passed = {key: config[key] for key in PASSED_SETTINGS if key in config}
    return json.dumps({"config": passed, "job_id": job_id, "kind": kind,
                       "args": [arg(a) for a in args]}).encode("utf-8")


def decode_request(data: bytes) -> tuple[dict[str, Any], str, str, list[Any]]:
    """(config, job id, kind, args) from :func:`encode_request`'s document. Raises ValueError."""
    doc = json.loads(data)
    if not isinstance(doc, dict):
        raise ValueError("not a job request: expected a JSON object")
    for name, kind in (("job_id", str), ("kind", str), ("args", list)):
        if not isinstance(doc.get(name), kind):
            raise ValueError(f"not a job request: {name} missing or not a {kind.__name__}")

    def arg(value: Any) -> Any:
        if isinstance(value, dict) and set(value) == {"bytes"}:
            return base64.b64decode(value["bytes"])
        return value

    return dict(doc.get("config") or {}), doc["job_id"], doc["kind"], [arg(a) for a in doc["args"]]


def main(stdin: BinaryIO | None = None) -> int:
    """Read the request from standard input, run the job to its end (its status row records the
    outcome, a failure included) and return the exit status."""
    config, job_id, kind, args = decode_request((stdin or sys.stdin.buffer).read())
    from . import create_app
    from .services.jobs import run_job
    from models import db

    app = create_app(config)
    with app.app_context():
        try:
            run_job(job_id, kind, *args)
        finally:
            db.session.remove()
            db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
