"""Figures for the home page: open surveys and the size of the registry."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from models import NGO, Article, Region, Response, Setting, Survey, db


@dataclass(frozen=True)
class HomeOverview:
    open_surveys: list[Survey]
    ngo_count: int
    region_count: int
    response_count: int
    article_count: int
    demo: dict[str, Any] | None


def home_overview() -> HomeOverview:
    """Open surveys (newest first) and counts of NGOs, regions, responses and articles."""
    surveys = list(db.session.scalars(select(Survey).where(Survey.status == "open").order_by(Survey.id.desc())))
    demo = db.session.get(Setting, "demo")
    return HomeOverview(
        open_surveys=surveys,
        ngo_count=db.session.scalar(select(func.count()).select_from(NGO)) or 0,
        region_count=db.session.scalar(select(func.count()).select_from(Region)) or 0,
        response_count=db.session.scalar(select(func.count()).select_from(Response)) or 0,
        article_count=db.session.scalar(select(func.count()).select_from(Article)) or 0,
        demo=demo.value if demo else None,
    )
