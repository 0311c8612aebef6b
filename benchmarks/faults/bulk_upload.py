"""Fault script 4 (battery case 5): a monitor uploads a 100,000-row article CSV through the web
form (it becomes a background job: on RQ with Redis, else a child process of the gunicorn worker
that took the upload) while the survey and dashboard load runs; survey latency and throughput
before vs during the upload.

    .venv/bin/python benchmarks/faults/bulk_upload.py [--backend sqlite|postgresql] [--rows 100000]
        [--baseline 20] [--duration 60] [--job-wait 0] [--jobs process|thread|rq] [--redis-db 14]
        [--submitters 8] [--readers 2] [--workers 2]

``--jobs rq`` sets SENIM_REDIS_URL (127.0.0.1:6379, database ``--redis-db``; RQ queue "senim") and
runs ``senim worker`` beside gunicorn, as a production deployment does; by default (no Redis)
the job is a child process of the gunicorn worker that took the upload (``--jobs thread``:
SENIM_JOB_RUNNER=thread, a thread of that worker, for comparison).

"During" is from the upload request until the job ends or the load stops (``--duration`` s after
the upload). ``--job-wait`` s more are spent, without load, waiting for an unfinished job. Fails
(exit 1) when submission p95 during the upload is more than 2x the baseline's, on a gunicorn
worker timeout, a 5xx, a break of I1, a refused upload, or a job that failed or stopped advancing
(its process or thread died); a job still advancing at the end is reported with its progress.
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import http.client
import io
import json
import random
import secrets
import time
from pathlib import Path
from typing import Any

import _harness as h
from _load import TIMEOUT_S, Load, _cookie_header, _cookies, login
from load_mix import common_args, database

STALL_S = 90.0  # a running job whose progress has not moved for this long is taken as dead
WORDS = ("бюджет", "жоба", "волонтёры", "ауыл", "грант", "отчёт", "школа", "экология", "су", "медицина",
         "жастар", "помощь", "қайырымдылық", "семинар", "конкурс", "инвалидность", "балалар", "приют")


def make_csv(path: Path, rows: int, names: list[str], text_chars: int) -> int:
    """Write ``rows`` distinct articles (a third of them naming one of ``names``); returns bytes."""
    rng = random.Random(7)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["title", "text", "outlet", "url", "published", "language"])
    for i in range(rows):
        words = " ".join(rng.choice(WORDS) for _ in range(text_chars // 9))
        lead = f"{rng.choice(names)} сообщает о проекте. " if i % 3 == 0 else ""
        text = f"{lead}Материал {i}: {words}"[:text_chars]
        outlet = f"news{i % 40}.example.kz"
        writer.writerow([f"Новость {i}", text, outlet, f"https://{outlet}/a/{i}",
                         f"2026-{1 + i % 11:02d}-{1 + i % 28:02d}", "ru"])
    data = buf.getvalue().encode("utf-8")
    path.write_bytes(data)
    return len(data)


def ngo_names(url: str) -> list[str]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        names = [r[0] for r in conn.execute(text("SELECT name_ru FROM ngos WHERE name_ru IS NOT NULL"))]
    engine.dispose()
    return names or ["Тестовый фонд"]


def upload(port: int, email: str, path: Path) -> tuple[int, str, float]:
    """Sign in as the monitor and post the file through the form: (status, Location, seconds)."""
    jar = login(port, email)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S * 3)
    conn.request("GET", "/monitor/", headers={"Cookie": _cookie_header(jar)})
    resp = conn.getresponse()
    html = resp.read().decode()
    _cookies(resp, jar)
    token = html.split('name="csrf_token"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    boundary = "senim" + secrets.token_hex(8)
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"articles.csv\"\r\n"
            "Content-Type: text/csv\r\n\r\n").encode()
    body = head + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    t0 = time.monotonic()
    try:
        conn.request("POST", "/monitor/upload-file", body=body, headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}", "Cookie": _cookie_header(jar)})
    except OSError:  # the server answered (e.g. 413) and closed before reading the whole body
        pass
    resp = conn.getresponse()
    resp.read()
    conn.close()
    return resp.status, resp.getheader("Location") or "", time.monotonic() - t0


def job_state(url: str, job_id: str) -> dict[str, Any]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        value = conn.execute(text("SELECT value FROM settings WHERE key = :k"), {"k": "job:" + job_id}).scalar()
    engine.dispose()
    return json.loads(value) if isinstance(value, str) else (value or {})


class JobWatch:
    """Polls the job's status row; remembers when its progress last moved."""

    def __init__(self, url: str, job_id: str) -> None:
        self.url, self.job_id = url, job_id
        self.state: dict[str, Any] = {}
        self.moved_at = time.monotonic()
        self.ended_at: float | None = None

    def poll(self) -> None:
        state = job_state(self.url, self.job_id)
        if (state.get("done"), state.get("status")) != (self.state.get("done"), self.state.get("status")):
            self.moved_at = time.monotonic()
        self.state = state
        if state.get("status") in ("done", "failed") and self.ended_at is None:
            self.ended_at = time.monotonic()

    def over(self) -> bool:
        return self.ended_at is not None or time.monotonic() - self.moved_at > STALL_S

    def wait(self, until: float) -> None:
        while time.monotonic() < until and not self.over():
            time.sleep(2)
            self.poll()


def own_redis_db(stack: contextlib.ExitStack, url: str) -> None:
    """Use a Redis database only if it is empty, and empty it again afterwards (the RQ job holds
    the whole file)."""
    from redis import Redis

    client = Redis.from_url(url)
    if client.dbsize():
        raise SystemExit(f"{url} is not empty: choose a free database with --redis-db")
    stack.callback(client.close)
    stack.callback(client.flushdb)


def ratios(before: dict[str, Any], during: dict[str, Any]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for q in ("p50", "p95", "p99"):
        b, d = before["latency_ms"][q], during["latency_ms"][q]
        out[f"{q}_during_over_before"] = round(d / b, 2) if b else None
    out["throughput_during_over_before"] = round(during["ok_per_s"] / before["ok_per_s"], 2) if before["ok_per_s"] else None
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common_args(parser)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--text-chars", type=int, default=180, help="characters of text per article")
    parser.add_argument("--baseline", type=float, default=20.0, help="seconds of load before the upload")
    parser.add_argument("--job-wait", type=float, default=0.0, help="extra seconds (no load) for the job to end")
    parser.add_argument("--jobs", choices=("process", "thread", "rq"), default="process",
                        help="where the job runs: a child process or a thread of a web worker (no Redis), "
                             "or `senim worker` via RQ")
    parser.add_argument("--redis-db", type=int, default=14, help="Redis database number for --jobs rq")
    args = parser.parse_args()
    h.install_sigterm()
    with contextlib.ExitStack() as stack:
        url = database(stack, args)
        setup = h.prepare(url)
        tmp = h.temp_dir(stack, "senim-faults-upload-")
        size = make_csv(tmp / "articles.csv", args.rows, ngo_names(url), args.text_chars)
        redis = {"SENIM_REDIS_URL": f"redis://127.0.0.1:6379/{args.redis_db}"} if args.jobs == "rq" else {}
        if redis:
            own_redis_db(stack, redis["SENIM_REDIS_URL"])
        runner = {"SENIM_JOB_RUNNER": "thread"} if args.jobs == "thread" else {}
        server = h.Server(stack, url, workers=args.workers, log_dir=tmp, extra_env={**redis, **runner})
        if redis:
            h.start_process(stack, [str(h.VENV_BIN / "senim"), "worker"], server.env, tmp / "worker.log")
        load = Load(server.port, setup, submitters=args.submitters, readers=args.readers, rate=args.rate)
        stack.callback(load.abort)
        load.start()
        time.sleep(args.baseline)
        t_up = time.monotonic()
        status, location, upload_s = upload(server.port, setup.emails["monitor"], tmp / "articles.csv")
        watch = JobWatch(url, location.rstrip("/").rsplit("/", 1)[-1]) if "/uploads/" in location else None
        if watch:
            watch.wait(t_up + args.duration)
        else:
            time.sleep(args.duration)
        load.stop_new()
        t_end = watch.ended_at if watch and watch.ended_at else load.t_stop
        load.finish(grace_s=15)
        if watch:
            watch.wait(time.monotonic() + args.job_wait)
        before = load.window("submit", load.t_start + min(5.0, args.baseline / 4), t_up)  # skip warm-up
        during = load.window("submit", t_up, t_end)
        once = h.exactly_once(url, setup.survey_id, load.results.acked)
        logs = server.log_findings()
        state = watch.state if watch else {}
        job = {"http_status": status, "request_s": round(upload_s, 2), "file_bytes": size, "rows": args.rows,
               "job_status": state.get("status"), "done": state.get("done"), "total": state.get("total"),
               "counts": (state.get("result") or {}).get("counts"), "message": state.get("message"),
               "seconds_to_end": round(watch.ended_at - t_up, 1) if watch and watch.ended_at else None,
               "stalled": bool(watch and watch.ended_at is None and watch.over())}
        elapsed = (watch.ended_at or time.monotonic()) - t_up if watch else 0.0
        if elapsed and job["done"]:
            job["articles_per_s"] = round(job["done"] / elapsed, 1)
            if job["job_status"] == "running" and job["total"]:
                job["projected_total_s"] = round(job["total"] / job["articles_per_s"])
        summary = {"backend": args.backend, "jobs": args.jobs, "workers": args.workers, "submitters": args.submitters,
                   "readers": args.readers, "upload": job, "submit_before": before, "submit_during": during,
                   "ratios": ratios(before, during),
                   "submit_while_upload_request_ran": load.window("submit", t_up, t_up + upload_s), "reads": load.window("read", t1=float("inf")),
                   "invariant_I1": once, "gunicorn_log": logs}
        failures = []
        ratio = summary["ratios"]["p95_during_over_before"]
        if ratio is not None and ratio > 2:
            failures.append(f"submission p95 during the upload is {ratio}x the baseline (target <= 2x)")
        if status != 302 or not watch:
            failures.append(f"upload not accepted as a job (HTTP {status})")
        if job["job_status"] == "failed" or job["stalled"]:
            failures.append(f"job {job['job_status']} / stalled={job['stalled']} at {job['done']}/{job['total']}")
        if logs["worker_timeouts"]:
            failures.append("a worker was killed by gunicorn's timeout")
        if load.window("submit", t1=float("inf"))["5xx"] or summary["reads"]["5xx"]:
            failures.append("5xx responses")
        if once["acked_but_missing"] or once["duplicates"]:
            failures.append(f"I1 broken: {once}")
        return h.report("bulk_upload", summary, failures, server)


if __name__ == "__main__":
    h.run(main)
