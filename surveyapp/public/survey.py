"""Public survey taking: landing page, one page per section, submission, thank-you page.

Works without JavaScript. Policies (see docs in the services):
- a browser that has completed the survey (signed ``senim_done`` cookie) sees a polite "already
  answered" page; a submission that still arrives from it (e.g. a second tab) is stored with the
  flag ``repeat_browser``;
- a filled honeypot field, a completion faster than ``SENIM_SURVEY_MIN_SECONDS`` and a device seen
  earlier (daily keyed hash, never stored) are stored as flags, not rejected.
"""
from __future__ import annotations

import time
from typing import Any

from flask import abort, current_app, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from models import Region, Survey, db

from ..clientaddr import client_address
from ..extensions import limiter
from ..services import antiabuse
from ..services.errors import ConflictError, ValidationError
from ..services.surveys.invitations import InvitationError, check_token
from ..services.surveys.ngoset import ngos_for_respondent
from ..services.surveys.spec import SurveyClosedError, spec_of
from ..services.surveys.submission import submit_response
from . import bp
from .survey_forms import (
    HONEYPOT, Progress, clear_progress, load_progress, page_items, parse_demographics, parse_items,
    question_pages, save_progress, store_answer, submission_input,
)
from .survey_pages import render_page

DONE_COOKIE = "senim_done"


def _page_limit() -> str:
    return str(current_app.config.get("SENIM_SURVEY_PAGE_LIMIT", "120 per minute"))


def _submit_limit() -> str:
    return str(current_app.config.get("SENIM_SURVEY_SUBMIT_LIMIT", "10 per minute;100 per hour"))


def _done_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="senim-survey-done")


def done_surveys() -> list[int]:
    """Surveys this browser has completed (from the signed cookie)."""
    raw = request.cookies.get(DONE_COOKIE)
    if not raw:
        return []
    try:
        value = _done_serializer().loads(raw)
    except BadSignature:
        return []
    return [int(v) for v in value if isinstance(v, int)] if isinstance(value, list) else []


def _is_preview(survey_id: int) -> bool:
    return session.get("pv") == survey_id and current_user.is_authenticated and current_user.role == "admin"


def _load(survey_id: int) -> tuple[Survey, bool]:
    """Load → authorise: 404 for unknown and draft surveys (except an admin's preview), 410 closed,
    403 for an invitation-only survey without a valid invitation in the session."""
    preview = _is_preview(survey_id)
    survey = db.session.scalar(select(Survey).where(Survey.id == survey_id).options(selectinload(Survey.questions)))
    if survey is None or (survey.status == "draft" and not preview):
        abort(404)
    if survey.status == "closed" and not preview:
        abort(make_response(render_template("public/survey/closed.html", survey=survey), 410))
    return survey, preview


def _invitation(survey_id: int) -> str | None:
    data = session.get("inv")
    return data[1] if isinstance(data, list) and len(data) == 2 and data[0] == survey_id else None


def _guard(survey: Survey, preview: bool) -> None:
    if preview:
        return
    if survey.mode == "invitation" and not _invitation(survey.id):
        abort(make_response(render_template("public/survey/invitation.html", survey=survey, reason="required"), 403))


def _language(survey: Survey, wanted: str | None) -> str:
    languages = list(survey.languages or ["kk", "ru", "en"])
    return wanted if wanted in languages else (session.get("lang") if session.get("lang") in languages else languages[0])


@bp.route("/s/<int:survey_id>")
def survey(survey_id: int) -> Response | str:
    survey, preview = _load(survey_id)
    token = request.args.get("t")
    if token is not None and survey.mode == "invitation" and not preview:
        try:
            digest = check_token(survey.id, token)
        except InvitationError as exc:
            return render_template("public/survey/invitation.html", survey=survey, reason=exc.fields.get("token")), 403
        session["inv"] = [survey.id, digest]
        return redirect(url_for("public.survey", survey_id=survey.id))  # the token leaves the URL
    _guard(survey, preview)
    if not preview and survey.id in done_surveys() and load_progress(survey.id) is None:
        return render_template("public/survey/already.html", survey=survey)
    lang = _language(survey, request.args.get("lang"))
    return render_template("public/survey/landing.html", survey=survey, lang=lang, preview=preview,
                           progress=load_progress(survey.id))


@bp.route("/s/<int:survey_id>/start", methods=["POST"])
def survey_start(survey_id: int) -> Response | str:
    survey, preview = _load(survey_id)
    _guard(survey, preview)
    lang = _language(survey, request.form.get("language"))
    progress = load_progress(survey.id)
    if progress is None or request.form.get("restart"):
        progress = Progress.new(survey.id, lang, preview=preview, invitation=_invitation(survey.id))
    progress.language = lang
    save_progress(progress)
    if lang in current_app.config["SENIM_LANGUAGES"]:
        session["lang"] = lang
    return redirect(url_for("public.survey_page", survey_id=survey.id, page=1))


@bp.route("/s/<int:survey_id>/p/<int:page>", methods=["GET", "POST"])
@limiter.limit(_page_limit, methods=["POST"])
def survey_page(survey_id: int, page: int) -> Response | str | tuple[str, int]:
    return _page(survey_id, page, final=False)


@bp.route("/s/<int:survey_id>/submit", methods=["POST"])
@limiter.limit(_submit_limit)
def survey_submit(survey_id: int) -> Response | str | tuple[str, int]:
    return _page(survey_id, 0, final=True)


def _page(survey_id: int, page: int, *, final: bool) -> Any:
    survey, preview = _load(survey_id)
    _guard(survey, preview)
    progress = load_progress(survey.id)
    if progress is None:
        return redirect(url_for("public.survey", survey_id=survey.id))
    spec = spec_of(survey)
    pages = question_pages(spec)
    total = 1 + len(pages)
    page = total if final else page
    if not 1 <= page <= total or (page > 1 and not progress.demographics.get("region")):
        return redirect(url_for("public.survey_page", survey_id=survey.id, page=1))
    items = page_items(spec, pages[page - 2], progress) if page > 1 else []
    back = request.args.get("back") == "1"
    if page > 1 and not items and page < total and request.method == "GET":
        target = page - 1 if back else page + 1
        return redirect(url_for("public.survey_page", survey_id=survey.id, page=target, back="1" if back else None))
    ctx = dict(survey=survey, spec=spec, progress=progress, page=page, total=total, items=items, preview=preview)
    if request.method == "GET":
        return render_page(ctx, errors={})
    if request.form.get(HONEYPOT):
        progress.honeypot = True
    if request.form.get("submission_id") != progress.submission_id:
        return redirect(url_for("public.survey_page", survey_id=survey.id, page=page))
    if page == 1:
        regions = {code: rid for code, rid in db.session.execute(select(Region.code, Region.id))}
        values, errors = parse_demographics(request.form, set(regions))
        if "region" in values and (values["region"] != progress.demographics.get("region") or not progress.ngos):
            progress.ngos = ngos_for_respondent(survey, regions[values["region"]])
        progress.demographics = values if "region" in values else {**progress.demographics, **values}
    else:
        values, errors = parse_items(items, request.form)
        for item in items:
            if item.name in values:
                store_answer(progress, item.question, item.ngo, values[item.name])
    if not save_progress(progress):
        errors = {**errors, "form": _("Your answers are too long to keep; please shorten your written answers.")}
    if request.form.get("nav") == "back":
        return redirect(url_for("public.survey_page", survey_id=survey.id, page=max(1, page - 1), back="1"))
    if errors:
        return render_page(ctx, errors=errors, form=request.form), 422
    if page < total:
        return redirect(url_for("public.survey_page", survey_id=survey.id, page=page + 1))
    return _finish(survey, spec, progress, ctx)


def _finish(survey: Survey, spec: Any, progress: Progress, ctx: dict[str, Any]) -> Any:
    if progress.preview:
        clear_progress()
        return render_template("public/survey/preview_done.html", survey=survey)
    duration = time.time() - progress.started
    repeat_browser = survey.id in done_surveys()
    repeat_device = False
    if survey.mode == "open":
        address = client_address()
        material = "|".join([address, request.headers.get("User-Agent", "")[:300],
                             request.headers.get("Accept-Language", "")[:100]])
        store = antiabuse.key_store(current_app.config.get("SENIM_REDIS_URL"), current_app.extensions)
        per_address = int(current_app.config.get("SENIM_SURVEY_PER_ADDRESS_DAILY", antiabuse.DEFAULT_PER_ADDRESS_DAILY))
        repeat_device = antiabuse.check_device(store, survey.id, material=material, address=address,
                                               per_address_daily=per_address)
    min_seconds = int(current_app.config.get("SENIM_SURVEY_MIN_SECONDS", antiabuse.DEFAULT_MIN_SECONDS))
    flags = antiabuse.quality_flags(honeypot=progress.honeypot, duration_s=int(duration), min_seconds=min_seconds,
                                    repeat_device=repeat_device, repeat_browser=repeat_browser)
    try:
        submit_response(spec, submission_input(spec, progress), channel="invitation" if progress.invitation else "web",
                        flags=flags, duration_s=duration, invitation_hash=progress.invitation)
    except ValidationError as exc:
        db.session.rollback()
        return render_page(ctx, errors=exc.fields or {"form": exc.message}, form=request.form), 422
    except ConflictError:
        db.session.rollback()
        clear_progress()
        return render_template("public/survey/already.html", survey=survey), 409
    except InvitationError as exc:
        db.session.rollback()
        clear_progress()
        return render_template("public/survey/invitation.html", survey=survey, reason=exc.fields.get("token")), 403
    except SurveyClosedError:
        db.session.rollback()
        return render_template("public/survey/closed.html", survey=survey), 410
    db.session.commit()
    region_code = progress.demographics.get("region")
    clear_progress()
    session.pop("inv", None)
    session["thanks"] = [survey.id, region_code]
    response = redirect(url_for("public.survey_thanks", survey_id=survey.id))
    done = ([s for s in done_surveys() if s != survey.id] + [survey.id])[-50:]
    response.set_cookie(DONE_COOKIE, _done_serializer().dumps(done), max_age=365 * 24 * 3600, httponly=True,
                        samesite="Lax", secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
    return response


from . import survey_thanks  # noqa: E402,F401  (thank-you page and project voting)
