"""Import of field interviews keyed in elsewhere (``senim responses import FILE.csv --survey ID``).

One row per respondent. Columns (header names, any order):

- ``submission_id`` — optional UUID; when absent, a stable one is derived from the survey and the
  row's content, so importing the same file twice does not count anyone twice;
- ``region`` (ISO code, e.g. ``KZ-55``; required), ``settlement``, ``sex``, ``age_group``,
  ``language`` (kk/ru/en; default: the survey's first language), ``date`` (ISO date of the interview;
  default: today);
- one column per general question, named by its code (``q_recommend``), and one per NGO for
  per-NGO questions: ``<code>:<ngo_id>`` (``aware:12``, ``trust:12``).

Cell values: scale points as digits, ``dk`` for "don't know" on 5-point scales; an empty cell means
"not asked / no answer"; ``yes``/``no`` (also ``1``/``0``, ``true``/``false``); an
option value; several option values separated by ``;``; free text as is.
Each row is validated like a web submission and written in its own SAVEPOINT: a bad row is
reported (``rejected`` with the reason) and never blocks the good ones.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from dataclasses import dataclass, field
from typing import Any

from models import AuditLog, db

from ..errors import DomainError, ValidationError
from ..ngo_import import decode_csv_bytes
from .spec import SurveySpec
from .submission import submit_response
from .validation import RawAnswer, SubmissionInput

FIXED_COLUMNS = ("submission_id", "region", "settlement", "sex", "age_group", "language", "date")
NAMESPACE = uuid.UUID("5d6c8a52-8f1e-4c55-9a43-2f3c0b7e6a11")
MAX_ROWS = 100_000
_YES = {"yes", "y", "1", "true", "да", "иә"}
_NO = {"no", "n", "0", "false", "нет", "жоқ"}


@dataclass
class RowReport:
    row: int
    status: str  # imported | duplicate | rejected
    reason: str = ""


@dataclass
class FieldImportReport:
    rows: list[RowReport] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"imported": 0, "duplicate": 0, "rejected": 0})
    encoding: str = ""

    def add(self, row: RowReport) -> None:
        self.rows.append(row)
        self.counts[row.status] += 1


def _cell_value(kind: str, text: str) -> Any:
    """A typed (JSON-like) value from a CSV cell; the validation that follows checks its range."""
    if kind in ("scale5", "scale10"):
        if kind == "scale5" and text.lower() in ("dk", "don't know", "-"):
            return None
        return int(text) if text.lstrip("-").isdigit() else text
    if kind == "yesno":
        low = text.lower()
        return True if low in _YES else False if low in _NO else text
    if kind == "multi":
        return [part.strip() for part in text.split(";") if part.strip()]
    return text


def _columns(spec: SurveySpec, header: list[str]) -> tuple[dict[int, tuple[int, int | None]], list[str]]:
    """Map column index → (question id, NGO id or None); plus the unknown column names."""
    by_code = {q.code: q for q in spec.questions}
    mapping: dict[int, tuple[int, int | None]] = {}
    unknown: list[str] = []
    for i, name in enumerate(header):
        if name in FIXED_COLUMNS:
            continue
        code, _, ngo = name.partition(":")
        question = by_code.get(code)
        if question is None or (question.per_ngo != bool(ngo)) or (ngo and not ngo.isdigit()):
            unknown.append(name)
            continue
        mapping[i] = (question.id, int(ngo) if ngo else None)
    return mapping, unknown


def _row_input(spec: SurveySpec, header: list[str], cells: list[str],
               mapping: dict[int, tuple[int, int | None]]) -> tuple[SubmissionInput, dt.date | None]:
    fixed = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header) if name in FIXED_COLUMNS}
    answers = []
    for i, (qid, ngo) in mapping.items():
        text = cells[i].strip() if i < len(cells) else ""
        kind = spec.by_id[qid].type
        if not text:
            continue
        answers.append(RawAnswer(question=qid, ngo=ngo, value=_cell_value(kind, text), where=header[i]))
    content = "\x1f".join(c.strip() for c in cells)
    raw_id = fixed.get("submission_id") or ""
    try:
        submission_id = uuid.UUID(raw_id) if raw_id else uuid.uuid5(NAMESPACE, f"{spec.id}\x1e{content}")
    except ValueError:
        raise ValidationError("Invalid submission_id", {"submission_id": "not a UUID"}) from None
    try:
        day = dt.date.fromisoformat(fixed["date"]) if fixed.get("date") else None
    except ValueError:
        raise ValidationError("Invalid date", {"date": "use an ISO date such as 2026-03-15"}) from None
    if day is not None and day > dt.date.today():
        raise ValidationError("Date in the future", {"date": "in the future"})
    return SubmissionInput(
        submission_id=submission_id, language=fixed.get("language") or spec.languages[0],
        region=fixed.get("region") or "", settlement=fixed.get("settlement") or None, sex=fixed.get("sex") or None,
        age_group=fixed.get("age_group") or None, answers=answers,
    ), day


def import_field_responses(spec: SurveySpec, data: bytes, *, actor_id: int | None = None) -> FieldImportReport:
    """Import field interviews into a survey (open or closed). Flushes; the caller commits.

    Raises ValidationError when the file as a whole is unusable (encoding, header, size).
    """
    if spec.status == "draft":
        raise ValidationError("The survey is a draft", {"survey": "open it first"})
    text, encoding = decode_csv_bytes(data)
    records = list(csv.reader(io.StringIO(text, newline="")))
    if not records:
        raise ValidationError("The file is empty", {"file": "empty"})
    header = [h.replace("\ufeff", "").strip() for h in records[0]]
    if "region" not in header:
        raise ValidationError("The file has no region column", {"file": "missing column region"})
    if len(records) - 1 > MAX_ROWS:
        raise ValidationError("Too many rows", {"file": f"at most {MAX_ROWS} rows"})
    mapping, unknown = _columns(spec, header)
    if unknown:
        raise ValidationError("Unknown columns", {"file": "unknown columns: " + ", ".join(unknown[:10])})
    report = FieldImportReport(encoding=encoding)
    for number, cells in enumerate(records[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        try:
            data_in, day = _row_input(spec, header, cells, mapping)
            result = submit_response(spec, data_in, channel="field", today=day, staff_import=True)
        except DomainError as exc:
            reason = "; ".join(f"{k}: {v}" for k, v in exc.fields.items()) or exc.message
            report.add(RowReport(number, "rejected", reason))
            continue
        report.add(RowReport(number, "imported" if result.created else "duplicate"))
    db.session.add(AuditLog(user_id=actor_id, action="survey.field_import", object_type="survey",
                            object_id=str(spec.id), detail=dict(report.counts)))
    db.session.flush()
    return report
