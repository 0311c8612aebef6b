"""How a request finds its user: the session cookie (pages) or a bearer token (API)."""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable, TypeVar

from flask import abort, request
from flask_login import current_user

from models import User, db

from ..extensions import login_manager
from ..services.users import user_for_token

F = TypeVar("F", bound=Callable[..., Any])


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    try:
        raw_id, raw_version = user_id.split(":", 1)
        user = db.session.get(User, int(raw_id))
        version = int(raw_version)
    except (ValueError, TypeError):
        return None
    if user is None or not user.is_active or user.session_version != version:
        return None
    return user


@login_manager.request_loader
def load_user_from_request(req: Any) -> User | None:
    header = req.headers.get("Authorization", "")
    if req.path.startswith("/api/") and header.startswith("Bearer "):
        return user_for_token(header[len("Bearer "):].strip())
    return None


def roles_required(*roles: str) -> Callable[[F], F]:
    """View decorator: 401/redirect for anonymous users, 403 for users without one of ``roles``."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def is_safe_next(target: str | None) -> bool:
    """True for a local path such as ``/admin/ngos`` (no scheme, host or backslash tricks)."""
    return bool(target) and target.startswith("/") and not target.startswith("//") and "\\" not in target \
        and "\n" not in target and "\r" not in target and request is not None
