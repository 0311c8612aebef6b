"""The tone model: trained from ToneExample rows (monitors' corrections and imported gold data),
stored in the ``settings`` table (so every worker on every host sees it), evaluated on labelled CSV.

Storage: ``tone_model`` = ``{"b64": <model bytes, base64>, "mac": <HMAC-SHA256 under a key derived
from SECRET_KEY>}`` (a model whose MAC does not match is never unpickled) and ``tone_model.version`` =
``{"sha256", "n_train", "languages", "trained_at"}``; workers reload the model when the version
changes (see ``registry``).
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
from typing import Any

from sqlalchemy import select

from analysis.text import LabelledDataError, LabelledExample, load_labelled_csv
from analysis.text.labelled import locate_target
from models import AuditLog, Setting, ToneExample, db

from ..errors import ValidationError
from .registry import MODEL_KEY, MODEL_VERSION_KEY, model_mac, stored_model_bytes


def read_examples(data: bytes) -> list[LabelledExample]:
    """Examples from labelled CSV bytes (``text,target,label``). Raises ValidationError naming the
    row for a bad file."""
    try:
        return load_labelled_csv(data)
    except LabelledDataError as exc:
        raise ValidationError(str(exc), {"data": str(exc)}) from None


def import_examples(examples: list[LabelledExample]) -> int:
    """Store gold examples as ToneExample rows (source ``import``); an existing text and target
    keeps its row (a person's correction is not overwritten). Returns how many were added."""
    seen = {(h, t) for h, t in db.session.execute(select(ToneExample.text_hash, ToneExample.target))}
    added = 0
    for ex in examples:
        key = (hashlib.sha256(ex.text.encode("utf-8")).hexdigest(), ex.target[:300])
        if key in seen:
            continue
        seen.add(key)
        db.session.add(ToneExample(text=ex.text, text_hash=key[0], target=key[1], label=ex.label,
                                   language=ex.language, source="import"))
        added += 1
    db.session.flush()
    return added


def stored_examples() -> list[LabelledExample]:
    """Every ToneExample row as a labelled example (rows whose target is no longer found are skipped)."""
    out = []
    for row in db.session.scalars(select(ToneExample).order_by(ToneExample.id)):
        span = locate_target(row.text, row.target) if row.target else None
        if row.target and span is None:
            continue
        out.append(LabelledExample(row.text, row.target, row.label, *(span or (None, None)), language=row.language))
    return out


def train_and_store(extra: list[LabelledExample] | None = None, *, user_id: int | None = None) -> dict[str, Any]:
    """Import ``extra`` gold examples, train on every stored example and store the model.
    Returns ``{n_train, added, languages, sha256}``. Raises ValidationError when there are too
    few examples or only one label."""
    from analysis.text import train

    added = import_examples(extra or [])
    examples = stored_examples()
    try:
        model = train(examples)
    except ValueError as exc:
        raise ValidationError(f"Cannot train the tone model: {exc}", {"data": str(exc)}) from None
    blob = model.to_bytes()
    digest = hashlib.sha256(blob).hexdigest()
    version = {"sha256": digest, "n_train": model.n_train, "languages": dict(model.languages),
               "trained_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    stored = {"b64": base64.b64encode(blob).decode("ascii"), "mac": model_mac(blob)}
    for key, value in ((MODEL_KEY, stored), (MODEL_VERSION_KEY, version)):
        row = db.session.get(Setting, key)
        if row is None:
            db.session.add(Setting(key=key, value=value))
        else:
            row.value = value
    db.session.add(AuditLog(user_id=user_id, action="tone.train", object_type="setting", object_id=MODEL_KEY,
                            detail={k: v for k, v in version.items()} | {"added": added}))
    db.session.flush()
    return {"n_train": model.n_train, "added": added, "languages": dict(model.languages), "sha256": digest}


def evaluate_stored(examples: list[LabelledExample], *, use_model: bool = True) -> dict[str, Any]:
    """Accuracy, macro-F1 and per-label figures of the stored model (or, without one or with
    ``use_model=False``, of the lexicon and VADER alone) on ``examples``; ``model`` says which."""
    from analysis.text import evaluate

    blob = stored_model_bytes() if use_model else None
    report = evaluate(blob, examples)
    report["model"] = "trained" if blob else "lexicon"
    return report
