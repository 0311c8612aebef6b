"""Regions: Kazakhstan's 20 first-level units and their population margins for weighting."""
from __future__ import annotations

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Multilingual, db, in_list

REGION_KINDS = ("region", "city")
SEXES = ("female", "male")
AGE_GROUPS = ("18-29", "30-44", "45-59", "60+")
SETTLEMENTS = ("urban", "rural")


class Region(Multilingual, db.Model):
    __tablename__ = "regions"
    __table_args__ = (CheckConstraint(in_list("kind", REGION_KINDS), name="kind_valid"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: ISO 3166-2 code, numeric since late 2022, e.g. ``KZ-75`` for Almaty city.
    code: Mapped[str] = mapped_column(String(8), unique=True)
    #: Code used before the 2022 reform (``KZ-ALA``), or None for units created in 2022.
    code_pre2022: Mapped[str | None] = mapped_column(String(8))
    #: KATO (statistical classifier) prefix, two digits.
    kato: Mapped[str] = mapped_column(String(4))
    #: ``region`` (oblys) or ``city`` of republican significance.
    kind: Mapped[str] = mapped_column(String(8))
    name_en: Mapped[str] = mapped_column(String(120))
    name_ru: Mapped[str] = mapped_column(String(120))
    name_kk: Mapped[str] = mapped_column(String(120))
    #: Other spellings and former names in any language (list of strings), for the gazetteer.
    variants: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Administrative centre (English name) and its coordinates in decimal degrees.
    centre: Mapped[str] = mapped_column(String(80))
    centre_lat: Mapped[float] = mapped_column(Float)
    centre_lon: Mapped[float] = mapped_column(Float)
    #: Resident population (persons) and the date it refers to (ISO date string).
    population: Mapped[int] = mapped_column(Integer)
    population_date: Mapped[str] = mapped_column(String(10))
    #: Share of the population living in urban settlements, 0..1.
    urban_share: Mapped[float] = mapped_column(Float)
    #: Area in square kilometres.
    area_km2: Mapped[int] = mapped_column(Integer)

    margins: Mapped[list["RegionMargin"]] = relationship(
        back_populates="region", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def name(self) -> str:
        return self.name_en

    def __repr__(self) -> str:
        return f"<Region {self.code}>"


class RegionMargin(db.Model):
    """Adult population of one cell (sex × age group × settlement) of a region, for raking."""

    __tablename__ = "region_margins"
    __table_args__ = (
        UniqueConstraint("region_id", "sex", "age_group", "settlement", name="uq_region_margins_cell"),
        CheckConstraint(in_list("sex", SEXES), name="sex_valid"),
        CheckConstraint(in_list("age_group", AGE_GROUPS), name="age_group_valid"),
        CheckConstraint(in_list("settlement", SETTLEMENTS), name="settlement_valid"),
        CheckConstraint("population >= 0", name="population_nonnegative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"), index=True)
    sex: Mapped[str] = mapped_column(String(8))
    age_group: Mapped[str] = mapped_column(String(8))
    settlement: Mapped[str] = mapped_column(String(8))
    #: Persons aged 18+ in this cell.
    population: Mapped[int] = mapped_column(Integer)

    region: Mapped[Region] = relationship(back_populates="margins")
