"""``senim articles import FILE --monitor E``: bulk upload of CSV, JSON Lines, JSON or RSS/Atom."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from models import User, db

from ..services.errors import DomainError
from ..services.media import MAX_UPLOAD_BYTES, IngestReport, parse_upload
from ..services.media.chunks import ingest_in_chunks
from ..services.users import normalise_email
from . import domain_error_message, fail, require_schema
from .ngos import printable


@click.group("articles")
def articles_group() -> None:
    """Media articles."""


def _read(path: Path) -> bytes:
    try:
        if path.is_dir():
            fail(f"Cannot read {path}: it is a folder, not a file")
        if path.stat().st_size > MAX_UPLOAD_BYTES:
            fail(f"Cannot read {path}: larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
        with path.open("rb") as fh:
            return fh.read(MAX_UPLOAD_BYTES + 1)
    except FileNotFoundError:
        fail(f"Cannot read {path}: no such file")
    except OSError as exc:
        fail(f"Cannot read {path}: {exc.strerror or type(exc).__name__}")
    return b""  # not reached


def report_lines(report: IngestReport) -> list[str]:
    """One line per item (reference, status, article id, mentions, reason) and a summary line."""
    lines = []
    for r in report.items:
        ngos = ", ".join(sorted({printable(m["ngo"]) for m in r.mentions}))
        extra = f" ngos: {ngos}" if ngos else ""
        extra += f" regions: {', '.join(r.regions)}" if r.regions else ""
        ident = f"#{r.id}" if r.id else "-"
        lines.append(f"{r.ref}\t{r.status}\t{ident}\t{printable(r.reason)}{extra}".rstrip())
    c = report.counts
    lines.append(f"{len(report.items)} items: {c['accepted']} accepted, {c['duplicate']} duplicate, "
                 f"{c['rejected']} rejected.")
    return lines


@articles_group.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--monitor", "monitor", required=True, help="E-mail of the monitor the articles are uploaded as.")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "json", "rss"]), default=None,
              help="Force the file format (default: from the extension and content).")
@click.option("--json", "as_json", is_flag=True, help="Print the per-item report as one JSON object.")
@with_appcontext
def import_command(file: Path, monitor: str, fmt: str | None, as_json: bool) -> None:
    """Import articles from FILE (CSV, JSON Lines, JSON or RSS/Atom) as uploaded by --monitor.

    Shows progress on standard error and prints a per-item report. Commits as it goes, so
    an interrupted import keeps the chunks already reported as done. Exits 0 when the file was
    read, even if items were rejected; non-zero with a one-line reason when it cannot be read.
    """
    require_schema()
    user = db.session.scalars(select(User).where(User.email == normalise_email(monitor))).first()
    if user is None or user.role not in ("monitor", "admin") or not user.is_active:
        fail(f"No active monitor or admin with the e-mail {monitor}")
    data = _read(file)
    try:
        parsed = parse_upload(data, file.name, fmt)
    except DomainError as exc:
        fail(f"Cannot import {file}: {domain_error_message(exc)}")
        return
    click.echo(f"{len(parsed.items)} items ({parsed.format}, {parsed.encoding})", err=True)

    def progress(done: int, total: int) -> None:
        click.echo(f"\r{done}/{total} articles", err=True, nl=done == total)

    # committed per chunk, each analysed before its short write transaction: on SQLite the import
    # never holds the write lock for long, so the web app keeps taking submissions meanwhile
    report = ingest_in_chunks(parsed.items, uploader=user, source=f"cli:{parsed.format}", progress=progress)
    if as_json:
        click.echo(json.dumps({"items": [r.as_dict() for r in report.items], "counts": report.counts},
                              ensure_ascii=False))
    else:
        for line in report_lines(report):
            click.echo(line)
    sys.stdout.flush()
