"""gunicorn's access log for Senim: only what carries no client identity, built cheaply.

gunicorn's own ``Logger.atoms`` hands the access-log format every atom it knows: the client address
(``%(h)s``), the user agent (``%(a)s``), the referrer, every request and response header
(``%({name}i)s``, so ``X-Forwarded-For`` too) and the whole WSGI environ. Senim's format uses none
of them, but an operator's ``--access-logformat`` could, and the survey path must never log a
client address (docs/security.md). ``PrivateAccessLogger`` offers only the atoms below; any other
atom in a format prints ``-`` (gunicorn's ``SafeAtoms`` does that for unknown names).

Offered: ``t`` (time, to the second), ``m`` (method), ``U`` (path without the query string), ``H``
(protocol), ``s`` (status), ``b``/``B`` (bytes sent), ``T``/``D``/``M``/``L`` (duration in s, µs,
ms, and s with 6 decimals), ``p`` (worker pid). Left out besides the identity atoms: ``r`` and
``q``, the query string (an invitation link's token travels there).

Building three dicts of every header and environ entry and formatting the time per request was
about a tenth of a worker's Python time on a survey submission; this builds 12 entries and
formats the time once per second.
"""
from __future__ import annotations

import os
import time
from typing import Any

from gunicorn.glogging import Logger

__all__ = ["PrivateAccessLogger"]

_TIME_FORMAT = "[%d/%b/%Y:%H:%M:%S %z]"


class PrivateAccessLogger(Logger):
    """gunicorn ``Logger`` whose access-log atoms exclude the client's address, agent and headers."""

    _now_cache: tuple[int, str] = (-1, "")

    def now(self) -> str:
        """The current time in Apache Common Log Format, formatted once per second."""
        second = int(time.time())
        cached = self._now_cache
        if cached[0] != second:
            cached = self._now_cache = (second, time.strftime(_TIME_FORMAT, time.localtime(second)))
        return cached[1]

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        """The privacy-safe atoms (see the module docstring) for one request."""
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        sent = getattr(resp, "sent", None)
        seconds, micros = request_time.seconds, request_time.microseconds
        return {
            "t": self.now(),
            "m": environ.get("REQUEST_METHOD"),
            "U": environ.get("PATH_INFO"),
            "H": environ.get("SERVER_PROTOCOL"),
            "s": status,
            "b": str(sent) if sent is not None else "-",
            "B": sent,
            "T": seconds,
            "D": seconds * 1_000_000 + micros,
            "M": seconds * 1000 + micros // 1000,
            "L": f"{seconds}.{micros:06d}",
            "p": f"<{os.getpid()}>",
        }
