"""Group commit on SQLite: concurrent writers of one process share one transaction and one fsync.

With ``synchronous=FULL`` every SQLite COMMIT waits for an fsync of the write-ahead log, and only
one connection writes at a time, so a database takes at most as many transactions per second as
its disk does fsyncs (a few hundred on some disks). The survey API's INSERTs are tiny next to
that wait. Here the request threads of one process that want to write at the same moment queue
up; one of them (the leader) takes the write lock (``database.write_transaction``), runs every
queued write in a SAVEPOINT of one transaction, commits once and hands each thread its own
outcome. Requests in other processes queue for the write lock as before.

What each caller is told is exactly what was stored: a write that fails is rolled back to its
SAVEPOINT alone and its caller gets the error; if the COMMIT fails, every caller of that group
gets the error and nothing of the group is stored. A caller never waits for writes queued after
its own group: the next group is led by one of the threads waiting in it.

On other databases (row locks, many concurrent writers, the server groups fsyncs itself) and on
an in-memory SQLite database each write runs on its own: ``write_transaction``, the write, a COMMIT.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from sqlalchemy.orm import Session, scoped_session

from .database import commit_write_transaction, write_transaction

T = TypeVar("T")
#: Writes one leader runs in one transaction at most.
MAX_GROUP = 32


class _Write(Generic[T]):
    """One caller's write: ``work(savepoint)`` and its outcome, or the call to lead the next group."""

    __slots__ = ("done", "error", "lead", "result", "work")

    def __init__(self, work: Callable[[bool], T]) -> None:
        self.work = work
        self.done = threading.Event()
        self.lead = False
        self.result: T | None = None
        self.error: BaseException | None = None


class CommitGroup:
    """The queue of one process's writers to one SQLite database file."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self._guard = threading.Lock()
        self._queue: list[_Write] = []
        self._leading = False

    def run(self, session: Session | scoped_session[Session], work: Callable[[bool], T]) -> T:
        """Run ``work(True)`` (it must write inside a SAVEPOINT of its own and only flush) in a
        shared transaction, or ``work(False)`` when no other write shares it, committed before this
        returns; returns its result or raises its error (or the COMMIT's). ``session`` is the
        calling thread's; the leader's writes all go through the leader's own session."""
        write: _Write[T] = _Write(work)
        with self._guard:
            self._queue.append(write)
            write.lead = not self._leading
            self._leading = True
        if not write.lead:
            write.done.wait()
        if write.lead:  # first in an idle queue, or handed the lead by the previous group's leader
            self._lead(session, write)
        if write.error is not None:
            raise write.error
        return write.result  # type: ignore[return-value]

    def _lead(self, session: Session | scoped_session[Session], own: _Write) -> None:
        group: list[_Write] = []
        try:
            with write_transaction(session):
                with self._guard:  # taken after the write lock: writers that queued meanwhile join
                    group, self._queue = self._queue[:MAX_GROUP], self._queue[MAX_GROUP:]
                shared = len(group) > 1  # alone in its transaction, a write needs no SAVEPOINT
                for write in group:
                    try:
                        write.result = write.work(shared)
                    except Exception as exc:  # noqa: BLE001 - handed to the caller whose write failed
                        write.error = exc
                if not shared and group[0].error is not None:
                    session.rollback()  # a lone write has no SAVEPOINT: nothing of a failed one may stay
                else:
                    commit_write_transaction(session)
        except BaseException as exc:  # noqa: BLE001 - the lock, BEGIN or COMMIT: no write of the group is stored
            if not group:  # no write lock: only this caller's write fails, the next caller leads
                with self._guard:
                    self._queue.remove(own)
                group = [own]
            for write in group:
                write.result, write.error = None, write.error or exc
        finally:
            self._hand_over(group)

    def _hand_over(self, group: list[_Write]) -> None:
        with self._guard:
            if self._queue:
                successor = self._queue[0]
                successor.lead = True
                successor.done.set()
            else:
                self._leading = False
        for write in group:
            write.lead = False
            write.done.set()


_GROUPS: dict[str, CommitGroup] = {}
_GROUPS_GUARD = threading.Lock()


def _group(database: str) -> CommitGroup:
    path = os.path.abspath(database)
    with _GROUPS_GUARD:
        group = _GROUPS.get(path)
        if group is None or group.pid != os.getpid():  # a forked worker starts with an empty queue
            group = _GROUPS[path] = CommitGroup()
        return group


def commit_write(session: Session | scoped_session[Session], work: Callable[[bool], T]) -> T:
    """Run ``work`` as the database's writer and commit; returns its result.

    ``work(savepoint)`` writes and flushes only; when ``savepoint`` is true it must keep its writes
    in a SAVEPOINT of its own (it shares the transaction with other callers' writes); when false it
    is alone in the transaction and may roll all of it back. On a SQLite file the write joins this
    process's commit group; elsewhere it runs alone with ``savepoint=False``.
    """
    current = session() if isinstance(session, scoped_session) else session
    bind = current.get_bind()
    database = bind.url.database if bind.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        with write_transaction(current):
            result = work(False)
            current.commit()
        return result
    return _group(database).run(current, work)
