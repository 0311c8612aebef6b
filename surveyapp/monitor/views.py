"""Monitor pages: the upload page (one article, or a file), upload status, articles.

Bulk files up to :data:`INLINE_BYTES` and :data:`INLINE_ITEMS` are processed within the request;
larger ones (up to 50 MB: this route raises the request limit) become a background job with a
status page, so no request runs into gunicorn's timeout.
"""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from models import Article, db

from ..auth.loading import roles_required
from ..database import own_write_transaction, write_transaction
from ..services import jobs
from ..services.errors import DomainError, NotFoundError
from ..services.media import MAX_UPLOAD_BYTES, ingest_articles, parse_upload
from ..services.media.chunks import ingest_in_chunks
from ..services.media.jobs import summarise
from ..services.media.review import get_article_for, visible_articles
from . import bp
from .forms import ArticleForm, UploadForm

INLINE_BYTES = 2 * 1024 * 1024
INLINE_ITEMS = 200
PER_PAGE = 50


@bp.record_once
def _raise_upload_limit(state: Any) -> None:
    """Before CSRF checking parses the form, allow bulk files up to MAX_UPLOAD_BYTES on this route."""
    def allow_large_upload() -> None:
        if request.endpoint == "monitor.upload_file":
            request.max_content_length = MAX_UPLOAD_BYTES + 1024 * 1024

    state.app.before_request_funcs.setdefault(None, []).insert(0, allow_large_upload)


def get_article_or_404(article_id: int) -> Article:
    try:
        return get_article_for(current_user, article_id)
    except NotFoundError:
        abort(404)


@bp.route("/", methods=["GET", "POST"])
@roles_required("monitor", "admin")
def upload() -> Response | tuple[str, int]:
    form = ArticleForm()
    if form.validate_on_submit():
        raw = {"title": form.title.data, "text": form.text.data, "outlet": form.outlet.data, "url": form.url.data,
               "published": form.published.data.isoformat(), "language": form.language.data or None}
        report = ingest_articles([("form", raw)], uploader=current_user, source="web:form")
        result = report.items[0]
        if result.status == "rejected":
            db.session.rollback()
            target = getattr(form, result.field or "text", form.text)
            target.errors = [*target.errors, result.reason]
        else:
            db.session.commit()
            if result.stored:
                flash(_("Article saved: %(n)s NGO mentions found.", n=len(result.mentions)), "success")
            else:
                flash(_("This article was uploaded before; nothing new was saved."), "success")
            return redirect(url_for("monitor.article", article_id=result.id))
    return render_template("monitor/upload.html", form=form, file_form=UploadForm(formdata=None),
                           limit_mb=MAX_UPLOAD_BYTES // (1024 * 1024)), 422 if form.errors else 200


@bp.post("/upload-file")
@own_write_transaction  # SQLite: no write lock while the (up to 50 MB) form is read and parsed
@roles_required("monitor", "admin")
def upload_file() -> Response | tuple[str, int]:
    file_form = UploadForm()
    if file_form.validate_on_submit():
        upload_ = file_form.file.data
        data = upload_.read(MAX_UPLOAD_BYTES + 1)
        filename = (upload_.filename or "")[-40:]  # only its extension is used, never as a path
        try:
            if len(data) > INLINE_BYTES:
                return _start_job(data, filename)
            parsed = parse_upload(data, filename)
            if len(parsed.items) > INLINE_ITEMS:
                return _start_job(data, filename)
            # analysed with no write transaction open, then stored and committed in one short one
            report = ingest_in_chunks(parsed.items, uploader=current_user, source=f"web:{parsed.format}",
                                      chunk=INLINE_ITEMS)
        except DomainError as exc:
            db.session.rollback()
            file_form.file.errors = [*file_form.file.errors, exc.message]
        else:
            return render_template("monitor/report.html", job=None, report=summarise(report)), 200
    return render_template("monitor/upload.html", form=ArticleForm(formdata=None), file_form=file_form,
                           limit_mb=MAX_UPLOAD_BYTES // (1024 * 1024)), 422


def _start_job(data: bytes, filename: str) -> Response:
    with write_transaction(db.session):
        job_id = jobs.create_job("articles.import", current_user, meta={"bytes": len(data)})
        db.session.commit()
    jobs.dispatch(job_id, "articles.import", data, filename, current_user.id)
    return redirect(url_for("monitor.upload_status", job_id=job_id))


@bp.get("/uploads/<job_id>")
@roles_required("monitor", "admin")
def upload_status(job_id: str) -> str:
    try:
        job = jobs.get_job(job_id, current_user)
    except NotFoundError:
        abort(404)
    return render_template("monitor/report.html", job=job, report=job.get("result"))


@bp.get("/articles")
@roles_required("monitor", "admin")
def articles() -> str:
    page = max(1, request.args.get("page", 1, type=int))
    query = visible_articles(current_user).order_by(Article.id.desc())
    rows = db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)
    return render_template("monitor/articles.html", rows=rows)


@bp.get("/articles/<int:article_id>")
@roles_required("monitor", "admin")
def article(article_id: int) -> str:
    from .review import article_page

    return article_page(get_article_or_404(article_id))
