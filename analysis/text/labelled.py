"""Labelled tone examples and the CSV they come in (DESIGN.md §3: columns ``text,target,label``).

``target`` is the organisation's name as it appears in ``text`` (found case-insensitively, first
occurrence); an empty target means the tone of the whole text. ``label`` is -1, 0 or 1.
"""
from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable
from dataclasses import dataclass

from .normalise import normalise

__all__ = ["LabelledExample", "LabelledDataError", "load_labelled_csv", "parse_labelled_rows", "locate_target"]

REQUIRED_COLUMNS = ("text", "target", "label")


class LabelledDataError(ValueError):
    """A bad labelled-data file or row; ``row`` (1-based data row, the header is row 0) and
    ``field`` name where, when known."""

    def __init__(self, message: str, *, row: int | None = None, field: str | None = None) -> None:
        where = "" if row is None else f"row {row}" + (f", field {field!r}" if field else "") + ": "
        super().__init__(where + message)
        self.row = row
        self.field = field


@dataclass(frozen=True)
class LabelledExample:
    """One example: ``label`` ∈ {-1, 0, 1}; ``start``/``end`` locate ``target`` in ``text``
    (``None`` for a whole-text example); ``language`` kk | ru | en or ``None`` (detected)."""

    text: str
    target: str
    label: int
    start: int | None = None
    end: int | None = None
    language: str | None = None


def locate_target(text: str, target: str) -> tuple[int, int] | None:
    """Offsets of the first occurrence of ``target`` in ``text``: exact, then case-insensitive,
    then after normalisation (quotes, dashes and ё ignored). ``None`` if absent."""
    if not target:
        return None
    i = text.find(target)
    if i < 0:
        i = text.lower().find(target.lower()) if len(text.lower()) == len(text) else -1
    if i >= 0:
        return i, i + len(target)
    norm_text, norm_target = normalise(text), " ".join(normalise(target).split())
    if not norm_target:
        return None
    collapsed = []
    positions = []
    prev_space = True
    for pos, ch in enumerate(norm_text):
        if ch == " ":
            if not prev_space:
                collapsed.append(" ")
                positions.append(pos)
            prev_space = True
        else:
            collapsed.append(ch)
            positions.append(pos)
            prev_space = False
    j = "".join(collapsed).find(norm_target)
    if j < 0:
        return None
    return positions[j], positions[j + len(norm_target) - 1] + 1


def parse_labelled_rows(rows: Iterable[dict[str, str | None]]) -> list[LabelledExample]:
    """Validate dict rows (as from ``csv.DictReader``) into examples. Raises
    :class:`LabelledDataError` naming the row and field for an empty text, a label that is not
    -1/0/1, or a target that does not occur in the text."""
    out: list[LabelledExample] = []
    for n, row in enumerate(rows, start=1):
        text = (row.get("text") or "").strip()
        target = (row.get("target") or "").strip()
        raw_label = (row.get("label") or "").strip()
        if not text:
            raise LabelledDataError("text is empty", row=n, field="text")
        try:
            value = float(raw_label)
        except ValueError:
            value = float("nan")
        if value not in (-1.0, 0.0, 1.0):
            raise LabelledDataError(f"label must be -1, 0 or 1, got {raw_label!r}", row=n, field="label")
        label = int(value)
        span = locate_target(text, target) if target else None
        if target and span is None:
            raise LabelledDataError(f"target {target!r} does not occur in the text", row=n, field="target")
        language = (row.get("language") or "").strip() or None
        out.append(LabelledExample(text, target, label, *(span or (None, None)), language=language))
    return out


def load_labelled_csv(source: str | os.PathLike[str] | bytes | io.TextIOBase) -> list[LabelledExample]:
    """Read labelled examples from a CSV path, raw bytes or an open text file (UTF-8; a BOM is
    tolerated; an optional ``language`` column is used when present).

    Raises :class:`LabelledDataError` for undecodable bytes, missing columns or a bad row (the
    message names the row and field), ``OSError`` if the path cannot be read.
    """
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as fh:
            data: bytes | str = fh.read()
    elif isinstance(source, (bytes, bytearray)):
        data = bytes(source)
    else:
        data = source.read()
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise LabelledDataError(f"the file is not UTF-8 text (byte {exc.start})") from None
    data = data.lstrip("\ufeff")
    if "\x00" in data:
        raise LabelledDataError("the file is not a text CSV (it contains NUL bytes)")
    reader = csv.DictReader(io.StringIO(data, newline=""))
    columns = [c.strip().lower() for c in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise LabelledDataError(f"missing column(s): {', '.join(missing)} (need text,target,label)", row=0)
    reader.fieldnames = columns
    try:
        return parse_labelled_rows(reader)
    except csv.Error as exc:
        raise LabelledDataError(f"malformed CSV: {exc}", row=reader.line_num) from None
