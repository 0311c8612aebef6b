"""Error pages and JSON errors: generic text with an incident id, never a traceback."""
from __future__ import annotations

import logging
import secrets

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

log = logging.getLogger("senim.errors")


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def init_errors(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> tuple[Response | str, int]:
        code = exc.code or 500
        if wants_json():
            return jsonify({"error": exc.description or exc.name, "fields": {}}), code
        template = f"errors/{code}.html" if code in (400, 403, 404, 405, 413, 429) else "errors/generic.html"
        return render_template(template, code=code, name=exc.name, description=exc.description), code

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> tuple[Response | str, int]:
        if isinstance(exc, HTTPException):  # pragma: no cover - handled above
            return _http_error(exc)
        incident = secrets.token_hex(6)
        log.exception("incident %s on %s %s", incident, request.method, request.path)
        from models import db

        db.session.rollback()
        if wants_json():
            return jsonify({"error": _("Internal error"), "incident": incident, "fields": {}}), 500
        return render_template("errors/500.html", incident=incident), 500
