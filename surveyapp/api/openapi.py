"""A small registry of API operations and the OpenAPI 3.1 document built from it.

Each view module registers its operations with ``@operation(...)`` (or ``register(...)``) next to
its route, naming the pydantic models that validate its body and describe its responses; the
document's schemas are generated from those very models. Other modules add operations the same way::

    @bp.get("/regions")
    @operation("/regions", "get", summary="List regions", responses={200: ("The regions", RegionList)})
    def regions(): ...
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from ..routing import MAX_ROW_ID
from .schemas import ErrorOut

F = TypeVar("F", bound=Callable[..., Any])
REF = "#/components/schemas/{model}"


@dataclass
class Operation:
    path: str
    method: str
    summary: str
    operation_id: str
    tags: list[str] = field(default_factory=list)
    request: type[BaseModel] | None = None
    responses: dict[int, tuple[str, type[BaseModel] | None]] = field(default_factory=dict)
    parameters: list[dict[str, Any]] = field(default_factory=list)
    auth: bool = False
    description: str = ""


_REGISTRY: dict[tuple[str, str], Operation] = {}


def register(op: Operation) -> Operation:
    """Add (or replace) an operation; the key is its path and method."""
    _REGISTRY[(op.path, op.method.lower())] = op
    return op


def operation(path: str, method: str, *, summary: str, responses: dict[int, tuple[str, type[BaseModel] | None]],
              request: type[BaseModel] | None = None, parameters: list[dict[str, Any]] | None = None,
              tags: list[str] | None = None, auth: bool = False, description: str = "") -> Callable[[F], F]:
    """Decorator registering the decorated view's operation (the view itself is unchanged)."""

    def decorator(view: F) -> F:
        register(Operation(path=path, method=method.lower(), summary=summary, operation_id=view.__name__,
                           tags=tags or [], request=request, responses=responses, parameters=parameters or [],
                           auth=auth, description=description))
        return view

    return decorator


def path_param(name: str, description: str = "") -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ROW_ID},
            "description": description}


def query_param(name: str, schema: dict[str, Any], description: str = "", *,
                allow_empty: bool = True) -> dict[str, Any]:
    """An optional query parameter. As in the dashboard's forms, an empty value (``?sector=``) means the
    parameter is absent, unless ``allow_empty`` is False."""
    param = {"name": name, "in": "query", "required": False, "schema": schema, "description": description}
    if allow_empty:
        param["allowEmptyValue"] = True
    return param


def operations() -> list[Operation]:
    return sorted(_REGISTRY.values(), key=lambda op: (op.path, op.method))


def build_document(*, title: str = "Senim API", version: str = "1", server: str = "/api/v1") -> dict[str, Any]:
    """The OpenAPI 3.1 document for every registered operation."""
    ops = operations()
    models: set[type[BaseModel]] = {ErrorOut}
    for op in ops:
        if op.request:
            models.add(op.request)
        models.update(m for _d, m in op.responses.values() if m is not None)
    ordered = sorted(models, key=lambda m: m.__name__)
    keys = [(m, "validation" if any(op.request is m for op in ops) else "serialization") for m in ordered]
    refs, top = models_json_schema(keys, ref_template=REF)
    schemas = dict(top.get("$defs", {}))

    def ref(model: type[BaseModel]) -> dict[str, Any]:
        mode = "validation" if any(op.request is model for op in ops) else "serialization"
        return refs[(model, mode)]

    paths: dict[str, dict[str, Any]] = {}
    for op in ops:
        item: dict[str, Any] = {"operationId": op.operation_id, "summary": op.summary, "tags": op.tags,
                                "parameters": op.parameters, "responses": {}}
        if op.description:
            item["description"] = op.description
        if op.request is not None:
            item["requestBody"] = {"required": True, "content": {"application/json": {"schema": ref(op.request)}}}
        for code, (desc, model) in sorted(op.responses.items()):
            response: dict[str, Any] = {"description": desc}
            if model is not None:
                response["content"] = {"application/json": {"schema": ref(model)}}
            item["responses"][str(code)] = response
        if op.auth:
            item["security"] = [{"bearer": []}]
        paths.setdefault(op.path, {})[op.method] = item
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version,
                 "description": "Senim: public trust in NGOs. Errors are {\"error\", \"fields\"} with 4xx codes."},
        "servers": [{"url": server}],
        "paths": paths,
        "components": {"schemas": schemas,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }
