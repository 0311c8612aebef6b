from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from models import db

from ..services.errors import DomainError
from ..services.users import create_user, issue_token
from . import domain_error_message, fail, require_schema


@click.group("user")
def user_group() -> None:
    """Staff accounts."""


def _read_password() -> str:
    if sys.stdin is not None and sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline() if sys.stdin is not None else ""
    return line.rstrip("\r\n")


@user_group.command("create")
@click.option("--email", required=True, help="Login e-mail.")
@click.option("--role", required=True, type=click.Choice(["admin", "monitor", "analyst"]))
@click.option("--name", "display_name", default=None, help="Display name.")
@click.option("--region", "regions", multiple=True, help="Limit an analyst to this region code (repeatable).")
@with_appcontext
def create_command(email: str, role: str, display_name: str | None, regions: tuple[str, ...]) -> None:
    """Create a user. The password is prompted for, or read from standard input when piped."""
    require_schema()  # before the password prompt
    password = _read_password()
    try:
        user = create_user(email, password, role, display_name=display_name, region_codes=list(regions))
    except DomainError as exc:
        db.session.rollback()
        fail(domain_error_message(exc))
        return
    db.session.commit()
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


@user_group.command("token")
@click.option("--email", required=True)
@with_appcontext
def token_command(email: str) -> None:
    """Print a new API bearer token for the user (shown once; only a hash is stored)."""
    require_schema()
    try:
        token = issue_token(email)
    except DomainError as exc:
        db.session.rollback()
        fail(domain_error_message(exc))
        return
    db.session.commit()
    click.echo(token)
