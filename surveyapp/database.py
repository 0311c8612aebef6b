"""Engine settings that make SQLite safe for a multi-process server."""
from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session

IMMEDIATE_OPTION = "senim_begin_immediate"
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
    """Set WAL, synchronous=FULL, foreign keys and busy_timeout on every pooled connection, and let
    SQLAlchemy own transactions.

    pysqlite opens a transaction only at the first write, so a SAVEPOINT taken before it became a
    transaction of its own and was committed on release. SQLAlchemy's documented recipe: switch
    the driver's transaction handling off and emit ``BEGIN`` when SQLAlchemy begins.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get(IMMEDIATE_OPTION)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def begin_write(session: Session | scoped_session[Session]) -> None:
    """Start the session's next transaction as a writer (SQLite ``BEGIN IMMEDIATE``).

    Two deferred SQLite transactions that both read and then write cannot both commit: the
    second fails at once with "database is locked" (its snapshot is stale, so busy_timeout cannot
    help). A transaction that will write takes the write lock first and others queue behind it
    for up to busy_timeout. Does nothing on other databases or inside a running transaction.
    """
    current = session() if isinstance(session, scoped_session) else session
    if current.get_bind().dialect.name == "sqlite" and not current.in_transaction():
        current.connection(execution_options={IMMEDIATE_OPTION: True})
