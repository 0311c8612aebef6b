"""Group commit (``surveyapp.group_commit``): submissions of one process that wait for SQLite's
write lock at the same moment are stored in one transaction, and each caller is told exactly what
was stored — a replay, a conflict or a closed survey inside a group touches no other write, and a
failed COMMIT stores nothing of the group."""
from __future__ import annotations

import fcntl
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import event, func, select, text

from models import Answer, Response, Survey
from surveyapp import group_commit
from surveyapp.database import _file_lock
from surveyapp.group_commit import commit_write
from surveyapp.services.errors import ConflictError
from surveyapp.services.surveys.spec import SurveyClosedError, load_spec
from surveyapp.services.surveys.submission import prepare_submission, store_submission
from tests.factories import make_ngo
from tests.survey_factories import make_survey, region_id, response_body
from tests.survey_factories import submission_input as _input


@pytest.fixture
def setup(db, regions):
    local = make_ngo(region_id=region_id("KZ-55"))
    survey = make_survey(ngos=[local])
    db.session.commit()
    return {"survey_id": survey.id, "local": local.id, "survey": survey, "ngo": local}


def _rows(db) -> tuple[int, int]:
    db.session.rollback()
    return (db.session.scalar(select(func.count()).select_from(Response)),
            db.session.scalar(select(func.count()).select_from(Answer)))


def _count_commits(db) -> list[int]:
    """COMMITs SQLite runs on connections checked out from now on (whether SQLAlchemy's session
    or ``commit_write_transaction`` sent them: the driver's statement trace sees both)."""
    commits: list[int] = []

    def trace(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        dbapi_connection.set_trace_callback(lambda sql: commits.append(1) if sql.strip().upper() == "COMMIT" else None)

    def untrace(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.set_trace_callback(None)

    event.listen(db.engine, "checkout", trace)
    event.listen(db.engine, "checkin", untrace)
    return commits


def _store(survey_id: int, body: dict, seen: list[bool] | None = None) -> Callable[[bool], Any]:
    """Prepare a submission (reads, in the calling thread) and return the write for commit_write;
    ``seen`` collects the ``savepoint`` argument each write was run with."""
    prepared = prepare_submission(load_spec(survey_id), _input(body), channel="api")

    def work(savepoint: bool) -> Any:
        if seen is not None:
            seen.append(savepoint)
        return store_submission(prepared, savepoint=savepoint)
    return work


def _in_threads(app, db, writes: list[Callable[[], Callable[[bool], Any]]], *, held: bool = True,
                database: str | None = None) -> list[Any]:
    """Run each write through ``commit_write`` in a thread of its own, all queued behind a write lock
    held by "another process" (a second open file) until every thread waits; returns the outcomes."""
    database = database or db.engine.url.database
    results: list[Any] = [None] * len(writes)
    path = _file_lock(database).path
    holding, release = threading.Event(), threading.Event()

    def other_process() -> None:
        with open(path, "rb") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            holding.set()
            release.wait(10)
            fcntl.flock(fh, fcntl.LOCK_UN)

    def worker(i: int) -> None:
        with app.app_context():
            from models import db as _db

            try:
                work = writes[i]()
                _db.session.rollback()  # the reads of prepare_submission end before queueing (no COMMIT)
                results[i] = commit_write(_db.session, work)
            except Exception as exc:  # noqa: BLE001 - the outcome under test
                results[i] = exc
            finally:
                _db.session.remove()

    blocker = threading.Thread(target=other_process)
    if held:
        blocker.start()
        assert holding.wait(10)
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(writes))]
    for t in threads:
        t.start()
    group = group_commit._group(database)
    deadline = time.monotonic() + 10
    while held and len(group._queue) < len(writes) and time.monotonic() < deadline:
        time.sleep(0.005)
    release.set()
    for t in threads:
        t.join(timeout=30)
    if held:
        blocker.join(10)
    return results


#: Group commit is for SQLite's single writer; other databases store each write alone (tested last).
sqlite_file_only = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


@sqlite_file_only
def test_writes_queued_together_share_one_commit_and_each_gets_its_own_outcome(app, db, setup, backend):
    sid, survey, ngos = setup["survey_id"], setup["survey"], [setup["local"]]
    first = response_body(survey, ngos=ngos)
    conflicting = dict(first, answers=[dict(first["answers"][0], value=1), *first["answers"][1:]])
    bodies = [first, response_body(survey, ngos=ngos), response_body(survey, ngos=ngos), first, conflicting]
    commits = _count_commits(db)
    results = _in_threads(app, db, [lambda b=b: _store(sid, b) for b in bodies])
    code = [type(r).__name__ if isinstance(r, Exception) else r.status_code for r in results]
    assert code[1:3] == [201, 201], results
    # The threads queue in no fixed order: whichever of `first`, its copy and `conflicting` (one
    # submission_id) is stored first wins; a same-content one after it is a replay, the other a conflict.
    if code[4] == 201:
        assert code[0] == code[3] == "ConflictError", results
    else:
        assert sorted(code[i] for i in (0, 3)) == [200, 201] and code[4] == "ConflictError", results
        assert results[0].body == results[3].body  # the replay returns the original result
    assert len(commits) == 1  # five submissions, one transaction, one fsync
    assert _rows(db) == (3, 18)


@sqlite_file_only
def test_a_closed_survey_in_the_group_fails_alone(app, db, setup, backend):
    other = make_survey(ngos=[setup["ngo"]])
    db.session.commit()
    other_id, other_body = other.id, response_body(other, ngos=[setup["local"]])

    def closed_meanwhile() -> Callable[[bool], Any]:
        work = _store(other_id, other_body)
        from models import db as _db

        _db.session.get(Survey, other_id).status = "closed"  # an admin closes it before the write
        _db.session.commit()
        return work

    good = [lambda: _store(setup["survey_id"], response_body(setup["survey"], ngos=[setup["local"]]))] * 2
    results = _in_threads(app, db, [*good, closed_meanwhile])
    assert [getattr(r, "status_code", None) for r in results[:2]] == [201, 201]
    assert isinstance(results[2], SurveyClosedError)
    assert _rows(db) == (2, 12)


@sqlite_file_only
def test_a_failed_commit_stores_nothing_of_the_group_and_fails_every_caller(app, db, setup, backend):

    def breaks_the_commit() -> Callable[[bool], Any]:
        def work(savepoint: bool) -> str:
            from models import db as _db

            conn = _db.session.connection()
            conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")  # checked at COMMIT, which then fails
            conn.execute(text("INSERT INTO answers (response_id, question_id, ngo_key) "
                              "VALUES ('00000000000000000000000000000000', 1, 0)"))
            return "flushed"
        return work

    good = [lambda: _store(setup["survey_id"], response_body(setup["survey"], ngos=[setup["local"]]))] * 2
    results = _in_threads(app, db, [*good, breaks_the_commit])
    assert all(isinstance(r, Exception) for r in results), results
    assert _rows(db) == (0, 0)
    # the queue is free again: the next write is stored on its own
    after = _in_threads(app, db, good[:1], held=False)
    assert after[0].status_code == 201
    assert _rows(db) == (1, 6)


@sqlite_file_only
def test_writes_arriving_during_a_group_are_led_by_one_of_them(app, db, setup, backend):
    inside, go_on = threading.Event(), threading.Event()
    commits = _count_commits(db)

    seen: list[bool] = []

    def slow() -> Callable[[bool], Any]:
        store = _store(setup["survey_id"], response_body(setup["survey"], ngos=[setup["local"]]), seen)

        def work(savepoint: bool) -> Any:
            inside.set()
            go_on.wait(10)  # others queue meanwhile: they form the next group
            return store(savepoint)
        return work

    database = db.engine.url.database
    first: list[Any] = []
    t = threading.Thread(target=lambda: first.extend(_in_threads(app, db, [slow], held=False, database=database)))
    t.start()
    assert inside.wait(10)
    group = group_commit._group(database)
    later: list[Any] = []
    body = [response_body(setup["survey"], ngos=[setup["local"]]) for _ in range(3)]

    def arrive() -> None:
        later.extend(_in_threads(app, db, [lambda b=b: _store(setup["survey_id"], b, seen) for b in body], held=False,
                                 database=database))

    a = threading.Thread(target=arrive)
    a.start()
    deadline = time.monotonic() + 10
    while len(group._queue) < 3 and time.monotonic() < deadline:
        time.sleep(0.005)
    assert len(group._queue) == 3  # queued behind the running group, not run by its leader
    go_on.set()
    t.join(30)
    a.join(30)
    assert first[0].status_code == 201 and [r.status_code for r in later] == [201, 201, 201]
    assert len(commits) == 2
    assert seen == [False, True, True, True]  # alone: no SAVEPOINT; sharing a transaction: one each
    assert _rows(db) == (4, 24)
    assert not group._leading and not group._queue


def test_other_databases_and_memory_write_alone_without_savepoint(app, db, setup, backend, monkeypatch):
    if backend == "sqlite":
        monkeypatch.setattr(type(db.engine.url), "database", property(lambda _self: ":memory:"))
    seen: list[bool] = []
    store = _store(setup["survey_id"], response_body(setup["survey"], ngos=[setup["local"]]))
    db.session.commit()
    result = commit_write(db.session, lambda savepoint: seen.append(savepoint) or store(savepoint))
    assert result.status_code == 201 and seen == [False]
    monkeypatch.undo()
    assert _rows(db) == (1, 6)


def test_a_forked_worker_starts_with_its_own_queue(monkeypatch, tmp_path):
    database = str(tmp_path / "senim.db")
    first = group_commit._group(database)
    assert group_commit._group(database) is first
    monkeypatch.setattr(group_commit.os, "getpid", lambda: first.pid + 1)
    assert group_commit._group(database) is not first


@sqlite_file_only
def test_a_lone_write_that_fails_after_writing_leaves_nothing(app, db, setup, backend):
    """Alone in its transaction a write runs without a SAVEPOINT; if it fails halfway (a response
    row written, then an error), the transaction is rolled back, not committed."""
    store = _store(setup["survey_id"], response_body(setup["survey"], ngos=[setup["local"]]))
    db.session.rollback()

    def half_then_fail(savepoint: bool) -> Any:
        store(savepoint)  # the response and its answers are flushed
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        commit_write(db.session, half_then_fail)
    assert _rows(db) == (0, 0)
