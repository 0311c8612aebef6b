"""The JSON shapes of articles and mentions (DESIGN.md §3), shared by the API, the CLI and pages."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from models import Article, Mention

from .registry import ngo_display_name


def in_title(mention: Mention) -> bool:
    """True for a mention found in the article's title: such mentions are stored with
    ``start == end == 0`` (the offsets columns refer to the body)."""
    return mention.start == mention.end == 0


def mention_results(rows: Iterable[Mention], names: dict[int, str] | None = None) -> list[dict[str, Any]]:
    """NGO mentions as ``{ngo_id, ngo, matched, sentence, tone, label}`` (plus ``id``, ``status``,
    ``tone_source`` and ``field`` title | text)."""
    out = []
    for m in rows:
        if m.ngo_id is None or m.status == "rejected":
            continue
        name = (names or {}).get(m.ngo_id) or (ngo_display_name(m.ngo) if m.ngo is not None else f"#{m.ngo_id}")
        out.append({"id": m.id, "ngo_id": m.ngo_id, "ngo": name, "matched": m.matched, "sentence": m.sentence,
                    "tone": m.tone, "label": m.label, "tone_source": m.tone_source, "status": m.status,
                    "field": "title" if in_title(m) else "text"})
    return out


def article_result(article: Article) -> dict[str, Any]:
    """An article with its mentions and regions, as ``GET /api/v1/articles/<id>`` returns it."""
    regions = sorted({m.region.code for m in article.mentions
                      if m.region_id is not None and m.status != "rejected" and m.region is not None})
    return {
        "id": article.id, "status": article.status, "title": article.title, "text": article.body,
        "outlet": article.outlet.name if article.outlet else None, "url": article.url,
        "published": article.published_on.isoformat(), "language": article.language,
        "duplicate_group_id": article.duplicate_group_id,
        "duplicate_of": article.duplicate_group_id if article.duplicate_group_id not in (None, article.id) else None,
        "mentions": mention_results(article.mentions), "regions": regions,
    }
