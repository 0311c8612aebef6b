"""Large uploads committed chunk by chunk: the background job and ``senim articles import``.

Each chunk of :data:`CHUNK` items is first validated and analysed with no write transaction open
(:func:`~.ingest.prepare_articles`: the CPU time, seconds per chunk), then stored and committed
:data:`WRITE_BATCH` items at a time, each batch in a short ``write_transaction``
(:func:`~.ingest.store_articles`, which checks again for copies stored meanwhile). On SQLite the
database's single write lock is thus held only for the INSERTs and the COMMIT, ~2 ms per item,
and survey submissions do not queue behind the analysis or a whole chunk.

The upload also gives way to other writers: when it had to queue for the write lock (someone else
is writing, e.g. survey submissions under load), it stores :data:`BUSY_WRITE_BATCH` items per
transaction and then stays away from the lock for :data:`BUSY_BACKOFF` times as long as it held
it, so it takes at most a third of the lock's time while others need it. On an idle database it
stores :data:`WRITE_BATCH` items per transaction without pausing.
"""
from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from models import AuditLog, User, db

from ...database import begin_reads, write_transaction
from .ingest import BatchState, IngestReport, prepare_articles, store_articles
from .items import ArticleInput, ItemError, clean_item
from .parsing import ItemParseError
from .registry import analysers

CHUNK = 200
#: Items stored per write transaction: SQLite's write lock is held ~2 ms per item, so others
#: (survey submissions) never wait behind a whole chunk's INSERTs.
WRITE_BATCH = 25
#: Items per write transaction while others are writing too (~10 ms of the lock at a time).
BUSY_WRITE_BATCH = 5
#: While others are writing, pause this many times the time the lock was held after each batch.
BUSY_BACKOFF = 2.0


_freeze_lock = threading.Lock()
_frozen_by = 0


@contextmanager
def frozen_heap() -> Iterator[None]:
    """``gc.freeze()`` for the length of a bulk import: everything alive when it starts (the app,
    the NGO alias automata, the tone and language models, and the modules ``import nltk`` brings:
    pandas, scipy, scikit-learn) leaves the collector's full scans, which otherwise walk it all
    again at every full collection. On leaving, ``gc.unfreeze()`` (when no other import in the
    process is still frozen), so garbage among those objects is collected again afterwards.

    Measured with ``benchmarks/mentions.py`` (which does the same after its setup): the one full
    collection of a 10,000-article run, ~0.2 s of ~25 s CPU, goes; with a web app loaded the heap
    it would rescan is larger. Raising the collector's thresholds instead was measured too and did
    not pay: young-generation collections cost ~0.06 s per 10,000 articles."""
    global _frozen_by
    with _freeze_lock:
        gc.freeze()
        _frozen_by += 1
    try:
        yield
    finally:
        with _freeze_lock:
            _frozen_by -= 1
            if not _frozen_by:
                gc.unfreeze()


def _dates(items: list[tuple[str, Any]]) -> list[Any]:
    dates = []
    for _ref, raw in items:
        if isinstance(raw, ItemParseError):
            continue
        try:
            item = clean_item(raw)
        except ItemError:
            continue
        if isinstance(item, ArticleInput):
            dates.append(item.published)
    return dates


def ingest_in_chunks(items: list[tuple[str, Any]], *, uploader: User, source: str, chunk: int = CHUNK,
                     progress: Callable[[int, int], None] | None = None) -> IngestReport:
    """Ingest ``items`` like :func:`~.ingest.ingest_articles`, analysing ``chunk`` items at a time and
    COMMITTING every :data:`WRITE_BATCH` stored items (an edge, like a job or a CLI command: a
    failure loses only the batch in progress).

    Returns the per-item report of all chunks in upload order (``audit_id``: the last chunk's
    audit row; each chunk writes one). Duplicates are found across chunks (one index for the whole
    upload) and against uploads running concurrently. ``progress(done, total)`` is called after
    each committed chunk; a chunk is stored in write transactions of :data:`WRITE_BATCH` items
    sharing one ``article.upload`` audit row; while other writers are active it gives way to them
    (see the module's docstring). Raises nothing for bad items.
    """
    uploader_id = uploader.id
    begin_reads(db.session)  # SQLite: plain reads, no transaction held while the index is built
    state = BatchState(_dates(items))
    report = IngestReport()
    if items:
        analysers()  # loaded (or refreshed) before the heap is frozen
    with frozen_heap():
        _ingest_chunks(items, state, report, uploader_id, uploader, source, chunk, progress)
    return report


def _ingest_chunks(items: list[tuple[str, Any]], state: BatchState, report: IngestReport, uploader_id: int,
                   uploader: User, source: str, chunk: int, progress: Callable[[int, int], None] | None) -> None:
    total = len(items)
    busy = False
    for start in range(0, total, chunk):
        begin_reads(db.session)
        user = db.session.get(User, uploader_id) or uploader
        tools = analysers()
        state.duplicates.refresh()
        prepared = prepare_articles(items[start:start + chunk], tools=tools, outlets=state.outlets)
        audit: AuditLog | None = None
        at = 0
        while at < len(prepared):
            batch = prepared[at:at + (BUSY_WRITE_BATCH if busy else WRITE_BATCH)]
            at += len(batch)
            with write_transaction(db.session) as turn:  # SQLite: the write lock for the INSERTs and the COMMIT only
                got = time.perf_counter()
                part = store_articles(batch, uploader=user, source=source, state=state, tools=tools, audit=audit)
                audit = db.session.get(AuditLog, part.audit_id)
                db.session.commit()
            busy = turn.waited
            if busy:  # give way: others get the lock at least BUSY_BACKOFF times as long as this upload
                time.sleep((time.perf_counter() - got) * BUSY_BACKOFF)
            for result in part.items:
                report.add(result)
            report.audit_id = part.audit_id
        if progress:
            progress(min(start + chunk, total), total)
