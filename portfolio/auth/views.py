"""Signing in and out."""

import time

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from portfolio.auth import services
from portfolio.auth.forms import ChangePasswordForm, LoginForm
from portfolio.core.errors import RuleViolation
from portfolio.core.models import utcnow
from portfolio.core.security import local_target
from portfolio.extensions import db, limiter

bp = Blueprint("auth", __name__)


def _login_key() -> str:
    """Throttle per address and e-mail, so one client cannot try many accounts quickly."""
    return f"{get_remote_address()}|{request.form.get('email', '').strip().lower()}"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], key_func=_login_key
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("programmes.overview"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("Forkert e-mail eller adgangskode."))
        else:
            lang = session.get("lang")
            session.clear()
            if lang:
                session["lang"] = lang
            login_user(user)
            session.permanent = True
            session["started"] = session["seen"] = int(time.time())
            user.last_login_at = utcnow()
            db.session.commit()
            return redirect(local_target(form.next.data, url_for("programmes.overview")))
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    session.clear()
    flash(_("Du er logget ud."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
def account():
    """Show the user's roles and let them change their password."""
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        if services.authenticate(current_user.email, form.current_password.data) is None:
            form.current_password.errors.append(_("Den nuværende adgangskode er forkert."))
            status = 422
        else:
            try:
                services.change_password(current_user, form.new_password.data)
                db.session.commit()
            except RuleViolation as error:
                db.session.rollback()
                form.new_password.errors.extend(error.errors.get("password", [error.message]))
                status = 422
            else:
                # This session carries on under the new epoch; every other one has ended.
                login_user(current_user._get_current_object())
                session["started"] = session["seen"] = int(time.time())
                flash(_("Adgangskoden er ændret. Du er logget ud alle andre steder."), "success")
                return redirect(url_for("auth.account"))
    elif form.is_submitted():
        status = 422
    return render_template("auth/account.html", form=form), status
