"""The thank-you page (the region against the country, from published snapshots) and voting on
NGO projects of the respondent's region (one vote per project per ballot)."""
from __future__ import annotations

import uuid
from typing import Any

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from models import Region, db

from ..extensions import limiter
from ..i18n import current_language
from ..services.errors import ValidationError
from ..services.surveys.results import region_comparison
from ..services.surveys.votes import VoteInput, cast_votes, projects_for_voting, voted_projects
from . import bp


def _region(code: str | None) -> Region | None:
    if not code or len(code) > 8:
        return None
    return db.session.scalar(select(Region).where(Region.code == code.strip().upper()))


@bp.route("/s/<int:survey_id>/thanks")
def survey_thanks(survey_id: int) -> Response | str:
    data = session.get("thanks")
    if not isinstance(data, list) or len(data) != 2 or data[0] != survey_id:
        return redirect(url_for("public.survey", survey_id=survey_id))
    region = _region(data[1])
    comparison = region_comparison(region.id) if region else None
    projects = projects_for_voting(region.id) if region else []
    return render_template("public/survey/thanks.html", survey_id=survey_id, region=region, comparison=comparison,
                           has_projects=bool(projects))


def _ballot() -> uuid.UUID:
    raw = session.get("ballot")
    try:
        return uuid.UUID(hex=raw)
    except (TypeError, ValueError):
        ballot = uuid.uuid4()
        session["ballot"] = ballot.hex
        return ballot


def _vote_limit() -> str:
    return str(current_app.config.get("SENIM_VOTE_LIMIT", "20 per minute;200 per hour"))


def _parse_votes(project_ids: list[int]) -> tuple[list[VoteInput], dict[str, str]]:
    votes, errors = [], {}
    for pid in project_ids:
        rating_raw = request.form.get(f"rating_{pid}", "").strip()
        support_raw = request.form.get(f"support_{pid}", "").strip()
        rating = int(rating_raw) if rating_raw in ("1", "2", "3", "4", "5") else None
        if rating_raw and rating is None:
            errors[f"rating_{pid}"] = _("Choose a value from 1 to 5.")
        support = {"yes": True, "no": False}.get(support_raw)
        if support_raw and support is None:
            errors[f"support_{pid}"] = _("Choose support or do not support.")
        if rating is not None or support is not None:
            votes.append(VoteInput(pid, rating, support))
    return votes, errors


@bp.route("/vote", methods=["GET", "POST"])
@limiter.limit(_vote_limit, methods=["POST"])
def vote() -> Any:
    thanks = session.get("thanks")
    code = request.values.get("region") or session.get("vote_region") or (
        thanks[1] if isinstance(thanks, list) and len(thanks) == 2 else None)
    region = _region(code)
    regions = sorted(db.session.scalars(select(Region)), key=lambda r: r.text_in("name", current_language()))
    if region is None:
        return render_template("public/survey/vote.html", region=None, regions=regions, projects=[], voted=set(),
                               errors={})
    session["vote_region"] = region.code
    projects = projects_for_voting(region.id)
    ballot = _ballot()
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        votes, errors = _parse_votes([p.id for p in projects])
        if not errors and not votes:
            errors = {"form": _("Rate or support at least one project.")}
        if not errors:
            try:
                stored, duplicate = cast_votes(ballot, region.id, votes, language=current_language())
            except ValidationError as exc:
                db.session.rollback()
                errors = exc.fields
            else:
                db.session.commit()
                if stored:
                    flash(_("Thank you: your votes were recorded."), "success")
                if duplicate:
                    flash(_("You had already voted on some of these projects; those votes were kept."), "info")
                return redirect(url_for("public.vote", region=region.code))
        status = 422
    return render_template("public/survey/vote.html", region=region, regions=regions, projects=projects,
                           voted=voted_projects(ballot), errors=errors), status
