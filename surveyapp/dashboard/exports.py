"""CSV and XLSX writers for dashboard tables, safe against formula injection.

Any text cell — headers included — that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return gets a leading apostrophe, so a spreadsheet shows it as text instead of running it. Numbers
are written as numbers (a negative net score is not a formula). Control characters a spreadsheet
cannot hold are replaced with U+FFFD.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

from flask import Response
from openpyxl import Workbook

from ..services.dashboard.tables import Table, with_quality

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
FORMATS = ("csv", "xlsx")


def safe_cell(value: Any) -> Any:
    """The value as written to a spreadsheet: neutralised text, numbers unchanged, None as blank."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    text = _ILLEGAL.sub("\ufffd", str(value))
    if text.startswith(DANGEROUS_START):
        return "'" + text
    return text


def _safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in row]


def to_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark (spreadsheets then read Cyrillic correctly), CRLF lines."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(_safe_row(table.headers))
    for row in table.rows:
        writer.writerow(_safe_row(row))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(table: Table) -> bytes:
    """One sheet: notes, a blank line, the header row, the rows."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=re.sub(r"[\[\]:*?/\\]", " ", table.title)[:31] or "Sheet")
    for note in table.notes:
        ws.append([safe_cell(note)])
    if table.notes:
        ws.append([])
    ws.append(_safe_row(table.headers))
    for row in table.rows:
        ws.append(_safe_row(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export_response(table: Table, fmt: str, filename: str) -> Response:
    """A download of ``table`` as ``fmt`` (``csv`` or ``xlsx``) named ``filename``.<fmt>, each line
    carrying its period's "indicative" label and count of excluded responses."""
    table = with_quality(table)
    safe_name = re.sub(r"[^A-Za-z0-9._-]", "_", filename)[:80] or "export"
    if fmt == "xlsx":
        body = to_xlsx(table)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = to_csv(table)
        mimetype = "text/csv; charset=utf-8"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{safe_name}.{fmt}"'
    return response
