"""Monitor pages for review: an article with its mentions highlighted, the review queue, the
review actions (confirm/reject, correct tone, add a missed mention) and outlets."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice
from werkzeug.wrappers import Response

from models import Article, Mention, db

from ..admin.forms import region_choices
from ..auth.loading import roles_required
from ..services.errors import DomainError, NotFoundError
from ..services.media.outlets import get_outlet, list_outlets, update_outlet
from ..services.media.results import in_title
from ..services.media.review import add_mention, correct_tone, get_mention_for, set_status, visible_articles
from . import bp
from .forms import AddMentionForm, DecisionForm, OutletForm, ToneForm
from .views import get_article_or_404

PER_PAGE = 50


def segments(article: Article) -> list[tuple[str, Mention | None]]:
    """The body cut into plain runs and highlighted NGO/region mentions (non-overlapping, by offset)."""
    out: list[tuple[str, Mention | None]] = []
    pos = 0
    for m in sorted((m for m in article.mentions if not in_title(m) and m.status != "rejected"),
                    key=lambda m: (m.start, m.ngo_id is None)):
        if m.start < pos or article.body[m.start:m.end] != m.matched:
            continue
        out.append((article.body[pos:m.start], None))
        out.append((m.matched, m))
        pos = m.end
    out.append((article.body[pos:], None))
    return out


def article_page(article: Article, add_form: AddMentionForm | None = None, status: int = 200) -> Any:
    """Render an article with highlighted mentions and their review forms."""
    ngo_mentions = [m for m in article.mentions if m.ngo_id is not None]
    regions = sorted({m.region for m in article.mentions if m.region_id is not None and m.status != "rejected"},
                     key=lambda r: r.code)
    return render_template("monitor/article.html", article=article, segments=segments(article),
                           ngo_mentions=ngo_mentions, regions=regions, tone_form=ToneForm(formdata=None),
                           decision_form=DecisionForm(formdata=None),
                           add_form=add_form or AddMentionForm(formdata=None), in_title=in_title), status


def _mention_or_404(mention_id: int) -> Mention:
    try:
        return get_mention_for(current_user, mention_id)
    except NotFoundError:
        abort(404)


def _back(mention: Mention) -> Response:
    target = request.form.get("next", "")
    if target == "review":
        return redirect(url_for("monitor.review_queue"))
    return redirect(url_for("monitor.article", article_id=mention.article_id) + f"#mention-{mention.id}")


@bp.post("/mentions/<int:mention_id>/tone")
@roles_required("monitor", "admin")
def mention_tone(mention_id: int) -> Response:
    mention = _mention_or_404(mention_id)
    form = ToneForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        changed = correct_tone(current_user, mention, form.label.data)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("Tone set to %(label)s on %(n)s mentions of this story.", label=_(form.label.data), n=changed),
              "success")
    return _back(mention)


@bp.post("/mentions/<int:mention_id>/decision")
@roles_required("monitor", "admin")
def mention_decision(mention_id: int) -> Response:
    mention = _mention_or_404(mention_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    set_status(current_user, mention, "confirmed" if form.decision.data == "confirm" else "rejected")
    db.session.commit()
    flash(_("Mention confirmed.") if form.decision.data == "confirm" else _("Mention rejected."), "success")
    return _back(mention)


@bp.post("/articles/<int:article_id>/mentions")
@roles_required("monitor", "admin")
def mention_add(article_id: int) -> Response | tuple[str, int]:
    article = get_article_or_404(article_id)
    form = AddMentionForm()
    if form.validate_on_submit():
        try:
            mention = add_mention(current_user, article, form.ngo.data, form.matched.data)
        except DomainError as exc:
            db.session.rollback()
            name = next(iter(exc.fields), "ngo")
            target = form.matched if name == "matched" else form.ngo
            target.errors = [*target.errors, exc.message]
        else:
            db.session.commit()
            flash(_("Mention added."), "success")
            return redirect(url_for("monitor.article", article_id=article.id) + f"#mention-{mention.id}")
    return article_page(article, form, 422)


@bp.get("/review")
@roles_required("monitor", "admin")
def review_queue() -> str:
    page = max(1, request.args.get("page", 1, type=int))
    ids = visible_articles(current_user).with_only_columns(Article.id)
    query = (select(Mention).where(Mention.article_id.in_(ids), Mention.status == "auto",
                                   Mention.ngo_id.is_not(None)).order_by(Mention.id.desc()))
    rows = db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)
    return render_template("monitor/review.html", rows=rows, tone_form=ToneForm(formdata=None),
                           decision_form=DecisionForm(formdata=None), in_title=in_title)


@bp.get("/outlets")
@roles_required("monitor", "admin")
def outlets() -> str:
    return render_template("monitor/outlets.html", outlets=list_outlets())


@bp.route("/outlets/<int:outlet_id>/edit", methods=["GET", "POST"])
@roles_required("monitor", "admin")
def outlet_edit(outlet_id: int) -> Response | tuple[str, int]:
    try:
        outlet = get_outlet(outlet_id)
    except NotFoundError:
        abort(404)
    form = OutletForm(data={"name": outlet.name, "reach": outlet.reach, "website": outlet.website,
                            "region": outlet.region.code if outlet.region else ""})
    form.region.choices = [SelectChoice("", _("National"))] + [SelectChoice(c, n) for c, n in region_choices()]
    if form.validate_on_submit():
        try:
            changes = update_outlet(current_user, outlet, name=form.name.data, reach=form.reach.data,
                                    region_code=form.region.data or None, website=form.website.data)
        except DomainError as exc:
            db.session.rollback()
            field = getattr(form, next(iter(exc.fields), "name"), form.name)
            field.errors = [*field.errors, exc.message]
        else:
            db.session.commit()
            flash(_("Outlet saved.") if changes else _("Nothing was changed."), "success")
            return redirect(url_for("monitor.outlets"))
    return render_template("monitor/outlet_form.html", form=form, outlet=outlet), 422 if form.errors else 200
