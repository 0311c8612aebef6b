"""The survey API's short write transaction and the cheaper per-request machinery: SQLite's file
lock is held only inside write_transaction, the API view does not take the write lock at request
start, the rate-limit counters still count, and the session serializer follows the secret key."""
from __future__ import annotations

import fcntl
import os
import threading
import time

import pytest
from itsdangerous import BadSignature
from sqlalchemy import func, select, text

from models import Region
from surveyapp.database import OWN_WRITES_ATTR, write_transaction
from surveyapp.extensions import MemoryLimitStorage


def _lock_is_free(path: str) -> bool:
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def test_write_transaction_holds_sqlites_file_lock_only_inside(app, db, regions, backend):
    db.session.execute(select(func.count()).select_from(Region)).scalar()  # a read transaction is open
    reading = db.session.connection()
    with write_transaction(db.session):
        db.session.execute(text("UPDATE regions SET name_en = name_en WHERE code = 'KZ-55'"))
        if backend == "sqlite":
            lock_path = db.engine.url.database + "-writelock"
            assert os.path.exists(lock_path) and not _lock_is_free(lock_path)
        else:  # no single writer on PostgreSQL: the block runs in the transaction already open
            assert db.session.connection() is reading
        db.session.commit()
    if backend == "sqlite":
        assert _lock_is_free(lock_path)


def test_write_transaction_rolls_back_and_releases_after_an_error(app, db, regions, backend):
    with pytest.raises(RuntimeError), write_transaction(db.session):
        db.session.execute(text("UPDATE regions SET name_en = 'changed' WHERE code = 'KZ-55'"))
        raise RuntimeError("boom")
    db.session.rollback()
    assert db.session.scalar(select(Region.name_en).where(Region.code == "KZ-55")) != "changed"
    if backend == "sqlite":
        assert _lock_is_free(db.engine.url.database + "-writelock")
        with write_transaction(db.session):  # and the next writer gets it
            db.session.commit()


def test_write_transaction_serialises_threads_of_one_process(tmp_path):
    from models import db as _db
    from tests.conftest import make_test_app

    app = make_test_app(f"sqlite:///{tmp_path / 'threads.db'}", tmp_path)
    inside, overlaps = [0], []

    def worker() -> None:
        with app.app_context():
            from models import db as _db

            for _ in range(5):
                with write_transaction(_db.session):
                    inside[0] += 1
                    overlaps.append(inside[0])
                    time.sleep(0.002)
                    inside[0] -= 1
                    _db.session.commit()
            _db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    with app.app_context():
        _db.engine.dispose()
    assert overlaps == [1] * 15


def test_api_submission_is_committed_and_leaves_no_lock(client, db, regions, backend):
    """The API reads without a transaction on SQLite (begin_reads), then writes in write_transaction:
    another connection sees the row at once and can take the write lock without waiting."""
    import sqlite3
    import uuid

    from tests.survey_factories import make_survey, response_body

    survey = make_survey(battery=False)
    body = response_body(survey, submission_id=str(uuid.uuid4()))
    assert client.post(f"/api/v1/surveys/{survey.id}/responses", json=body).status_code == 201
    assert client.post(f"/api/v1/surveys/{survey.id}/responses", json=body).status_code == 200
    if backend == "sqlite":
        other = sqlite3.connect(db.engine.url.database, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # "database is locked" if a transaction were left open
            assert other.execute("SELECT count(*) FROM responses").fetchone() == (1,)
            other.execute("ROLLBACK")
        finally:
            other.close()
    else:
        db.session.rollback()
        assert db.session.scalar(text("SELECT count(*) FROM responses")) == 1


def test_api_submission_takes_the_write_lock_itself(app):
    assert getattr(app.view_functions["api.submit"], OWN_WRITES_ATTR, False)
    assert not getattr(app.view_functions["public.survey_submit"], OWN_WRITES_ATTR, False)


def test_memory_limit_storage_counts_and_expires_without_a_thread_per_hit(monkeypatch):
    from limits.storage import memory

    started: list[object] = []
    real_timer = memory.threading.Timer

    class CountingTimer(real_timer):  # type: ignore[misc, valid-type]
        def start(self) -> None:
            started.append(self)
            super().start()

    storage = MemoryLimitStorage()
    monkeypatch.setattr(memory.threading, "Timer", CountingTimer)
    for _ in range(200):
        storage.incr("k", expiry=1)
    assert storage.get("k") == 200
    assert len(started) <= 1  # the stock storage starts one whenever its 10 ms timer has ended
    storage.expirations["k"] = time.time() - 1  # the window is over
    assert storage.get("k") == 0


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://", "SENIM_API_SUBMIT_LIMIT": "2 per minute"}


def test_rate_limit_still_applies_on_the_api(client, db, regions):
    import uuid

    from tests.survey_factories import make_survey, response_body

    survey = make_survey(battery=False)
    url = f"/api/v1/surveys/{survey.id}/responses"
    codes = [client.post(url, json=response_body(survey, submission_id=str(uuid.uuid4())),
                         environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code for _ in range(3)]
    assert codes == [201, 201, 429]
    other = client.post(url, json=response_body(survey), environ_base={"REMOTE_ADDR": "10.1.2.4"})
    assert other.status_code == 201  # counted per client address


def test_session_serializer_is_reused_and_follows_the_secret_key(app):
    interface = app.session_interface
    first = interface.get_signing_serializer(app)
    assert interface.get_signing_serializer(app) is first
    signed = first.dumps({"a": 1})
    old_key = app.secret_key
    app.secret_key = "another-secret-" + "y" * 40
    try:
        rotated = interface.get_signing_serializer(app)
        assert rotated is not first
        with pytest.raises(BadSignature):
            rotated.loads(signed)
    finally:
        app.secret_key = old_key
