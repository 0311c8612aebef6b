"""``senim ngo import FILE.csv``: load the NGO registry from a spreadsheet export."""
from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import click
from flask.cli import with_appcontext

from models import db

from ..services.errors import DomainError
from ..services.ngo_import import MAX_BYTES, ImportReport, import_ngos_csv
from . import fail, require_schema


@click.group("ngo")
def ngo_group() -> None:
    """The NGO registry."""


def read_file(path: Path) -> bytes:
    """The file's bytes, or exit non-zero with a one-line reason (missing, a folder, too large)."""
    try:
        if path.is_dir():
            reason = "it is a folder, not a file"
        elif path.stat().st_size > MAX_BYTES:
            reason = f"larger than {MAX_BYTES // (1024 * 1024)} MB"
        else:
            with path.open("rb") as fh:
                return fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        reason = "no such file"
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
    fail(f"Cannot read {path}: {reason}")
    return b""  # not reached: fail() raises


def printable(text: str) -> str:
    """Text safe for a terminal line: control and direction-override characters shown as escapes."""
    return "".join(c if unicodedata.category(c) not in ("Cc", "Cf") else c.encode("unicode_escape").decode()
                   for c in text)


def report_lines(report: ImportReport) -> list[str]:
    """The per-row table, the ignored columns and a summary line."""
    table = [("Row", "Status", "NGO", "Reason")]
    table += [(str(r.row), r.status, f"#{r.ngo_id}" if r.ngo_id else "", printable(r.reason)) for r in report.rows]
    widths = [max(len(row[i]) for row in table) for i in range(3)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row[:3], widths)) + "  " + row[3] for row in table]
    lines = [line.rstrip() for line in lines]
    if report.ignored_columns:
        lines.append("Ignored columns: " + ", ".join(printable(c) for c in report.ignored_columns))
    c = report.counts
    delimiter = {"\t": "tab"}.get(report.delimiter, report.delimiter)
    lines.append(f"{report.total} rows: {c['imported']} imported, {c['duplicate']} duplicate, "
                 f"{c['rejected']} rejected (encoding {report.encoding}, delimiter {delimiter}).")
    return lines


def _progress(done: int, total: int) -> None:
    click.echo(f"\r{done}/{total} rows", err=True, nl=done == total)


@ngo_group.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and print the report without saving anything.")
@with_appcontext
def import_command(file: Path, dry_run: bool) -> None:
    """Import NGOs from FILE.csv (name_en, name_ru, name_kk, aliases, bin, sector, region).

    Prints a row-by-row report. Exits 0 when the file was read, even if rows were rejected;
    non-zero with a one-line reason when the file cannot be read at all.
    """
    require_schema()
    data = read_file(file)
    show_progress = sys.stderr is not None and sys.stderr.isatty()
    try:
        report = import_ngos_csv(data, progress=_progress if show_progress else None)
    except DomainError as exc:
        db.session.rollback()
        fail(f"Cannot import {file}: {exc.message}")
        return
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    for line in report_lines(report):
        click.echo(line)
    if dry_run:
        click.echo("Dry run: nothing was saved.")
