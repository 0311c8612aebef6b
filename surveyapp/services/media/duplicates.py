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
from dataclasses import replace

from sqlalchemy import select

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
        if not dates:
            return
        lo = min(dates) - dt.timedelta(days=WINDOW_DAYS)
        hi = max(dates) + dt.timedelta(days=WINDOW_DAYS)
        rows = db.session.execute(
            select(Article.id, Article.body, Article.url, Article.published_on, Article.duplicate_group_id)
            .where(Article.published_on.between(lo, hi)).order_by(Article.id)
        ).yield_per(500)
        for article_id, body, url, published, group in rows:
            group = group or article_id
            self.groups[article_id] = group
            self.index.add(fingerprint(article_id, body, url=url, published=published, group_id=group))

    def group_of(self, fp: Fingerprint, article_id: int, known_group: int | None = None) -> tuple[int | None, int | None]:
        """(group id, id of the article it duplicates) for a stored article with fingerprint ``fp``;
        ``known_group`` is a group found by other means (same content hash in the database)."""
        fp = replace(fp, article_id=article_id, group_id=known_group)
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
