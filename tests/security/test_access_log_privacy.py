"""gunicorn's access log never carries a client's address, agent, headers or query string: not with
Senim's format, and not with an operator's format that asks for them (``PrivateAccessLogger``).
One test runs the real gunicorn with the shipped ``gunicorn.conf.py``."""
from __future__ import annotations

import datetime as dt
import http.client
import logging
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config
from gunicorn.glogging import Logger

from surveyapp.access_log import PrivateAccessLogger

ROOT = Path(__file__).resolve().parents[2]
ADDRESS, FORWARDED, AGENT, TOKEN = "203.0.113.77", "198.51.100.23", "Mozilla/5.0 (GhostPhone)", "tok-" + "z" * 20
IDENTITY = (ADDRESS, FORWARDED, AGENT, TOKEN, "Ghost", "referrer.example")


def _shipped_config(**overrides: str) -> Config:
    cfg = Config()
    namespace: dict[str, object] = {"__file__": str(ROOT / "gunicorn.conf.py")}
    exec(compile((ROOT / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)  # noqa: S102 - the project's own config file
    for name, value in namespace.items():
        if name in cfg.settings:
            cfg.set(name, value)
    for name, value in overrides.items():
        cfg.set(name, value)
    return cfg


def _request() -> tuple[SimpleNamespace, SimpleNamespace, dict[str, str]]:
    headers = [("HOST", "senim.example"), ("USER-AGENT", AGENT), ("X-FORWARDED-FOR", FORWARDED),
               ("REFERER", "https://referrer.example/")]
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/s/7", "QUERY_STRING": f"token={TOKEN}",
               "RAW_URI": f"/s/7?token={TOKEN}", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": ADDRESS,
               "HTTP_USER_AGENT": AGENT, "HTTP_X_FORWARDED_FOR": FORWARDED, "HTTP_REFERER": "https://referrer.example/"}
    resp = SimpleNamespace(status="201 CREATED", sent=87, headers=[("Content-Type", "application/json")])
    return resp, SimpleNamespace(headers=headers), environ


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def _logged(cfg: Config, logger_class: type[Logger]) -> str:
    logger = logger_class(cfg)
    resp, req, environ = _request()
    lines = _Lines()
    logger.access_log.addHandler(lines)
    try:
        logger.access(resp, req, environ, dt.timedelta(seconds=1, microseconds=234_567))
    finally:
        logger.access_log.removeHandler(lines)
    assert len(lines.lines) == 1
    return lines.lines[0]


def test_the_shipped_config_uses_the_private_logger():
    assert _shipped_config().logger_class is PrivateAccessLogger


def test_the_shipped_format_logs_time_method_path_status_size_and_duration():
    line = _logged(_shipped_config(), PrivateAccessLogger)
    assert re.fullmatch(r'\[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "GET /s/7" 201 87 1234ms', line), line


def test_a_format_asking_for_identity_gets_dashes():
    greedy = ('%(h)s %(l)s %(u)s "%(r)s" %(q)s %(a)s %(f)s %({x-forwarded-for}i)s %({user-agent}i)s '
              '%({remote_addr}e)s %({content-type}o)s | %(m)s %(U)s %(H)s %(s)s %(b)s %(B)s %(T)s %(D)s %(L)s %(p)s')
    cfg = _shipped_config(access_log_format=greedy)
    line = _logged(cfg, PrivateAccessLogger)
    assert not [leak for leak in IDENTITY if leak in line], line
    assert line.startswith("- - - \"-\" - - - - - - - | GET /s/7 HTTP/1.1 201 87 87 1 1234567 1.234567 <")
    # the same format with gunicorn's own logger would have logged all of it (the test can fail)
    plain = _logged(cfg, Logger)
    assert all(leak in plain for leak in (ADDRESS, FORWARDED, AGENT, TOKEN))


def test_time_is_formatted_once_per_second_and_stays_current(monkeypatch):
    logger = PrivateAccessLogger(_shipped_config())
    clock = [1_700_000_000.2]
    monkeypatch.setattr("surveyapp.access_log.time.time", lambda: clock[0])
    first = logger.now()
    assert first == time.strftime("[%d/%b/%Y:%H:%M:%S %z]", time.localtime(1_700_000_000))
    clock[0] += 0.7
    assert logger.now() == time.strftime("[%d/%b/%Y:%H:%M:%S %z]", time.localtime(1_700_000_000))
    clock[0] += 0.2
    assert logger.now() == time.strftime("[%d/%b/%Y:%H:%M:%S %z]", time.localtime(1_700_000_001)) != first


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_real_gunicorn_logs_no_client_identity(tmp_path):
    port = _free_port()
    env = dict(os.environ, SENIM_DATABASE_URL=f"sqlite:///{tmp_path / 'senim.db'}", SENIM_ENV="production",
               SENIM_SECRET_KEY="log-" + secrets.token_hex(24), SENIM_PORT=str(port), SENIM_BIND="127.0.0.1",
               SENIM_WORKERS="1", SENIM_THREADS="2", PYTHONPATH=str(ROOT))
    env.pop("SENIM_REDIS_URL", None)
    log_path = tmp_path / "gunicorn.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"],
                                cwd=str(ROOT), env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", f"/static/css/senim.css?token={TOKEN}",
                             headers={"User-Agent": AGENT, "X-Forwarded-For": FORWARDED,
                                      "Referer": "https://referrer.example/"})
                assert conn.getresponse().status == 200
                conn.close()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, log_path.read_text(errors="replace")
                time.sleep(0.2)
        time.sleep(0.3)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    text = log_path.read_text(encoding="utf-8", errors="replace")
    assert '"GET /static/css/senim.css" 200' in text, text
    assert not [leak for leak in (*IDENTITY, "127.0.0.1 -") if leak in text], text
