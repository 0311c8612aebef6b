"""Benchmark: POST /api/v1/surveys/<id>/responses (20 answers each) against gunicorn, driven by wrk.

    .venv/bin/python benchmarks/submit.py [--database URL] [--seconds 10] [--connections 16]
                                          [--workers N] [--threads N] [--sqlite-dir DIR]

Without --database a fresh SQLite file is used with the settings the product ships (WAL,
synchronous=FULL) in a temporary directory on the real disk (``--sqlite-dir /dev/shm`` puts it on
tmpfs, where fsync costs nothing: the CPU-bound figure). gunicorn runs with the shipped
``gunicorn.conf.py`` (workers and threads overridable; the access log goes to /dev/null).

The load generator is wrk (C, one thread, keep-alive) with ``submit.lua``, which gives every request
a fresh submission_id and counts the status codes. The same wrk measures a trivial endpoint (a
static file through Flask) first, in the same run. The submission limit per client address is
raised through SENIM_API_SUBMIT_LIMIT (all load comes from 127.0.0.1); the limiter stays on.

Prints responses/s, p50/p99 latency, the trivial endpoint's rate, on SQLite the rate of a bare
sqlite3 writer loop on the same disk (the fsync-bound ceiling, measured right after), the server's CPU time per
request (all gunicorn processes, user + system, from /proc) and wrk's, and checks afterwards:
every acknowledged (201) submission is in the database exactly once, replays of stored
submissions answer 200 without adding rows, and concurrent identical submissions make one row.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LUA = Path(__file__).with_name("submit.lua")
TRIVIAL = "/static/css/survey.css"
CLK_TCK = os.sysconf("SC_CLK_TCK")


def prepare(url: str) -> tuple[int, list[dict]]:
    """Schema, regions, 4 NGOs and a survey; returns (survey id, a 20-answer list)."""
    from models import db
    from surveyapp import create_app
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


def query(url: str, sql: str, params: dict[str, Any]) -> list[tuple]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql), params)]
    engine.dispose()
    return rows


def count_rows(url: str, survey_id: int) -> tuple[int, int]:
    """(rows, distinct submission ids) once the count has stopped changing (requests still in
    flight when wrk stopped may commit a moment later)."""
    last = None
    for _ in range(20):
        (total, distinct), = query(url, "SELECT count(*), count(DISTINCT submission_id) FROM responses "
                                        "WHERE survey_id = :s", {"s": survey_id})
        if (total, distinct) == last:
            break
        last = (total, distinct)
        time.sleep(0.5)
    return int(total), int(distinct)


def scratch_database(url: str, create: bool) -> str:
    """PostgreSQL: create (or drop) a throwaway database ``senim_bench_submit`` on the server of
    ``url``, so every run starts empty; returns its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = "senim_bench_submit"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if create:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def server_cpu_s(master: int) -> float:
    """CPU seconds (user + system) of the gunicorn master, its live workers and its reaped ones."""
    def fields(pid: int) -> list[str]:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()

    f = fields(master)
    ticks = sum(int(x) for x in f[11:15])  # utime, stime, cutime, cstime (reaped workers)
    for child in Path(f"/proc/{master}/task/{master}/children").read_text().split():
        try:
            ticks += sum(int(x) for x in fields(int(child))[11:13])
        except (FileNotFoundError, ProcessLookupError):
            pass
    return ticks / CLK_TCK


def wrk(port: int, path: str, seconds: float, connections: int, master: int, *args: str) -> dict[str, Any]:
    """Run wrk (one thread) with submit.lua; its summary plus server and wrk CPU seconds."""
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{int(seconds)}s", "--timeout", "10s", "-s", str(LUA),
           f"http://127.0.0.1:{port}{path}", "--", *args]
    cpu0 = server_cpu_s(master)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read() if proc.stdout else ""
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu1 = server_cpu_s(master)
    line = next((ln for ln in out.splitlines() if ln.startswith("SENIM ")), None)
    if proc.returncode != 0 or line is None:
        raise SystemExit(f"wrk failed ({proc.returncode}):\n{out}")
    result = json.loads(line[6:])
    result["codes"] = {int(k): v for k, v in result["codes"].items()}
    result["server_cpu_s"] = cpu1 - cpu0
    result["wrk_cpu_s"] = usage.ru_utime + usage.ru_stime
    return result


def sqlite_floor(directory: str, seconds: float = 2.0) -> float:
    """Transactions/s of a bare sqlite3 loop on the same disk with the shipped settings (WAL,
    synchronous=FULL): BEGIN IMMEDIATE, a 21-row executemany, COMMIT. The fsync-bound ceiling
    of one writer, measured in the same run."""
    import sqlite3

    path = Path(directory) / "floor.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, r TEXT, q INTEGER, v REAL)")
    rows = [(uuid.uuid4().hex, q, 4.0) for q in range(21)]
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO t (r, q, v) VALUES (?, ?, ?)", rows)
        conn.execute("COMMIT")
        n += 1
    rate = n / (time.perf_counter() - start)
    conn.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return rate


def post(port: int, path: str, body: bytes) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", path, body=body, headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def replay_checks(port: int, path: str, template: str, stored: list[str]) -> dict[str, Any]:
    """Replays of stored submissions (expect 200 each, same body), then 8 concurrent identical new
    submissions (expect one 201 and seven 200)."""
    replay_codes: dict[int, int] = {}
    for sid in stored:
        status, raw = post(port, path, template.replace("@@SUBMISSION_ID@@", sid).encode())
        same = status == 200 and uuid.UUID(json.loads(raw)["submission_id"]) == uuid.UUID(sid)
        replay_codes[status if same else -status] = replay_codes.get(status if same else -status, 0) + 1
    body = template.replace("@@SUBMISSION_ID@@", str(uuid.uuid4())).encode()
    race: list[int] = []
    barrier = threading.Barrier(8)

    def racer() -> None:
        barrier.wait()
        race.append(post(port, path, body)[0])

    threads = [threading.Thread(target=racer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"replay_codes": replay_codes, "race_codes": {c: race.count(c) for c in sorted(set(race))}}


def start_server(url: str, port: int, workers: int | None, threads: int | None, limit: str) -> subprocess.Popen:
    env = dict(os.environ, SENIM_DATABASE_URL=url, SENIM_SECRET_KEY="bench-" + "x" * 40,
               SENIM_API_SUBMIT_LIMIT=limit, PYTHONPATH=str(ROOT))
    cmd = [str(ROOT / ".venv/bin/gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "--pythonpath",
           str(ROOT / "benchmarks"), "-b", f"127.0.0.1:{port}", "--access-logfile", "/dev/null",
           "--log-level", "warning"]
    if workers:
        cmd += ["-w", str(workers)]
    if threads:
        cmd += ["--threads", str(threads)]
    server = subprocess.Popen([*cmd, "bench_app:app"], cwd=str(ROOT), env=env)
    for _ in range(200):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", TRIVIAL)
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=None, help="a PostgreSQL server to run on, e.g. "
                        "postgresql://postgres@127.0.0.1:5432/test (a scratch database is created beside it)")
    parser.add_argument("--seconds", type=float, default=10, help="length of the submission run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=None, help="default: gunicorn.conf.py")
    parser.add_argument("--threads", type=int, default=None, help="default: gunicorn.conf.py")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--limit", default="1000000 per minute", help="SENIM_API_SUBMIT_LIMIT for the run")
    parser.add_argument("--sqlite-dir", default=None, help="directory for the SQLite file (default: the temp dir)")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="senim-bench-", dir=args.sqlite_dir)
    url = scratch_database(args.database, create=True) if args.database else f"sqlite:///{tmp}/bench.db"
    survey_id, answers = prepare(url)
    path = f"/api/v1/surveys/{survey_id}/responses"
    template = json.dumps({"submission_id": "@@SUBMISSION_ID@@", "language": "ru", "region": "KZ-55",
                           "settlement": "urban", "sex": "female", "age_group": "30-44", "duration_s": 95,
                           "answers": answers}, ensure_ascii=False)
    body_file = Path(tmp) / "body.json"
    body_file.write_text(template, encoding="utf-8")
    server = start_server(url, args.port, args.workers, args.threads, args.limit)
    try:
        master = server.pid
        wrk(args.port, TRIVIAL, 2, args.connections, master, "get")  # warm-up
        trivial = wrk(args.port, TRIVIAL, min(5.0, args.seconds), args.connections, master, "get")
        run = wrk(args.port, path, args.seconds, args.connections, master, "post", str(body_file),
                  secrets.token_hex(4))
        total, distinct = count_rows(url, survey_id)
        sample = [str(r[0]) for r in query(url, "SELECT submission_id FROM responses WHERE survey_id = :s "
                                                "ORDER BY id LIMIT 200", {"s": survey_id})]
        checks = replay_checks(args.port, path, template, sample)
        after, _ = count_rows(url, survey_id)
    finally:
        server.terminate()
        server.wait(timeout=30)
    floor = None if args.database else sqlite_floor(tmp)
    if args.database:
        scratch_database(args.database, create=False)
    shutil.rmtree(tmp, ignore_errors=True)  # the SQLite file (or the request body only)
    acked = run["codes"].get(201, 0)
    secs = run["duration_us"] / 1e6
    # Requests still in flight when wrk stops may be stored without wrk counting their 201.
    ok = (total == distinct and acked <= distinct <= acked + args.connections and not set(run["codes"]) - {201}
          and checks["replay_codes"] == {200: len(sample)} and checks["race_codes"] == {200: 7, 201: 1}
          and after == total + 1)
    print(json.dumps({
        "backend": url.split(":", 1)[0], "answers_per_response": len(answers), "seconds": round(secs, 1),
        "connections": args.connections, "workers": args.workers or "gunicorn.conf.py",
        "threads": args.threads or "gunicorn.conf.py", "sqlite_dir": args.sqlite_dir, "submit_limit": args.limit,
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "responses_per_s": round(acked / secs, 1), "p50_ms": run["p50_us"] / 1000, "p99_ms": run["p99_us"] / 1000,
        "max_ms": run["max_us"] / 1000,
        "server_cpu_ms_per_response": round(1000 * run["server_cpu_s"] / max(run["requests"], 1), 3),
        "wrk_cpu_ms_per_response": round(1000 * run["wrk_cpu_s"] / max(run["requests"], 1), 3),
        "sqlite_floor_txn_per_s": None if floor is None else round(floor, 1),
        "trivial_per_s": round(trivial["requests"] / (trivial["duration_us"] / 1e6), 1),
        "trivial_p99_ms": trivial["p99_us"] / 1000,
        "trivial_server_cpu_ms": round(1000 * trivial["server_cpu_s"] / max(trivial["requests"], 1), 3),
        "status_codes": run["codes"], "socket_errors": run["errors"], **checks,
        "rows": total, "acked": acked, "lost": max(0, acked - distinct), "duplicated": total - distinct,
        "unacknowledged_rows": max(0, distinct - acked), "ok": ok,
    }, indent=2))


if __name__ == "__main__":
    main()
