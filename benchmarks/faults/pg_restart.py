"""Fault script 3 (battery case 17): restart PostgreSQL in the middle of the submission and
dashboard load. The server is a throwaway cluster of our own (Debian's initdb / pg_ctl, on a free
port under a temporary directory), never the machine's shared PostgreSQL.

    .venv/bin/python benchmarks/faults/pg_restart.py [--duration 60] [--restart-at 20] [--mode fast|immediate]
        [--submitters 8] [--readers 2] [--workers 2]

Fails (exit 1) on any 5xx other than 503, a 503 without Retry-After, an acknowledged submission
missing or stored twice (I1), no acknowledged submission in the last quarter of the run (the pool
did not reconnect), or fsync / synchronous_commit / full_page_writes not on.
"""
from __future__ import annotations

import argparse
import contextlib
import time

import _harness as h
from _load import Load


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (default %(default)s)")
    parser.add_argument("--restart-at", type=float, default=None, help="seconds into the load (default: a third)")
    parser.add_argument("--mode", choices=("fast", "immediate", "smart"), default="fast",
                        help="pg_ctl shutdown mode for the restart (default %(default)s)")
    parser.add_argument("--submitters", type=int, default=8)
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rate", type=float, default=0.0)
    args = parser.parse_args()
    restart_at = args.duration / 3 if args.restart_at is None else args.restart_at
    h.install_sigterm()
    with contextlib.ExitStack() as stack:
        cluster = h.PgCluster(stack)
        setup = h.prepare(cluster.url)
        server = h.Server(stack, cluster.url, workers=args.workers, log_dir=h.temp_dir(stack, "senim-faults-log-"))
        load = Load(server.port, setup, submitters=args.submitters, readers=args.readers, rate=args.rate)
        stack.callback(load.abort)
        load.start()
        time.sleep(restart_at)
        t_restart = time.monotonic()
        cluster.pg_ctl("restart", "-m", args.mode, "-w", "-t", "60")
        t_back = time.monotonic()
        time.sleep(max(0.0, args.duration - (t_back - load.t_start)))
        load.stop_new()
        load.finish()

        summary = load.summary()
        once = h.exactly_once(setup.url, setup.survey_id, load.results.acked)
        unavailable = [a for a in load.results.attempts if a.status == 503]
        late = load.window("submit", load.t_start + 0.75 * (load.t_stop - load.t_start), load.t_stop)
        summary.update({
            "restart": {"mode": args.mode, "at_s": round(t_restart - load.t_start, 1),
                        "pg_ctl_restart_s": round(t_back - t_restart, 2),
                        "first_503_s": round(unavailable[0].t - load.t_start, 1) if unavailable else None,
                        "last_503_s": round(unavailable[-1].t - load.t_start, 1) if unavailable else None},
            "during_restart": {"submit": load.window("submit", t_restart - 0.5, t_back + 5),
                               "read": load.window("read", t_restart - 0.5, t_back + 5)},
            "last_quarter_submit": late,
            "invariant_I1": once, "gunicorn_log": server.log_findings(), "database": h.pg_settings(setup.url)})
        failures = []
        for kind in ("submissions", "reads"):
            bad = {c: n for c, n in summary[kind]["status_counts"].items() if c >= 500 and c != 503}
            if bad:
                failures.append(f"{kind}: 5xx other than 503: {bad}")
            if summary[kind]["503_without_retry_after"]:
                failures.append(f"{kind}: 503 without Retry-After")
        if once["acked_but_missing"] or once["duplicates"]:
            failures.append(f"I1 broken: {once}")
        if not late["status_counts"].get(201):
            failures.append("no submission acknowledged in the last quarter: the pool did not reconnect")
        if not summary["database"]["ok"]:
            failures.append("fsync / synchronous_commit / full_page_writes not all on")
        return h.report("pg_restart", {"backend": "postgresql (throwaway cluster)", "workers": args.workers,
                                       **summary}, failures, server)


if __name__ == "__main__":
    h.run(main)
