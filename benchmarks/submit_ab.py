"""Side-by-side A/B of two server set-ups for survey submissions, on a machine whose speed drifts.

    .venv/bin/python benchmarks/submit_ab.py [--a-workers N] [--a-threads N] [--a-env KEY=VALUE ...]
                                             [--b-workers N] [--b-threads N] [--b-env KEY=VALUE ...]
                                             [--rounds 10] [--seconds 2] [--connections 16]

Two gunicorn servers run at once, each on a SQLite file of its own (shipped settings, the same
survey and 20-answer body as ``submit.py``); wrk drives them in turn for ``--seconds`` each, the
order flipping every round, so that the machine's drift (tens of percent within minutes on a
shared host) hits both alike. An A/A run (no options) shows the tool's own noise; on the 2-core
development machine three A/A runs of 6-10 rounds gave 0.99, 0.99 and 0.85 (per-round ratios
0.64-1.08), so differences under ~15% are not resolved there.

Prints per side responses/s and server CPU per request over all rounds, the ratio B/A with the
lowest and highest per-round ratio, and per side whether every acknowledged submission is stored
exactly once. ``--a-env``/``--b-env`` set environment variables of that side's server only.
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import submit  # the benchmark's helpers, beside this file (after the sys.path line)


def _env(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise SystemExit(f"--a-env/--b-env take KEY=VALUE, not {pair!r}")
        out[key] = value
    return out


def _start(url: str, port: int, workers: int | None, threads: int | None, env: dict[str, str]) -> Any:
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        return submit.start_server(url, port, workers, threads, "1000000 per minute")
    finally:
        os.environ.clear()
        os.environ.update(saved)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for side in ("a", "b"):
        parser.add_argument(f"--{side}-workers", type=int, default=None, help="default: gunicorn.conf.py")
        parser.add_argument(f"--{side}-threads", type=int, default=None, help="default: gunicorn.conf.py")
        parser.add_argument(f"--{side}-env", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=2, help="length of each wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=8780)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="senim-ab-")
    sides: list[dict[str, Any]] = []
    try:
        for i, side in enumerate(("a", "b")):
            url = f"sqlite:///{tmp}/{side}.db"
            survey_id, answers = submit.prepare(url)
            body = Path(tmp) / f"{side}.json"
            body.write_text(json.dumps({"submission_id": "@@SUBMISSION_ID@@", "language": "ru", "region": "KZ-55",
                                        "settlement": "urban", "sex": "female", "age_group": "30-44",
                                        "duration_s": 95, "answers": answers}, ensure_ascii=False), encoding="utf-8")
            settings = {"workers": getattr(args, f"{side}_workers"), "threads": getattr(args, f"{side}_threads"),
                        "env": _env(getattr(args, f"{side}_env"))}
            sides.append({"name": side.upper(), "url": url, "survey": survey_id, "body": str(body),
                          "port": args.port + 2 * i, "settings": settings, "runs": []})
        for s in sides:
            s["server"] = _start(s["url"], s["port"], s["settings"]["workers"], s["settings"]["threads"],
                                 s["settings"]["env"])
        for r in range(args.rounds):
            for s in (sides if r % 2 == 0 else sides[::-1]):
                s["runs"].append(submit.wrk(s["port"], f"/api/v1/surveys/{s['survey']}/responses", args.seconds,
                                            args.connections, s["server"].pid, "post", s["body"], secrets.token_hex(4)))
    finally:
        for s in sides:
            if "server" in s:
                s["server"].terminate()
                s["server"].wait(timeout=30)
    out: dict[str, Any] = {"rounds": args.rounds, "seconds": args.seconds, "connections": args.connections}
    for s in sides:
        run = submit.merge(s["runs"])
        total, distinct = submit.count_rows(s["url"], s["survey"])
        acked = run["codes"].get(201, 0)
        out[s["name"]] = {**s["settings"], **submit.figures(run, 201),
                          "exactly_once": total == distinct and acked <= distinct <= acked
                          + args.rounds * args.connections}
    per_round = [b["codes"].get(201, 0) * a["duration_us"] / max(1, a["codes"].get(201, 0) * b["duration_us"])
                 for a, b in zip(sides[0]["runs"], sides[1]["runs"])]
    out["b_over_a"] = round(out["B"]["responses_per_s"] / max(out["A"]["responses_per_s"], 1e-9), 3)
    out["b_over_a_per_round"] = [round(min(per_round), 3), round(max(per_round), 3)]
    shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
