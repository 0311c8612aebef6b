"""One call per article for the upload service: language, sentences, NGO and region mentions with
their sentences and offsets, tone per NGO mention, content hash and duplicate fingerprint.
"""
from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date

from .aliases import AliasIndex
from .dedup import Fingerprint, fingerprint
from .document import prepare
from .gazetteer import Gazetteer
from .mentions import Mention, find_mentions
from .sentences import Sentence
from .tone import ToneScorer
from .window import make_window

__all__ = ["ArticleAnalysis", "analyse_article"]


@dataclass(frozen=True)
class ArticleAnalysis:
    """The result for one article. ``language``: majority language of the body (of the title when
    the body has none); ``sentences``/``title_sentences``: spans with their languages;
    ``mentions``: NGO and region mentions in title and body (each says which ``field`` its offsets
    refer to), NGO mentions with tone when a scorer was given; ``regions``: distinct region codes
    mentioned; ``ngo_ids``: distinct NGOs mentioned (first-seen order); ``content_hash`` and
    ``fingerprint``: for duplicate detection (:func:`~.dedup.find_duplicate`)."""

    language: str | None
    sentences: list[Sentence]
    title_sentences: list[Sentence]
    mentions: list[Mention]
    regions: list[str]
    ngo_ids: list[Hashable]
    content_hash: str
    fingerprint: Fingerprint


def _with_tones(mentions: list[Mention], scorer: ToneScorer, norms: dict[str, str] | None = None) -> list[Mention]:
    """Mentions with the tone of each NGO mention set. ``norms``: the normalised text of each
    field, whose slice is a sentence's normalisation unless the sentence has a capital sigma (the
    one character Python lower-cases by context)."""
    todo = [i for i, m in enumerate(mentions) if m.kind == "ngo"]
    if not todo:
        return mentions
    windows = []
    for i in todo:
        m = mentions[i]
        offset = m.sentence_start
        field_norm = norms.get(m.field) if norms else None
        norm = None
        if field_norm is not None and "Σ" not in m.sentence:
            norm = field_norm[offset:offset + len(m.sentence)]
        windows.append(make_window(m.sentence, m.start - offset, m.end - offset, window_tokens=scorer.window_tokens,
                                   normalised=norm))
    tones = scorer.score_windows(windows, [mentions[i].language for i in todo])
    out = list(mentions)
    for i, tone in zip(todo, tones, strict=True):
        out[i] = out[i].with_tone(round(tone.value, 4), tone.label, tone.source)
    return out


def analyse_article(
    title: str | None,
    text: str | None,
    index: AliasIndex | None,
    gazetteer: Gazetteer | None,
    tone_scorer: ToneScorer | None,
    *,
    article_id: Hashable | None = None,
    url: str | None = None,
    published: date | None = None,
) -> ArticleAnalysis:
    """Analyse one article (title and body, either may be empty).

    ``index``/``gazetteer`` may be ``None`` to skip NGO/region matching, ``tone_scorer`` ``None``
    to skip tone. ``article_id``, ``url`` and ``published`` only go into the fingerprint. Offsets
    of a mention refer to ``title`` or ``text`` as its ``field`` says, so
    ``(title if m.field == "title" else text)[m.start:m.end] == m.matched``. Raises nothing for
    any text input.
    """
    title, text = title or "", text or ""
    title_doc = prepare(title)
    body = prepare(text)
    mentions = find_mentions(title_doc, index, gazetteer, field="title") if title_doc.words else []
    mentions += find_mentions(body, index, gazetteer, field="text")
    if tone_scorer is not None:
        mentions = _with_tones(mentions, tone_scorer, {"title": title_doc.norm, "text": body.norm})
    regions = sorted({m.region_code for m in mentions if m.region_code})
    ngo_ids = list(dict.fromkeys(m.ngo_id for m in mentions if m.kind == "ngo"))
    words = body.words or title_doc.words
    fp = fingerprint(article_id, text or title, url=url, published=published, words=words)
    return ArticleAnalysis(
        language=body.language or title_doc.language,
        sentences=body.sentences,
        title_sentences=title_doc.sentences,
        mentions=mentions,
        regions=regions,
        ngo_ids=ngo_ids,
        content_hash=fp.content_hash,
        fingerprint=fp,
    )
