"""``ensure_schema``: refuse to work on a database that ``senim init`` has not (fully) set up."""
from __future__ import annotations

from sqlalchemy import inspect

from models import db

from .errors import ConflictError


def missing_tables() -> list[str]:
    """The models' tables absent from the database, sorted by name: one inspector call, no DDL.

    Leaves the session as it found it: when no transaction was open, the one the inspection began
    is ended (rolled back; it only read), so no read snapshot is held on (SQLite WAL) and a later
    ``database.begin_write`` or ``write_transaction`` still starts its writer as it would have.
    """
    session = db.session()
    had_transaction = session.in_transaction()
    try:
        present = set(inspect(session.connection()).get_table_names())
    finally:
        if not had_transaction:
            session.rollback()
    return sorted({table.name for table in db.metadata.tables.values()} - present)


def ensure_schema() -> None:
    """Raise ConflictError when a table of the models is missing: the schema was never created
    (no ``senim init`` yet) or is at an older migration. Reads only; writes nothing."""
    missing = missing_tables()
    if missing:
        raise ConflictError(f"The database schema is missing or outdated (no table {missing[0]}); "
                            "run `senim init` first")
