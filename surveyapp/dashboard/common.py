"""Shared view helpers: the staff-only decorator, domain errors → HTTP errors, request scope."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, request
from flask_login import current_user

from ..auth.loading import roles_required
from ..i18n import current_language
from ..services.dashboard.scope import Scope, scope_for
from ..services.errors import DomainError, NotFoundError

F = TypeVar("F", bound=Callable[..., Any])
DASHBOARD_ROLES = ("analyst", "admin")


def staff_only(view: F) -> F:
    """Signed-in analysts and admins only (anonymous: sign-in redirect; other roles: 403), and
    domain errors become 400 (bad parameter) or 404 (unknown or out-of-scope object)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except NotFoundError as exc:
            abort(404, description=exc.message)
        except DomainError as exc:
            detail = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
            abort(400, description=f"{exc.message} {detail}".strip())

    return roles_required(*DASHBOARD_ROLES)(wrapped)  # type: ignore[return-value]


def scope() -> Scope:
    """The current user's region scope."""
    return scope_for(current_user)


def lang() -> str:
    return current_language()


def args_without(*names: str) -> dict[str, list[str]]:
    """The query string as a dict of lists, without ``names`` (for links that change one thing).

    Keys starting with ``_`` are dropped too: ``url_for`` reads ``_external``/``_scheme`` itself.
    """
    return {k: v for k, v in request.args.lists() if k not in names and not k.startswith("_")}


def link_args(fixed: dict[str, Any], *drop: str) -> dict[str, Any]:
    """``fixed`` URL values plus the current query string (minus ``drop`` and ``fixed``'s keys)."""
    return {**args_without(*drop, *fixed), **fixed}
