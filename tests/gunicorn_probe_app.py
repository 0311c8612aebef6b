"""A WSGI app for tests that run a real gunicorn: every request holds its thread for
``PROBE_HOLD_SECONDS`` (default 1.5) and answers with the worker's pid."""
from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from typing import Any

HOLD_SECONDS = float(os.environ.get("PROBE_HOLD_SECONDS", "1.5"))


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    time.sleep(HOLD_SECONDS)
    body = str(os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
