"""Reading JSON request bodies strictly: JSON content type, UTF-8, no duplicate keys, no NaN or
Infinity, bounded nesting, then validation by a pydantic model. Every failure is an ApiError
(4xx with ``{"error", "fields"}``), never a 500."""
from __future__ import annotations

import json
from typing import Any, TypeVar

from flask import request
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

M = TypeVar("M", bound=BaseModel)


class ApiError(Exception):
    def __init__(self, status: int, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.fields = status, message, fields or {}


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ApiError(422, "Duplicate key in the JSON body", {key: "given more than once"})
        out[key] = value
    return out


def _constant(name: str) -> Any:
    raise ApiError(422, "NaN and Infinity are not numbers here", {"body": f"{name} is not allowed"})


def pydantic_fields(exc: PydanticValidationError) -> dict[str, str]:
    """``{"answers.3.value": "message"}`` from a pydantic error."""
    fields: dict[str, str] = {}
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"]) or "body"
        fields.setdefault(key, str(err["msg"]).removeprefix("Value error, "))
    return fields


def parse_json(model: type[M]) -> M:
    """The request body validated by ``model``; raises ApiError (415, 400, 422) or lets werkzeug's
    413 through for an oversized body."""
    if request.mimetype != "application/json":
        raise ApiError(415, "Send the body as JSON with Content-Type: application/json",
                       {"Content-Type": "must be application/json"})
    raw = request.get_data(cache=False)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "The body is not valid UTF-8", {"body": "not UTF-8"}) from None
    try:
        data = json.loads(text, object_pairs_hook=_pairs, parse_constant=_constant)
    except RecursionError:
        raise ApiError(400, "The JSON body is nested too deeply", {"body": "nested too deeply"}) from None
    except ValueError as exc:
        raise ApiError(400, "The body is not valid JSON", {"body": str(exc)[:200]}) from None
    try:
        return model.model_validate(data)
    except PydanticValidationError as exc:
        raise ApiError(422, "The request is not valid", pydantic_fields(exc)) from None
