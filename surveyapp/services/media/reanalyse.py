"""Finding mentions in articles that are already stored (e.g. the demo's synthetic articles, which
are inserted without mentions). Flushes; the caller commits."""
from __future__ import annotations

from collections.abc import Iterable

from analysis.text import analyse_article
from models import Article, Mention, db

from .ingest import _mention_rows
from .registry import analysers


def find_mentions_in_stored(articles: Iterable[Article]) -> int:
    """Analyse each article (language if unset, NGO and region mentions with tone) and add its
    Mention rows. Articles that already have mentions are skipped. Returns the number of mentions
    added."""
    tools = analysers()
    added = 0
    for article in articles:
        if db.session.query(Mention.id).filter(Mention.article_id == article.id).first() is not None:
            continue
        analysis = analyse_article(article.title, article.body, tools.index, tools.gazetteer, tools.scorer)
        if article.language is None:
            article.language = analysis.language
        rows = _mention_rows(article, analysis.mentions, tools)
        db.session.add_all(rows)
        added += len(rows)
    db.session.flush()
    return added
