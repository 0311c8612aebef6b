"""Background jobs without Redis: by default a child process of the web worker
(``python -m surveyapp.job_process``), so a long import never holds the worker's interpreter lock;
``SENIM_JOB_RUNNER=thread`` keeps the in-process thread. The child's request format, a child that
dies before recording its outcome, and the configuration check."""
from __future__ import annotations

import io
import sys
import threading
import time

import pytest
from sqlalchemy import func, select

from models import Article
from surveyapp import ConfigError, create_app, job_process
from surveyapp.services import jobs
from tests.factories import make_user

ROWS = 12


def _csv(prefix: str = "қала") -> bytes:
    lines = ["title,text,url,published"] + [
        f"Жаңалық {i},{' '.join(f'{prefix}{i}сөз{j}' for j in range(10))},https://runner.example/{i},2026-04-10"
        for i in range(ROWS)]
    return "\n".join(lines).encode("utf-8")


def _wait_for_end(job_id: str, user, db, seconds: float = 60.0) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        db.session.rollback()  # see the job's commits
        job = jobs.get_job(job_id, user)
        if job["status"] in ("done", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.1)


def test_request_round_trip_keeps_bytes_and_text_and_only_the_needed_settings():
    data = "title,text\nӘділет,Ұлттық қор һәм ғылым\n".encode("utf-8") + b"\x00\xff=cmd|' /C calc'!A0"
    config = {"SQLALCHEMY_DATABASE_URI": "sqlite:////tmp/x.db", "SECRET_KEY": "k" * 40, "TESTING": True,
              "SENIM_ARGON2": {"time_cost": 1}, "SENIM_REDIS_URL": "redis://elsewhere"}
    request = job_process.encode_request(config, "job-1", "articles.import", (data, "<script>.csv", 7, None))
    got_config, job_id, kind, args = job_process.decode_request(request)
    assert got_config == {"SQLALCHEMY_DATABASE_URI": "sqlite:////tmp/x.db", "SECRET_KEY": "k" * 40, "TESTING": True}
    assert (job_id, kind) == ("job-1", "articles.import")
    assert args == [data, "<script>.csv", 7, None]


@pytest.mark.parametrize(("raw", "named"), [
    (b"", None), (b"\xff\xfe", None), (b"[]", "JSON object"), (b'{"job_id": "x", "kind": "y", "args": "no"}', "args"),
    (b'{"args": []}', "job_id"), (b'{"job_id": "x", "kind": 7, "args": []}', "kind")])
def test_a_malformed_request_is_refused_naming_what_is_wrong(raw, named):
    with pytest.raises(ValueError, match=named):
        job_process.decode_request(raw)


def test_the_child_entry_point_runs_the_job_to_its_end(app, db, regions):
    user = make_user("monitor")
    job_id = jobs.create_job("articles.import", user)
    db.session.commit()
    request = job_process.encode_request(dict(app.config), job_id, "articles.import", (_csv(), "a.csv", user.id))
    assert job_process.main(io.BytesIO(request)) == 0
    job = _wait_for_end(job_id, user, db)
    assert job["status"] == "done" and job["result"]["counts"] == {"accepted": ROWS, "duplicate": 0, "rejected": 0}
    assert db.session.scalar(select(func.count()).select_from(Article)) == ROWS


def test_dispatch_runs_the_job_in_a_child_process(app, db, regions, monkeypatch):
    started: list[list[str]] = []
    real_popen = jobs.subprocess.Popen

    def popen(argv, **kwargs):
        started.append(list(argv))
        return real_popen(argv, **kwargs)

    monkeypatch.setattr(jobs.subprocess, "Popen", popen)
    user = make_user("monitor")
    job_id = jobs.create_job("articles.import", user)
    db.session.commit()
    threads_before = set(threading.enumerate())
    assert jobs.dispatch(job_id, "articles.import", _csv("ауыл"), "a.csv", user.id) == "process"
    assert started == [[sys.executable, "-m", "surveyapp.job_process"]]
    job = _wait_for_end(job_id, user, db)
    assert job["status"] == "done", job["message"]
    assert job["result"]["counts"]["accepted"] == ROWS
    assert db.session.scalar(select(func.count()).select_from(Article)) == ROWS
    for thread in set(threading.enumerate()) - threads_before:  # the reaping thread ends with the child
        thread.join(timeout=60)  # the child's interpreter shutdown can take seconds on a loaded machine
    assert set(threading.enumerate()) <= threads_before


def test_a_child_that_dies_before_recording_its_outcome_fails_the_job(app, db, monkeypatch):
    monkeypatch.setattr(jobs.sys, "executable", "/bin/false")  # exits 1 without reading its input
    user = make_user("monitor")
    job_id = jobs.create_job("articles.import", user)
    db.session.commit()
    assert jobs.dispatch(job_id, "articles.import", b"x" * 200_000, "a.csv", user.id) == "process"
    job = _wait_for_end(job_id, user, db, seconds=20)
    assert job["status"] == "failed" and "ended with status 1" in job["message"]
    assert db.session.scalar(select(func.count()).select_from(Article)) == 0


def test_a_finished_job_is_not_marked_failed_afterwards(app, db):
    user = make_user("monitor")
    job_id = jobs.create_job("articles.import", user)
    db.session.commit()
    jobs._update(job_id, status="done", result={"counts": {}}, finished_at="2026-04-10T00:00:00+00:00")
    jobs._fail_if_unfinished(job_id, "the job's process ended with status -9")
    db.session.rollback()
    assert jobs.get_job(job_id, user)["status"] == "done"


@pytest.mark.parametrize("app_config", [{"SENIM_JOB_RUNNER": "thread"}])
def test_the_thread_runner_runs_the_job_in_this_process(app, db, regions, monkeypatch):
    monkeypatch.setattr(jobs.subprocess, "Popen", lambda *a, **k: pytest.fail("no process is started"))
    user = make_user("monitor")
    job_id = jobs.create_job("articles.import", user)
    db.session.commit()
    assert jobs.dispatch(job_id, "articles.import", _csv("су"), "a.csv", user.id) == "thread"
    job = _wait_for_end(job_id, user, db)
    assert job["status"] == "done" and job["result"]["counts"]["accepted"] == ROWS


@pytest.mark.parametrize("value", ["fork", "", "PROCESS", "<script>"])
def test_an_unknown_job_runner_is_refused_at_start(tmp_path, value):
    environ = {"SENIM_JOB_RUNNER": value, "SENIM_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
               "SENIM_SECRET_KEY": "s" * 40}
    if value == "":  # empty means unset: the default
        assert create_app(environ=environ).config["SENIM_JOB_RUNNER"] == "process"
        return
    with pytest.raises(ConfigError, match="SENIM_JOB_RUNNER must be one of process, thread") as refused:
        create_app(environ=environ)
    assert repr(value) in str(refused.value)  # the message names the value given
