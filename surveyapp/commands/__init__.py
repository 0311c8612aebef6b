"""CLI commands; each calls services and commits once, or exits non-zero with a one-line reason."""
from __future__ import annotations

import click

from ..services.errors import DomainError


def fail(message: str) -> None:
    """Exit with status 1 and a one-line reason on standard error."""
    raise click.ClickException(message.replace("\n", " "))


def require_schema() -> None:
    """Exit with status 1 and a one-line reason (run `senim init`) when the database lacks a table of
    the models; call it before a command reads or writes anything."""
    from models import db

    from ..services.schema import ensure_schema

    try:
        ensure_schema()
    except DomainError as exc:
        db.session.rollback()
        fail(domain_error_message(exc))


def domain_error_message(exc: DomainError) -> str:
    if exc.fields:
        details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
        return f"{exc.message} ({details})"
    return exc.message
