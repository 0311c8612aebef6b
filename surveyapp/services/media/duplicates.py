"""Duplicate detection for one upload batch (policy in ``ingest``): the same URL is the same
article; otherwise the same content, or word 3-gram cosine ≥ 0.5 within ±7 days, is a syndicated
copy that joins the earlier article's duplicate group.

The batch keeps an in-memory :class:`~analysis.text.DuplicateIndex` of the articles already stored
within the batch's dates ±7 days (their fingerprints recomputed from the stored bodies) and of
the articles stored by the batch, so each new article is compared with candidates sharing shingles
only.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from sqlalchemy import func, select

from analysis.text import DuplicateIndex, Fingerprint, fingerprint, normalise_url
from analysis.text.dedup import WINDOW_DAYS
from models import Article, db


def url_hash(url: str | None) -> str | None:
    """SHA-256 (hex) of the normalised URL, or ``None`` without a usable URL."""
    key = normalise_url(url)
    return hashlib.sha256(key.encode("utf-8")).hexdigest() if key else None


class BatchDuplicates:
    """The duplicate index of one batch. :meth:`group_of` answers which group a newly stored
    article joins (``None``: it starts its own)."""

    def __init__(self, dates: list[dt.date]) -> None:
        self.index = DuplicateIndex()
        self.groups: dict[int, int] = {}
        self.window: tuple[dt.date, dt.date] | None = None
        #: the highest article id read so far (refresh reads the ones above it)
        self.seen = 0
        if not dates:
            return
        self.window = (min(dates) - dt.timedelta(days=WINDOW_DAYS), max(dates) + dt.timedelta(days=WINDOW_DAYS))
        self.seen = db.session.scalar(select(func.max(Article.id))) or 0
        self._read(Article.id <= self.seen)

    def _read(self, *where: Any) -> None:
        if self.window is None:  # no dated articles in the batch: nothing to compare against
            return
        rows = db.session.execute(
            select(Article.id, Article.body, Article.url, Article.published_on, Article.duplicate_group_id)
            .where(Article.published_on.between(*self.window), *where).order_by(Article.id)
        ).yield_per(500)
        for article_id, body, url, published, group in rows:
            group = group or article_id
            self.groups[article_id] = group
            self.index.add(fingerprint(article_id, body, url=url, published=published, group_id=group))

    def refresh(self) -> None:
        """Index the articles in the window that others stored since the index was read (a
        concurrent upload), so near-duplicates across uploads are still found. Reads only."""
        if self.window is None:
            return
        new = list(db.session.scalars(select(Article.id).where(Article.id > self.seen)))
        if not new:
            return
        self.seen = max(new)
        others = [i for i in new if i not in self.groups]
        for start in range(0, len(others), 500):
            self._read(Article.id.in_(others[start:start + 500]))

    def group_of(self, fp: Fingerprint, article_id: int, known_group: int | None = None) -> tuple[int | None, int | None]:
        """(group id, id of the article it duplicates) for a stored article with fingerprint ``fp``;
        ``known_group`` is a group found by other means (same content hash in the database)."""
        fp = fp.relabelled(article_id, known_group)  # (replace() would build the shingle set)
        match = self.index.add(fp)
        if known_group is not None:
            self.groups[article_id] = known_group
            return known_group, known_group
        if match is None:
            self.groups[article_id] = article_id
            return None, None
        group = self.groups.get(match.article_id, match.group_id)  # the stored group wins
        self.groups[article_id] = group
        return group, match.article_id
