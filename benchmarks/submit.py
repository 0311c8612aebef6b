"""Benchmark: POST /api/v1/surveys/<id>/responses (20 answers each) against gunicorn.

    .venv/bin/python benchmarks/submit.py [--database URL] [--requests 4000] [--concurrency 16] [--workers 2]
                                          [--sqlite-dir /dev/shm]

Without --database a fresh SQLite file is used with the settings the product ships (WAL,
synchronous=FULL), in a temporary directory or ``--sqlite-dir`` (``/dev/shm`` puts it on tmpfs, where
fsync costs nothing: the CPU-bound figure). Prints responses/s, p50/p99 latency, the same run's throughput of a trivial
endpoint (a static file) for comparison, and checks afterwards that every acknowledged submission
is in the database exactly once (and that replays did not add rows).
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def prepare(url: str) -> tuple[int, list[dict]]:
    """Schema, regions, 3 NGOs and a survey; returns (survey id, answer list template)."""
    from surveyapp import create_app
    from models import db
    from tests.factories import make_ngo
    from tests.survey_factories import make_survey, question_ids, region_id

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-" + "x" * 40}, environ={})
    with app.app_context():
        db.create_all()
        from surveyapp.services.regions import load_regions

        load_regions()
        db.session.commit()
        ngos = [make_ngo(region_id=region_id("KZ-55")) for _ in range(3)]
        survey = make_survey(ngos=ngos)
        q = question_ids(survey)
        answers = [{"question": q["overall"], "value": 4}, {"question": q["channels"], "value": ["tv"]},
                   {"question": q["comment"], "value": "Жақсы ұйымдар"}, {"question": q["recommend"], "value": 8}]
        for ngo in ngos:
            answers.append({"question": q["aware"], "ngo": ngo.id, "value": True})
            for code in ("trust", "usefulness", "transparency", "project"):
                answers.append({"question": q[code], "ngo": ngo.id, "value": 4})
        # 4 general + 3 NGOs × 5 = 19 answers; make the last project answer "don't know" and add
        # a fourth NGO's awareness ("no") for 20.
        answers[-1]["value"] = None
        extra = make_ngo()
        db.session.add(__import__("models").SurveyNGO(survey_id=survey.id, ngo_id=extra.id))
        db.session.commit()
        answers.append({"question": q["aware"], "ngo": extra.id, "value": False})
        return survey.id, answers


def count_rows(url: str, survey_id: int) -> tuple[int, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        total = conn.execute(text("SELECT count(*) FROM responses WHERE survey_id = :s"), {"s": survey_id}).scalar()
        distinct = conn.execute(text("SELECT count(DISTINCT submission_id) FROM responses WHERE survey_id = :s"),
                                {"s": survey_id}).scalar()
    engine.dispose()
    return int(total), int(distinct)


def run_load(port: int, n: int, concurrency: int, make_request) -> tuple[float, list[float], dict[int, int]]:
    latencies: list[float] = []
    codes: dict[int, int] = {}
    lock = threading.Lock()
    counter = iter(range(n))

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        local_lat, local_codes = [], {}
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            method, path, body, headers = make_request(i)
            t0 = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status = 0
            local_lat.append(time.perf_counter() - t0)
            local_codes[status] = local_codes.get(status, 0) + 1
        with lock:
            latencies.extend(local_lat)
            for k, v in local_codes.items():
                codes[k] = codes.get(k, 0) + v
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start, latencies, codes


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000 if len(values) > 1 else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=None)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--sqlite-dir", default=None, help="directory for the SQLite file (e.g. /dev/shm)")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="senim-bench-", dir=args.sqlite_dir)
    url = args.database or f"sqlite:///{tmp}/bench.db"
    survey_id, answers = prepare(url)
    env = dict(os.environ, SENIM_DATABASE_URL=url, SENIM_SECRET_KEY="bench-" + "x" * 40, PYTHONPATH=str(ROOT))
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "--pythonpath", str(ROOT / "benchmarks"), "-w", str(args.workers),
         "-b", f"127.0.0.1:{args.port}", "--access-logfile", "/dev/null", "--log-level", "warning", "bench_app:app"],
        cwd=str(ROOT), env=env)
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", args.port, timeout=1).request("GET", "/static/css/survey.css")
                break
            except OSError:
                time.sleep(0.1)
        path = f"/api/v1/surveys/{survey_id}/responses"
        ids = [str(uuid.uuid4()) for _ in range(args.requests)]

        def submit(i: int):
            body = {"submission_id": ids[i], "language": "ru", "region": "KZ-55", "settlement": "urban",
                    "sex": "female", "age_group": "30-44", "answers": answers}
            return "POST", path, json.dumps(body), {"Content-Type": "application/json"}

        run_load(args.port, 200, args.concurrency, lambda i: ("GET", "/static/css/survey.css", None, {}))  # warm-up
        trivial_s, trivial_lat, _ = run_load(args.port, args.requests, args.concurrency,
                                             lambda i: ("GET", "/static/css/survey.css", None, {}))
        elapsed, lat, codes = run_load(args.port, args.requests, args.concurrency, submit)
        replay_s, _rl, replay_codes = run_load(args.port, min(500, args.requests), args.concurrency, submit)
    finally:
        server.terminate()
        server.wait(timeout=30)
    total, distinct = count_rows(url, survey_id)
    shutil.rmtree(tmp, ignore_errors=True)  # the SQLite file (and nothing when --database was given)
    acked = codes.get(201, 0)
    backend = url.split(":", 1)[0]
    print(json.dumps({
        "backend": backend, "answers_per_response": len(answers), "requests": args.requests,
        "concurrency": args.concurrency, "workers": args.workers, "sqlite_dir": args.sqlite_dir,
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "responses_per_s": round(acked / elapsed, 1), "p50_ms": round(p(lat, 50), 1), "p99_ms": round(p(lat, 99), 1),
        "trivial_per_s": round(len(trivial_lat) / trivial_s, 1), "trivial_p99_ms": round(p(trivial_lat, 99), 1),
        "status_codes": codes, "replay_status_codes": replay_codes,
        "rows": total, "acked": acked, "lost": acked - distinct if acked > distinct else 0,
        "duplicated": total - distinct,
        "ok": total == distinct == acked and set(replay_codes) == {200},
    }, indent=2))


if __name__ == "__main__":
    main()
