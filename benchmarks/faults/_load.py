"""The load of the fault scripts: threads submitting survey responses (fresh ``submission_id`` each,
retried with the SAME id on a connection error, a 5xx or a 429 until acknowledged) and threads
reading the dashboard as a signed-in analyst (the heatmap page with a session cookie, the scores
API with a bearer token). Every HTTP attempt is recorded with its start time, so a script can
compare windows (before / during a fault)."""
from __future__ import annotations

import http.client
import json
import re
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from _harness import STAFF_PASSWORD, Setup

TIMEOUT_S = 40.0  # longer than gunicorn's 30 s worker timeout
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class Attempt:
    t: float  # start, seconds on the monotonic clock
    kind: str  # "submit" | "read"
    status: int  # 0: connection error
    latency: float  # seconds
    retry_after: bool


@dataclass
class Results:
    attempts: list[Attempt] = field(default_factory=list)
    acked: set[str] = field(default_factory=set)
    started: int = 0
    abandoned: int = 0
    rejected: Counter[int] = field(default_factory=Counter)
    end_to_end: list[float] = field(default_factory=list)
    locked_bodies: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _cookies(resp: http.client.HTTPResponse, jar: dict[str, str]) -> None:
    for header in resp.headers.get_all("Set-Cookie") or []:
        name, _, value = header.split(";", 1)[0].partition("=")
        jar[name.strip()] = value.strip()


def _cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def login(port: int, email: str) -> dict[str, str]:
    """Sign in through the real form (CSRF token included); returns the cookie jar."""
    jar: dict[str, str] = {}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
    conn.request("GET", "/login")
    resp = conn.getresponse()
    html = resp.read().decode()
    _cookies(resp, jar)
    match = _CSRF.search(html)
    if not match:
        raise SystemExit("no CSRF token on /login")
    from urllib.parse import urlencode

    form = urlencode({"email": email, "password": STAFF_PASSWORD, "csrf_token": match.group(1)})
    conn.request("POST", "/login", body=form, headers={"Content-Type": "application/x-www-form-urlencoded",
                                                       "Cookie": _cookie_header(jar)})
    resp = conn.getresponse()
    resp.read()
    _cookies(resp, jar)
    conn.close()
    if resp.status != 302:
        raise SystemExit(f"login as {email} failed with {resp.status}")
    return jar


class Load:
    """Start with :meth:`start`; :meth:`stop_new` ends new submissions and reads; in-flight
    submissions keep retrying until :meth:`finish` (or its deadline)."""

    def __init__(self, port: int, setup: Setup, *, submitters: int, readers: int, rate: float = 0.0,
                 retry_cap_s: float = 1.0) -> None:
        self.port, self.setup = port, setup
        self.submitters, self.readers = submitters, readers
        self.rate, self.retry_cap_s = rate, retry_cap_s
        self.results = Results()
        self._no_new = threading.Event()
        self._give_up = threading.Event()
        self._threads: list[threading.Thread] = []
        self.path = f"/api/v1/surveys/{setup.survey_id}/responses"
        self.jar = login(port, setup.emails["analyst"]) if readers else {}

    # -- HTTP --
    def _request(self, conn: http.client.HTTPConnection, kind: str, method: str, path: str, body: str | None,
                 headers: dict[str, str]) -> tuple[int, http.client.HTTPResponse | None, bytes]:
        t0 = time.monotonic()
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            status = resp.status
        except (OSError, http.client.HTTPException):
            conn.close()
            resp, data, status = None, b"", 0
        latency = time.monotonic() - t0
        attempt = Attempt(t0, kind, status, latency, bool(resp is not None and resp.getheader("Retry-After")))
        with self.results.lock:
            self.results.attempts.append(attempt)
            if status >= 500 and b"locked" in data:
                self.results.locked_bodies += 1
        return status, resp, data

    # -- submitters --
    def _submit_loop(self, index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT_S)
        interval = self.submitters / self.rate if self.rate else 0.0
        next_at = time.monotonic() + (interval * index / max(1, self.submitters))
        while not self._no_new.is_set():
            if interval:
                time.sleep(max(0.0, next_at - time.monotonic()))
                next_at += interval
            self._submit_one(conn)
        conn.close()

    def _submit_one(self, conn: http.client.HTTPConnection) -> None:
        sid = str(uuid.uuid4())
        body = json.dumps({"submission_id": sid, "language": "ru", "region": "KZ-55", "settlement": "urban",
                           "sex": "female", "age_group": "30-44", "duration_s": 300,
                           "answers": self.setup.answers})
        headers = {"Content-Type": "application/json"}
        with self.results.lock:
            self.results.started += 1
        t0, backoff = time.monotonic(), 0.05
        while True:
            status, resp, _data = self._request(conn, "submit", "POST", self.path, body, headers)
            if status in (200, 201):
                with self.results.lock:
                    self.results.acked.add(sid)
                    self.results.end_to_end.append(time.monotonic() - t0)
                return
            if status == 0 or status >= 500 or status == 429:
                if self._give_up.is_set():
                    with self.results.lock:
                        self.results.abandoned += 1
                    return
                hint = resp.getheader("Retry-After") if resp is not None else None
                wait = float(hint) if hint and hint.isdigit() else backoff
                time.sleep(min(wait, self.retry_cap_s))
                backoff = min(backoff * 2, self.retry_cap_s)
                continue
            with self.results.lock:
                self.results.rejected[status] += 1
            return

    # -- readers --
    def _read_loop(self, index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT_S)
        jar = dict(self.jar)
        token = {"Authorization": f"Bearer {self.setup.analyst_token}", "Accept": "application/json"}
        i = index
        while not self._no_new.is_set():
            if i % 2 == 0:
                _status, resp, _ = self._request(conn, "read", "GET", "/dashboard/heatmap", None,
                                                 {"Cookie": _cookie_header(jar)})
                if resp is not None:
                    _cookies(resp, jar)
            else:
                self._request(conn, "read", "GET", "/api/v1/scores?per_page=50", None, token)
            i += 1
        conn.close()

    # -- control --
    def start(self) -> None:
        self.t_start = time.monotonic()
        for i in range(self.submitters):
            self._threads.append(threading.Thread(target=self._submit_loop, args=(i,), daemon=True))
        for i in range(self.readers):
            self._threads.append(threading.Thread(target=self._read_loop, args=(i,), daemon=True))
        for t in self._threads:
            t.start()

    def stop_new(self) -> None:
        self.t_stop = time.monotonic()
        self._no_new.set()

    def finish(self, grace_s: float = 30.0) -> None:
        """Let in-flight submissions retry for up to ``grace_s`` more seconds, then abandon them."""
        deadline = time.monotonic() + grace_s
        for t in self._threads:
            t.join(max(0.0, deadline - time.monotonic()))
        self._give_up.set()
        for t in self._threads:
            t.join(TIMEOUT_S + 5)

    def abort(self) -> None:
        self._no_new.set()
        self._give_up.set()

    # -- figures --
    def window(self, kind: str, t0: float | None = None, t1: float | None = None) -> dict[str, Any]:
        """Counts and latency percentiles (ms) of ``kind`` attempts started in [t0, t1)."""
        t0 = self.t_start if t0 is None else t0
        t1 = getattr(self, "t_stop", time.monotonic()) if t1 is None else t1
        with self.results.lock:
            rows = [a for a in self.results.attempts if a.kind == kind and t0 <= a.t < t1]
        codes = Counter(a.status for a in rows)
        ok = sorted(a.latency for a in rows if a.status in (200, 201))
        end = min(t1, getattr(self, "t_stop", time.monotonic()))
        span = max(1e-9, end - t0)
        out: dict[str, Any] = {
            "attempts": len(rows), "status_counts": dict(sorted(codes.items())),
            "5xx": sum(n for c, n in codes.items() if c >= 500),
            "503_without_retry_after": sum(1 for a in rows if a.status == 503 and not a.retry_after),
            "connection_errors": codes.get(0, 0),
            "ok_per_s": round(len(ok) / span, 1),
            "latency_ms": {f"p{q}": pct(ok, q) for q in (50, 95, 99)} | {"max": round(ok[-1] * 1000, 1) if ok else 0.0},
        }
        return out

    def summary(self) -> dict[str, Any]:
        r = self.results
        return {"duration_s": round(self.t_stop - self.t_start, 1),
                "submissions": {"started": r.started, "acknowledged": len(r.acked), "abandoned_unacked": r.abandoned,
                                "rejected_by_status": dict(r.rejected), "bodies_saying_locked": r.locked_bodies,
                                "end_to_end_ms": {f"p{q}": pct(sorted(r.end_to_end), q) for q in (50, 95, 99)},
                                **self.window("submit", t1=float("inf"))},
                "reads": self.window("read", t1=float("inf"))}


def pct(sorted_values: list[float], q: int) -> float:
    """The q-th percentile in milliseconds (nearest rank) of sorted seconds; 0 when empty."""
    if not sorted_values:
        return 0.0
    k = min(len(sorted_values) - 1, max(0, round(q / 100 * len(sorted_values)) - 1))
    return round(sorted_values[k] * 1000, 1)
