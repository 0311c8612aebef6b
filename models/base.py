"""Declarative base, naming convention and small shared column helpers.

Every constraint gets a stable name from ``NAMING_CONVENTION`` so that migrations can
refer to it on SQLite and PostgreSQL alike.
"""
from __future__ import annotations

import datetime as dt
import uuid

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

LANGUAGES: tuple[str, ...] = ("kk", "ru", "en")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


def utcnow() -> dt.datetime:
    """Current time in UTC, timezone-aware (used only for staff-side records)."""
    return dt.datetime.now(dt.timezone.utc)


def new_uuid() -> uuid.UUID:
    return uuid.uuid4()


def in_list(column: str, values: tuple[str, ...] | list[str]) -> str:
    """SQL text for a CHECK that ``column`` is one of ``values`` (values are our own literals)."""
    quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"{column} IN ({quoted})"


class Multilingual:
    """Mixin helpers for models with ``<field>_kk``, ``<field>_ru`` and ``<field>_en`` columns."""

    def text_in(self, field: str, lang: str | None, fallback: tuple[str, ...] = ("en", "ru", "kk")) -> str:
        """Return ``field`` in ``lang``, else the first non-empty language of ``fallback``."""
        order = ([lang] if lang else []) + [x for x in fallback if x != lang]
        for code in order:
            value = getattr(self, f"{field}_{code}", None)
            if value:
                return value
        return ""
