"""Monitors' review of what the machine found: confirm or reject a mention, add a missed one,
correct a tone. Monitors act on their own uploads only (others' are "not found"); admins on all.
A tone correction applies to the same NGO's mentions across the article's whole duplicate group
(Meltwater-style), is kept as a ToneExample (source ``correction``) for training, and every action
writes an AuditLog row. Flushes; the caller commits.
"""
from __future__ import annotations

import hashlib

from sqlalchemy import Select, select

from analysis.text import split_sentences
from analysis.text.tone import LABELS, Tone
from models import NGO, Article, AuditLog, Mention, ToneExample, User, db

from ..errors import NotFoundError, ValidationError
from .registry import analysers, ngo_display_name

#: The tone a person's label stands for.
LABEL_TONE = {"negative": -1.0, "neutral": 0.0, "positive": 1.0}


def visible_articles(user: User) -> Select[tuple[Article]]:
    """A query of the articles ``user`` may see: a monitor their own uploads, an admin all."""
    query = select(Article)
    if user.role != "admin":
        query = query.where(Article.uploaded_by_id == user.id)
    return query


def get_article_for(user: User, article_id: int) -> Article:
    """The article if ``user`` may see it; raises NotFoundError otherwise (no hint that it exists)."""
    article = db.session.scalars(visible_articles(user).where(Article.id == article_id)).first()
    if article is None:
        raise NotFoundError("No such article")
    return article


def get_mention_for(user: User, mention_id: int) -> Mention:
    """The mention if its article is visible to ``user``; raises NotFoundError otherwise."""
    mention = db.session.get(Mention, mention_id)
    if mention is None:
        raise NotFoundError("No such mention")
    get_article_for(user, mention.article_id)
    return mention


def _audit(user: User, action: str, mention: Mention, detail: dict) -> None:
    db.session.add(AuditLog(user_id=user.id, action=action, object_type="mention", object_id=str(mention.id),
                            detail={"article_id": mention.article_id, **detail}))


def set_status(user: User, mention: Mention, status: str) -> None:
    """Confirm (``confirmed``) or reject (``rejected``) a mention. Raises ValidationError for
    another status."""
    if status not in ("confirmed", "rejected"):
        raise ValidationError("Unknown review decision", {"decision": "must be confirm or reject"})
    old = mention.status
    mention.status = status
    mention.reviewed_by_id = user.id
    _audit(user, "mention.confirm" if status == "confirmed" else "mention.reject", mention,
           {"status": [old, status]})
    db.session.flush()


def _group_ids(article: Article) -> list[int]:
    group = article.duplicate_group_id or article.id
    return list(db.session.scalars(select(Article.id).where(
        (Article.duplicate_group_id == group) | (Article.id == group) | (Article.id == article.id))))


def correct_tone(user: User, mention: Mention, label: str) -> int:
    """Set a person's tone ``label`` (negative | neutral | positive) on ``mention`` and on the same
    NGO's mentions in every article of its duplicate group; store it as a training example.
    Returns how many mentions changed. Raises ValidationError for an unknown label or a region
    mention."""
    if label not in LABELS:
        raise ValidationError("Unknown tone", {"label": "must be negative, neutral or positive"})
    if mention.ngo_id is None:
        raise ValidationError("Only NGO mentions have a tone", {"label": "not an NGO mention"})
    old = (mention.tone, mention.label, mention.tone_source)
    targets = db.session.scalars(select(Mention).where(
        Mention.article_id.in_(_group_ids(mention.article)), Mention.ngo_id == mention.ngo_id)).all()
    for row in targets:
        row.tone, row.label, row.tone_source = LABEL_TONE[label], label, "person"
        row.reviewed_by_id = user.id
        if row.status == "auto":
            row.status = "confirmed"
    _keep_example(mention, label)
    _audit(user, "mention.tone", mention, {"tone": [old[0], LABEL_TONE[label]], "label": [old[1], label],
                                           "source": [old[2], "person"], "group_mentions": [r.id for r in targets]})
    db.session.flush()
    return len(targets)


def _keep_example(mention: Mention, label: str) -> None:
    text_hash = hashlib.sha256(mention.sentence.encode("utf-8")).hexdigest()
    target = mention.matched[:300] if mention.matched in mention.sentence else ""
    value = LABELS.index(label) - 1
    example = db.session.scalars(select(ToneExample).where(ToneExample.text_hash == text_hash,
                                                           ToneExample.target == target)).first()
    if example is None:
        db.session.add(ToneExample(text=mention.sentence, text_hash=text_hash, target=target, label=value,
                                   language=mention.article.language, source="correction", mention_id=mention.id))
    else:
        example.label, example.source, example.mention_id = value, "correction", mention.id


def find_ngo(reference: str) -> NGO | None:
    """An NGO by ``#id``/id or by an exact name or alias (case-insensitive for names)."""
    ref = reference.strip()
    if ref.lstrip("#").isdigit():
        return db.session.get(NGO, int(ref.lstrip("#")))
    folded = ref.casefold()
    for ngo in db.session.scalars(select(NGO).where(
            (NGO.name_en == ref) | (NGO.name_ru == ref) | (NGO.name_kk == ref))):
        return ngo
    from models import NGOAlias

    alias = db.session.scalars(select(NGOAlias).where(NGOAlias.alias == ref)).first()
    if alias is not None:
        return alias.ngo
    return next((n for n in db.session.scalars(select(NGO).limit(5000))
                 if folded in {(n.name_en or "").casefold(), (n.name_ru or "").casefold(),
                               (n.name_kk or "").casefold()}), None)


def add_mention(user: User, article: Article, ngo_reference: str, matched: str) -> Mention:
    """Add an NGO mention the machine missed: ``matched`` must occur in the article's text (first
    occurrence is used; the title when not in the text). Tone is scored as for found mentions.
    Raises ValidationError for an unknown NGO or text that is not in the article."""
    ngo = find_ngo(ngo_reference or "")
    if ngo is None:
        raise ValidationError("No NGO with that name or number", {"ngo": "unknown NGO"})
    matched = (matched or "").strip()
    if not matched or len(matched) > 300:
        raise ValidationError("Give the words as they appear in the article", {"matched": "required"})
    start = article.body.find(matched)
    if start >= 0:
        sentence = next((article.body[s.start:s.end] for s in split_sentences(article.body)
                         if s.start <= start < s.end), article.body[max(0, start - 300):start + 300])
        offsets, tone = (start, start + len(matched)), _tone(article.body, start, start + len(matched), article)
    elif matched in article.title:
        sentence, offsets = article.title, (0, 0)
        i = article.title.find(matched)
        tone = _tone(article.title, i, i + len(matched), article)
    else:
        raise ValidationError("Those words do not occur in the article", {"matched": "not in the article"})
    mention = Mention(article_id=article.id, ngo_id=ngo.id, matched=matched, sentence=sentence[:5000],
                      start=offsets[0], end=offsets[1], tone=round(tone.value, 4), label=tone.label,
                      tone_source=tone.source, status="added", reviewed_by_id=user.id)
    db.session.add(mention)
    db.session.flush()
    _audit(user, "mention.add", mention, {"ngo_id": ngo.id, "ngo": ngo_display_name(ngo), "matched": matched})
    db.session.flush()
    return mention


def _tone(text: str, start: int, end: int, article: Article) -> Tone:
    return analysers().scorer.score(text, start, end, article.language)
