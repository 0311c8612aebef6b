"""CSV import of the NGO registry (DESIGN.md §3 columns). Flushes; the caller commits.

Reading: UTF-8 (with or without BOM) is tried strictly first, then UTF-16 with a BOM, then
Windows-1251 when the decoded text looks like Cyrillic/Latin prose (see ``_plausible_cp1251``);
anything else is refused rather than stored as mojibake. The delimiter (``,`` ``;`` or tab, or an
Excel ``sep=`` first line) is the one that splits the header into the most known column names.
Each row is written inside its own SAVEPOINT, so a bad row never blocks or half-writes another.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import insert
from sqlalchemy.exc import SQLAlchemyError

from models import NGO, AuditLog, NGOAlias, Region, db

from .errors import ValidationError
from .ngos import DuplicateIndex, NGOInput, alias_kinds, clean_ngo_input, ngo_columns
from .regions import regions_by_code

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
COLUMNS = ("name_en", "name_ru", "name_kk", "aliases", "bin", "sector", "region")
#: Accepted beyond the contract's columns; ``abbreviations`` like ``aliases``, separated by ``;``.
OPTIONAL_COLUMNS = ("abbreviations", "website", "description")
DELIMITERS = (",", ";", "\t")
_MAGIC = (
    (b"PK\x03\x04", "a ZIP archive or an Excel .xlsx workbook"), (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\xd0\xcf\x11\xe0", "an old Excel/Word document"), (b"%PDF", "a PDF document"),
    (b"\x7fELF", "a program"), (b"\x1f\x8b", "a gzip archive"), (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"), (b"\x89PNG", "an image"), (b"\xff\xd8\xff", "an image"),
    (b"GIF8", "an image"),
)
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_UTF8_SEQ = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_HIGH = re.compile(rb"[\x80-\xff]")
_WORD = re.compile(r"[^\W\d_]+")
_ABBREVIATION = re.compile(r"^[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ0-9&-]{2,12}$")
_NGOS, _ALIASES = NGO.__table__, NGOAlias.__table__
_INSERT_NGO = insert(_NGOS).returning(_NGOS.c.id)
_INSERT_ALIAS = insert(_ALIASES)


class ImportFileError(ValidationError):
    """The file as a whole cannot be read (size, type, encoding, header, row count); nothing written."""

    def __init__(self, message: str) -> None:
        super().__init__(message, {"file": message})


@dataclass
class RowResult:
    """One data row: its number in the file (the header is row 1), status, reason and NGO id."""

    row: int
    status: str  # imported | duplicate | rejected
    reason: str = ""
    ngo_id: int | None = None


@dataclass
class ImportReport:
    """The outcome of one import: a result per data row, counts per status, how the file was read."""

    rows: list[RowResult] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"imported": 0, "duplicate": 0, "rejected": 0})
    encoding: str = ""
    delimiter: str = ","
    ignored_columns: list[str] = field(default_factory=list)

    def add(self, result: RowResult) -> None:
        """Record one row's result and count it."""
        self.rows.append(result)
        self.counts[result.status] += 1

    @property
    def total(self) -> int:
        """Number of data rows read (blank lines are skipped)."""
        return len(self.rows)


def _refuse_binary(data: bytes) -> None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise ImportFileError(f"This is {what}, not a CSV file; save the sheet as CSV (UTF-8)")
    if data.startswith(b"MZ") and b"\x00" in data[:512]:
        raise ImportFileError("This is a Windows program, not a CSV file")
    sample = data[:65536]
    if data[:2] not in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) and \
            len(_CONTROL_BYTES.findall(sample)) > max(2, len(sample) // 50):
        raise ImportFileError("This is a binary file, not a CSV file")


def _plausible_cp1251(text: str) -> bool:
    """Windows-1251 decodes any bytes; accept only what reads like Russian/Kazakh/English text.

    Refused when over a fifth of the non-ASCII words mix Latin and Cyrillic letters (a Western
    8-bit file read as 1251: ``Mьller``) or switch from lower to upper case inside the word
    (KOI8-R read as 1251: ``пРИВЕТ``). Damaged UTF-8 never gets here (see ``decode_csv_bytes``).
    """
    words = [w for w in _WORD.findall(text) if not w.isascii()]
    if not words:
        return True
    mixed = sum(1 for w in words if any(c.isascii() for c in w))
    flipped = sum(1 for w in words if any(a.islower() and b.isupper() for a, b in zip(w, w[1:])))
    return mixed <= len(words) * 0.2 and flipped <= len(words) * 0.2


def decode_csv_bytes(data: bytes) -> tuple[str, str]:
    """(text, encoding name) for CSV bytes. Raises ImportFileError for empty, binary or unknown input."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    _refuse_binary(data)
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError as exc:
                raise ImportFileError(f"The file starts as {name} but byte {exc.start} is not valid; "
                                      "save it again as CSV (UTF-8)") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        high = len(_HIGH.findall(data))
        if sum(len(m) for m in _UTF8_SEQ.findall(data)) >= high * 0.5:
            raise ImportFileError(f"The file is almost UTF-8 but byte {exc.start} is not valid; "
                                  "it may be damaged or mix encodings") from None
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        text = ""
    if text and _plausible_cp1251(text):
        return text, "cp1251"
    raise ImportFileError("Cannot recognise the file's encoding (expected UTF-8 or Windows-1251); "
                          "save it as CSV (UTF-8)")


def _header_key(cell: str) -> str:
    return re.sub(r"[\s\-]+", "_", cell.replace("\ufeff", "").strip().lower())


def _records(text: str) -> tuple[list[list[str]], str, int]:
    """(records from the header on, delimiter, number of lines before the header)."""
    skipped, delimiter = 0, None
    first, _, rest = text.partition("\n")
    match = re.fullmatch(r"\s*sep=(.)\s*", first)
    if match and match.group(1) in DELIMITERS:
        text, delimiter, skipped = rest, match.group(1), 1
    header_line = next((line for line in text.splitlines() if line.strip()), "")
    if delimiter is None:
        def known(d: str) -> int:
            cells = next(csv.reader([header_line], delimiter=d), [])
            return sum(_header_key(c) in COLUMNS + OPTIONAL_COLUMNS for c in cells)
        delimiter = max(DELIMITERS, key=known)
    csv.field_size_limit(max(csv.field_size_limit(), MAX_BYTES + 1))
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)), delimiter, skipped
    except csv.Error as exc:
        raise ImportFileError(f"The file is not a readable CSV: {exc}") from None


def looks_like_abbreviation(alias: str) -> bool:
    """True for a short all-capitals token such as ``КНОК`` or ``CNOK`` (matched exactly in texts)."""
    return bool(_ABBREVIATION.match(alias)) and any(c.isalpha() for c in alias)


def _split(value: str | None) -> list[str]:
    return [part for part in (value or "").split(";") if part.strip()]


def _row_input(cells: dict[str, str]) -> NGOInput:
    aliases = _split(cells.get("aliases"))
    short = [a for a in aliases if looks_like_abbreviation(a.strip(" "))]
    return NGOInput(
        name_en=cells.get("name_en"), name_ru=cells.get("name_ru"), name_kk=cells.get("name_kk"),
        aliases=[a for a in aliases if a not in short], abbreviations=short + _split(cells.get("abbreviations")),
        bin=cells.get("bin"), sector=cells.get("sector"), region=cells.get("region"),
        website=cells.get("website"), description=cells.get("description"),
    )


def import_ngos_csv(data: bytes, *, user_id: int | None = None,
                    progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Import NGOs from CSV bytes; returns a per-row report and writes one ``ngo.import`` audit row.

    Rows are ``imported``, ``duplicate`` (same BIN or normalised name as an NGO in the registry or
    an earlier row, which the reason names) or ``rejected`` (the reason says why). Aliases in the
    ``aliases`` cell are separated by ``;``; short all-capital ones (``КНОК``) are stored as
    abbreviations. ``progress(done, total)`` is called now and then. Raises ImportFileError when
    the file cannot be read at all (too large, binary, unknown encoding, no usable header, empty,
    more than MAX_ROWS rows); nothing is written then.
    """
    text, encoding = decode_csv_bytes(data)
    if not text.strip():
        raise ImportFileError("The file is empty")
    records, delimiter, skipped = _records(text)
    start = next((i for i, r in enumerate(records) if any(c.strip() for c in r)), len(records))
    header = [_header_key(c) for c in records[start]] if start < len(records) else []
    if not set(header) & {"name_en", "name_ru", "name_kk"}:
        raise ImportFileError("No usable header: the first row must name the columns, with at least one "
                              "of name_en, name_ru, name_kk")
    twice = sorted({h for h in header if h and header.count(h) > 1})
    if twice:
        raise ImportFileError(f"Column {twice[0]} appears more than once in the header")
    body = [(skipped + start + 2 + i, r) for i, r in enumerate(records[start + 1:]) if any(c.strip() for c in r)]
    if len(body) > MAX_ROWS:
        raise ImportFileError(f"The file has {len(body)} rows; at most {MAX_ROWS} can be imported at once")
    report = ImportReport(encoding=encoding, delimiter=delimiter,
                          ignored_columns=[h for h in header if h and h not in COLUMNS + OPTIONAL_COLUMNS])
    # The audit row is written first: its INSERT opens the real transaction, so that the per-row
    # SAVEPOINTs nest inside it. (pysqlite begins a transaction lazily, before the first write; a
    # SAVEPOINT issued before that would itself be the outermost transaction, committed on RELEASE.)
    audit = AuditLog(user_id=user_id, action="ngo.import", object_type="ngo", detail={})
    db.session.add(audit)
    db.session.flush()
    regions, index = regions_by_code(), DuplicateIndex.from_db()
    row_of: dict[int, int] = {}
    for done, (number, cells) in enumerate(body, start=1):
        report.add(_import_row(number, header, cells, regions, index, row_of))
        if progress and (done % 500 == 0 or done == len(body)):
            progress(done, len(body))
    audit.detail = {
        "encoding": encoding, "delimiter": delimiter, "counts": dict(report.counts),
        "ignored_columns": report.ignored_columns,
        "imported_ids": [r.ngo_id for r in report.rows if r.status == "imported"],
    }
    db.session.flush()
    return report


def _import_row(number: int, header: list[str], cells: list[str], regions: dict[str, Region], index: DuplicateIndex,
                row_of: dict[int, int]) -> RowResult:
    extra = [c for c in cells[len(header):] if c.strip()]
    if extra:
        return RowResult(number, "rejected", f"the row has {len(cells)} cells but the header has {len(header)} "
                                             "(an unquoted delimiter inside a value?)")
    try:
        clean = clean_ngo_input(_row_input(dict(zip(header, cells))), regions=regions)
    except ValidationError as exc:
        return RowResult(number, "rejected", "; ".join(f"{k}: {v}" for k, v in exc.fields.items()) or exc.message)
    hit = index.find(clean)
    if hit is not None:
        field_name, (ngo_id, label) = hit
        what = "BIN" if field_name == "bin" else f"name ({field_name})"
        where = f"row {row_of[ngo_id]} (NGO #{ngo_id})" if ngo_id in row_of else f"NGO #{ngo_id} {label}"
        return RowResult(number, "duplicate", f"same {what} as {where}", ngo_id)
    try:
        with db.session.begin_nested():  # Core inserts of cached statements: far cheaper than ORM flushes
            ngo_id = db.session.execute(_INSERT_NGO, ngo_columns(clean)).scalar_one()
            aliases = [{"ngo_id": ngo_id, "alias": a, "kind": k} for a, k in alias_kinds(clean).items()]
            if aliases:
                db.session.execute(_INSERT_ALIAS, aliases)
    except SQLAlchemyError as exc:  # a database refusal (e.g. a concurrent insert) rejects this row only
        reason = type(getattr(exc, "orig", None) or exc).__name__
        return RowResult(number, "rejected", f"the database refused the row ({reason})")
    names = clean.names
    index.add(clean.bin, names.values(), (ngo_id, names["name_en"] or names["name_ru"] or names["name_kk"] or ""))
    row_of[ngo_id] = number
    return RowResult(number, "imported", "", ngo_id)
