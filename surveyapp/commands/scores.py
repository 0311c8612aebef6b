from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from models import db

from ..services.errors import DomainError
from . import domain_error_message, fail, require_schema


@click.group("scores")
def scores_group() -> None:
    """Published scores (snapshots)."""


@scores_group.command("compute")
@click.option("--period", "periods", multiple=True, help="Only this period (repeatable); default all.")
@click.option("--weights", default=None,
              help='Criterion weights as JSON, e.g. {"transparency": 2, "usefulness": 1, "trust_index": 1, "project_assessment": 1}.')
@click.option("--trim", type=click.FloatRange(min=1, min_open=True), default=None, metavar="FACTOR",
              help="Cap raking weights at FACTOR x their region-period mean weight (e.g. 5), re-raking so "
                   "the population margins still hold; default untrimmed.")
@with_appcontext
def compute_command(periods: tuple[str, ...], weights: str | None, trim: float | None) -> None:
    """Recompute snapshots and alerts in one transaction (idempotent)."""
    from ..services.scores import compute_scores  # pandas and analysis load only when needed

    require_schema()

    parsed = None
    if weights:
        try:
            parsed = json.loads(weights)
            if not isinstance(parsed, dict) or not all(isinstance(v, (int, float)) for v in parsed.values()):
                raise ValueError
        except ValueError:
            fail('--weights must be a JSON object of numbers, e.g. {"trust_index": 2}')
    try:
        run = compute_scores(periods=list(periods) or None, weights=parsed, trim=trim,
                             progress=lambda msg: click.echo(f"… {msg}", err=True))
    except (DomainError, ValueError) as exc:
        db.session.rollback()
        fail(domain_error_message(exc) if isinstance(exc, DomainError) else str(exc))
        return
    db.session.commit()
    click.echo(f"Scores for {', '.join(run.periods) or 'no period'}: {run.snapshots} snapshots "
               f"({run.suppressed} suppressed), {run.alerts} alerts; {run.respondents} responses weighted "
               f"(design effect by period: "
               + ", ".join(f"{p} {d:.2f}" for p, d in sorted(run.deff.items())) + "); excluded: "
               + ", ".join(f"{k} {v}" for k, v in sorted(run.excluded.items()))
               + (f"; weights trimmed at {run.trim:g}x the region-period mean: {run.trimmed} capped"
                  if run.trim is not None else "")
               + ("; region-periods raked to fewer margins (too few respondents for all three): "
                  + ", ".join(f"{k} {v}" for k, v in run.collapsed.items()) if run.collapsed else ""))
