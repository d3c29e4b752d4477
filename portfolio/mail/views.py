"""Password links (asked for, and used), invitations, and one's own choice of mail.

These pages only put mail in the outbox; the scheduled job sends it.
"""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from portfolio.auth import services as auth_services
from portfolio.core.errors import RuleViolation
from portfolio.extensions import db, limiter
from portfolio.mail import services
from portfolio.mail.forms import ForgotPasswordForm, MailPreferencesForm, SetPasswordForm

bp = Blueprint("mail", __name__)

# Reached without signing in: asking for a link, and using one.
PUBLIC = frozenset({"mail.forgot_password", "mail.set_password"})


def _private(response):
    # The address holds a secret: no cache keeps the page, no link leaks it as a referrer.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("5 per 15 minutes", methods=["POST"], key_func=get_remote_address)
def forgot_password():
    """Ask for a reset link by e-mail; the answer is the same whether the account exists."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        return render_template("mail/forgot_sent.html")
    status = 422 if form.errors else 200
    return render_template("mail/forgot.html", form=form), status


@bp.route("/password/set", methods=["GET", "POST"])
@limiter.limit("20 per 15 minutes", methods=["POST"], key_func=get_remote_address)
def set_password():
    """Choose a password through an invitation or a reset link (once, before it expires)."""
    secret = request.args.get("token", "")
    try:
        link = services.live_link(secret)
    except services.LinkRefused as refusal:
        page = render_template("mail/link_refused.html", message=str(refusal))
        return _private(make_response(page, 410))
    form = SetPasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.use_link(secret, form.new_password.data)
            db.session.commit()
        except services.LinkRefused as refusal:
            db.session.rollback()
            page = render_template("mail/link_refused.html", message=str(refusal))
            return _private(make_response(page, 410))
        except RuleViolation as error:
            db.session.rollback()
            form.new_password.errors = [
                *form.new_password.errors,
                *error.errors.get("password", [error.message]),
            ]
            status = 422
        else:
            flash(_("Din adgangskode er valgt. Log ind med den."), "success")
            return redirect(url_for("auth.login"))
    elif form.is_submitted():
        status = 422
    page = render_template("mail/set_password.html", form=form, link=link)
    return _private(make_response(page, status))


@bp.post("/admin/users/<int:user_id>/invite")
def invite(user_id):
    """Send the user an invitation to choose a password (through the outbox)."""
    user = auth_services.get_user(user_id)
    try:
        services.invite(current_user._get_current_object(), user)
        db.session.commit()
    except RuleViolation as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(
            _(
                "Invitationen til %(email)s er lagt i udbakken og sendes ved næste kørsel.",
                email=user.email,
            ),
            "success",
        )
    return redirect(url_for("admin.user", user_id=user_id))


@bp.route("/account/mail", methods=["GET", "POST"])
def preferences():
    """Choose which mail to get."""
    user = current_user._get_current_object()
    off = services.turned_off(user)
    form = MailPreferencesForm(data={kind: kind not in off for kind in services.OPTIONAL})
    if form.validate_on_submit():
        services.set_preferences(
            user, {kind for kind in services.OPTIONAL if getattr(form, kind).data}
        )
        db.session.commit()
        flash(_("Dine valg af e-mail er gemt."), "success")
        return redirect(url_for("mail.preferences"))
    page = render_template("mail/preferences.html", form=form, kinds=services.OPTIONAL)
    return page, 422 if form.errors else 200
