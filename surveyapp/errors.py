"""Error pages and JSON errors: generic text with an incident id, never a traceback.

A database that cannot be reached for a moment (a PostgreSQL restart or failover, a dropped
connection, a full pool, SQLite still locked after its busy timeout, a full disk) answers
``503 Service Unavailable`` with ``Retry-After``, so clients retry instead of giving up: the
survey API is idempotent by ``submission_id``, so a retried submission is never counted twice.
"""
from __future__ import annotations

import logging
import secrets

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from markupsafe import escape
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

log = logging.getLogger("senim.errors")

#: Seconds a client is asked to wait before retrying when the database is unavailable.
RETRY_AFTER_SECONDS = 5
#: SQLite messages that mean "try again later" rather than a bug (locked, busy, I/O, full disk).
_SQLITE_TRANSIENT = ("locked", "busy", "disk", "i/o", "unable to open")


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def database_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` says the database could not be reached or used for now (worth a retry).

    Pool and connection failures always are; an ``OperationalError`` is unless it comes from
    SQLite with a message that points at the schema or the SQL (``no such table`` is a bug, not
    an outage)."""
    if isinstance(exc, (sa_exc.DisconnectionError, sa_exc.InterfaceError, sa_exc.TimeoutError)):
        return True
    if not isinstance(exc, sa_exc.OperationalError):
        return False
    if exc.connection_invalidated:
        return True
    orig = exc.orig
    if type(orig).__module__.startswith(("sqlite3", "pysqlite")):
        message = str(orig).lower()
        return any(word in message for word in _SQLITE_TRANSIENT)
    return True


def _rollback() -> None:
    from models import db

    try:
        db.session.rollback()
    except Exception:
        log.debug("rollback after a database error failed", exc_info=True)


def _unavailable(exc: BaseException) -> tuple[Response | str, int, dict[str, str]]:
    incident = secrets.token_hex(6)
    orig = getattr(exc, "orig", None) or exc
    first_line = (str(orig).splitlines() or [""])[0][:200]
    log.warning("incident %s: database unavailable on %s %s (%s: %s)", incident, request.method, request.path,
                type(orig).__name__, first_line)
    _rollback()
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    # Not yet in the translation catalogs (English, like werkzeug's own error descriptions).
    message = "The service is briefly unavailable. Please try again in a few seconds."
    if wants_json():
        return jsonify({"error": message, "incident": incident, "fields": {}}), 503, headers
    try:
        page = render_template("errors/generic.html", code=503, name="Service Unavailable",
                               description=message)
    except Exception:  # noqa: BLE001 - the layout may need the database too; fall back to plain HTML
        _rollback()
        page = (f'<!doctype html><html><head><meta charset="utf-8"><title>503</title></head><body>'
                f"<h1>503</h1><p>{escape(message)}</p></body></html>")
    return page, 503, headers


def _release_session(_exc: BaseException | None) -> None:
    """End the request's session; a connection the server dropped after the response was built
    (a restart or failover) is logged, not turned into a 500 for a request that succeeded.

    Registered after Flask-SQLAlchemy's own teardown, so it runs first (Flask runs them in reverse)."""
    from models import db

    try:
        db.session.remove()
    except Exception as exc:
        if not database_unavailable(exc):
            raise
        log.warning("database connection lost while ending a request's session (%s)",
                    type(getattr(exc, "orig", None) or exc).__name__)
        db.session.registry.clear()


def _rate_limit_message(exc: RateLimitExceeded) -> str:
    """The 429 message in the reader's language ("2 per 1 minute" was the library's own text)."""
    limit = getattr(exc.limit, "limit", None)
    try:
        amount, seconds = int(limit.amount), int(limit.get_expiry())  # type: ignore[union-attr]
    except (AttributeError, TypeError, ValueError):
        return _("Too many requests; please try again later.")
    return _("Too many requests: at most %(amount)s in %(seconds)s seconds. Please try again later.",
             amount=amount, seconds=seconds)


def init_errors(app: Flask) -> None:
    app.teardown_appcontext(_release_session)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> tuple[Response | str, int, dict[str, str]]:
        code = exc.code or 500
        # Keep the exception's own headers (Allow on a 405, WWW-Authenticate, Retry-After), not its Content-Type.
        headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
        description = _rate_limit_message(exc) if isinstance(exc, RateLimitExceeded) else exc.description
        if wants_json():
            return jsonify({"error": description or exc.name, "fields": {}}), code, headers
        template = f"errors/{code}.html" if code in (400, 403, 404, 405, 413, 429) else "errors/generic.html"
        return render_template(template, code=code, name=exc.name, description=description), code, headers

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> tuple[Response | str, int] | tuple[Response | str, int, dict[str, str]]:
        if isinstance(exc, HTTPException):  # pragma: no cover - handled above
            return _http_error(exc)
        if database_unavailable(exc):
            return _unavailable(exc)
        incident = secrets.token_hex(6)
        log.exception("incident %s on %s %s", incident, request.method, request.path)
        from models import db

        db.session.rollback()
        if wants_json():
            return jsonify({"error": _("Internal error"), "incident": incident, "fields": {}}), 500
        return render_template("errors/500.html", incident=incident), 500
