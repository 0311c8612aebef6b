from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask_migrate import upgrade

from models import db

from ..services.regions import load_regions


def init_schema() -> tuple[int, int]:
    """Run the migrations to the newest schema, load the regions and commit; returns the regions
    (created, updated)."""
    upgrade()
    created, updated = load_regions()
    db.session.commit()
    return created, updated


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the database schema and load the 20 regions of Kazakhstan."""
    created, updated = init_schema()
    click.echo(f"Schema is up to date; regions: {created} created, {updated} updated.")
