"""Admin views: survey building (create, edit, questions, NGO set, open/close, export, import,
preview, invitation tokens). Admins only; every change is audited by the services."""
from __future__ import annotations

import json
from flask import Response as FlaskResponse
from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from models import Question, Region, Survey, SurveyNGO, db

from ..auth.loading import roles_required
from ..services.errors import DomainError
from ..services.surveys import battery, building, fileformat, invitations
from . import bp
from .survey_forms import ImportForm, QuestionForm, SurveyForm, format_options

#: Survey statuses as the interface shows them; templates and messages call ``_(survey.status)``,
#: so these msgids must exist in the catalogues.
STATUS_LABELS = {"draft": _l("draft"), "open": _l("open"), "closed": _l("closed")}


def get_survey_or_404(survey_id: int) -> Survey:
    survey = db.session.scalar(select(Survey).where(Survey.id == survey_id).options(selectinload(Survey.questions)))
    if survey is None:
        abort(404)
    return survey


def get_question_or_404(survey: Survey, question_id: int) -> Question:
    question = next((q for q in survey.questions if q.id == question_id), None)
    if question is None:
        abort(404)
    return question


def _show_error(form: FlaskForm | None, exc: DomainError) -> None:
    """Put a domain error's field messages next to the form's fields (others as a flash)."""
    db.session.rollback()
    shown = False
    for name, message in exc.fields.items():
        if form is not None and name in form:
            form[name].errors = list(form[name].errors) + [message]
            shown = True
    if not shown or form is None:
        details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items() if form is None or k not in form)
        flash(exc.message + (f" ({details})" if details else ""), "error")


def _status(form: FlaskForm) -> int:
    return 422 if form.errors else 200


@bp.route("/surveys")
@roles_required("admin")
def surveys() -> str:
    rows = db.session.execute(select(Survey).order_by(Survey.id.desc())).scalars().all()
    counts = dict(db.session.execute(
        select(Survey.id, func.count()).join(Survey.questions).group_by(Survey.id)).all())
    return render_template("admin/surveys/list.html", surveys=rows, counts=counts, import_form=ImportForm())


@bp.route("/surveys/new", methods=["GET", "POST"])
@roles_required("admin")
def survey_new() -> Response | tuple[str, int]:
    form = SurveyForm()
    if form.validate_on_submit():
        try:
            survey = building.create_survey(form.to_input(), actor_id=current_user.id)
        except DomainError as exc:
            _show_error(form, exc)
        else:
            db.session.commit()
            flash(_("Survey created. Add its questions next."), "success")
            return redirect(url_for("admin.survey_detail", survey_id=survey.id))
    return render_template("admin/surveys/form.html", form=form, survey=None), _status(form)


@bp.route("/surveys/import", methods=["POST"])
@roles_required("admin")
def survey_import() -> Response | tuple[str, int]:
    form = ImportForm()
    if form.validate_on_submit():
        try:
            survey = fileformat.import_survey(form.file.data.read(fileformat.MAX_FILE_BYTES + 1),
                                              actor_id=current_user.id)
        except DomainError as exc:
            _show_error(None, exc)
        else:
            db.session.commit()
            flash(_("Survey imported as a new draft."), "success")
            return redirect(url_for("admin.survey_detail", survey_id=survey.id))
    else:
        flash(_("Choose a survey file to import."), "error")
    rows = db.session.execute(select(Survey).order_by(Survey.id.desc())).scalars().all()
    return render_template("admin/surveys/list.html", surveys=rows, counts={}, import_form=form), 422


@bp.route("/surveys/<int:survey_id>")
@roles_required("admin")
def survey_detail(survey_id: int) -> str:
    survey = get_survey_or_404(survey_id)
    ngo_count = db.session.scalar(select(func.count()).select_from(SurveyNGO).where(SurveyNGO.survey_id == survey.id))
    return render_template(
        "admin/surveys/detail.html", survey=survey, ngo_count=ngo_count or 0,
        responses=building.response_count(survey.id), tokens=invitations.token_counts(survey.id),
        questions=sorted(survey.questions, key=lambda q: (q.position, q.id)),
    )


@bp.route("/surveys/<int:survey_id>/edit", methods=["GET", "POST"])
@roles_required("admin")
def survey_edit(survey_id: int) -> Response | tuple[str, int]:
    survey = get_survey_or_404(survey_id)
    form = SurveyForm(obj=survey)
    if form.validate_on_submit():
        try:
            building.update_survey(survey, form.to_input(), actor_id=current_user.id)
        except DomainError as exc:
            _show_error(form, exc)
        else:
            db.session.commit()
            flash(_("Survey saved."), "success")
            return redirect(url_for("admin.survey_detail", survey_id=survey.id))
    return render_template("admin/surveys/form.html", form=form, survey=survey), _status(form)


@bp.route("/surveys/<int:survey_id>/status", methods=["POST"])
@roles_required("admin")
def survey_status(survey_id: int) -> Response:
    survey = get_survey_or_404(survey_id)
    try:
        building.change_status(survey, request.form.get("status", ""), actor_id=current_user.id)
    except DomainError as exc:
        _show_error(None, exc)
    else:
        db.session.commit()
        flash(_("The survey is now %(status)s.", status=_(survey.status)), "success")
    return redirect(url_for("admin.survey_detail", survey_id=survey_id))


@bp.route("/surveys/<int:survey_id>/export.json")
@roles_required("admin")
def survey_export(survey_id: int) -> FlaskResponse:
    survey = get_survey_or_404(survey_id)
    body = json.dumps(fileformat.export_survey(survey), ensure_ascii=False, indent=2)
    return FlaskResponse(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="senim-survey-{survey.id}.json"'})


@bp.route("/surveys/<int:survey_id>/preview", methods=["POST"])
@roles_required("admin")
def survey_preview(survey_id: int) -> Response:
    survey = get_survey_or_404(survey_id)
    session["pv"] = survey.id
    session.pop("sv", None)
    return redirect(url_for("public.survey", survey_id=survey.id))


@bp.route("/surveys/<int:survey_id>/battery", methods=["POST"])
@roles_required("admin")
def survey_battery(survey_id: int) -> Response:
    survey = get_survey_or_404(survey_id)
    section = request.form.get("section", type=int) or (max((q.section for q in survey.questions), default=0) + 1)
    try:
        battery.add_ngo_battery(survey, section=section, actor_id=current_user.id)
    except DomainError as exc:
        _show_error(None, exc)
    else:
        db.session.commit()
        flash(_("The NGO battery was added."), "success")
    return redirect(url_for("admin.survey_detail", survey_id=survey_id))


def _question_form(survey: Survey, question: Question | None) -> QuestionForm:
    form = QuestionForm(obj=question) if question is not None else QuestionForm()
    form.depends_on_id.choices = [SelectChoice("0", _("— always ask —"))] + [
        SelectChoice(str(q.id), f"{q.code}: {q.text_in('text', 'en')[:60]}") for q in sorted(survey.questions, key=lambda q: q.position)
        if question is None or (q.id != question.id and q.position < question.position)
    ]
    if request.method == "GET" and question is not None:
        form.options.data = format_options(question.options)
        form.depends_on_id.data = question.depends_on_id or 0
    return form


@bp.route("/surveys/<int:survey_id>/questions/new", methods=["GET", "POST"])
@roles_required("admin")
def question_new(survey_id: int) -> Response | tuple[str, int]:
    survey = get_survey_or_404(survey_id)
    form = _question_form(survey, None)
    if form.validate_on_submit():
        try:
            building.add_question(survey, form.to_input(), actor_id=current_user.id)
        except DomainError as exc:
            _show_error(form, exc)
        else:
            db.session.commit()
            flash(_("Question added."), "success")
            return redirect(url_for("admin.survey_detail", survey_id=survey.id))
    return render_template("admin/surveys/question_form.html", form=form, survey=survey, question=None), _status(form)


@bp.route("/surveys/<int:survey_id>/questions/<int:question_id>", methods=["GET", "POST"])
@roles_required("admin")
def question_edit(survey_id: int, question_id: int) -> Response | tuple[str, int]:
    survey = get_survey_or_404(survey_id)
    question = get_question_or_404(survey, question_id)
    form = _question_form(survey, question)
    if form.validate_on_submit():
        try:
            building.update_question(question, form.to_input(), actor_id=current_user.id)
        except DomainError as exc:
            _show_error(form, exc)
        else:
            db.session.commit()
            flash(_("Question saved."), "success")
            return redirect(url_for("admin.survey_detail", survey_id=survey.id))
    return render_template("admin/surveys/question_form.html", form=form, survey=survey,
                           question=question), _status(form)


@bp.route("/surveys/<int:survey_id>/questions/<int:question_id>/move", methods=["POST"])
@roles_required("admin")
def question_move(survey_id: int, question_id: int) -> Response:
    survey = get_survey_or_404(survey_id)
    return _question_action(survey, get_question_or_404(survey, question_id), "move")


@bp.route("/surveys/<int:survey_id>/questions/<int:question_id>/delete", methods=["POST"])
@roles_required("admin")
def question_delete(survey_id: int, question_id: int) -> Response:
    survey = get_survey_or_404(survey_id)
    return _question_action(survey, get_question_or_404(survey, question_id), "delete")


def _question_action(survey: Survey, question: Question, action: str) -> Response:
    try:
        if action == "move":
            building.move_question(question, request.form.get("direction", ""), actor_id=current_user.id)
        else:
            building.delete_question(question, actor_id=current_user.id)
    except DomainError as exc:
        _show_error(None, exc)
    else:
        db.session.commit()
        if action == "delete":
            flash(_("Question deleted."), "success")
    return redirect(url_for("admin.survey_detail", survey_id=survey.id))


def region_choices() -> list[SelectChoice]:
    return [SelectChoice(r.code, f"{r.code} {r.name_en}") for r in db.session.scalars(select(Region).order_by(Region.code))]


from . import survey_tokens  # noqa: E402,F401  (NGO set and invitation tokens)
