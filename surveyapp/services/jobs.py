"""Background jobs (DESIGN.md §8): with ``SENIM_REDIS_URL`` set they are queued on RQ (queue
``senim``) and run by ``senim worker``; without Redis each runs in a child process of the web
worker that started it (``surveyapp.job_process``), or, with ``SENIM_JOB_RUNNER=thread``, in a
thread of that worker (a job's CPU then competes with the worker's requests for its interpreter
lock; for setups that cannot start processes). Either way a job's status lives in the database (``settings`` row ``job:<uuid>``), so
every worker on every host can show it: ``kind, owner_id, status (queued | running | done |
failed), done, total, message, result, created_at, finished_at``.

Job functions are named in :data:`JOBS` (never pickled callables) and take ``(job_id, progress,
*args)``; they commit their own work (they are an edge, like a CLI command).
"""
from __future__ import annotations

import datetime as dt
import logging
import subprocess  # nosec B404
import sys
import threading
import uuid
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, has_app_context

from models import Setting, User, db

from ..database import write_transaction
from .errors import NotFoundError

log = logging.getLogger("senim.jobs")
PREFIX = "job:"
QUEUE = "senim"
Progress = Callable[[int, int, str], None]


def _jobs() -> dict[str, Callable[..., dict[str, Any]]]:
    from .media.jobs import import_file_job

    return {"articles.import": import_file_job}


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def create_job(kind: str, owner: User, *, total: int | None = None, meta: dict[str, Any] | None = None) -> str:
    """Record a queued job owned by ``owner`` and return its id (a UUID). Flushes."""
    job_id = str(uuid.uuid4())
    db.session.add(Setting(key=PREFIX + job_id, value={
        "kind": kind, "owner_id": owner.id, "status": "queued", "done": 0, "total": total, "message": "",
        "result": None, "meta": meta or {}, "created_at": _now(), "finished_at": None}))
    db.session.flush()
    return job_id


def get_job(job_id: str, user: User) -> dict[str, Any]:
    """The job's status if ``user`` owns it (or is an admin); NotFoundError otherwise."""
    try:
        key = PREFIX + str(uuid.UUID(job_id))
    except ValueError:
        raise NotFoundError("No such job") from None
    row = db.session.get(Setting, key)
    if row is None or not isinstance(row.value, dict) or (
            row.value.get("owner_id") != user.id and user.role != "admin"):
        raise NotFoundError("No such job")
    return dict(row.value, id=job_id)


def _update(job_id: str, **changes: Any) -> None:
    # SQLite: a read-then-write transaction beside live writers fails at once, so the read is made
    # as the writer, in a short write transaction that queues with the survey API's
    with write_transaction(db.session):
        row = db.session.get(Setting, PREFIX + job_id)
        if row is not None:
            row.value = {**row.value, **changes}
        db.session.commit()


def dispatch(job_id: str, kind: str, *args: Any) -> str:
    """Start a recorded (and committed) job: on RQ when Redis is configured, else in a child
    process (or a thread, with ``SENIM_JOB_RUNNER=thread``). Returns ``"rq"``, ``"process"`` or
    ``"thread"``."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    redis_url = app.config.get("SENIM_REDIS_URL")
    if redis_url:
        from redis import Redis
        from rq import Queue

        Queue(QUEUE, connection=Redis.from_url(redis_url)).enqueue(
            "surveyapp.services.jobs.run_job", job_id, kind, *args, job_timeout=6 * 3600, result_ttl=3600)
        return "rq"
    if app.config.get("SENIM_JOB_RUNNER", "process") == "thread":
        thread = threading.Thread(target=_in_app, args=(app, job_id, kind, args), name=f"job-{job_id[:8]}",
                                  daemon=True)
        thread.start()
        return "thread"
    _in_child(dict(app.config), job_id, kind, args)
    return "process"


def _in_child(config: dict[str, Any], job_id: str, kind: str, args: tuple[Any, ...]) -> None:
    """Run the job in ``python -m surveyapp.job_process``; a thread of this process feeds it the
    request and reaps it (and records a failure if it died without recording its outcome)."""
    from ..job_process import encode_request

    request = encode_request(config, job_id, kind, args)
    # a fixed argv: this interpreter running this package's own job runner
    child = subprocess.Popen([sys.executable, "-m", "surveyapp.job_process"],  # nosec B603
                             stdin=subprocess.PIPE, close_fds=True)
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]

    def feed_and_reap() -> None:
        try:
            if child.stdin is not None:
                with child.stdin:
                    child.stdin.write(request)
        except OSError:
            log.exception("job %s: could not hand the job to its process", job_id)
        status = child.wait()
        if status != 0:
            with app.app_context():
                try:
                    _fail_if_unfinished(job_id, f"the job's process ended with status {status}")
                finally:
                    db.session.remove()

    threading.Thread(target=feed_and_reap, name=f"job-{job_id[:8]}", daemon=True).start()


def _fail_if_unfinished(job_id: str, message: str) -> None:
    row = db.session.get(Setting, PREFIX + job_id)
    status = row.value.get("status") if row is not None and isinstance(row.value, dict) else None
    db.session.rollback()
    if status in ("queued", "running"):
        log.error("job %s: %s", job_id, message)
        _update(job_id, status="failed", message=message, finished_at=_now())


def _in_app(app: Flask, job_id: str, kind: str, args: tuple[Any, ...]) -> None:
    with app.app_context():
        try:
            run_job(job_id, kind, *args)
        finally:
            db.session.remove()


def run_job(job_id: str, kind: str, *args: Any) -> None:
    """Run a job to its end, recording progress and the result (or the failure) in its status row."""
    if not has_app_context():  # an RQ worker started without `senim worker`
        from .. import create_app

        with create_app().app_context():
            return run_job(job_id, kind, *args)
    func = _jobs().get(kind)
    if func is None:
        _update(job_id, status="failed", message=f"unknown job kind {kind}", finished_at=_now())
        return None
    _update(job_id, status="running")

    def progress(done: int, total: int, message: str = "") -> None:
        _update(job_id, done=done, total=total, message=message)

    try:
        result = func(job_id, progress, *args)
    except Exception as exc:  # noqa: BLE001 - any failure is recorded on the job
        log.exception("job %s (%s) failed", job_id, kind)
        db.session.rollback()
        message = getattr(exc, "message", None) or f"internal error ({type(exc).__name__})"
        _update(job_id, status="failed", message=message, finished_at=_now())
        return None
    _update(job_id, status="done", result=result, finished_at=_now())
    return None
