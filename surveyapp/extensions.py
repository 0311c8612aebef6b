"""Flask extensions, created unbound and attached in ``create_app`` with ``init_app``."""
from __future__ import annotations

import time
from typing import ClassVar

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf import CSRFProtect
from itsdangerous import URLSafeTimedSerializer
from limits.storage import MemoryStorage

from models import db

from .clientaddr import client_address


class MemoryLimitStorage(MemoryStorage):
    """limits' in-process counters (``senim-memory://``), purging expired ones at most once a second.

    The stock ``memory://`` storage starts a new 10 ms timer thread whenever the previous one has
    finished, i.e. on nearly every rate-limited request under load (a thread start, and a wait for
    the new thread to run, per request). Counting is unchanged: an expired counter reads as
    zero whether or not it was purged yet; the purge only frees memory.
    """

    STORAGE_SCHEME: ClassVar[list[str]] = ["senim-memory"]
    PURGE_EVERY_S = 1.0
    _next_purge = 0.0

    def _MemoryStorage__schedule_expiry(self) -> None:  # overrides MemoryStorage.__schedule_expiry
        now = time.monotonic()
        if now >= self._next_purge:
            self._next_purge = now + self.PURGE_EVERY_S
            super()._MemoryStorage__schedule_expiry()  # type: ignore[misc]


class SenimLimiter(Limiter):
    """Flask-Limiter, without its before-request pass when that pass has nothing to check.

    Flask-Limiter checks a request twice: a ``before_request`` hook evaluates the application,
    default, blueprint and meta limits, then the route's ``@limiter.limit`` decorator evaluates the
    route's own limits (the hook never evaluates those). Senim declares only route limits, so the
    hook resolved and evaluated an empty list on every request (two exemption-scope walks, a fresh
    limit context). It is skipped while there is nothing for it to check; as soon as any such limit
    is configured (``RATELIMIT_DEFAULT``, ``RATELIMIT_APPLICATION``, ``RATELIMIT_META``, a
    blueprint limit, the in-memory fallback), Flask-Limiter's own pass runs unchanged. The route
    check, the counters, the 429 and the ``X-RateLimit-*``/``Retry-After`` headers are untouched.
    """

    def _middleware_has_limits(self) -> bool:
        """Whether the before-request pass has anything to check. These are Flask-Limiter's private
        attributes: if a release renames any of them, the answer is "yes" and its pass runs as usual."""
        try:
            manager = self.limit_manager
            return bool(manager._application_limits or manager._default_limits or manager._blueprint_limits
                        or self._meta_limits or self._in_memory_fallback_enabled)
        except AttributeError:
            return True

    def _check_request_limit(self, callable_name: str | None = None, in_middleware: bool = True) -> None:
        if in_middleware and not self._middleware_has_limits():
            return
        super()._check_request_limit(callable_name=callable_name, in_middleware=in_middleware)


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signing serializer built once per key set instead of
    on every request (building it costs more than checking a request that carries no cookie)."""

    def __init__(self) -> None:
        self._cached: tuple[tuple[object, ...], URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        cached = self._cached
        if cached is None or cached[0] != keys:
            cached = self._cached = (keys, super().get_signing_serializer(app))
        return cached[1]


migrate = Migrate()
babel = Babel()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = SenimLimiter(key_func=client_address, default_limits=[])

__all__ = ["babel", "csrf", "db", "limiter", "login_manager", "migrate"]
