"""Shared pieces of the fault scripts: a database (SQLite file, a database on a PostgreSQL server, or
a throwaway PostgreSQL cluster), a prepared survey with staff accounts, gunicorn started with the
project's ``gunicorn.conf.py`` on a free 127.0.0.1 port, and the exactly-once check (invariant I1).

Everything started here is registered on an ``ExitStack`` so it is stopped and deleted on normal
exit, on an invariant failure, on Ctrl-C and on SIGTERM. The load itself is in ``_load.py``.
"""
from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
VENV_BIN = ROOT / ".venv" / "bin"
DEFAULT_PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
STAFF_PASSWORD = "faults-" + secrets.token_hex(12)
#: Raised for the load only: every request comes from 127.0.0.1.
LOAD_SUBMIT_LIMIT = "1000000 per minute"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def install_sigterm() -> None:
    """Turn SIGTERM (and SIGINT, which a shell ignores in background jobs) into KeyboardInterrupt
    so ``with``/``finally`` cleanup runs for them too."""
    def _raise(_sig: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _raise)
    signal.signal(signal.SIGINT, _raise)


def run(main: Any) -> None:
    """``sys.exit(main())``; an interruption (after the cleanup has run) exits 130 without a traceback."""
    try:
        code = main()
    except KeyboardInterrupt:
        print("interrupted: processes stopped and temporary files removed", file=sys.stderr)
        code = 130
    sys.exit(code)


def temp_dir(stack: contextlib.ExitStack, prefix: str, parent: str | None = None) -> Path:
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    stack.callback(shutil.rmtree, path, True)
    return path


# --- databases ---------------------------------------------------------------------------------

def sqlite_url(stack: contextlib.ExitStack, parent: str | None = None) -> str:
    return f"sqlite:///{temp_dir(stack, 'senim-faults-', parent) / 'faults.db'}"


def pg_database(stack: contextlib.ExitStack, admin_url: str = DEFAULT_PG_ADMIN) -> str:
    """A fresh database on an existing server (dropped afterwards); returns its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from surveyapp.config import normalise_database_url

    admin_url = normalise_database_url(admin_url)
    name = f"senim_faults_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    stack.callback(drop)
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


class PgCluster:
    """A throwaway PostgreSQL cluster (Debian's initdb/pg_ctl, run as ``postgres`` when we are root)
    on a free port under a temporary directory; never the machine's shared server."""

    def __init__(self, stack: contextlib.ExitStack) -> None:
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
        if not bins:
            raise SystemExit("no PostgreSQL binaries under /usr/lib/postgresql/*/bin")
        self.bin = bins[-1].parent
        self.port = free_port()
        self.dir = temp_dir(stack, "senim-pgcluster-")
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale")
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as fh:
            fh.write(f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.dir}'\n"
                     "fsync = on\nsynchronous_commit = on\nfull_page_writes = on\nmax_connections = 60\n")
        stack.callback(self.stop)
        self.pg_ctl("start", "-w", "-t", "60")
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/senim"
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "senim")

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([*self.as_user, str(self.bin / tool), *args], check=True, cwd=str(self.dir),
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def pg_ctl(self, action: str, *args: str) -> None:
        self._run("pg_ctl", action, "-D", str(self.data), "-l", str(self.log), *args)

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.pg_ctl("stop", "-m", "immediate", "-w", "-t", "30")


# --- survey and accounts -----------------------------------------------------------------------

@dataclass
class Setup:
    url: str
    survey_id: int
    answers: list[dict[str, Any]]
    analyst_token: str
    emails: dict[str, str]  # role -> e-mail


def _prepare_fallback(url: str) -> tuple[int, list[dict[str, Any]]]:
    """Used only if ``benchmarks/submit.py`` no longer offers ``prepare(url)``: the same survey."""
    from models import SurveyNGO, db
    from surveyapp import create_app
    from surveyapp.services.regions import load_regions
    from tests.factories import make_ngo
    from tests.survey_factories import make_survey, question_ids, region_id

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "faults-" + "x" * 40}, environ={})
    with app.app_context():
        db.create_all()
        load_regions()
        db.session.commit()
        ngos = [make_ngo(region_id=region_id("KZ-55")) for _ in range(4)]
        survey = make_survey(ngos=ngos[:3])
        db.session.add(SurveyNGO(survey_id=survey.id, ngo_id=ngos[3].id))
        db.session.commit()
        q = question_ids(survey)
        answers: list[dict[str, Any]] = [{"question": q["overall"], "value": 4},
                                         {"question": q["channels"], "value": ["tv"]},
                                         {"question": q["comment"], "value": "Жақсы ұйымдар"},
                                         {"question": q["recommend"], "value": 8}]
        for ngo in ngos[:3]:
            answers.append({"question": q["aware"], "ngo": ngo.id, "value": True})
            answers += [{"question": q[c], "ngo": ngo.id, "value": 4}
                        for c in ("trust", "usefulness", "transparency", "project")]
        answers[-1]["value"] = None
        answers.append({"question": q["aware"], "ngo": ngos[3].id, "value": False})
        return survey.id, answers


def prepare(url: str) -> Setup:
    """Schema, regions, a 20-answer survey (``benchmarks/submit.py``'s when available), an analyst
    with an API token and a monitor; returns what the load needs."""
    try:  # another module under active work: tolerate its absence or a changed shape
        from benchmarks.submit import prepare as submit_prepare
    except Exception:  # noqa: BLE001
        submit_prepare = None
    survey_id, answers = (submit_prepare or _prepare_fallback)(url)
    from models import db
    from surveyapp import create_app
    from surveyapp.services.users import create_user, issue_token

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "faults-" + "x" * 40}, environ={})
    emails = {role: f"faults-{role}@example.kz" for role in ("analyst", "monitor")}
    with app.app_context():
        for role, email in emails.items():
            create_user(email, STAFF_PASSWORD, role)
        db.session.commit()
        token = issue_token(emails["analyst"])
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return Setup(url, survey_id, answers, token, emails)


# --- gunicorn ----------------------------------------------------------------------------------

class Server:
    """gunicorn with the project's ``gunicorn.conf.py`` and ``wsgi:app``, in its own process group."""

    def __init__(self, stack: contextlib.ExitStack, url: str, *, workers: int, log_dir: Path,
                 extra_env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.log_path = log_dir / "gunicorn.log"
        self.env = env = dict(os.environ, SENIM_DATABASE_URL=url, SENIM_SECRET_KEY="faults-" + secrets.token_hex(24),
                   SENIM_ENV="production", SENIM_PORT=str(self.port), SENIM_BIND="127.0.0.1",
                   SENIM_WORKERS=str(workers), SENIM_API_SUBMIT_LIMIT=LOAD_SUBMIT_LIMIT, PYTHONPATH=str(ROOT))
        env.pop("SENIM_REDIS_URL", None)
        env.update(extra_env or {})
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen([str(VENV_BIN / "gunicorn"), "--config", "gunicorn.conf.py", "wsgi:app"],
                                     cwd=str(ROOT), env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        stack.callback(self.stop)
        self.wait_ready()

    def wait_ready(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.proc.returncode}; see {self.log_path}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/static/css/senim.css")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit("gunicorn did not answer within 90 s")

    def worker_pids(self) -> list[int]:
        """Live worker processes (children of the master), from /proc."""
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.proc.pid and fields[0] != "Z":
                pids.append(int(stat.parent.name))
        return pids

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=25)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self._log.close()

    def log_findings(self) -> dict[str, int]:
        """Counts of worrying lines in gunicorn's log (access and error log both go there)."""
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return {"database_is_locked": len(re.findall(r"database is locked", text)),
                "tracebacks": text.count("Traceback (most recent call last)"),
                "worker_timeouts": text.count("WORKER TIMEOUT"),
                "max_requests_restarts": text.count("Autorestarting worker"),
                "workers_killed_by_signal": len(re.findall(r"was sent SIGKILL|was sent code", text))}

    def first_traceback(self, lines: int = 40) -> str:
        """The first traceback in gunicorn's log with the line before it ('' when none)."""
        text = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        for i, line in enumerate(text):
            if line.startswith("Traceback (most recent call last)"):
                return "\n".join(text[max(0, i - 1):i + lines])
        return ""


def start_process(stack: contextlib.ExitStack, argv: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    """Start a helper process (e.g. ``senim worker``) in its own process group; stopped on exit
    (SIGTERM, then SIGKILL after 15 s)."""
    out = open(log, "wb")  # noqa: SIM115 - closed by the callback
    proc = subprocess.Popen(argv, cwd=str(ROOT), env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def stop() -> None:
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 10)):
            if proc.poll() is not None:
                break
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=wait)
        out.close()

    stack.callback(stop)
    return proc


# --- invariant I1 ------------------------------------------------------------------------------

def stored_ids(url: str, survey_id: int) -> dict[str, int]:
    """submission_id -> number of rows for this survey."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT submission_id, count(*) FROM responses WHERE survey_id = :s "
                                 "GROUP BY submission_id"), {"s": survey_id}).all()
    engine.dispose()
    return {str(uuid.UUID(str(sid))): int(n) for sid, n in rows}


def exactly_once(url: str, survey_id: int, acked: set[str]) -> dict[str, int]:
    """I1: every acknowledged submission_id is stored exactly once."""
    stored = stored_ids(url, survey_id)
    return {"acknowledged": len(acked), "stored": sum(stored.values()), "distinct_stored": len(stored),
            "acked_but_missing": len(acked - stored.keys()),
            "duplicates": sum(n - 1 for n in stored.values() if n > 1),
            "stored_not_acked": len(stored.keys() - acked)}


def sqlite_checks(url: str) -> dict[str, Any]:
    """integrity_check on the file, and journal_mode / synchronous / busy_timeout as the app's
    engine sets them on a pooled connection."""
    import sqlite3

    from models import db
    from surveyapp import create_app

    path = url.removeprefix("sqlite:///")
    raw = sqlite3.connect(path)
    integrity = raw.execute("PRAGMA integrity_check").fetchone()[0]
    raw.close()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "faults-" + "x" * 40}, environ={})
    with app.app_context(), db.engine.connect() as conn:
        got = {p: conn.exec_driver_sql(f"PRAGMA {p}").scalar() for p in ("journal_mode", "synchronous",
                                                                          "busy_timeout")}
    with app.app_context():
        db.engine.dispose()
    return {"integrity_check": integrity, **got,
            "ok": integrity == "ok" and got["journal_mode"] == "wal" and got["synchronous"] == 2}


def pg_settings(url: str) -> dict[str, Any]:
    from sqlalchemy import create_engine

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        got = {s: conn.exec_driver_sql(f"SHOW {s}").scalar() for s in ("fsync", "synchronous_commit",
                                                                        "full_page_writes")}
    engine.dispose()
    return {**got, "ok": all(v == "on" for v in got.values())}


def report(title: str, summary: dict[str, Any], failures: list[str], server: Server | None = None) -> int:
    """Print the summary, the first traceback of the server log if any, and the failed invariants;
    the process exit status (0 when none failed)."""
    print(f"== {title}")
    trace = server.first_traceback() if server is not None else ""
    if trace:
        print("-- first traceback in gunicorn's log:\n" + trace + "\n--")
    print(json.dumps(summary, indent=2, ensure_ascii=False, default=str))
    for failure in failures:
        print(f"FAIL: {failure}")
    print("RESULT:", "ok" if not failures else f"{len(failures)} invariant(s) failed")
    return 1 if failures else 0
