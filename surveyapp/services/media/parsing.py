"""Reading a bulk upload: CSV, JSON Lines, JSON or RSS/Atom bytes → raw items with a reference
(row, line or entry number) each. The file as a whole is refused (ImportFileError, nothing stored)
when it is too large, binary (ZIP, PE, images …), in an unknown encoding, or unreadable; a bad row
or line becomes a rejected item instead.

Encodings: as the NGO import (``decode_csv_bytes``): UTF-8 with or without BOM, UTF-16 with a
BOM, Windows-1251 when it reads like text. Files larger than that function's limit are judged by
their first megabyte (cut at a line end) and then decoded strictly as a whole.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..ngo_import import MAX_BYTES as DECODE_LIMIT
from ..ngo_import import ImportFileError, decode_csv_bytes
from .feeds import parse_feed

#: Largest bulk file (bytes); the web route raises its request limit to this much.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
#: Most items in one file.
MAX_ITEMS = 200_000
FIELDS = ("title", "text", "outlet", "url", "published", "language")
_ALIASES = {"body": "text", "date": "published", "link": "url", "source": "outlet", "lang": "language"}
FORMATS = ("csv", "jsonl", "json", "rss")


@dataclass
class ParsedFile:
    """The items of a file: ``items`` are (reference, raw mapping or an error message)."""

    format: str
    encoding: str = "utf-8"
    items: list[tuple[str, Any]] = field(default_factory=list)


class ItemParseError:
    """Placeholder for a row or line that could not be read; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding) of uploaded bytes; raises ImportFileError for binary or unknown input."""
    if len(data) <= DECODE_LIMIT:
        return decode_csv_bytes(data)
    head = data[:1024 * 1024]
    cut = head.rfind(b"\n")
    _, encoding = decode_csv_bytes(head[:cut + 1] if cut > 0 else head)
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"The file is not valid {encoding} at byte {exc.start}; "
                              "save it again as UTF-8") from None


def guess_format(data: bytes, filename: str | None = None) -> str:
    """csv | jsonl | json | rss, from the file's extension, else from its first characters."""
    ext = (filename or "").rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    by_ext = {"csv": "csv", "tsv": "csv", "txt": "csv", "jsonl": "jsonl", "ndjson": "jsonl", "json": "json",
              "xml": "rss", "rss": "rss", "atom": "rss"}
    start = data[:200].lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"<"):
        return "rss"
    if ext in by_ext:
        return by_ext[ext]
    if start.startswith(b"["):
        return "json"
    if start.startswith(b"{"):
        return "jsonl"
    return "csv"


def _key(cell: str) -> str:
    key = re.sub(r"[\s\-]+", "_", cell.replace("\ufeff", "").strip().lower())
    return _ALIASES.get(key, key)


def _csv_items(text: str) -> list[tuple[str, Any]]:
    header_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((",", ";", "\t"), key=lambda d: sum(_key(c) in FIELDS for c in next(
        csv.reader([header_line], delimiter=d), [])))
    csv.field_size_limit(max(csv.field_size_limit(), MAX_UPLOAD_BYTES + 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise ImportFileError(f"The file is not a readable CSV: {exc}") from None
    start = next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), len(rows))
    header = [_key(c) for c in rows[start]] if start < len(rows) else []
    if "text" not in header:
        raise ImportFileError("No usable header: the first row must name the columns "
                              "title, text, outlet, url, published (text is required)")
    out: list[tuple[str, Any]] = []
    for number, row in enumerate(rows[start + 1:], start=start + 2):
        if not any(c.strip() for c in row):
            continue
        if len(row) > len(header) and any(c.strip() for c in row[len(header):]):
            out.append((f"row {number}", ItemParseError(f"row has {len(row)} cells but the header {len(header)}")))
            continue
        out.append((f"row {number}", {h: c for h, c in zip(header, row) if h}))
    return out


def _json_items(text: str, lines: bool) -> list[tuple[str, Any]]:
    if lines:
        out: list[tuple[str, Any]] = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                out.append((f"line {number}", _normalise_keys(json.loads(line))))
            except (ValueError, RecursionError) as exc:
                out.append((f"line {number}", ItemParseError(f"not valid JSON: {str(exc)[:100]}")))
        return out
    try:
        data = json.loads(text)
    except RecursionError:
        raise ImportFileError("The JSON file is nested too deeply") from None
    except ValueError as exc:
        raise ImportFileError(f"The file is not valid JSON: {str(exc)[:120]}") from None
    if isinstance(data, dict):
        data = data.get("items", [data]) if isinstance(data.get("items"), list) else [data]
    if not isinstance(data, list):
        raise ImportFileError("The JSON file must hold an article object or a list of them")
    return [(f"item {n}", _normalise_keys(item)) for n, item in enumerate(data, start=1)]


def _normalise_keys(item: Any) -> Any:
    if not isinstance(item, dict):
        return item
    out: dict[str, Any] = {}
    for k, v in item.items():
        out.setdefault(_ALIASES.get(str(k).lower(), str(k).lower()), v)
    return out


def parse_upload(data: bytes, filename: str | None = None, fmt: str | None = None) -> ParsedFile:
    """Read a bulk upload. ``filename`` is used only for its extension (never as a path);
    ``fmt`` forces a format. Raises ImportFileError when the file as a whole cannot be read."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFileError(f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    if not data.strip():
        raise ImportFileError("The file is empty")
    fmt = fmt or guess_format(data, filename)
    if fmt == "rss":
        if data[:2] in (b"PK", b"MZ"):
            decode_text(data)  # refuses archives and programs with the usual message
        parsed = ParsedFile("rss", "xml", parse_feed(data))
    else:
        text, encoding = decode_text(data)
        text = text.lstrip("\ufeff")
        if fmt == "csv":
            parsed = ParsedFile("csv", encoding, _csv_items(text))
        else:
            parsed = ParsedFile(fmt, encoding, _json_items(text, lines=fmt == "jsonl"))
    if len(parsed.items) > MAX_ITEMS:
        raise ImportFileError(f"The file has {len(parsed.items):,} items; at most {MAX_ITEMS:,} at once")
    if not parsed.items:
        raise ImportFileError("The file holds no articles")
    return parsed
