from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask_migrate import upgrade

from models import db

from ..services.regions import load_regions


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the database schema and load the 20 regions of Kazakhstan."""
    upgrade()
    created, updated = load_regions()
    db.session.commit()
    click.echo(f"Schema is up to date; regions: {created} created, {updated} updated.")
