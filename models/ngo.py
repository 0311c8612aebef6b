"""NGOs, their aliases, their projects and the analysts' transparency checklist."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, Numeric, String, Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Multilingual, db, in_list, utcnow

SECTORS = (
    "civil_society", "social_support", "health", "education", "youth", "children", "disability",
    "environment", "human_rights", "women", "elderly", "culture", "sport", "veterans",
    "local_development", "media", "other",
)
ALIAS_KINDS = ("name", "alias", "abbreviation")
FUNDING_SOURCES = ("state_social_order", "state_grant", "international", "private", "own", "other")
PROJECT_STATUSES = ("planned", "active", "completed", "cancelled")
CHECKLIST_ITEMS = (
    "annual_report", "audited_statements", "funding_sources", "governing_body", "state_contracts_published",
)


class NGO(Multilingual, db.Model):
    __tablename__ = "ngos"
    __table_args__ = (
        CheckConstraint(
            "coalesce(name_en, '') <> '' OR coalesce(name_ru, '') <> '' OR coalesce(name_kk, '') <> ''",
            name="has_name",
        ),
        CheckConstraint(in_list("sector", SECTORS), name="sector_valid"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name_en: Mapped[str | None] = mapped_column(String(300))
    name_ru: Mapped[str | None] = mapped_column(String(300))
    name_kk: Mapped[str | None] = mapped_column(String(300))
    #: Business identification number: 12 digits, unique when present.
    bin: Mapped[str | None] = mapped_column(String(12), unique=True)
    sector: Mapped[str] = mapped_column(String(32), default="other")
    #: Home region; None for a national organisation.
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    website: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    region = relationship("Region")
    aliases: Mapped[list["NGOAlias"]] = relationship(
        back_populates="ngo", cascade="all, delete-orphan", order_by="NGOAlias.id"
    )
    projects: Mapped[list["Project"]] = relationship(back_populates="ngo", cascade="all, delete-orphan")
    checklists: Mapped[list["TransparencyChecklist"]] = relationship(
        back_populates="ngo", cascade="all, delete-orphan"
    )

    @property
    def name(self) -> str:
        """The registry name: English, else Russian, else Kazakh."""
        return self.name_en or self.name_ru or self.name_kk or ""

    def display_name(self, lang: str | None) -> str:
        return self.text_in("name", lang)

    def __repr__(self) -> str:
        return f"<NGO {self.id} {self.name!r}>"


class NGOAlias(db.Model):
    """Another name of an NGO as the press writes it: short name, translation or abbreviation."""

    __tablename__ = "ngo_aliases"
    __table_args__ = (
        UniqueConstraint("ngo_id", "alias", name="uq_ngo_aliases_ngo_alias"),
        CheckConstraint(in_list("kind", ALIAS_KINDS), name="kind_valid"),
        CheckConstraint("language IS NULL OR language IN ('kk', 'ru', 'en')", name="language_valid"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ngo_id: Mapped[int] = mapped_column(ForeignKey("ngos.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(300))
    #: ``abbreviation`` aliases are matched exactly (never stemmed).
    kind: Mapped[str] = mapped_column(String(16), default="alias")
    language: Mapped[str | None] = mapped_column(String(2))

    ngo: Mapped[NGO] = relationship(back_populates="aliases")


class Project(Multilingual, db.Model):
    __tablename__ = "projects"
    __table_args__ = (
        CheckConstraint(in_list("funding_source", FUNDING_SOURCES), name="funding_source_valid"),
        CheckConstraint(in_list("status", PROJECT_STATUSES), name="status_valid"),
        CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="dates_ordered"),
        CheckConstraint("budget_kzt IS NULL OR budget_kzt >= 0", name="budget_nonnegative"),
        CheckConstraint(
            "coalesce(title_en, '') <> '' OR coalesce(title_ru, '') <> '' OR coalesce(title_kk, '') <> ''",
            name="has_title",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ngo_id: Mapped[int] = mapped_column(ForeignKey("ngos.id", ondelete="CASCADE"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    title_en: Mapped[str | None] = mapped_column(String(300))
    title_ru: Mapped[str | None] = mapped_column(String(300))
    title_kk: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    #: Reporting period label, e.g. ``2025`` or ``2025-H2``.
    period: Mapped[str] = mapped_column(String(16))
    starts_on: Mapped[dt.date | None] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    funding_source: Mapped[str] = mapped_column(String(24), default="other")
    #: Budget in tenge.
    budget_kzt: Mapped[float | None] = mapped_column(Numeric(16, 2))
    status: Mapped[str] = mapped_column(String(12), default="active")
    #: Whether citizens may vote on this project.
    voting_open: Mapped[bool] = mapped_column(Boolean, default=False)

    ngo: Mapped[NGO] = relationship(back_populates="projects")
    region = relationship("Region")


class TransparencyChecklist(db.Model):
    """Disclosure checklist kept by analysts for one NGO and period (criterion 1)."""

    __tablename__ = "transparency_checklists"
    __table_args__ = (UniqueConstraint("ngo_id", "period", name="uq_transparency_checklists_ngo_period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ngo_id: Mapped[int] = mapped_column(ForeignKey("ngos.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(16))
    annual_report: Mapped[bool] = mapped_column(Boolean, default=False)
    audited_statements: Mapped[bool] = mapped_column(Boolean, default=False)
    funding_sources: Mapped[bool] = mapped_column(Boolean, default=False)
    governing_body: Mapped[bool] = mapped_column(Boolean, default=False)
    state_contracts_published: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assessed_on: Mapped[dt.date | None] = mapped_column(Date)

    ngo: Mapped[NGO] = relationship(back_populates="checklists")

    @property
    def score(self) -> float:
        """Share of the five disclosure items met, 0..100."""
        met = sum(bool(getattr(self, item)) for item in CHECKLIST_ITEMS)
        return 100.0 * met / len(CHECKLIST_ITEMS)
