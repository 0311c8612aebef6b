"""Where each kind of user starts, given the pages this deployment has."""
from __future__ import annotations

from typing import Any

from flask import current_app, url_for

#: The first existing endpoint in each list is the role's start page.
ROLE_HOMES: dict[str, tuple[str, ...]] = {
    "admin": ("admin.ngos",),
    "monitor": ("monitor.upload", "public.home"),
    "analyst": ("dashboard.index", "public.home"),
}


def has_endpoint(name: str) -> bool:
    return name in current_app.view_functions


def home_for(user: Any) -> str:
    """URL of the start page for ``user``'s role."""
    for endpoint in ROLE_HOMES.get(getattr(user, "role", ""), ("public.home",)):
        if has_endpoint(endpoint):
            return url_for(endpoint)
    return url_for("public.home")


def init_navigation(app: Any) -> None:
    """Template globals: whether synthetic demo data is loaded (shown as a banner on every page)."""
    from flask import g

    from models import Setting, db

    @app.context_processor
    def _demo_notice() -> dict[str, Any]:
        if "demo_notice" not in g:
            try:
                g.demo_notice = db.session.get(Setting, "demo") is not None
            except Exception:  # noqa: BLE001 - a page must render even before `senim init`
                db.session.rollback()
                g.demo_notice = False
        return {"demo_notice": g.demo_notice}
