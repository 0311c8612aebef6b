"""The background form of a bulk upload: parse the file, then ingest it in chunks of
:data:`CHUNK` items, committing each chunk and recording progress on the job."""
from __future__ import annotations

from typing import Any, Callable

from models import User, db

from ...database import begin_write
from ..errors import NotFoundError
from .ingest import BatchState, IngestReport, ingest_articles
from .items import ArticleInput, ItemError, clean_item
from .parsing import ItemParseError, parse_upload

CHUNK = 200
#: At most this many per-item results are kept on the job (rejected and duplicate ones first).
KEEP_RESULTS = 2000


def summarise(report: IngestReport, *, limit: int = KEEP_RESULTS) -> dict[str, Any]:
    """A report as stored on a job: counts and at most ``limit`` items (problems first)."""
    problems = [r for r in report.items if r.status != "accepted"]
    accepted = [r for r in report.items if r.status == "accepted"]
    kept = (problems + accepted)[:limit]
    order = {id(r): i for i, r in enumerate(report.items)}
    kept.sort(key=lambda r: order[id(r)])
    return {"counts": report.counts, "total": len(report.items), "items": [r.as_dict() for r in kept],
            "truncated": len(kept) < len(report.items)}


def import_file_job(job_id: str, progress: Callable[[int, int, str], None], data: bytes, filename: str | None,
                    user_id: int, fmt: str | None = None) -> dict[str, Any]:
    """Parse and ingest an uploaded file for the user ``user_id``; commits per chunk. Raises
    DomainError for an unreadable file (the job then fails with that message)."""
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        raise NotFoundError("The uploading user no longer exists")
    db.session.rollback()  # end the read: every write below takes SQLite's write lock first (begin_write)
    parsed = parse_upload(data, filename, fmt)
    total = len(parsed.items)
    progress(0, total, parsed.format)
    dates = []
    for _ref, raw in parsed.items:
        if isinstance(raw, ItemParseError):
            continue
        try:
            item = clean_item(raw)
        except ItemError:
            continue
        if isinstance(item, ArticleInput):
            dates.append(item.published)
    begin_write(db.session)  # the duplicate index is read in the first chunk's write transaction
    state = BatchState(dates)
    report = IngestReport()
    for start in range(0, total, CHUNK):
        begin_write(db.session)
        part = ingest_articles(parsed.items[start:start + CHUNK], uploader=user, source=f"web:{parsed.format}",
                               state=state)
        for item in part.items:
            report.add(item)
        db.session.commit()
        progress(min(start + CHUNK, total), total, parsed.format)
    return summarise(report)
