"""``senim demo``: load the seeded synthetic demo dataset into an empty database."""
from __future__ import annotations

import math
import time

import click
from flask.cli import with_appcontext

from models import db

from ..services.demo import DEFAULT_SEED, MAX_SCALE, NotEmptyError, build_demo
from ..services.errors import DomainError
from ..services.schema import missing_tables
from . import domain_error_message, fail
from .core import init_schema


def parse_seed(text: str) -> int:
    """The seed as an integer from 0 to 2^63 - 1, or exit with a one-line reason."""
    try:
        seed = int(text.strip())
    except ValueError:
        seed = -1
    if not 0 <= seed < 2**63:
        fail(f"--seed must be a whole number from 0 to 2^63 - 1, got {text!r}")
    return seed


def parse_scale(text: str) -> float:
    """The scale as a number greater than 0 and at most 5, or exit with a one-line reason."""
    try:
        scale = float(text.strip())
    except ValueError:
        scale = math.nan
    if not (math.isfinite(scale) and 0 < scale <= MAX_SCALE):
        fail(f"--scale must be a number greater than 0 and at most {MAX_SCALE:g}, got {text!r}")
    return scale


def _blank_database() -> bool:
    """No table of the models exists yet (a new database): `senim demo` may set it up itself. A
    schema at an older migration is left to `senim init` (build_demo refuses it)."""
    return set(missing_tables()) == {table.name for table in db.metadata.tables.values()}


@click.command("demo")
@click.option("--seed", "seed_text", default=str(DEFAULT_SEED), show_default=True, metavar="N",
              help="Random seed; the same seed and scale give the same data.")
@click.option("--scale", "scale_text", default="1", show_default=True, metavar="X",
              help=f"Size relative to the default (about 30,000 responses); 0 < X <= {MAX_SCALE:g}.")
@click.option("--if-empty", "if_empty", is_flag=True,
              help="Exit successfully without loading anything when the database already holds data.")
@with_appcontext
def demo_command(seed_text: str, scale_text: str, if_empty: bool) -> None:
    """Fill an empty database with clearly labelled synthetic demo data (NGOs, surveys, articles)."""
    seed, scale = parse_seed(seed_text), parse_scale(scale_text)
    started = time.perf_counter()
    if _blank_database():
        init_schema()
        click.echo("The database had no Senim tables: created the schema and the 20 regions (as `senim init` does).")
    try:
        summary = build_demo(seed=seed, scale=scale, progress=click.echo)
    except NotEmptyError as exc:
        db.session.rollback()
        if if_empty:
            click.echo(f"{exc.message}: nothing loaded.")
            return
        fail(domain_error_message(exc))
        return
    except DomainError as exc:
        db.session.rollback()
        fail(domain_error_message(exc))
        return
    except Exception:
        db.session.rollback()
        raise
    db.session.commit()
    click.echo(
        f"Demo loaded in {time.perf_counter() - started:.1f} s: {summary.ngos} NGOs, {summary.projects} projects, "
        f"{summary.project_votes:,} project votes, {summary.surveys} surveys ({', '.join(summary.periods)}; "
        f"{summary.open_period} open), {summary.responses:,} responses, {summary.answers:,} answers, "
        f"{summary.articles:,} articles from {summary.outlets} outlets. All of it is synthetic and marked so."
    )
