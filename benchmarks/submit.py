"""Benchmark: POST /api/v1/surveys/<id>/responses (20 answers each) against gunicorn, driven by wrk.

    .venv/bin/python benchmarks/submit.py [--database URL] [--seconds 10] [--connections 16]
                                          [--workers N] [--threads N] [--sqlite-dir DIR]
                                          [--rounds 3] [--baseline-seconds S] [--no-baselines]

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

Same-run baselines (``--no-baselines`` skips them): the issue sets its target against "a plain ORM
object-per-answer insert (~450/s here)" and "SQLAlchemy Core bulk insert (~1,300/s)". Both are
timed here from ``reference_app.py`` on a database of their own, as a loop in this process (one
thread, a commit per response: how the issue's figures read) and as naive gunicorn endpoints under
the same wrk. The run goes in ``--rounds`` rounds (trivial, submissions, baselines in turn), so that
the speed of a shared machine, which drifts by tens of percent within minutes, hits all of them
alike. ``issue_target`` prints the 1,000/s as stated and scaled by this run's loops against the
issue's figures.
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


def scratch_database(url: str, create: bool, name: str = "senim_bench_submit") -> str:
    """PostgreSQL: create (or drop) a throwaway database ``name`` on the server of ``url``, so every
    run starts empty; returns its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

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


def start_server(url: str, port: int, workers: int | None, threads: int | None, limit: str,
                 app: str = "bench_app:app", ready: str = TRIVIAL) -> subprocess.Popen:
    env = dict(os.environ, SENIM_DATABASE_URL=url, SENIM_SECRET_KEY="bench-" + "x" * 40,
               SENIM_API_SUBMIT_LIMIT=limit, PYTHONPATH=str(ROOT))
    cmd = [str(ROOT / ".venv/bin/gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "--pythonpath",
           str(ROOT / "benchmarks"), "-b", f"127.0.0.1:{port}", "--access-logfile", "/dev/null",
           "--log-level", "warning"]
    if workers:
        cmd += ["-w", str(workers)]
    if threads:
        cmd += ["--threads", str(threads)]
    server = subprocess.Popen([*cmd, app], cwd=str(ROOT), env=env)
    for _ in range(200):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", ready)
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start")


#: The issue's figures for its target machine: responses/s of a plain ORM object-per-answer insert and
#: of a SQLAlchemy Core bulk insert ("Target on this 2-core machine: >= 1,000 responses/s").
ISSUE_TARGET, ISSUE_BASELINES = 1000.0, {"orm": 450.0, "core": 1300.0}


def insert_loops(url: str, survey_id: int, template: str, seconds: float) -> dict[str, tuple[int, float]]:
    """The issue's two yardsticks as it states them: ``reference_app.insert_orm`` and ``insert_core``
    in a loop, one thread, no HTTP, one commit per response (shipped SQLite settings), ``seconds / 2``
    each; returns (responses, seconds) per loop."""
    os.environ["SENIM_DATABASE_URL"] = url
    if str(ROOT / "benchmarks") not in sys.path:
        sys.path.insert(0, str(ROOT / "benchmarks"))
    import reference_app

    if reference_app.app.config["SQLALCHEMY_DATABASE_URI"] != url:  # bound at its first import
        raise SystemExit("insert_loops: reference_app was imported for another database")
    out: dict[str, tuple[int, float]] = {}
    with reference_app.app.app_context():
        for name in ("orm", "core"):
            insert, count = getattr(reference_app, f"insert_{name}"), 0
            start = time.perf_counter()
            while time.perf_counter() - start < seconds / 2:
                raw = template.replace("@@SUBMISSION_ID@@", str(uuid.uuid4())).encode()
                insert(*reference_app.rows(survey_id, json.loads(raw), raw))
                count += 1
            out[name] = (count, time.perf_counter() - start)
        reference_app.db.session.remove()
    return out


def merge(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Several wrk runs of one endpoint as one: counts, durations and CPU summed; p50 the median
    of the runs' p50s, p99 and max the worst run's."""
    codes: dict[int, int] = {}
    for run in runs:
        for code, n in run["codes"].items():
            codes[code] = codes.get(code, 0) + n
    errors = {k: sum(r["errors"][k] for r in runs) for k in runs[0]["errors"]}
    p50s = sorted(r["p50_us"] for r in runs)
    return {"requests": sum(r["requests"] for r in runs), "duration_us": sum(r["duration_us"] for r in runs),
            "codes": codes, "errors": errors, "p50_us": p50s[len(p50s) // 2],
            "p99_us": max(r["p99_us"] for r in runs), "max_us": max(r["max_us"] for r in runs),
            "server_cpu_s": sum(r["server_cpu_s"] for r in runs), "wrk_cpu_s": sum(r["wrk_cpu_s"] for r in runs)}


def figures(run: dict[str, Any], code: int) -> dict[str, Any]:
    """Rate of ``code`` answers per second, latency and CPU per request of a (merged) wrk run."""
    return {"responses_per_s": round(run["codes"].get(code, 0) / (run["duration_us"] / 1e6), 1),
            "p99_ms": run["p99_us"] / 1000,
            "server_cpu_ms_per_response": round(1000 * run["server_cpu_s"] / max(run["requests"], 1), 3),
            "status_codes": run["codes"]}


def issue_target(rate: float, in_process: dict[str, float]) -> dict[str, Any]:
    """The issue's 1,000/s, scaled by how this machine ran the issue's own yardsticks in this run
    (its ORM and Core insert loops against the issue's ~450/s and ~1,300/s)."""
    scaled = {name: round(ISSUE_TARGET * in_process[name] / ISSUE_BASELINES[name], 1) for name in ISSUE_BASELINES}
    return {"stated_per_s": ISSUE_TARGET, "stated_baselines_per_s": ISSUE_BASELINES, "this_run_baselines_per_s": in_process,
            "scaled_by_orm_per_s": scaled["orm"], "scaled_by_core_per_s": scaled["core"],
            "responses_per_s_over_scaled": {name: round(rate / max(v, 1e-9), 3) for name, v in scaled.items()},
            "met_as_stated": rate >= ISSUE_TARGET, "met_scaled": all(rate >= v for v in scaled.values())}


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
    parser.add_argument("--baseline-seconds", type=float, default=None,
                        help="length of each same-run baseline (naive Core and ORM endpoints over HTTP, and the "
                             "two insert loops together; default: --seconds)")
    parser.add_argument("--no-baselines", action="store_true", help="skip the naive Core and ORM baselines")
    parser.add_argument("--rounds", type=int, default=3, help="the run is split into this many rounds of every "
                        "endpoint and baseline in turn (default 3)")
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
    with_baselines = not args.no_baselines
    ref_url, ref_survey = "", 0
    if with_baselines:
        ref_url = (scratch_database(args.database, create=True, name="senim_bench_reference") if args.database
                   else f"sqlite:///{tmp}/reference.db")
        ref_survey, _ = prepare(ref_url)
    baseline_seconds = args.seconds if args.baseline_seconds is None else args.baseline_seconds
    rounds = max(1, args.rounds)
    share = max(1, round(args.seconds / rounds))
    base_share = max(1, round(baseline_seconds / rounds))
    runs: dict[str, list[dict[str, Any]]] = {"trivial": [], "submit": [], "core": [], "orm": []}
    loops: dict[str, list[tuple[int, float]]] = {"orm": [], "core": []}
    server = start_server(url, args.port, args.workers, args.threads, args.limit)
    reference_server = (start_server(ref_url, args.port + 1, args.workers, args.threads, args.limit,
                                     app="reference_app:app", ready="/ping") if with_baselines else None)
    reference = None
    try:
        master = server.pid
        wrk(args.port, TRIVIAL, 2, args.connections, master, "get")  # warm-up
        # Rounds: every endpoint in turn, so that drifting load on a shared machine hits all of them.
        for _ in range(rounds):
            runs["trivial"].append(wrk(args.port, TRIVIAL, max(1, round(min(5, args.seconds) / rounds)),
                                       args.connections, master, "get"))
            runs["submit"].append(wrk(args.port, path, share, args.connections, master, "post", str(body_file),
                                      secrets.token_hex(4)))
            if reference_server is not None:
                for name in ("core", "orm"):
                    runs[name].append(wrk(args.port + 1, f"/{name}/{ref_survey}", base_share, args.connections,
                                          reference_server.pid, "post", str(body_file), secrets.token_hex(4)))
                for name, value in insert_loops(ref_url, ref_survey, template, 2 * base_share).items():
                    loops[name].append(value)
        total, distinct = count_rows(url, survey_id)
        sample = [str(r[0]) for r in query(url, "SELECT submission_id FROM responses WHERE survey_id = :s "
                                                "ORDER BY id LIMIT 200", {"s": survey_id})]
        checks = replay_checks(args.port, path, template, sample)
        after, _ = count_rows(url, survey_id)
        if reference_server is not None:
            core, orm = merge(runs["core"]), merge(runs["orm"])
            (stored,), = query(ref_url, "SELECT count(*) FROM responses WHERE survey_id = :s", {"s": ref_survey})
            acked_ref = (core["codes"].get(201, 0) + orm["codes"].get(201, 0)
                         + sum(n for v in loops.values() for n, _ in v))
            reference = {"http": {"core": figures(core, 201), "orm": figures(orm, 201),
                                  "acked_rows_stored": acked_ref <= stored <= acked_ref + 2 * rounds * args.connections},
                         "in_process": {name: round(sum(n for n, _ in v) / sum(t for _, t in v), 1)
                                        for name, v in loops.items()}}
    finally:
        for proc in (server, reference_server):
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=30)
    floor = None if args.database else sqlite_floor(tmp)
    if args.database:
        scratch_database(args.database, create=False)
        if with_baselines:
            scratch_database(args.database, create=False, name="senim_bench_reference")
    shutil.rmtree(tmp, ignore_errors=True)  # the SQLite files (or the request body only)
    run, trivial = merge(runs["submit"]), merge(runs["trivial"])
    acked = run["codes"].get(201, 0)
    secs = run["duration_us"] / 1e6
    # Requests still in flight when wrk stops may be stored without wrk counting their 201.
    ok = (total == distinct and acked <= distinct <= acked + rounds * args.connections
          and not set(run["codes"]) - {201}
          and checks["replay_codes"] == {200: len(sample)} and checks["race_codes"] == {200: 7, 201: 1}
          and after == total + 1 and (reference is None or reference["http"]["acked_rows_stored"]))
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
        "rounds": rounds, "baselines": reference,
        "ratio_to_http_core_baseline": None if reference is None else round(
            acked / secs / max(reference["http"]["core"]["responses_per_s"], 1e-9), 3),
        "issue_target": None if reference is None else issue_target(acked / secs, reference["in_process"]),
        "rows": total, "acked": acked, "lost": max(0, acked - distinct), "duplicated": total - distinct,
        "unacknowledged_rows": max(0, distinct - acked), "ok": ok,
    }, indent=2))


if __name__ == "__main__":
    main()
