"""``ingest_articles``: store uploaded articles with their NGO and region mentions and tone.

Duplicate policy (DESIGN.md §5):

* **Same URL** (after normalisation) as an article already stored — by anyone — or, for items
  without a URL, the same title and text from the same outlet: an *exact re-upload*. Reported as
  ``duplicate`` with the existing article's id; nothing is stored, so reach is not counted twice.
* **Syndicated copy** (different URL or outlet, same content or word 3-gram cosine ≥ 0.5 within
  ±7 days): stored with status ``duplicate`` in the first article's duplicate group
  (``duplicate_group_id`` = that article's id), so coverage counts the story once while reach adds
  up across outlets. Tone corrections made on the group carry over to the new copy.

Every item is written inside its own SAVEPOINT: a bad item is reported ``rejected`` and never
blocks the others or leaves a half-written article. Flushes; the caller commits.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from analysis.text import analyse_article, content_hash
from models import Article, AuditLog, Mention, Outlet, User, db

from .duplicates import BatchDuplicates, url_hash
from .items import ArticleInput, ItemError, clean_item
from .parsing import ItemParseError
from .registry import Analysers, analysers
from .results import mention_results


@dataclass
class ItemResult:
    """The outcome for one item (DESIGN.md §3): ``ref`` says where it was in the upload."""

    ref: str
    status: str  # accepted | duplicate | rejected
    reason: str = ""
    id: int | None = None
    duplicate_of: int | None = None
    stored: bool = False
    language: str | None = None
    mentions: list[dict[str, Any]] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    field: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The JSON form of the result."""
        out = {"ref": self.ref, "id": self.id, "status": self.status, "reason": self.reason,
               "duplicate_of": self.duplicate_of, "stored": self.stored, "language": self.language,
               "mentions": self.mentions, "regions": self.regions}
        if self.field:
            out["field"] = self.field
        return out


@dataclass
class IngestReport:
    """Results in upload order and counts per status; ``audit_id`` is the upload's audit row."""

    items: list[ItemResult] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"accepted": 0, "duplicate": 0, "rejected": 0})
    audit_id: int | None = None

    def add(self, result: ItemResult) -> None:
        """Record one result."""
        self.items.append(result)
        self.counts[result.status] += 1


class _Outlets:
    def __init__(self) -> None:
        self.by_name = {o.name.casefold(): o for o in db.session.scalars(select(Outlet))}

    def get(self, name: str | None) -> Outlet | None:
        if not name:
            return None
        outlet = self.by_name.get(name.casefold())
        if outlet is None:
            with db.session.begin_nested():
                outlet = Outlet(name=name)
                db.session.add(outlet)
                db.session.flush()
            self.by_name[name.casefold()] = outlet
        return outlet


class BatchState:
    """What consecutive chunks of one large upload share (the duplicate index and outlets), so a
    background job can commit chunk by chunk without re-reading the database for each."""

    def __init__(self, published: list[dt.date]) -> None:
        self.duplicates = BatchDuplicates(published)
        self.outlets = _Outlets()


def ingest_articles(items: Iterable[tuple[str, Any]], *, uploader: User, source: str = "api",
                    progress: Callable[[int, int], None] | None = None, today: dt.date | None = None,
                    state: BatchState | None = None) -> IngestReport:
    """Validate, analyse and store articles uploaded by ``uploader``.

    ``items`` are (reference, raw mapping) pairs — a raw value may be an
    :class:`~.parsing.ItemParseError` for a row that could not be read. Returns a per-item report
    (accepted | duplicate | rejected, with the mentions found) and writes one ``article.upload``
    audit row. ``progress(done, total)`` is called every 50 items. ``state`` carries the duplicate
    index across chunks of one upload (see :class:`BatchState`). Raises nothing for bad items.
    """
    pending = list(items)
    # The audit row goes first: its INSERT opens the transaction the per-item SAVEPOINTs nest in.
    audit = AuditLog(user_id=uploader.id, action="article.upload", object_type="article", detail={"source": source})
    db.session.add(audit)
    db.session.flush()
    report = IngestReport(audit_id=audit.id)
    cleaned: list[tuple[str, ArticleInput | ItemError]] = []
    for ref, raw in pending:
        try:
            if isinstance(raw, ItemParseError):
                raise ItemError(raw.reason)
            cleaned.append((ref, clean_item(raw, today=today)))
        except ItemError as exc:
            cleaned.append((ref, exc))
    tools = analysers()
    if state is None:
        state = BatchState([c.published for _, c in cleaned if isinstance(c, ArticleInput)])
    dups, outlets = state.duplicates, state.outlets
    for done, (ref, item) in enumerate(cleaned, start=1):
        if isinstance(item, ItemError):
            report.add(ItemResult(ref, "rejected", item.reason, field=item.field))
        else:
            report.add(_ingest_one(ref, item, uploader, tools, dups, outlets))
        if progress and (done % 50 == 0 or done == len(cleaned)):
            progress(done, len(cleaned))
    audit.detail = {"source": source, "counts": dict(report.counts),
                    "article_ids": [r.id for r in report.items if r.stored][:10_000]}
    db.session.flush()
    return report


def _exact_copy(item: ArticleInput, u_hash: str | None, c_hash: str, outlet: Outlet | None) -> Article | None:
    if u_hash:
        query = select(Article).where(Article.url_hash == u_hash)
    else:
        query = select(Article).where(Article.content_hash == c_hash, Article.url_hash.is_(None),
                                      Article.outlet_id == (outlet.id if outlet else None))
    return db.session.scalars(query.order_by(Article.id).limit(1)).first()


def _ingest_one(ref: str, item: ArticleInput, uploader: User, tools: Analysers, dups: BatchDuplicates,
                outlets: _Outlets) -> ItemResult:
    try:
        outlet = outlets.get(item.outlet)
        u_hash = url_hash(item.url)
        c_hash = content_hash(f"{item.title}\n{item.text}")
        existing = _exact_copy(item, u_hash, c_hash, outlet)
        if existing is not None:
            why = "same URL" if u_hash else "same title, text and outlet"
            return ItemResult(ref, "duplicate", f"already uploaded ({why}) as article {existing.id}",
                              id=existing.id, duplicate_of=existing.id, language=existing.language)
        analysis = analyse_article(item.title, item.text, tools.index, tools.gazetteer, tools.scorer,
                                   url=item.url, published=item.published)
        first = db.session.execute(select(Article.id, Article.duplicate_group_id)
                                   .where(Article.content_hash == c_hash).order_by(Article.id).limit(1)).first()
        same = (first[1] or first[0]) if first else None
        with db.session.begin_nested():
            article = Article(outlet_id=outlet.id if outlet else None, uploaded_by_id=uploader.id, url=item.url,
                              url_hash=u_hash, title=item.title, body=item.text,
                              language=item.language or analysis.language, published_on=item.published,
                              content_hash=c_hash, status="accepted")
            db.session.add(article)
            db.session.flush()
            group, duplicate_of = dups.group_of(analysis.fingerprint, article.id, same)
            article.duplicate_group_id = group or article.id
            if group is not None:
                article.status = "duplicate"
            rows = _mention_rows(article, analysis.mentions, tools)
            if group is not None:
                _inherit_corrections(group, rows)
            db.session.add_all(rows)
            db.session.flush()
    except SQLAlchemyError as exc:
        return ItemResult(ref, "rejected", f"could not be stored ({type(exc).__name__})")
    status = "duplicate" if duplicate_of else "accepted"
    reason = f"syndicated copy of article {duplicate_of}" if duplicate_of else ""
    return ItemResult(ref, status, reason, id=article.id, duplicate_of=duplicate_of, stored=True,
                      language=article.language, mentions=mention_results(rows, tools.ngo_names),
                      regions=analysis.regions)


def _mention_rows(article: Article, mentions: list[Any], tools: Analysers) -> list[Mention]:
    rows = []
    for m in mentions:
        in_body = m.field == "text"
        common = dict(article_id=article.id, matched=m.matched[:300], sentence=m.sentence,
                      start=m.start if in_body else 0, end=m.end if in_body else 0, status="auto")
        if m.kind == "ngo" and m.ngo_id in tools.ngo_names:
            rows.append(Mention(ngo_id=m.ngo_id, tone=m.tone, label=m.label, tone_source=m.tone_source, **common))
        elif m.kind == "region" and m.region_code in tools.region_ids:
            rows.append(Mention(region_id=tools.region_ids[m.region_code], **common))
    return rows


def _inherit_corrections(group: int, rows: list[Mention]) -> None:
    corrected = db.session.execute(
        select(Mention.ngo_id, Mention.tone, Mention.label).join(Article)
        .where(Article.duplicate_group_id == group, Mention.tone_source == "person", Mention.ngo_id.is_not(None))
        .order_by(Mention.id)).all()
    by_ngo = {ngo_id: (tone, label) for ngo_id, tone, label in corrected}
    for row in rows:
        if row.ngo_id in by_ngo:
            row.tone, row.label = by_ngo[row.ngo_id]
            row.tone_source = "person"
