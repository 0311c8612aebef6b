"""Fault script 2 (battery case 7): the load of ``load_mix.py`` while a random gunicorn worker is
sent SIGKILL every 300 ms; clients retry with the same submission_id.

    .venv/bin/python benchmarks/faults/kill_workers.py [--backend sqlite|postgresql] [--duration 60]
        [--interval 0.3] [--min-age 0] [--submitters 8] [--readers 2] [--workers 2]

gunicorn reads extra settings from GUNICORN_CMD_ARGS (e.g. ``--preload``: workers fork from a loaded
app and respawn at once instead of re-importing it).

Fails (exit 1) on an acknowledged-but-missing or duplicated submission, on a 500 (a 502/503 or a
dropped connection is what a killed worker looks like, and is retried), on "database is locked",
or when ``PRAGMA integrity_check`` / ``journal_mode`` / ``synchronous`` afterwards are not
ok / wal / FULL (SQLite), or fsync / synchronous_commit / full_page_writes are not on (PostgreSQL).
"""
from __future__ import annotations

import argparse
import contextlib
import os
import random
import signal
import threading
import time

import _harness as h
from load_mix import check, common_args, loaded_server


def killer(server: h.Server, interval: float, min_age: float, stop: threading.Event, kills: list[int]) -> None:
    """Every ``interval`` s SIGKILL a random worker first seen at least ``min_age`` s ago."""
    rng = random.Random()
    first_seen: dict[int, float] = {}
    while not stop.wait(interval):
        now = time.monotonic()
        pids = server.worker_pids()
        for pid in pids:
            first_seen.setdefault(pid, now)
        old = [pid for pid in pids if now - first_seen[pid] >= min_age]
        if old:
            with contextlib.suppress(ProcessLookupError):
                os.kill(rng.choice(old), signal.SIGKILL)
                kills.append(1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common_args(parser)
    parser.add_argument("--interval", type=float, default=0.3, help="seconds between kills (default 0.3)")
    parser.add_argument("--min-age", type=float, default=0.0,
                        help="only kill workers alive at least this long (s): lets respawned workers finish "
                             "booting and serve, so kills land on requests in flight (default 0)")
    args = parser.parse_args()
    h.install_sigterm()
    with contextlib.ExitStack() as stack:
        setup, server, load = loaded_server(stack, args)
        stop, kills = threading.Event(), []
        stack.callback(stop.set)
        load.start()
        thread = threading.Thread(target=killer, args=(server, args.interval, args.min_age, stop, kills), daemon=True)
        thread.start()
        time.sleep(args.duration)
        stop.set()
        thread.join()
        load.stop_new()
        load.finish()  # the killing has stopped: in-flight retries now get through
        summary, failures = check(load, server, setup, args.backend)
        summary = {"backend": args.backend, "workers": args.workers, "kill_interval_s": args.interval,
                   "min_age_s": args.min_age, "gunicorn_cmd_args": os.environ.get("GUNICORN_CMD_ARGS", ""),
                   "workers_killed": len(kills), **summary}
        for kind in ("submissions", "reads"):
            if summary[kind]["status_counts"].get(500):
                failures.append(f"500 responses to {kind}")
        if summary["submissions"]["abandoned_unacked"]:
            print(f"note: {summary['submissions']['abandoned_unacked']} submissions never acknowledged "
                  "(still retrying at the end); I1 does not cover them")
        return h.report("kill_workers", summary, failures, server)


if __name__ == "__main__":
    h.run(main)
