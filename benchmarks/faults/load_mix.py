"""Fault script 1 (battery cases 1 and 3, scaled down): survey submissions mixed with signed-in
dashboard reads against gunicorn (``gunicorn.conf.py``) for N seconds, on SQLite (WAL,
synchronous=FULL, busy_timeout) or PostgreSQL.

    .venv/bin/python benchmarks/faults/load_mix.py [--backend sqlite|postgresql] [--duration 60]
        [--submitters 8] [--readers 2] [--workers 2] [--rate 0] [--pg-admin-url URL] [--sqlite-dir DIR]

Fails (exit 1) on any 5xx, any "database is locked" (in a body or gunicorn's log), a traceback
in the log, or a break of I1 (an acknowledged submission_id missing or stored twice).
"""
from __future__ import annotations

import argparse
import contextlib
import time

import _harness as h
from _load import Load


def common_args(parser: argparse.ArgumentParser, duration: int = 60) -> None:
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--duration", type=float, default=duration, help="seconds of load (default %(default)s)")
    parser.add_argument("--submitters", type=int, default=8, help="submitting threads")
    parser.add_argument("--readers", type=int, default=2, help="dashboard-reading threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (SENIM_WORKERS)")
    parser.add_argument("--rate", type=float, default=0.0, help="submissions/s in total (0: as fast as possible)")
    parser.add_argument("--pg-admin-url", default=h.DEFAULT_PG_ADMIN,
                        help="server on which a throwaway database is created (postgresql backend)")
    parser.add_argument("--sqlite-dir", default=None, help="directory for the SQLite file (default: system temp)")


def database(stack: contextlib.ExitStack, args: argparse.Namespace) -> str:
    if args.backend == "sqlite":
        return h.sqlite_url(stack, args.sqlite_dir)
    return h.pg_database(stack, args.pg_admin_url)


def loaded_server(stack: contextlib.ExitStack, args: argparse.Namespace) -> tuple[h.Setup, h.Server, Load]:
    """A fresh database (``--backend``), gunicorn on it and the submit/read load, not yet started;
    all of it stopped when ``stack`` closes."""
    url = database(stack, args)
    setup = h.prepare(url)
    server = h.Server(stack, url, workers=args.workers, log_dir=h.temp_dir(stack, "senim-faults-log-"))
    load = Load(server.port, setup, submitters=args.submitters, readers=args.readers, rate=args.rate)
    stack.callback(load.abort)
    return setup, server, load


def check(load: Load, server: h.Server, setup: h.Setup, backend: str) -> tuple[dict, list[str]]:
    """Summary with I1, log findings and database settings; the list of failed invariants."""
    summary = load.summary()
    once = h.exactly_once(setup.url, setup.survey_id, load.results.acked)
    logs = server.log_findings()
    db_state = h.sqlite_checks(setup.url) if backend == "sqlite" else h.pg_settings(setup.url)
    summary.update({"invariant_I1": once, "gunicorn_log": logs, "database": db_state})
    failures = []
    if once["acked_but_missing"]:
        failures.append(f"{once['acked_but_missing']} acknowledged submissions are not stored")
    if once["duplicates"]:
        failures.append(f"{once['duplicates']} duplicate rows")
    if not db_state["ok"]:
        failures.append(f"database state not as shipped: {db_state}")
    if logs["database_is_locked"] or load.results.locked_bodies:
        failures.append("'database is locked' seen")
    if load.results.acked == set():
        failures.append("nothing was acknowledged")
    return summary, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common_args(parser)
    args = parser.parse_args()
    h.install_sigterm()
    with contextlib.ExitStack() as stack:
        setup, server, load = loaded_server(stack, args)
        load.start()
        time.sleep(args.duration)
        load.stop_new()
        load.finish()
        summary, failures = check(load, server, setup, args.backend)
        summary = {"backend": args.backend, "workers": args.workers, "submitters": args.submitters,
                   "readers": args.readers, **summary}
        if summary["submissions"]["5xx"] or summary["reads"]["5xx"]:
            failures.append("5xx responses under load")
        if summary["gunicorn_log"]["tracebacks"]:
            failures.append("tracebacks in gunicorn's log")
        return h.report("load_mix", summary, failures, server)


if __name__ == "__main__":
    h.run(main)
