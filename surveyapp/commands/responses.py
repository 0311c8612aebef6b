"""``senim responses import FILE.csv --survey ID``: field interviews keyed in elsewhere."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from models import db

from ..services.errors import DomainError
from ..services.surveys.fieldimport import import_field_responses
from ..services.surveys.spec import get_survey, spec_of
from . import domain_error_message, fail, require_schema


@click.group("responses")
def responses_group() -> None:
    """Survey responses."""


@responses_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--survey", "survey_id", required=True, type=int, help="Survey id.")
@click.option("--quiet", is_flag=True, help="Print only the totals.")
@with_appcontext
def import_command(file: Path, survey_id: int, quiet: bool) -> None:
    """Import one respondent per CSV row (channel "field"); prints a per-row report.

    Columns: submission_id (optional), region, settlement, sex, age_group, language, date, then
    <code> per general question and <code>:<ngo_id> per NGO for per-NGO questions.
    """
    require_schema()
    try:
        spec = spec_of(get_survey(survey_id, public=False))
        data = file.read_bytes()
        report = import_field_responses(spec, data)
    except DomainError as exc:
        db.session.rollback()
        fail(domain_error_message(exc))
        return
    db.session.commit()
    if not quiet:
        for row in report.rows:
            line = f"row {row.row}: {row.status}"
            click.echo(line + (f" — {row.reason}" if row.reason else ""))
    c = report.counts
    click.echo(f"{c['imported']} imported, {c['duplicate']} duplicate, {c['rejected']} rejected "
               f"({report.encoding}).")
