"""An NGO's profile: the four criteria and the composite, trends, regions, media and projects."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Integer, cast, func, or_, select

from models import NGO, Article, Mention, Outlet, Project, ProjectVote, ScoreSnapshot, TransparencyChecklist, db
from models.ngo import CHECKLIST_ITEMS

from ..metrics import METRICS_BY_KEY
from .cells import EMPTY, Cell, SnapRow, group_cells, snapshot_columns, suppress_below
from .scope import Scope, get_ngo, visible_regions

CRITERIA = ("criterion_transparency", "criterion_usefulness", "criterion_trust", "criterion_projects")
COMPOSITE = "external_assessment"
TREND_METRICS = ("external_assessment", "trust_index", "awareness", "net_trust")
REGIONAL_METRICS = ("awareness", "trust_index", "net_trust", "external_assessment", "media_coverage")
MEDIA_METRICS = ("media_net_tone", "media_stories", "media_coverage")
TOP_ARTICLES = 10


@dataclass
class RegionLine:
    region_id: int
    code: str
    name: str
    cells: dict[str, Cell]


@dataclass
class ProjectLine:
    project: Project
    region_name: str
    votes: int | None
    rating: float | None
    support_share: float | None
    suppressed: bool


@dataclass
class NgoProfile:
    ngo: NGO
    name: str
    period: str
    periods: tuple[str, ...]
    prefer: str
    composite: Cell
    criteria: list[tuple[str, Cell]]
    trends: dict[str, list[Cell]]
    regions: list[RegionLine]
    media: dict[str, list[Cell]]
    articles: list[dict[str, Any]]
    projects: list[ProjectLine]
    checklists: list[TransparencyChecklist]
    checklist_items: tuple[str, ...] = field(default=CHECKLIST_ITEMS)


def ngo_profile(ngo_id: int, period: str | None, scope: Scope, lang: str | None,
                prefer: str = "shrunk") -> NgoProfile:
    """Everything the NGO page shows, limited to ``scope``'s regions (national rows always).

    ``period`` None means the latest period with snapshots for this NGO. Raises ``NotFoundError``
    for an unknown NGO and ``ValidationError`` for a period without data.
    """
    from flask_babel import gettext as _

    from ..errors import ValidationError

    ngo = get_ngo(ngo_id)
    stmt = snapshot_columns().where(ScoreSnapshot.ngo_id == ngo_id, ScoreSnapshot.segment == "all")
    if scope.region_ids is not None:
        stmt = stmt.where(or_(ScoreSnapshot.region_id.is_(None), ScoreSnapshot.region_id.in_(scope.region_ids)))
    rows = [SnapRow(*r) for r in db.session.execute(stmt)]
    periods = tuple(sorted({r.period for r in rows}))
    if period is None:
        period = periods[-1] if periods else ""
    elif period not in periods:
        raise ValidationError(_("No scores for this period."), {"period": _("Choose one of the listed periods.")})
    by_metric: dict[str, list[SnapRow]] = {}
    for r in rows:
        by_metric.setdefault(r.metric, []).append(r)

    def cells_of(metric: str, key: str = "ngo_region") -> dict[Any, Cell]:
        m = METRICS_BY_KEY.get(metric)
        return group_cells(m, by_metric.get(metric, []), prefer=prefer, key=key) if m else {}

    def national_series(metric: str) -> list[Cell]:
        m = METRICS_BY_KEY[metric]
        nat = [r for r in by_metric.get(metric, []) if r.region_id is None]
        cells = group_cells(m, nat, prefer=prefer, key="period")
        return [cells.get(p, EMPTY) for p in periods]

    def national(metric: str) -> Cell:
        m = METRICS_BY_KEY[metric]
        nat = [r for r in by_metric.get(metric, []) if r.region_id is None and r.period == period]
        return group_cells(m, nat, prefer=prefer).get((ngo_id, None), EMPTY)

    regional: dict[str, dict[Any, Cell]] = {}
    for metric in REGIONAL_METRICS:
        m = METRICS_BY_KEY[metric]
        regional[metric] = group_cells(m, [r for r in by_metric.get(metric, []) if r.period == period],
                                       prefer=prefer)
    regions = [RegionLine(reg.id, reg.code, reg.text_in("name", lang),
                          {m: regional[m].get((ngo_id, reg.id), EMPTY) for m in REGIONAL_METRICS})
               for reg in visible_regions(scope)]
    regions = [line for line in regions if any(c is not EMPTY for c in line.cells.values())]
    return NgoProfile(
        ngo=ngo, name=ngo.text_in("name", lang), period=period, periods=periods, prefer=prefer,
        composite=national(COMPOSITE), criteria=[(m, national(m)) for m in CRITERIA],
        trends={m: national_series(m) for m in TREND_METRICS}, regions=regions,
        media={m: national_series(m) for m in MEDIA_METRICS}, articles=top_articles(ngo_id),
        projects=project_lines(ngo_id, scope, lang), checklists=checklists(ngo_id))


def top_articles(ngo_id: int, limit: int = TOP_ARTICLES) -> list[dict[str, Any]]:
    """The NGO's most-read recent mentions (one per article), newest and widest reach first."""
    stmt = (select(Article.id, Article.title, Article.url, Article.published_on, Outlet.name, Outlet.reach,
                   func.avg(Mention.tone), func.count(Mention.id))
            .join(Mention, Mention.article_id == Article.id).outerjoin(Outlet, Outlet.id == Article.outlet_id)
            .where(Mention.ngo_id == ngo_id, Mention.status != "rejected", Article.status == "accepted")
            .group_by(Article.id, Article.title, Article.url, Article.published_on, Outlet.name, Outlet.reach)
            .order_by(Article.published_on.desc(), Outlet.reach.desc(), Article.id.desc()).limit(limit))
    return [{"id": a, "title": t, "url": u, "published_on": d, "outlet": o, "reach": r, "tone": tone,
             "mentions": n} for a, t, u, d, o, r, tone, n in db.session.execute(stmt)]


def project_lines(ngo_id: int, scope: Scope, lang: str | None) -> list[ProjectLine]:
    """The NGO's projects in scope with citizens' ratings (mean 1–5, support share); ratings
    from fewer than ``SENIM_SUPPRESS_BELOW`` votes are suppressed."""
    stmt = select(Project).where(Project.ngo_id == ngo_id).order_by(Project.period.desc(), Project.id)
    if scope.region_ids is not None:
        stmt = stmt.where(or_(Project.region_id.is_(None), Project.region_id.in_(scope.region_ids)))
    projects = list(db.session.scalars(stmt))
    if not projects:
        return []
    votes = {pid: (n, avg, sup) for pid, n, avg, sup in db.session.execute(
        select(ProjectVote.project_id, func.count(ProjectVote.id), func.avg(ProjectVote.rating),
               func.avg(cast(ProjectVote.support, Integer)))
        .where(ProjectVote.project_id.in_([p.id for p in projects])).group_by(ProjectVote.project_id))}
    names = {r.id: r.text_in("name", lang) for r in visible_regions(Scope(None))} if projects else {}
    limit = suppress_below()
    lines = []
    for p in projects:
        n, avg, sup = votes.get(p.id, (0, None, None))
        small = 0 < n < limit
        lines.append(ProjectLine(p, names.get(p.region_id, "") if p.region_id else "", None if small else n,
                                 None if small or avg is None else float(avg),
                                 None if small or sup is None else 100.0 * float(sup), small))
    return lines


def checklists(ngo_id: int) -> list[TransparencyChecklist]:
    """The disclosure checklists kept for the NGO, newest period first."""
    return list(db.session.scalars(select(TransparencyChecklist).where(TransparencyChecklist.ngo_id == ngo_id)
                                   .order_by(TransparencyChecklist.period.desc())))


def ngo_summary(ngo: NGO, lang: str | None) -> dict[str, Any]:
    """Registry facts for the API's ``GET /ngos/<id>``."""
    return {"id": ngo.id, "name": ngo.name, "name_en": ngo.name_en, "name_ru": ngo.name_ru,
            "name_kk": ngo.name_kk, "display_name": ngo.text_in("name", lang), "sector": ngo.sector,
            "bin": ngo.bin, "region": ngo.region.code if ngo.region_id and ngo.region else None,
            "website": ngo.website}
