"""Admin views: the NGO registry (list and search, create, edit, CSV import). Admins only."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from models import NGO, db

from ..auth.loading import roles_required
from ..services.errors import DomainError
from ..services.ngo_import import MAX_BYTES, import_ngos_csv
from ..services.ngos import create_ngo, get_ngo, search_ngos, update_ngo
from . import bp
from .forms import SECTOR_LABELS, ImportForm, NGOForm, ngo_form_data, region_choices

PER_PAGE = 50
#: Above this many rows the import report lists only the rows that were not imported.
REPORT_ROWS = 1000


def get_ngo_or_404(ngo_id: int) -> NGO:
    ngo = get_ngo(ngo_id)
    if ngo is None:
        abort(404)
    return ngo


def _status(form: NGOForm | ImportForm) -> int:
    return 422 if form.errors else 200


@bp.route("/ngos")
@roles_required("admin")
def ngos() -> str:
    q = request.args.get("q", "", type=str)[:300]
    region = request.args.get("region", "", type=str)[:20]
    sector = request.args.get("sector", "", type=str)[:40]
    page = request.args.get("page", 1, type=int)
    result = search_ngos(q, region=region or None, sector=sector or None, page=page, per_page=PER_PAGE)
    return render_template("admin/ngos.html", result=result, q=q, region=region, sector=sector,
                           regions=region_choices(), sectors=SECTOR_LABELS)


@bp.route("/ngos/new", methods=["GET", "POST"])
@roles_required("admin")
def ngo_new() -> Response | tuple[str, int]:
    form = NGOForm()
    if form.validate_on_submit():
        try:
            ngo = create_ngo(form.to_input(), user_id=current_user.id)
        except DomainError as exc:
            db.session.rollback()
            form.show_error(exc)
        else:
            db.session.commit()
            flash(_("Added %(name)s.", name=ngo.name), "success")
            return redirect(url_for("admin.ngos"))
    return render_template("admin/ngo_form.html", form=form, ngo=None, sectors=SECTOR_LABELS), _status(form)


@bp.route("/ngos/<int:ngo_id>/edit", methods=["GET", "POST"])
@roles_required("admin")
def ngo_edit(ngo_id: int) -> Response | tuple[str, int]:
    ngo = get_ngo_or_404(ngo_id)
    form = NGOForm(data=ngo_form_data(ngo))
    if form.validate_on_submit():
        try:
            changes = update_ngo(ngo, form.to_input(), user_id=current_user.id)
        except DomainError as exc:
            db.session.rollback()
            form.show_error(exc)
        else:
            db.session.commit()
            flash(_("Saved %(name)s.", name=ngo.name) if changes else _("Nothing was changed."), "success")
            return redirect(url_for("admin.ngo_edit", ngo_id=ngo.id))
    return render_template("admin/ngo_form.html", form=form, ngo=ngo, sectors=SECTOR_LABELS), _status(form)


@bp.route("/ngos/import", methods=["GET", "POST"])
@roles_required("admin")
def ngo_import() -> tuple[str, int]:
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        try:
            report = import_ngos_csv(form.file.data.read(MAX_BYTES + 1), user_id=current_user.id)
        except DomainError as exc:
            db.session.rollback()
            form.file.errors = [*form.file.errors, exc.message]
        else:
            db.session.commit()
    shown = report.rows if report else []
    if report and len(shown) > REPORT_ROWS:
        shown = [r for r in report.rows if r.status != "imported"][:REPORT_ROWS]
    return render_template("admin/ngo_import.html", form=form, report=report, shown=shown,
                           limit=REPORT_ROWS), _status(form)
