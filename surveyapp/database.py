"""Engine settings that make SQLite safe for a multi-process server."""
from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=15000",
)


def sqlite_engine_options(options: dict[str, Any]) -> dict[str, Any]:
    """Engine options for SQLite: a connect timeout so writers wait instead of failing."""
    merged = dict(options)
    merged.pop("pool_pre_ping", None)
    connect_args = dict(merged.get("connect_args", {}))
    connect_args.setdefault("timeout", 15)
    merged["connect_args"] = connect_args
    return merged


def install_sqlite_pragmas(engine: Engine) -> None:
    """Set WAL, synchronous=FULL, foreign keys and busy_timeout on every pooled connection."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:  # pragma: no cover - trivial
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()
