"""Audit trail of staff actions and small key/value settings."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, utcnow


class AuditLog(db.Model):
    """Who changed what. Staff actions only; never written for citizens' submissions."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: Dotted verb, e.g. ``ngo.create``, ``user.login_failed``.
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    #: Changed fields (old and new values) or other context.
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    user = relationship("User")


class Setting(db.Model):
    """Deployment-wide settings and facts, e.g. ``demo`` = description of loaded synthetic data."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
