from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from models import AuditLog, db

from ..extensions import limiter, login_manager
from ..navigation import home_for
from ..services.errors import AuthError
from ..services.users import authenticate, normalise_email
from . import bp
from .forms import LoginForm
from .loading import is_safe_next
from .sessions import mark_login

login_manager.login_view = "auth.login"
login_manager.login_message = None


def _account_key() -> str:
    return "login:" + normalise_email(request.form.get("email", ""))[:254]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
@limiter.limit("5 per minute", methods=["POST"], key_func=_account_key)
def login() -> Response | str:
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data, form.password.data)
        except AuthError:
            error = _("Wrong e-mail or password.")
            db.session.add(AuditLog(action="user.login_failed", object_type="user", detail={}))
            db.session.commit()
        else:
            lang = session.get("lang")
            session.clear()  # a fresh session at login: no fixation
            if lang:
                session["lang"] = lang
            login_user(user)
            mark_login()
            from models.base import utcnow

            user.last_login_at = utcnow()
            db.session.add(AuditLog(user_id=user.id, action="user.login", object_type="user",
                                    object_id=str(user.id)))
            db.session.commit()
            target = request.args.get("next")
            return redirect(target if is_safe_next(target) else home_for(user))
    status = 401 if error else (422 if form.errors else 200)
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    user = current_user._get_current_object()
    user.session_version += 1  # a copied cookie stops working too
    db.session.add(AuditLog(user_id=user.id, action="user.logout", object_type="user", object_id=str(user.id)))
    db.session.commit()
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have been signed out."), "info")
    return redirect(url_for("public.home"))
