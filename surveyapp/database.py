"""Engine settings that make SQLite safe for a multi-process server, and short write transactions.

SQLite has one writer at a time. A request that writes takes the write lock with ``BEGIN IMMEDIATE``
(``begin_write``); others wait in SQLite's busy handler, which sleeps 1, 2, 5, 10 … 100 ms between
attempts, so under load waiters sleep while the lock is free. Hot write paths (the survey API) do
their reading and checking first and then write in ``write_transaction``, which on SQLite also
holds an exclusive ``flock`` on a lock file beside the database: waiters queue in the kernel and
the next one wakes the moment the lock is released. It must only wrap the INSERTs and the COMMIT.
"""
from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session

from .driver_sql import commit_driver, execute_plain

F = TypeVar("F", bound=Callable[..., Any])

IMMEDIATE_OPTION = "senim_begin_immediate"
AUTOCOMMIT_READS_OPTION = "senim_autocommit_reads"
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
        options = connection.get_execution_options()
        if options.get(AUTOCOMMIT_READS_OPTION):
            return  # reads in SQLite's autocommit mode until write_transaction says BEGIN IMMEDIATE
        connection.exec_driver_sql("BEGIN IMMEDIATE" if options.get(IMMEDIATE_OPTION) else "BEGIN")


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


#: View attribute: the view opens its own write transaction (``write_transaction``), so
#: ``create_app``'s before-request hook must not take SQLite's write lock at request start.
OWN_WRITES_ATTR = "senim_own_write_transaction"


def own_write_transaction(view: F) -> F:
    """Mark ``view`` as taking the write lock itself, late and briefly (see ``write_transaction``)."""
    setattr(view, OWN_WRITES_ATTR, True)
    return view


def begin_reads(session: Session | scoped_session[Session]) -> None:
    """Start the session's transaction for a request that reads, then writes in ``write_transaction``.

    On SQLite no ``BEGIN`` is sent: each read runs on its own (autocommit), so there is no read
    transaction to end before the write one (a COMMIT and a BEGIN saved per request), and
    ``write_transaction`` begins the writer on the same connection. Does nothing on other
    databases or inside a running transaction.
    """
    current = session() if isinstance(session, scoped_session) else session
    if current.get_bind().dialect.name == "sqlite" and not current.in_transaction():
        current.connection(execution_options={AUTOCOMMIT_READS_OPTION: True})


class _FileLock:
    """An exclusive ``flock`` on one file, shared by the threads of one process (a thread lock
    first: flock belongs to the open file, so two threads of a process would both "hold" it)."""

    def __init__(self, path: str) -> None:
        self.path, self.pid = path, os.getpid()
        self.thread_lock = threading.Lock()
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)

    def acquire(self) -> bool:
        """Take the lock; returns whether another writer held it (this one had to wait)."""
        waited = not self.thread_lock.acquire(blocking=False)
        if waited:
            self.thread_lock.acquire()
        try:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                waited = True
                fcntl.flock(self.fd, fcntl.LOCK_EX)
        except BaseException:
            self.thread_lock.release()
            raise
        return waited

    def release(self) -> None:
        try:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        finally:
            self.thread_lock.release()


_FILE_LOCKS: dict[str, _FileLock] = {}
_FILE_LOCKS_GUARD = threading.Lock()


def _file_lock(database: str) -> _FileLock:
    """This process's lock on ``<database>-writelock`` (opened again after a fork)."""
    path = os.path.abspath(database) + "-writelock"
    with _FILE_LOCKS_GUARD:
        lock = _FILE_LOCKS.get(path)
        if lock is None or lock.pid != os.getpid():
            lock = _FILE_LOCKS[path] = _FileLock(path)
        return lock


@dataclass
class WriteTurn:
    """What ``write_transaction`` yields: ``waited`` is true when another writer held SQLite's
    write lock and this one queued for it (a sign that others are writing: see ``media.chunks``)."""

    waited: bool = False


def _reads_only(current: Session) -> bool:
    """The session's transaction was begun by ``begin_reads`` and the driver holds none: SQLAlchemy's
    transaction is a formality, each read ran on its own."""
    if not current.in_transaction():
        return False
    connection = current.connection()
    driver = connection.connection.driver_connection
    return bool(connection.get_execution_options().get(AUTOCOMMIT_READS_OPTION)) \
        and not getattr(driver, "in_transaction", True)


@contextmanager
def write_transaction(session: Session | scoped_session[Session]) -> Iterator[WriteTurn]:
    """Run the block as the database's writer; the block should write and commit, nothing slow.

    On SQLite: the session's current (read) transaction is committed first (unless it was started by
    ``begin_reads``: nothing to end), then the process waits for the exclusive lock on
    ``<database file>-writelock`` and begins with ``BEGIN IMMEDIATE``; the file lock is released when
    the block ends, after a rollback if the block left a transaction open (an error). Writers that
    do not use this (``begin_write``) still queue in SQLite's busy handler. On other databases (row
    locks, no single writer) the block runs in the current transaction. Yields a :class:`WriteTurn`.
    The block commits with ``session.commit()`` or ``commit_write_transaction``.
    """
    current = session() if isinstance(session, scoped_session) else session
    bind = current.get_bind()
    database = bind.url.database if bind.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield WriteTurn()
        return
    reads_only = _reads_only(current)
    if current.in_transaction() and not reads_only:
        current.commit()
    lock = _file_lock(database)
    turn = WriteTurn(waited=lock.acquire())
    try:
        if reads_only:  # begin_reads: no transaction is open on the connection yet
            execute_plain(current.connection(), "BEGIN IMMEDIATE")
        else:
            begin_write(current)
        yield turn
    finally:
        try:
            if current.in_transaction() and not (reads_only and _reads_only(current)):
                current.rollback()  # the block failed (or left its transaction open)
        finally:
            lock.release()


def commit_write_transaction(session: Session | scoped_session[Session]) -> None:
    """Commit the writes of a ``write_transaction`` block (pending ORM changes flushed first).

    After ``begin_reads`` on SQLite the COMMIT goes straight to the driver and the session stays as
    ``begin_reads`` left it (reads on their own, SQLAlchemy's transaction open and empty): the same
    COMMIT as ``session.commit()`` without the session's bookkeeping, which cost as much as SQLite's
    own work on the survey API's hot path. ORM objects are then not expired. Elsewhere, ``session.commit()``.
    """
    current = session() if isinstance(session, scoped_session) else session
    if current.get_bind().dialect.name == "sqlite" and current.in_transaction():
        connection = current.connection()
        if connection.get_execution_options().get(AUTOCOMMIT_READS_OPTION):
            current.flush()
            commit_driver(connection)
            return
    current.commit()
