"""Large uploads committed chunk by chunk: the background job and ``senim articles import``.

Each chunk of :data:`CHUNK` items is first validated and analysed with no write transaction open
(:func:`~.ingest.prepare_articles`: the CPU time, seconds per chunk), then stored and committed
:data:`WRITE_BATCH` items at a time, each batch in a short ``write_transaction``
(:func:`~.ingest.store_articles`, which checks again for copies stored meanwhile). On SQLite the
database's single write lock is thus held only for the INSERTs and the COMMIT, ~2 ms per item,
and survey submissions do not queue behind the analysis or a whole chunk.
"""
from __future__ import annotations

from collections.abc import Callable
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
    sharing one ``article.upload`` audit row. Raises nothing for bad items.
    """
    total = len(items)
    uploader_id = uploader.id
    begin_reads(db.session)  # SQLite: plain reads, no transaction held while the index is built
    state = BatchState(_dates(items))
    report = IngestReport()
    for start in range(0, total, chunk):
        begin_reads(db.session)
        user = db.session.get(User, uploader_id) or uploader
        tools = analysers()
        state.duplicates.refresh()
        prepared = prepare_articles(items[start:start + chunk], tools=tools, outlets=state.outlets)
        audit: AuditLog | None = None
        for at in range(0, len(prepared), WRITE_BATCH):
            with write_transaction(db.session):  # SQLite: the write lock for the INSERTs and the COMMIT only
                part = store_articles(prepared[at:at + WRITE_BATCH], uploader=user, source=source, state=state,
                                      tools=tools, audit=audit)
                audit = db.session.get(AuditLog, part.audit_id)
                db.session.commit()
            for result in part.items:
                report.add(result)
            report.audit_id = part.audit_id
        if progress:
            progress(min(start + chunk, total), total)
    return report
