"""gunicorn's ``gthread`` worker that leaves new connections to its idle siblings while all its
threads are busy.

Every worker of a gunicorn server polls the same listening socket, and a stock ``gthread`` worker
accepts connections as long as it holds fewer than ``worker_connections`` (1,000) of them, busy or
not. Clients that keep their connections alive (a reverse proxy's upstream pool, a field partner's
import script, a load generator) open them at one moment, and whichever worker wakes first takes
most of them: measured on a 2-core machine with 4 workers x 4 threads and 16 kept-alive
connections posting survey responses, about one run in two left one worker serving nearly all of
them on one core (its Python holds one lock) while the others idled (~600 instead of ~1,000
responses/s, the machine 40% idle).

:class:`BalancedThreadWorker` stops accepting while it has as many requests in hand as it has
threads and starts again when one finishes, so a new connection waits in the kernel's queue for
a worker with a free thread instead of queueing behind a busy one (Puma's
``wait_for_less_busy_worker`` answers the same problem). Connections a worker already holds are
served as before, and ``worker_connections`` still bounds how many it holds.

The worker reads three methods of gunicorn's ``ThreadWorker`` (``enqueue_req``, ``finish_request``,
``set_accept_enabled``; all run on the worker's main thread). A gunicorn release without them gets
the stock worker, with a warning in the error log.
"""
from __future__ import annotations

from typing import Any

from gunicorn.workers.gthread import ThreadWorker

__all__ = ["BALANCING_SUPPORTED", "BalancedThreadWorker"]

#: The gunicorn installed has the methods the balancing hooks into (gunicorn 27's gthread worker).
BALANCING_SUPPORTED = all(callable(getattr(ThreadWorker, name, None))
                          for name in ("enqueue_req", "finish_request", "set_accept_enabled"))


class BalancedThreadWorker(ThreadWorker):
    """A ``gthread`` worker that accepts a connection only while one of its threads is free."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Requests handed to the thread pool and not finished yet (queued ones included).
        self.in_hand = 0

    def init_process(self) -> None:
        if not BALANCING_SUPPORTED:
            self.log.warning("BalancedThreadWorker: this gunicorn's gthread worker lacks the methods "
                             "it hooks into; connections are accepted as by the stock worker")
        super().init_process()

    def has_free_thread(self) -> bool:
        """Fewer requests in hand than threads: a new connection would be served at once."""
        return self.in_hand < self.cfg.threads

    def enqueue_req(self, conn: Any) -> None:
        super().enqueue_req(conn)
        self.in_hand += 1  # counted once the pool took it: finish_request follows exactly once
        if BALANCING_SUPPORTED and not self.has_free_thread():
            super().set_accept_enabled(False)

    def finish_request(self, *args: Any) -> None:
        # Before the base class runs: it may hand the same connection to the pool again
        # (enqueue_req), which counts it anew. The worker's loop then calls
        # set_accept_enabled(True), since it holds fewer than worker_connections.
        self.in_hand -= 1
        super().finish_request(*args)

    def set_accept_enabled(self, enabled: bool) -> None:
        super().set_accept_enabled(enabled and (not BALANCING_SUPPORTED or self.has_free_thread()))
