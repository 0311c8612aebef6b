"""``senim tone train --data FILE.csv`` and ``senim tone evaluate --data FILE.csv``."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext

from models import db

from ..services.errors import DomainError
from ..services.media.tone import evaluate_stored, read_examples, train_and_store
from . import domain_error_message, fail, require_schema

MAX_BYTES = 200 * 1024 * 1024


@click.group("tone")
def tone_group() -> None:
    """The tone model (labelled CSV: text,target,label)."""


def _examples(path: Path | None) -> list:
    if path is None:
        return []
    try:
        if path.is_dir():
            fail(f"Cannot read {path}: it is a folder, not a file")
        if path.stat().st_size > MAX_BYTES:
            fail(f"Cannot read {path}: larger than {MAX_BYTES // (1024 * 1024)} MB")
        data = path.read_bytes()
    except FileNotFoundError:
        fail(f"Cannot read {path}: no such file")
    except OSError as exc:
        fail(f"Cannot read {path}: {exc.strerror or type(exc).__name__}")
    try:
        examples = read_examples(data)
    except DomainError as exc:
        fail(f"Cannot read {path}: {exc.message}")
    if not examples:
        fail(f"Cannot use {path}: it holds no labelled rows")
    return examples


@tone_group.command("train")
@click.option("--data", "data", type=click.Path(path_type=Path), default=None,
              help="Labelled CSV (text,target,label) imported as gold data before training.")
@with_appcontext
def train_command(data: Path | None) -> None:
    """Train the tone model on the stored examples (monitors' corrections) plus --data, and store it."""
    require_schema()
    examples = _examples(data)
    click.echo(f"Training on {len(examples)} new and the stored examples …", err=True)
    try:
        result = train_and_store(examples)
    except DomainError as exc:
        db.session.rollback()
        fail(domain_error_message(exc))
        return
    db.session.commit()
    langs = ", ".join(f"{k} {v}" for k, v in sorted(result["languages"].items()))
    click.echo(f"Stored a tone model trained on {result['n_train']} examples ({langs}); "
               f"{result['added']} new examples imported.")


@tone_group.command("evaluate")
@click.option("--data", "data", type=click.Path(path_type=Path), required=True,
              help="Labelled CSV (text,target,label) to score.")
@click.option("--lexicon-only", is_flag=True, help="Ignore the stored model (lexicon and VADER only).")
@with_appcontext
def evaluate_command(data: Path, lexicon_only: bool) -> None:
    """Print one JSON object: n, accuracy, macro_f1, per-label figures, confusion matrix."""
    if not lexicon_only:  # only the stored model is read from the database
        require_schema()
    examples = _examples(data)
    try:
        report = evaluate_stored(examples, use_model=not lexicon_only)
    except ValueError as exc:
        fail(f"Cannot evaluate: {exc}")
        return
    click.echo(json.dumps(report, ensure_ascii=False, sort_keys=True))
