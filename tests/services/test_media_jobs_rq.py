"""A large upload with Redis configured: the web request only queues the job on RQ, and an rq
SimpleWorker in burst mode (what ``senim worker --burst`` runs) ingests it, with the per-item report
on the job and the articles stored. Each test uses its own queue and removes its keys."""
from __future__ import annotations

import io
import os
import uuid

import pytest
from sqlalchemy import func, select

from models import Article
from surveyapp.services import jobs
from tests.conftest import login
from tests.factories import PASSWORD, make_user
from tests.helpers import csrf_token_from

REDIS_URL = os.environ.get("SENIM_TEST_REDIS", "redis://127.0.0.1:6379/15")
ROWS = 230  # above the inline limit of 200 items


@pytest.fixture
def rq_queue(app, monkeypatch):
    """A uniquely named RQ queue that ``dispatch`` enqueues on; its keys are deleted afterwards."""
    import redis
    from rq import Queue

    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis unavailable: {exc}")
    name = f"senim-test-{uuid.uuid4().hex}"
    monkeypatch.setattr(jobs, "QUEUE", name)
    monkeypatch.setitem(app.config, "SENIM_REDIS_URL", REDIS_URL)
    queue = Queue(name, connection=connection)
    job_ids: list[str] = []
    yield queue, job_ids
    queue.delete(delete_jobs=True)
    keys = [*connection.scan_iter(f"*{name}*"), *(f"rq:{kind}:{j}" for j in job_ids for kind in ("job", "results"))]
    if keys:
        connection.delete(*keys)
    connection.close()


def _text(i: int) -> str:
    """A text sharing no word 3-gram with another row's."""
    return " ".join(f"слово{i}н{j}" for j in range(12)) + "."


def _csv() -> bytes:
    lines = ["title,text,url,published"] + [
        f"Заметка {i},{_text(i)},https://rq.example/{i},2026-04-10" for i in range(ROWS)]
    lines.append("Повтор,Другой текст о том же,https://rq.example/0,2026-04-10")  # same URL as row 0
    lines.append(f"Перепечатка,{_text(1)},https://copy.example/1,2026-04-11")  # row 1's text elsewhere: a copy
    lines.append("Пусто,,https://rq.example/empty,2026-04-10")  # no text: rejected
    return "\n".join(lines).encode("utf-8")


def test_a_queued_upload_is_ingested_by_an_rq_worker(client, db, regions, rq_queue):
    from rq import SimpleWorker

    queue, job_ids = rq_queue
    user = make_user("monitor")
    login(client, user.email, PASSWORD)
    token = csrf_token_from(client.get("/monitor/").get_data(as_text=True))
    res = client.post("/monitor/upload-file", data={"csrf_token": token, "file": (io.BytesIO(_csv()), "big.csv")},
                      content_type="multipart/form-data")
    assert res.status_code == 302 and "/monitor/uploads/" in res.headers["Location"]
    job_id = res.headers["Location"].rsplit("/", 1)[1]
    job_ids.extend(queue.job_ids)

    # queued on RQ, not run in a thread: nothing happens until a worker takes it
    db.session.rollback()
    assert len(job_ids) == 1 and queue.count == 1
    assert jobs.get_job(job_id, user)["status"] == "queued"
    assert db.session.scalar(select(func.count()).select_from(Article)) == 0

    worker = SimpleWorker([queue], connection=queue.connection, name=f"{queue.name}-worker")
    assert worker.work(burst=True) is True  # True: it ran at least one job
    assert queue.count == 0

    db.session.rollback()  # see the worker's commits
    job = jobs.get_job(job_id, user)
    assert job["status"] == "done", job["message"]
    assert (job["done"], job["total"]) == (ROWS + 3, ROWS + 3)
    result = job["result"]
    assert result["counts"] == {"accepted": ROWS, "duplicate": 2, "rejected": 1}
    assert result["total"] == ROWS + 3 and not result["truncated"]
    by_status: dict[str, list[dict]] = {}
    for item in result["items"]:
        by_status.setdefault(item["status"], []).append(item)
    [rejected] = by_status["rejected"]
    assert rejected["reason"] and rejected["id"] is None and not rejected["stored"]
    stored = {a.url: a for a in db.session.scalars(select(Article))}
    same_url, copy = sorted(by_status["duplicate"], key=lambda item: item["stored"])
    assert not same_url["stored"] and same_url["duplicate_of"] == stored["https://rq.example/0"].id
    assert copy["stored"] and copy["duplicate_of"] == stored["https://rq.example/1"].id
    assert stored["https://copy.example/1"].duplicate_group_id == stored["https://rq.example/1"].id

    # every accepted item and the stored copy are in the database, nothing else
    assert len(stored) == ROWS + 1
    assert {item["id"] for item in by_status["accepted"]} | {copy["id"]} == {a.id for a in stored.values()}
    assert all(a.uploaded_by_id == user.id for a in stored.values())

    page = client.get(f"/monitor/uploads/{job_id}").get_data(as_text=True)
    assert "Finished." in page and f"Items: {ROWS + 3}. Accepted: {ROWS}. Duplicates: 2. Rejected: 1." in page
