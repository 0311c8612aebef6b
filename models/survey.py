"""Surveys (waves), their questions, their NGO sets and invitation tokens."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Multilingual, db, in_list, utcnow

SURVEY_STATUSES = ("draft", "open", "closed")
SURVEY_MODES = ("open", "invitation")
QUESTION_TYPES = ("scale5", "scale10", "single", "multi", "yesno", "text")
CONSTRUCTS = ("awareness", "trust", "usefulness", "transparency", "project", "other")
#: Allowed status changes: draft → open → closed, and closed → open to reopen.
TRANSITIONS = {"draft": {"open"}, "open": {"closed"}, "closed": {"open"}}


class Survey(Multilingual, db.Model):
    __tablename__ = "surveys"
    __table_args__ = (
        CheckConstraint(in_list("status", SURVEY_STATUSES), name="status_valid"),
        CheckConstraint(in_list("mode", SURVEY_MODES), name="mode_valid"),
        CheckConstraint("ngos_per_respondent >= 1", name="ngos_per_respondent_positive"),
        CheckConstraint("closes_on IS NULL OR opens_on IS NULL OR closes_on >= opens_on", name="dates_ordered"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title_en: Mapped[str | None] = mapped_column(String(300))
    title_ru: Mapped[str | None] = mapped_column(String(300))
    title_kk: Mapped[str | None] = mapped_column(String(300))
    intro_en: Mapped[str | None] = mapped_column(Text)
    intro_ru: Mapped[str | None] = mapped_column(Text)
    intro_kk: Mapped[str | None] = mapped_column(Text)
    #: Wave period label (``2026-Q1``); scores are published per period.
    period: Mapped[str] = mapped_column(String(16), index=True)
    status: Mapped[str] = mapped_column(String(8), default="draft")
    #: ``open``: anyone with the link; ``invitation``: single-use tokens only.
    mode: Mapped[str] = mapped_column(String(12), default="open")
    #: Languages the survey is offered in (subset of kk, ru, en).
    languages: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["kk", "ru", "en"])
    #: At most this many NGOs from the set are asked of one respondent (rotated).
    ngos_per_respondent: Mapped[int] = mapped_column(Integer, default=6)
    #: When true, respondents see their region's NGOs plus national ones.
    ngos_by_region: Mapped[bool] = mapped_column(Boolean, default=True)
    opens_on: Mapped[dt.date | None] = mapped_column(Date)
    closes_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    questions: Mapped[list["Question"]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", order_by="Question.position"
    )
    ngo_links: Mapped[list["SurveyNGO"]] = relationship(back_populates="survey", cascade="all, delete-orphan")

    @property
    def title(self) -> str:
        return self.text_in("title", None)

    def can_move_to(self, status: str) -> bool:
        return status in TRANSITIONS.get(self.status, set())


class SurveyNGO(db.Model):
    """Membership of an NGO in a survey's NGO set."""

    __tablename__ = "survey_ngos"

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    ngo_id: Mapped[int] = mapped_column(ForeignKey("ngos.id", ondelete="CASCADE"), primary_key=True)

    survey: Mapped[Survey] = relationship(back_populates="ngo_links")
    ngo = relationship("NGO")


class Question(Multilingual, db.Model):
    __tablename__ = "questions"
    __table_args__ = (
        UniqueConstraint("survey_id", "code", name="uq_questions_survey_code"),
        CheckConstraint(in_list("type", QUESTION_TYPES), name="type_valid"),
        CheckConstraint(in_list("construct", CONSTRUCTS), name="construct_valid"),
        CheckConstraint("section >= 1", name="section_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    #: Stable short name within the survey (``aware``, ``trust``), used in exports.
    code: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer)
    #: Page of the form this question is shown on (1-based).
    section: Mapped[int] = mapped_column(Integer, default=1)
    type: Mapped[str] = mapped_column(String(8))
    construct: Mapped[str] = mapped_column(String(16), default="other")
    text_en: Mapped[str | None] = mapped_column(Text)
    text_ru: Mapped[str | None] = mapped_column(Text)
    text_kk: Mapped[str | None] = mapped_column(Text)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Asked once for each NGO of the respondent's set.
    per_ngo: Mapped[bool] = mapped_column(Boolean, default=False)
    #: ``[{"value": "a", "label": {"kk": …, "ru": …, "en": …}}]`` for single and multi.
    options: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: Shown only when the answer to ``depends_on`` (same NGO) equals ``depends_value``.
    depends_on_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id", ondelete="SET NULL"))
    depends_value: Mapped[str | None] = mapped_column(String(40))

    survey: Mapped[Survey] = relationship(back_populates="questions")
    depends_on = relationship("Question", remote_side=[id])


class InvitationToken(db.Model):
    """A single-use invitation. Only a hash is kept, and nothing links it to a response."""

    __tablename__ = "invitation_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the token, hex.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: Label of the batch the token was issued in (e.g. a partner's distribution list).
    batch: Mapped[str | None] = mapped_column(String(80))
    #: True once exchanged; deliberately no time of use.
    used: Mapped[bool] = mapped_column(Boolean, default=False)
