"""The survey's NGO set (chosen by admins) and each respondent's rotated sample of it.

A respondent in region R of a regional survey (``ngos_by_region``) is asked about NGOs from R
and national NGOs (no home region); at most ``ngos_per_respondent`` of them. When there are more,
a random sample is drawn per respondent — half (rounded up) from the region's own NGOs, the rest
national, topped up from whichever group has more — so that over many respondents every NGO of
the set is asked about about equally often (rotation) and thousands of NGOs can be covered.
"""
from __future__ import annotations

import random
import secrets
from collections.abc import Iterable

from sqlalchemy import delete, or_, select

from models import NGO, AuditLog, Region, Survey, SurveyNGO, db

from ..errors import ValidationError

_system_random = secrets.SystemRandom()


def eligible_ngos(survey_id: int, region_id: int | None, by_region: bool) -> tuple[list[int], list[int]]:
    """(the region's own NGO ids, national NGO ids) of the survey's set; for a survey that is not
    regional, every NGO of the set counts as "national"."""
    rows = db.session.execute(
        select(NGO.id, NGO.region_id).join(SurveyNGO, SurveyNGO.ngo_id == NGO.id)
        .where(SurveyNGO.survey_id == survey_id).order_by(NGO.id)
    ).all()
    if not by_region:
        return [], [r.id for r in rows]
    own = [r.id for r in rows if r.region_id is not None and r.region_id == region_id]
    national = [r.id for r in rows if r.region_id is None]
    return own, national


def sample_ngos(own: list[int], national: list[int], k: int, rng: random.Random | None = None) -> list[int]:
    """At most ``k`` NGO ids: ceil(k/2) from ``own`` and the rest from ``national`` when both have
    enough, otherwise topped up from the other group; in random order."""
    rng = rng or _system_random
    if k <= 0:
        return []
    want_own = min(len(own), max(k - len(national), (k + 1) // 2))
    chosen = rng.sample(own, want_own) + rng.sample(national, min(len(national), k - want_own))
    rng.shuffle(chosen)
    return chosen


def ngos_for_respondent(survey: Survey, region_id: int, rng: random.Random | None = None) -> list[int]:
    """The NGO ids one respondent of ``region_id`` is asked about (see module docstring)."""
    own, national = eligible_ngos(survey.id, region_id, bool(survey.ngos_by_region))
    return sample_ngos(own, national, survey.ngos_per_respondent or 6, rng)


def set_ngo_set(survey: Survey, *, region_codes: Iterable[str] = (), include_national: bool = False,
                sectors: Iterable[str] = (), ngo_ids: Iterable[int] = (), actor_id: int | None = None) -> int:
    """Replace the survey's NGO set. The set is the union of the explicit ``ngo_ids`` and the NGOs
    whose home region is one of ``region_codes`` (or national, with ``include_national``),
    restricted to ``sectors`` when given. Returns the size of the set. Flushes.

    Raises ValidationError for an unknown region code or NGO id.
    """
    codes = [c.strip().upper() for c in region_codes if c and c.strip()]
    region_ids = dict(db.session.execute(select(Region.code, Region.id).where(Region.code.in_(codes))).all())
    unknown = [c for c in codes if c not in region_ids]
    if unknown:
        raise ValidationError("Unknown region code", {"regions": "unknown: " + ", ".join(unknown)})
    explicit = {int(i) for i in ngo_ids}
    found = set(db.session.scalars(select(NGO.id).where(NGO.id.in_(explicit)))) if explicit else set()
    if explicit - found:
        raise ValidationError("Unknown NGO id", {"ngo_ids": "unknown: " + ", ".join(map(str, sorted(explicit - found)))})
    chosen = set(found)
    if region_ids or include_national:
        query = select(NGO.id)
        conditions = []
        if region_ids:
            conditions.append(NGO.region_id.in_(list(region_ids.values())))
        if include_national:
            conditions.append(NGO.region_id.is_(None))
        query = query.where(or_(*conditions))
        sector_list = [s for s in sectors if s]
        if sector_list:
            query = query.where(NGO.sector.in_(sector_list))
        chosen |= set(db.session.scalars(query))
    elif sectors:
        chosen |= set(db.session.scalars(select(NGO.id).where(NGO.sector.in_([s for s in sectors if s]))))
    db.session.execute(delete(SurveyNGO).where(SurveyNGO.survey_id == survey.id))
    if chosen:
        db.session.execute(SurveyNGO.__table__.insert(), [{"survey_id": survey.id, "ngo_id": i} for i in sorted(chosen)])
    db.session.add(AuditLog(user_id=actor_id, action="survey.ngo_set", object_type="survey", object_id=str(survey.id),
                            detail={"regions": codes, "national": include_national, "sectors": list(sectors),
                                    "explicit": sorted(explicit), "size": len(chosen)}))
    db.session.flush()
    db.session.expire(survey, ["ngo_links"])
    return len(chosen)


def ngo_set_ids(survey_id: int) -> list[int]:
    """Ids of the NGOs in the survey's set."""
    return list(db.session.scalars(select(SurveyNGO.ngo_id).where(SurveyNGO.survey_id == survey_id)
                                   .order_by(SurveyNGO.ngo_id)))
