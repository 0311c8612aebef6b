"""The background form of a bulk upload: parse the file, then ingest it in chunks of
:data:`CHUNK` items (``chunks.ingest_in_chunks``), committing each chunk and recording progress on
the job."""
from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

from models import User, db

from ..errors import NotFoundError
from .chunks import CHUNK, ingest_in_chunks
from .ingest import IngestReport
from .parsing import parse_upload

__all__ = ["CHUNK", "KEEP_RESULTS", "import_file_job", "summarise"]

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


#: Nice value added to the thread running an import: hours of CPU must not starve the web workers
#: (or, in thread mode, the request threads of the same worker) on a small shared machine.
NICE = 10


def _yield_cpu() -> None:
    """Lower the scheduling priority of the calling thread (Linux: nice values are per thread, so
    request threads of a web worker running the job in a thread keep theirs). Elsewhere nothing."""
    if sys.platform != "linux":
        return
    try:
        os.nice(NICE)
    except OSError:
        pass


def import_file_job(job_id: str, progress: Callable[[int, int, str], None], data: bytes, filename: str | None,
                    user_id: int, fmt: str | None = None) -> dict[str, Any]:
    """Parse and ingest an uploaded file for the user ``user_id``; commits per chunk of
    :data:`CHUNK` items, analysing each with no write transaction open (see ``chunks``). Raises
    DomainError for an unreadable file (the job then fails with that message)."""
    _yield_cpu()
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        raise NotFoundError("The uploading user no longer exists")
    db.session.rollback()  # end the read: parsing takes a while
    parsed = parse_upload(data, filename, fmt)
    total = len(parsed.items)
    progress(0, total, parsed.format)
    report = ingest_in_chunks(parsed.items, uploader=user, source=f"web:{parsed.format}", chunk=CHUNK,
                              progress=lambda done, total: progress(done, total, parsed.format))
    return summarise(report)
