from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from ..auth.loading import is_safe_next
from ..navigation import has_endpoint
from ..services.overview import home_overview
from . import bp


@bp.route("/")
def home() -> str:
    return render_template("public/home.html", overview=home_overview(), has_endpoint=has_endpoint)


@bp.route("/methodology")
def methodology() -> str:
    from ..services.methodology import methodology_html
    from ..services.metrics import METRICS

    return render_template("public/methodology.html", body=methodology_html(), metrics=METRICS)


@bp.route("/lang/<code>", methods=["POST"])
def set_language(code: str) -> Response:
    if code not in current_app.config["SENIM_LANGUAGES"]:
        abort(404)
    session["lang"] = code
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for("public.home"))
