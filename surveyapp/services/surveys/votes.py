"""Citizens' votes on NGO projects: a 1–5 rating and/or support, one per project per ballot.

A ballot is one respondent's voting session (a random UUID kept in their signed session); the
database refuses a second vote on the same project from the same ballot
(``uq_project_votes_project_ballot``).
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from models import Project, ProjectVote, db

from ..errors import ValidationError


@dataclass(frozen=True)
class VoteInput:
    project_id: int
    #: 1..5 or None.
    rating: int | None
    #: True support, False do not support, None not given.
    support: bool | None


def projects_for_voting(region_id: int) -> list[Project]:
    """Projects open for voting in the region, plus national ones (no region), by id."""
    return list(db.session.scalars(
        select(Project).where(Project.voting_open.is_(True),
                              or_(Project.region_id == region_id, Project.region_id.is_(None)))
        .options(selectinload(Project.ngo)).order_by(Project.id)
    ))


def voted_projects(ballot_id: uuid.UUID) -> set[int]:
    """Ids of the projects this ballot has already voted on."""
    return set(db.session.scalars(select(ProjectVote.project_id).where(ProjectVote.ballot_id == ballot_id)))


def cast_votes(ballot_id: uuid.UUID, region_id: int, votes: list[VoteInput], *, language: str,
               today: dt.date | None = None, flags: list[str] | None = None) -> tuple[int, int]:
    """Store the votes of one ballot; returns (stored, already voted). Flushes.

    Votes with neither a rating nor support are skipped. Raises ValidationError for a project not
    open for voting in ``region_id`` or a rating outside 1..5.
    """
    allowed = {p.id for p in projects_for_voting(region_id)}
    errors: dict[str, str] = {}
    for vote in votes:
        if vote.project_id not in allowed:
            errors[f"project_{vote.project_id}"] = "not open for voting in your region"
        elif vote.rating is not None and (isinstance(vote.rating, bool) or vote.rating not in range(1, 6)):
            errors[f"rating_{vote.project_id}"] = "choose from 1 to 5"
    if errors:
        raise ValidationError("Some votes are not valid", errors)
    stored = duplicate = 0
    for vote in votes:
        if vote.rating is None and vote.support is None:
            continue
        try:
            with db.session.begin_nested():
                db.session.add(ProjectVote(
                    project_id=vote.project_id, ballot_id=ballot_id, region_id=region_id, rating=vote.rating,
                    support=vote.support, language=language, voted_on=today or dt.date.today(),
                    flags=list(flags or []),
                ))
                db.session.flush()
            stored += 1
        except IntegrityError:
            duplicate += 1
    return stored, duplicate
