"""Admin views: a survey's NGO set and its invitation tokens (CSV download, shown once)."""
from __future__ import annotations

from flask import Response as FlaskResponse
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from models import db

from ..auth.loading import roles_required
from ..services.errors import DomainError
from ..services.surveys import invitations, ngoset
from . import bp
from .survey_forms import NGOSetForm, TokenForm
from .surveys import _show_error, _status, get_survey_or_404, region_choices


@bp.route("/surveys/<int:survey_id>/ngos", methods=["GET", "POST"])
@roles_required("admin")
def survey_ngos(survey_id: int) -> Response | tuple[str, int]:
    survey = get_survey_or_404(survey_id)
    form = NGOSetForm()
    form.regions.choices = region_choices()
    if form.validate_on_submit():
        try:
            ids = form.ids()
        except ValueError as exc:
            form.ngo_ids.errors = [_("Not NGO ids: %(ids)s", ids=str(exc))]
        else:
            try:
                size = ngoset.set_ngo_set(survey, region_codes=form.regions.data or [],
                                          include_national=bool(form.include_national.data),
                                          sectors=form.sectors.data or [], ngo_ids=ids, actor_id=current_user.id)
            except DomainError as exc:
                _show_error(form, exc)
            else:
                db.session.commit()
                flash(_("The NGO set now has %(n)s NGOs.", n=size), "success")
                return redirect(url_for("admin.survey_detail", survey_id=survey.id))
    current = ngoset.ngo_set_ids(survey.id)
    return render_template("admin/surveys/ngos.html", form=form, survey=survey, current=current), _status(form)


@bp.route("/surveys/<int:survey_id>/tokens", methods=["GET", "POST"])
@roles_required("admin")
def survey_tokens(survey_id: int) -> Response | FlaskResponse | tuple[str, int]:
    survey = get_survey_or_404(survey_id)
    form = TokenForm()
    failed = False
    if form.validate_on_submit():
        try:
            tokens = invitations.generate_tokens(survey, form.count.data, batch=form.batch.data,
                                                 actor_id=current_user.id)
        except DomainError as exc:
            _show_error(form, exc)
            failed = True
        else:
            db.session.commit()
            body = invitations.tokens_csv(
                tokens, lambda t: url_for("public.survey", survey_id=survey.id, t=t, _external=True), form.batch.data)
            return FlaskResponse("\ufeff" + body, mimetype="text/csv", headers={
                "Content-Disposition": f'attachment; filename="senim-invitations-{survey.id}.csv"'})
    return render_template("admin/surveys/tokens.html", form=form, survey=survey,
                           counts=invitations.token_counts(survey.id)), 422 if failed else _status(form)
