"""``BalancedThreadWorker`` accepts a connection only while it has a free thread, so connections
opened at one moment spread over the workers; the shipped ``gunicorn.conf.py`` uses it."""
from __future__ import annotations

import http.client
import io
import logging
import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import Future
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from gunicorn.workers.gthread import ThreadWorker

from surveyapp.balanced_worker import BALANCING_SUPPORTED, BalancedThreadWorker

ROOT = Path(__file__).resolve().parents[2]


class _Pool:
    """A thread pool that never runs anything: the test finishes requests itself."""

    def submit(self, fn: object, *args: object) -> Future:
        return Future()


class _Conn:
    closed = False

    def __init__(self, pipelined: bytes = b"") -> None:
        """``pipelined``: bytes of a next request already read from the socket (keep-alive)."""
        self.parser = SimpleNamespace(unreader=SimpleNamespace(buf=io.BytesIO(pipelined)))

    def close(self, graceful: bool = False) -> None:
        self.closed = True


@pytest.fixture()
def listener():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield sock
    sock.close()


@pytest.fixture()
def make_worker(listener):
    """A worker of the given class on ``listener``, not started (no process, no threads)."""
    made: list[ThreadWorker] = []

    def make(cls: type[ThreadWorker], threads: int = 2) -> ThreadWorker:
        cfg = Config()
        cfg.set("threads", threads)
        worker = cls(0, os.getpid(), [listener], None, 30, cfg, logging.getLogger("test"))
        worker.poller, worker.tpool = selectors.DefaultSelector(), _Pool()
        made.append(worker)
        worker.set_accept_enabled(True)
        return worker

    yield make
    for worker in made:
        worker.poller.close()
        worker.tmp.close()


def _listening(worker: ThreadWorker, listener: socket.socket) -> bool:
    try:
        worker.poller.get_key(listener)
    except KeyError:
        return False
    return True


def test_the_installed_gunicorn_has_what_the_worker_hooks_into():
    assert BALANCING_SUPPORTED


def test_a_worker_with_every_thread_busy_stops_accepting_and_resumes_when_one_finishes(make_worker, listener):
    worker = make_worker(BalancedThreadWorker, threads=2)
    assert worker._accepting and _listening(worker, listener)
    for _ in range(2):
        worker.enqueue_req(_Conn())
    assert worker.in_hand == 2
    assert not worker._accepting and not _listening(worker, listener)
    worker.set_accept_enabled(True)  # what the worker's loop asks while it holds < worker_connections
    assert not _listening(worker, listener)

    done: Future = Future()
    done.set_result(False)  # the request ended the connection
    conn = _Conn()
    worker.nr_conns = 2
    worker.finish_request(conn, done)
    assert conn.closed and worker.in_hand == 1
    worker.set_accept_enabled(True)
    assert worker._accepting and _listening(worker, listener)


def test_a_pipelined_request_handed_back_to_the_pool_is_counted_once(make_worker, listener):
    """finish_request gives a connection whose next request is already read straight back to the
    pool: the request that ended leaves, the next one comes in, the worker stays full."""
    worker = make_worker(BalancedThreadWorker, threads=2)
    worker.enqueue_req(_Conn())
    worker.enqueue_req(_Conn())
    done: Future = Future()
    done.set_result(True)  # keep-alive
    worker.finish_request(_Conn(pipelined=b"GET / HTTP/1.1\r\n\r\n"), done)
    assert worker.in_hand == 2
    worker.set_accept_enabled(True)
    assert not _listening(worker, listener)


def test_the_stock_worker_keeps_accepting_with_every_thread_busy(make_worker, listener):
    """What the balanced worker changes: gthread accepts up to worker_connections regardless."""
    worker = make_worker(ThreadWorker, threads=2)
    for _ in range(3):
        worker.enqueue_req(_Conn())
    worker.set_accept_enabled(True)
    assert worker._accepting and _listening(worker, listener)


def test_the_shipped_config_uses_the_balanced_worker():
    namespace: dict[str, object] = {"__file__": str(ROOT / "gunicorn.conf.py")}
    exec(compile((ROOT / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)  # noqa: S102 - the project's own config file
    assert namespace["worker_class"] == "surveyapp.balanced_worker.BalancedThreadWorker"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_real_gunicorn_leaves_a_new_connection_to_the_worker_with_a_free_thread(tmp_path):
    """2 workers x 2 threads; worker B is paused (SIGSTOP) while two slow requests fill worker A's
    threads and a third connection arrives. A does not take it; B, resumed, serves it. Then, with
    B paused again, A (its requests done) takes a new connection. (The stock
    worker's A takes it at once and serves it when one of its threads is free: run this test with
    PROBE_GUNICORN_ARGS="--worker-class gthread" to see it fail.)"""
    port = _free_port()
    env = dict(os.environ, SENIM_PORT=str(port), SENIM_BIND="127.0.0.1", SENIM_WORKERS="2", SENIM_THREADS="2",
               PROBE_HOLD_SECONDS="2.5", PYTHONPATH=str(ROOT))
    log_path = tmp_path / "gunicorn.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py",
                                 "--log-level", "info", "--no-control-socket",
                                 *os.environ.get("PROBE_GUNICORN_ARGS", "").split(),
                                 "tests.gunicorn_probe_app:app"],
                                cwd=str(ROOT), env=env, stdout=log, stderr=subprocess.STDOUT)
    paused = None
    try:
        deadline = time.monotonic() + 60
        while len(workers := re.findall(r"Booting worker with pid: (\d+)", log_path.read_text(errors="replace"))) < 2:
            assert proc.poll() is None and time.monotonic() < deadline, log_path.read_text(errors="replace")
            time.sleep(0.1)
        time.sleep(1.0)  # both workers past their boot and polling the listener
        busy, paused = int(workers[0]), int(workers[1])
        os.kill(paused, signal.SIGSTOP)
        conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(3)]
        for conn in conns[:2]:
            conn.request("GET", "/")  # connects and sends at once; the answers are read below
        time.sleep(0.3)
        conns[2].request("GET", "/")
        time.sleep(0.3)
        os.kill(paused, signal.SIGCONT)
        paused_pid, paused = paused, None
        pids = []
        for conn in conns:
            response = conn.getresponse()
            assert response.status == 200
            pids.append(int(response.read()))
            conn.close()
        # Its requests done, the first worker accepts again: with the other paused, it serves a new one.
        paused = paused_pid
        os.kill(paused, signal.SIGSTOP)
        late = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        late.request("GET", "/")
        late_response = late.getresponse()
        late_pid = int(late_response.read())
        late.close()
        os.kill(paused, signal.SIGCONT)
        paused = None
    finally:
        if paused is not None:
            os.kill(paused, signal.SIGCONT)
        proc.terminate()
        proc.wait(timeout=30)
    text = log_path.read_text(errors="replace")
    assert pids == [busy, busy, paused_pid], (pids, text)
    assert late_pid == busy, (late_pid, text)
    assert "lacks the methods" not in text  # no fallback to the stock worker
