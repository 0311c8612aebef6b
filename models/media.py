"""Media monitoring: outlets, articles, the NGO and region mentions found in them, tone examples."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean, CheckConstraint, Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, in_list, utcnow

ARTICLE_STATUSES = ("accepted", "duplicate")
TONE_LABELS = ("negative", "neutral", "positive")
TONE_SOURCES = ("lexicon", "vader", "model", "person")
MENTION_STATUSES = ("auto", "confirmed", "rejected", "added")


class Outlet(db.Model):
    __tablename__ = "outlets"
    __table_args__ = (CheckConstraint("reach IS NULL OR reach >= 0", name="reach_nonnegative"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    #: Estimated audience per story (persons); used to sum reach.
    reach: Mapped[int | None] = mapped_column(Integer)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    website: Mapped[str | None] = mapped_column(String(300))

    region = relationship("Region")


class Article(db.Model):
    __tablename__ = "articles"
    __table_args__ = (
        CheckConstraint(in_list("status", ARTICLE_STATUSES), name="status_valid"),
        CheckConstraint("language IS NULL OR language IN ('kk', 'ru', 'en')", name="language_valid"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outlet_id: Mapped[int | None] = mapped_column(ForeignKey("outlets.id"), index=True)
    #: The monitor who uploaded it; monitors see only their own uploads.
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    url: Mapped[str | None] = mapped_column(String(2000))
    #: SHA-256 of the normalised URL (hex), for exact-duplicate detection: unique, so two uploads
    #: of one URL racing each other store one article (the other is told it is a copy).
    url_hash: Mapped[str | None] = mapped_column(String(64), index=True, unique=True)
    title: Mapped[str] = mapped_column(String(1000))
    body: Mapped[str] = mapped_column(Text)
    #: Dominant language of the text.
    language: Mapped[str | None] = mapped_column(String(2))
    published_on: Mapped[dt.date] = mapped_column(Date, index=True)
    #: SHA-256 of the normalised title and body.
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    #: Id of the first article of its syndication group (itself when it is the first).
    duplicate_group_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="accepted")
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    outlet = relationship("Outlet")
    mentions: Mapped[list["Mention"]] = relationship(
        back_populates="article", cascade="all, delete-orphan", order_by="Mention.start"
    )


class Mention(db.Model):
    """One NGO or region found in an article, with the sentence and the tone toward it."""

    __tablename__ = "mentions"
    __table_args__ = (
        CheckConstraint("(ngo_id IS NULL) <> (region_id IS NULL)", name="one_target"),
        CheckConstraint("tone IS NULL OR (tone >= -1 AND tone <= 1)", name="tone_range"),
        CheckConstraint("label IS NULL OR " + in_list("label", TONE_LABELS), name="label_valid"),
        CheckConstraint("tone_source IS NULL OR " + in_list("tone_source", TONE_SOURCES), name="tone_source_valid"),
        CheckConstraint(in_list("status", MENTION_STATUSES), name="status_valid"),
        CheckConstraint("start >= 0 AND \"end\" >= start", name="offsets_ordered"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    ngo_id: Mapped[int | None] = mapped_column(ForeignKey("ngos.id", ondelete="CASCADE"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    #: The text as found in the article.
    matched: Mapped[str] = mapped_column(String(300))
    sentence: Mapped[str] = mapped_column(Text)
    #: Character offsets of ``matched`` in the article body.
    start: Mapped[int] = mapped_column(Integer, default=0)
    end: Mapped[int] = mapped_column(Integer, default=0)
    #: Tone toward the target, −1 (negative) … 1 (positive).
    tone: Mapped[float | None] = mapped_column(Float)
    label: Mapped[str | None] = mapped_column(String(8))
    tone_source: Mapped[str | None] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(10), default="auto")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    article: Mapped[Article] = relationship(back_populates="mentions")
    ngo = relationship("NGO")
    region = relationship("Region")


class ToneExample(db.Model):
    """Labelled text for training and evaluating the tone model (corrections and imported gold)."""

    __tablename__ = "tone_examples"
    __table_args__ = (
        CheckConstraint("label IN (-1, 0, 1)", name="label_valid"),
        CheckConstraint("source IN ('correction', 'import')", name="source_valid"),
        UniqueConstraint("text_hash", "target", name="uq_tone_examples_text_target"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    #: SHA-256 of ``text``, so the same text and target are kept once.
    text_hash: Mapped[str] = mapped_column(String(64))
    #: The organisation's name as it appears in the text; empty for the whole text.
    target: Mapped[str] = mapped_column(String(300), default="")
    label: Mapped[int] = mapped_column(Integer)
    language: Mapped[str | None] = mapped_column(String(2))
    source: Mapped[str] = mapped_column(String(12))
    mention_id: Mapped[int | None] = mapped_column(ForeignKey("mentions.id", ondelete="SET NULL"))
