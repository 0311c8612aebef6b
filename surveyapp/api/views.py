"""API views are added per resource module (surveys, …); this module holds what they share:
JSON errors for domain and request errors, and the OpenAPI document."""
from __future__ import annotations

from flask import Response, jsonify

from models import db

from ..services.errors import DomainError
from . import bp
from .jsonbody import ApiError
from .openapi import build_document, operation
from .schemas import ErrorOut


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError) -> tuple[Response, int]:
    db.session.rollback()
    return jsonify({"error": exc.message, "fields": exc.fields}), exc.status


@bp.errorhandler(DomainError)
def _domain_error(exc: DomainError) -> tuple[Response, int]:
    db.session.rollback()
    return jsonify({"error": exc.message, "fields": exc.fields}), exc.status_code


@bp.get("/openapi.json")
@operation("/openapi.json", "get", summary="This OpenAPI document", tags=["meta"],
           responses={200: ("The OpenAPI 3.1 document", None)})
def openapi_document() -> Response:
    return jsonify(build_document())


from . import registry, surveys  # noqa: E402,F401  (register their routes and operations)

__all__ = ["ErrorOut", "openapi_document"]
