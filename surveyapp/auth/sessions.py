"""Idle and absolute timeouts for staff sessions.

The signed session cookie carries when the user signed in (``auth_at``) and when they were last
seen (``seen_at``, refreshed at most once a minute so the cookie does not change on every request).
"""
from __future__ import annotations

import time

from flask import Flask, current_app, session
from flask_login import current_user, logout_user

SEEN_REFRESH_S = 60


def mark_login() -> None:
    """Record the sign-in time in the session (call right after ``login_user``)."""
    now = int(time.time())
    session["auth_at"] = now
    session["seen_at"] = now


def _expired(now: int) -> bool:
    idle = int(current_app.config["SENIM_SESSION_IDLE_MINUTES"]) * 60
    absolute = int(current_app.config["SENIM_SESSION_MAX_HOURS"]) * 3600
    auth_at = session.get("auth_at")
    seen_at = session.get("seen_at", auth_at)
    if not isinstance(auth_at, int) or not isinstance(seen_at, int):
        return True
    return now - seen_at > idle or now - auth_at > absolute


def init_sessions(app: Flask) -> None:
    @app.before_request
    def _enforce_timeouts() -> None:
        if "_user_id" not in session:
            return
        now = int(time.time())
        if _expired(now):
            lang = session.get("lang")
            logout_user()
            session.clear()
            if lang:
                session["lang"] = lang
            return
        if current_user.is_authenticated and now - int(session.get("seen_at", 0)) >= SEEN_REFRESH_S:
            session["seen_at"] = now
