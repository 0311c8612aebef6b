"""Anonymous responses, their answers, and citizens' votes on projects.

Anonymity is enforced by the schema: no column holds an IP address, user agent, referrer or a
time of day. ``submitted_on`` is a date. Primary keys are random UUIDs, so ordering by key does
not reproduce the order of submission.
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    JSON, Boolean, CheckConstraint, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint, Uuid, select,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from .base import db, in_list, new_uuid
from .region import AGE_GROUPS, SETTLEMENTS, SEXES

CHANNELS = ("web", "api", "field", "invitation")
QUALITY_FLAGS = ("speeder", "straightliner", "duplicate_device", "honeypot", "repeat_browser")


class ResponseWeight(db.Model):
    """A response's raking weight, written by ``senim scores compute``: derived data, each run
    replaces the rows of the periods it recomputes. Kept apart from ``responses`` so that a run
    inserts one narrow row per kept response instead of rewriting every response row (on
    PostgreSQL an UPDATE writes a new version of the row and of each of its index entries).

    No foreign key to ``responses``: PostgreSQL checks one per inserted row with a lock on the
    response's row, which made the insert of a million weights ~3x slower. The run itself keeps
    the rows consistent: it deletes every weight except those of responses in periods it does
    not recompute, so no weight outlives its response past the next run.
    """

    __tablename__ = "response_weights"
    __table_args__ = (CheckConstraint("weight > 0", name="weight_positive"),)

    #: The weighted response (``responses.id``).
    response_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    #: Raking weight: the number of adults the response stands for.
    weight: Mapped[float] = mapped_column(Float)


class Response(db.Model):
    __tablename__ = "responses"
    __table_args__ = (
        UniqueConstraint("survey_id", "submission_id", name="uq_responses_survey_submission"),
        CheckConstraint(in_list("channel", CHANNELS), name="channel_valid"),
        CheckConstraint("language IN ('kk', 'ru', 'en')", name="language_valid"),
        CheckConstraint("sex IS NULL OR " + in_list("sex", SEXES), name="sex_valid"),
        CheckConstraint("age_group IS NULL OR " + in_list("age_group", AGE_GROUPS), name="age_group_valid"),
        CheckConstraint("settlement IS NULL OR " + in_list("settlement", SETTLEMENTS), name="settlement_valid"),
        CheckConstraint("duration_s IS NULL OR duration_s >= 0", name="duration_nonnegative"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    #: Client-generated UUID that makes a submission idempotent.
    submission_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    #: SHA-256 of the canonical answers, to tell a replay (same) from a conflict (different).
    payload_hash: Mapped[str] = mapped_column(String(64))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    settlement: Mapped[str | None] = mapped_column(String(8))
    sex: Mapped[str | None] = mapped_column(String(8))
    age_group: Mapped[str | None] = mapped_column(String(8))
    language: Mapped[str] = mapped_column(String(2))
    channel: Mapped[str] = mapped_column(String(12), default="web")
    #: Date of submission only (no time of day).
    submitted_on: Mapped[dt.date] = mapped_column(Date)
    #: Seconds from the first page to submission, rounded; for speeder detection.
    duration_s: Mapped[int | None] = mapped_column(Integer)
    #: Raking weight (``response_weights``, set by ``senim scores compute``); None until computed,
    #: or when the quality checks exclude the response. Read-only, loaded when first accessed.
    weight: Mapped[float | None] = column_property(
        select(ResponseWeight.weight).where(ResponseWeight.response_id == id).correlate_except(ResponseWeight)
        .scalar_subquery(), deferred=True)
    #: Quality flags (subset of QUALITY_FLAGS); flagged responses are excluded from published scores.
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Marks synthetic demo data.
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)

    answers: Mapped[list["Answer"]] = relationship(back_populates="response", cascade="all, delete-orphan")
    region = relationship("Region")


class Answer(db.Model):
    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("response_id", "question_id", "ngo_key", name="uq_answers_response_question_ngo"),
        CheckConstraint("ngo_key = coalesce(ngo_id, 0)", name="ngo_key_matches"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The response (no index of its own: uq_answers_response_question_ngo leads with it and serves
    #: the lookups of a response's answers and the ON DELETE CASCADE).
    response_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    #: No index of its own, nor has ``ngo_id``: a response's ~20 answers hit ~16 questions and ~5 NGOs,
    #: so each index took ~20 b-tree inserts at scattered leaves per submission, about half the pages
    #: every SQLite commit wrote, inside the single write lock (migration d7a3e1f05c92). Scores read
    #: answers whole; only deleting a question (drafts only: ``ensure_questions_editable``) or an NGO
    #: (Senim never does) now scans answers for the cascade.
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    #: The NGO a per-NGO question was asked about; None for general questions.
    ngo_id: Mapped[int | None] = mapped_column(ForeignKey("ngos.id", ondelete="CASCADE"))
    #: ``ngo_id`` or 0, so that uniqueness also holds for general questions.
    ngo_key: Mapped[int] = mapped_column(Integer, default=0)
    #: Numeric value: scale points, 1/0 for yes/no; None for "don't know" or non-numeric answers.
    value_num: Mapped[float | None] = mapped_column(Float)
    #: Option value or free text.
    value_text: Mapped[str | None] = mapped_column(Text)
    #: List of option values for multiple choice.
    value_list: Mapped[list[Any] | None] = mapped_column(JSON)

    response: Mapped[Response] = relationship(back_populates="answers")


class ProjectVote(db.Model):
    """A citizen's rating of an NGO project; one per project per ballot."""

    __tablename__ = "project_votes"
    __table_args__ = (
        UniqueConstraint("project_id", "ballot_id", name="uq_project_votes_project_ballot"),
        CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating_range"),
        CheckConstraint("rating IS NOT NULL OR support IS NOT NULL", name="has_value"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    #: Client-generated UUID of one respondent's voting session.
    ballot_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    #: 1 (very poor) … 5 (very good); None when only support was given.
    rating: Mapped[int | None] = mapped_column(Integer)
    #: True "support", False "do not support", None not given.
    support: Mapped[bool | None] = mapped_column(Boolean)
    language: Mapped[str] = mapped_column(String(2), default="ru")
    voted_on: Mapped[dt.date] = mapped_column(Date)
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
