"""Shared set-up for dashboard tests: regions, NGOs, a snapshot grid, signed-in clients."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

from sqlalchemy import event

from models import db
from tests.conftest import login
from tests.factories import PASSWORD, make_ngo, make_user
from tests.snapshot_factories import make_grid

EN = {"Accept-Language": "en"}


def seed(regions: dict[str, Any], *, ngo_names: list[str] | None = None, codes: tuple[str, ...] = ("KZ-75", "KZ-71", "KZ-79")) -> dict[str, Any]:
    """Three NGOs (or ``ngo_names``) with trust_index in three regions for 2026-Q3 and 2026-Q2."""
    names = ngo_names or ["Alpha Fund", "Beta Union", "Gamma Centre"]
    ngos = [make_ngo(name_en=name, name_ru=name, name_kk=name) for name in names]
    regs = [regions[c] for c in codes]
    make_grid(ngos, regs, period="2026-Q3", base=50)
    make_grid(ngos, regs, period="2026-Q2", base=40)
    return {"ngos": ngos, "regions": regs}


def get_en(client: Any, url: str) -> Any:
    """GET in English. The ``db`` fixture keeps one app context open across requests, and
    Flask-Babel caches the locale there, so forget it before asking for another language."""
    from flask_babel import refresh

    refresh()
    return client.get(url, headers=EN)


def signed_in(client: Any, role: str = "analyst", region_codes: list[str] | None = None) -> Any:
    user = make_user(role, region_codes=region_codes)
    response = login(client, user.email, PASSWORD)
    assert response.status_code == 302
    return user


@contextmanager
def count_queries() -> Iterator[list[str]]:
    statements: list[str] = []

    def _record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.split(" ", 1)[0].upper() not in ("BEGIN", "SAVEPOINT", "RELEASE"):  # transaction control
            statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", _record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", _record)
