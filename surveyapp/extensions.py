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
limiter = Limiter(key_func=client_address, default_limits=[])

__all__ = ["babel", "csrf", "db", "limiter", "login_manager", "migrate"]
