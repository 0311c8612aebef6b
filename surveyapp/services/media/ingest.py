"""``ingest_articles``: store uploaded articles with their NGO and region mentions and tone.

Duplicate policy (DESIGN.md §5):

* **Same URL** (after normalisation) as an article already stored — by anyone — or, for items
  without a URL, the same title and text from the same outlet: an *exact re-upload*. Reported as
  ``duplicate`` with the existing article's id; nothing is stored, so reach is not counted twice.
* **Syndicated copy** (different URL or outlet, same content or word 3-gram cosine ≥ 0.5 within
  ±7 days): stored with status ``duplicate`` in the first article's duplicate group
  (``duplicate_group_id`` = that article's id), so coverage counts the story once while reach adds
  up across outlets. Tone corrections made on the group carry over to the new copy.

Two phases, so that a large upload never holds SQLite's only write lock while it computes:
:func:`prepare_articles` validates and analyses (language, mentions, tone, fingerprints: the CPU
time) and only reads; :func:`store_articles` writes, and checks again what may have changed since
(the same URL or content stored meanwhile, by this upload or a concurrent one). Every item is
written inside its own SAVEPOINT: a bad item is reported ``rejected`` and never blocks the others
or leaves a half-written article; one that a database constraint refuses because a copy was
stored meanwhile is reported ``duplicate``. Flushes; the caller commits.
"""
from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from analysis.text import ArticleAnalysis, analyse_article, content_hash
from models import Article, AuditLog, Mention, Outlet, User, db

from .duplicates import BatchDuplicates, url_hash
from .items import ArticleInput, ItemError, clean_item
from .parsing import ItemParseError
from .registry import Analysers, analysers
from .results import mention_results

#: PostgreSQL advisory lock key ("SENIM-UP"): held by an upload's write phase until its commit.
UPLOAD_LOCK_KEY = 0x53454E494D5550


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


@dataclass
class PreparedItem:
    """One item after :func:`prepare_articles`: the validated article (or why it is rejected), its
    URL and content hashes, and its analysis (``None`` when it was already stored at that time)."""

    ref: str
    item: ArticleInput | ItemError
    url_hash: str | None = None
    content_hash: str = ""
    analysis: ArticleAnalysis | None = None


class _Outlets:
    """Outlet ids by case-folded name; outlets created since (by other uploads) are read on a miss."""

    def __init__(self) -> None:
        self.by_name: dict[str, int] = {}
        self.seen = 0
        self._read_new()

    def _read_new(self) -> None:
        for outlet_id, name in db.session.execute(select(Outlet.id, Outlet.name).where(Outlet.id > self.seen)
                                                  .order_by(Outlet.id)):
            self.by_name.setdefault(name.casefold(), outlet_id)
            self.seen = max(self.seen, outlet_id)

    def known(self, name: str | None) -> int | None:
        """The id of the outlet called ``name`` if it exists (reads only)."""
        if not name:
            return None
        if name.casefold() not in self.by_name:
            self._read_new()
        return self.by_name.get(name.casefold())

    def get(self, name: str | None) -> int | None:
        """The id of the outlet called ``name``, created (in a SAVEPOINT) when there is none."""
        outlet_id = self.known(name)
        if outlet_id is not None or not name:
            return outlet_id
        try:
            with db.session.begin_nested():
                outlet = Outlet(name=name)
                db.session.add(outlet)
                db.session.flush()
                outlet_id = outlet.id
        except IntegrityError:  # created meanwhile under exactly this name
            outlet_id = db.session.scalars(select(Outlet.id).where(Outlet.name == name)).one()
        self.by_name[name.casefold()] = outlet_id
        return outlet_id


class BatchState:
    """What consecutive chunks of one large upload share (the duplicate index and outlets), so a
    background job can commit chunk by chunk without re-reading the database for each. Reads only."""

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
    For large uploads on SQLite use :func:`~.chunks.ingest_in_chunks`, which runs the analysis
    outside the write transaction.
    """
    tools = analysers()
    prepared = prepare_articles(items, tools=tools, today=today, progress=progress,
                                outlets=state.outlets if state else None)
    if state is None:
        state = BatchState(published_dates(prepared))
    return store_articles(prepared, uploader=uploader, source=source, state=state, tools=tools)


def published_dates(prepared: Iterable[PreparedItem]) -> list[dt.date]:
    """The publication dates of the valid items (the window the duplicate index reads)."""
    return [p.item.published for p in prepared if isinstance(p.item, ArticleInput)]


def prepare_articles(items: Iterable[tuple[str, Any]], *, tools: Analysers, today: dt.date | None = None,
                     progress: Callable[[int, int], None] | None = None,
                     outlets: _Outlets | None = None) -> list[PreparedItem]:
    """Validate and analyse ``items`` ((reference, raw) pairs) for :func:`store_articles`.

    Reads only (is an exact copy already stored? then the analysis is skipped), so on SQLite it
    needs no write transaction. Between items the thread briefly yields the GIL, so request
    threads of a web worker running it as a background job are not starved. ``progress(done,
    total)`` is called every 50 items. Raises nothing for bad items.
    """
    pending = list(items)
    outlets = outlets or _Outlets()
    out: list[PreparedItem] = []
    for done, (ref, raw) in enumerate(pending, start=1):
        try:
            if isinstance(raw, ItemParseError):
                raise ItemError(raw.reason)
            item = clean_item(raw, today=today)
        except ItemError as exc:
            out.append(PreparedItem(ref, exc))
        else:
            u_hash, c_hash = url_hash(item.url), content_hash(f"{item.title}\n{item.text}")
            outlet_id = outlets.known(item.outlet)
            can_exist = bool(u_hash) or outlet_id is not None or not item.outlet
            stored = _exact_copy(u_hash, c_hash, outlet_id) if can_exist else None
            analysis = None if stored else _analyse(item, tools)
            out.append(PreparedItem(ref, item, u_hash, c_hash, analysis))
            time.sleep(0)
        if progress and (done % 50 == 0 or done == len(pending)):
            progress(done, len(pending))
    return out


def store_articles(prepared: list[PreparedItem], *, uploader: User, source: str, state: BatchState,
                   tools: Analysers, audit: AuditLog | None = None) -> IngestReport:
    """Store prepared items (SAVEPOINT each) and one ``article.upload`` audit row; flushes.

    Run it in the write transaction (``database.write_transaction`` on SQLite): the exact-copy and
    same-content checks are made again here, so a copy stored since :func:`prepare_articles` ran is
    reported ``duplicate``. On PostgreSQL a transaction-level advisory lock makes concurrent
    uploads take turns from here to their commit. ``audit``: an audit row written by an earlier
    call for the same upload, whose counts and article ids are extended instead of writing a new
    one. Raises nothing for bad items.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": UPLOAD_LOCK_KEY})
    if audit is None:
        # The audit row goes first: its INSERT opens the transaction the per-item SAVEPOINTs nest in.
        audit = AuditLog(user_id=uploader.id, action="article.upload", object_type="article",
                         detail={"source": source})
        db.session.add(audit)
        db.session.flush()
    earlier = dict(audit.detail or {})
    report = IngestReport(audit_id=audit.id)
    for p in prepared:
        if isinstance(p.item, ItemError):
            report.add(ItemResult(p.ref, "rejected", p.item.reason, field=p.item.field))
        else:
            report.add(_store_one(p, p.item, uploader, tools, state))
    counts = {k: v + earlier.get("counts", {}).get(k, 0) for k, v in report.counts.items()}
    ids = earlier.get("article_ids", []) + [r.id for r in report.items if r.stored]
    audit.detail = {"source": source, "counts": counts, "article_ids": ids[:10_000]}
    db.session.flush()
    return report


def _analyse(item: ArticleInput, tools: Analysers) -> ArticleAnalysis:
    return analyse_article(item.title, item.text, tools.index, tools.gazetteer, tools.scorer,
                           url=item.url, published=item.published)


def _exact_copy(u_hash: str | None, c_hash: str, outlet_id: int | None) -> tuple[int, str | None] | None:
    """(id, language) of the stored article an item would re-upload, or ``None``."""
    if u_hash:
        query = select(Article.id, Article.language).where(Article.url_hash == u_hash)
    else:
        query = select(Article.id, Article.language).where(
            Article.content_hash == c_hash, Article.url_hash.is_(None), Article.outlet_id == outlet_id)
    row = db.session.execute(query.order_by(Article.id).limit(1)).first()
    return (row[0], row[1]) if row else None


def _already(ref: str, u_hash: str | None, existing: tuple[int, str | None]) -> ItemResult:
    why = "same URL" if u_hash else "same title, text and outlet"
    return ItemResult(ref, "duplicate", f"already uploaded ({why}) as article {existing[0]}",
                      id=existing[0], duplicate_of=existing[0], language=existing[1])


def _store_one(p: PreparedItem, item: ArticleInput, uploader: User, tools: Analysers,
               state: BatchState) -> ItemResult:
    outlet_id = None
    try:
        outlet_id = state.outlets.get(item.outlet)
        existing = _exact_copy(p.url_hash, p.content_hash, outlet_id)
        if existing is not None:
            return _already(p.ref, p.url_hash, existing)
        analysis = p.analysis or _analyse(item, tools)  # the copy seen while preparing is gone (rare)
        first = db.session.execute(select(Article.id, Article.duplicate_group_id)
                                   .where(Article.content_hash == p.content_hash).order_by(Article.id).limit(1)).first()
        same = (first[1] or first[0]) if first else None
        with db.session.begin_nested():
            article = Article(outlet_id=outlet_id, uploaded_by_id=uploader.id, url=item.url,
                              url_hash=p.url_hash, title=item.title, body=item.text,
                              language=item.language or analysis.language, published_on=item.published,
                              content_hash=p.content_hash, status="accepted")
            db.session.add(article)
            db.session.flush()
            group, duplicate_of = state.duplicates.group_of(analysis.fingerprint, article.id, same)
            article.duplicate_group_id = group or article.id
            if group is not None:
                article.status = "duplicate"
            rows = _mention_rows(article, analysis.mentions, tools)
            if group is not None:
                _inherit_corrections(group, rows)
            db.session.add_all(rows)
            db.session.flush()
    except IntegrityError as exc:  # the database's constraints are the final word on a copy
        existing = _exact_copy(p.url_hash, p.content_hash, outlet_id)
        if existing is not None:
            return _already(p.ref, p.url_hash, existing)
        return ItemResult(p.ref, "rejected", f"could not be stored ({type(exc).__name__})")
    except SQLAlchemyError as exc:
        return ItemResult(p.ref, "rejected", f"could not be stored ({type(exc).__name__})")
    status = "duplicate" if duplicate_of else "accepted"
    reason = f"syndicated copy of article {duplicate_of}" if duplicate_of else ""
    return ItemResult(p.ref, status, reason, id=article.id, duplicate_of=duplicate_of, stored=True,
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
