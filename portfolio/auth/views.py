"""Signing in and out, and one's own account: password and API tokens."""

import logging
import time

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from portfolio.auth import oidc, services
from portfolio.auth.forms import ChangePasswordForm, LoginForm, NewTokenForm
from portfolio.auth.models import TokenEnd
from portfolio.core.errors import RuleViolation
from portfolio.core.models import utcnow
from portfolio.core.security import local_target
from portfolio.extensions import db, limiter

bp = Blueprint("auth", __name__)
log = logging.getLogger(__name__)


def _login_account_key() -> str:
    """Key the account throttle by the e-mail tried, whatever address it comes from."""
    return services.login_throttle_key(request.form.get("email", ""))


def _throttled(which: str):
    """Log each refused login where the operator looks: which limit, and from where."""

    def on_breach(_limit) -> None:
        # The address, never the e-mail tried: the log names no account of a stranger's.
        log.warning("login refused: the %s limit is reached (from %s)", which, get_remote_address())

    return on_breach


def _login_failed(_response) -> bool:
    """Count only attempts whose password was checked and found wrong."""
    return bool(g.get("login_failed"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"],
    methods=["POST"],
    key_func=_login_account_key,
    deduct_when=_login_failed,
    on_breach=_throttled("account"),
    error_message=lambda: _("Der er forsøgt for mange forkerte adgangskoder til denne konto."),
)
@limiter.limit(
    lambda: current_app.config["LOGIN_ADDRESS_RATE_LIMIT"],
    methods=["POST"],
    key_func=get_remote_address,
    deduct_when=_login_failed,
    on_breach=_throttled("address"),
    error_message=lambda: _("Der er forsøgt for mange forkerte adgangskoder fra din adresse."),
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("programmes.overview"))
    form = LoginForm(next=request.args.get("next", ""))
    if request.method == "POST" and not current_app.config["LOCAL_PASSWORDS"]:
        return _login_page(
            form,
            error=_("Login med adgangskode er slået fra. Log ind via %(provider)s.")
            % {"provider": current_app.config["OIDC_PROVIDER_NAME"]},
            status=403,
        )
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            g.login_failed = True
            form.password.errors.append(_("Forkert e-mail eller adgangskode."))
        else:
            _start_session(user)
            db.session.commit()
            return redirect(local_target(form.next.data, url_for("programmes.overview")))
    return _login_page(form, status=422 if form.errors else 200)


def _login_page(form: LoginForm, *, error: str | None = None, status: int = 200):
    page = render_template(
        "auth/login.html",
        form=form,
        error=error,
        oidc_enabled=oidc.enabled(),
        local_passwords=current_app.config["LOCAL_PASSWORDS"],
        provider_name=current_app.config["OIDC_PROVIDER_NAME"],
    )
    return page, status


def _start_session(user, **keep) -> None:
    """A new session (a fresh cookie, nothing of the one before but the language) for user."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user)
    session.permanent = True
    session["started"] = session["seen"] = int(time.time())
    session.update(keep)
    user.last_login_at = utcnow()


# An ID token kept for the provider's end-session call only while it fits a cookie easily.
_ID_TOKEN_HINT_MAX = 2000


@bp.get("/login/oidc")
def oidc_login():
    """Send the browser to the provider, with state, nonce and a PKCE challenge."""
    if not oidc.enabled():
        return redirect(url_for("auth.login"))
    if current_user.is_authenticated:
        return redirect(url_for("programmes.overview"))
    next_url = local_target(request.args.get("next"), "")
    try:
        address, pending = oidc.begin(url_for("auth.oidc_callback", _external=True), next_url)
    except oidc.SignInRefused as refused:
        return _login_page(LoginForm(next=next_url), error=refused.message, status=502)
    session["oidc_pending"] = pending.as_dict()
    return redirect(address)


@bp.get("/login/oidc/callback")
def oidc_callback():
    """Where the provider sends the browser back: check everything, then sign in."""
    if not oidc.enabled():
        return redirect(url_for("auth.login"))
    kept = session.pop("oidc_pending", None)  # once only: a replayed answer finds nothing
    form = LoginForm()
    try:
        state = request.args.get("state", "")
        if not isinstance(kept, dict) or not state or kept.get("state") != state:
            raise oidc.SignInRefused(
                _(
                    "Login blev afvist: svaret fra udbyderen hører ikke til et login, der er i"
                    " gang (det er brugt eller udløbet). Prøv igen."
                )
            )
        pending = oidc.Pending(
            state=kept["state"],
            nonce=kept["nonce"],
            verifier=kept["verifier"],
            next=kept.get("next", ""),
        )
        if request.args.get("error"):
            log.info("OIDC: the provider answered %s", request.args.get("error", "")[:60])
            raise oidc.SignInRefused(
                _("Login blev afbrudt eller afvist hos %(provider)s.")
                % {"provider": current_app.config["OIDC_PROVIDER_NAME"]}
            )
        # RFC 9207: when the provider names itself in the answer, it must be our issuer.
        if "iss" in request.args and request.args["iss"] != current_app.config["OIDC_ISSUER"]:
            raise oidc.SignInRefused(oidc._wrong_issuer())
        code = request.args.get("code", "")
        if not code:
            raise oidc.SignInRefused(_("Login blev afvist: udbyderen sendte ingen kode."))
        redirect_uri = url_for("auth.oidc_callback", _external=True)
        claims, id_token = oidc.exchange(code, redirect_uri, pending)
        user, created = oidc.find_or_create_user(claims)
        if created:
            # Named in the audit trail as themselves: the row is written with their e-mail.
            login_user(user)
            db.session.flush()
        hint = id_token if len(id_token) <= _ID_TOKEN_HINT_MAX else None
        _start_session(user, oidc_id_token=hint, oidc=True)
        oidc.sync_roles(user, claims)
        db.session.commit()
    except oidc.SignInRefused as refused:
        db.session.rollback()
        logout_user()
        session.clear()
        return _login_page(form, error=refused.message, status=403)
    return redirect(local_target(pending.next, url_for("programmes.overview")))


@bp.post("/logout")
@login_required
def logout():
    # Server-side: every copy of this session's cookie (and the user's other sessions) ends.
    services.log_out(current_user._get_current_object())
    db.session.commit()
    through_provider = bool(session.get("oidc"))
    id_token = session.get("oidc_id_token")
    logout_user()
    session.clear()
    flash(_("Du er logget ud – også i dine andre browsere."), "info")
    if through_provider and oidc.enabled():
        # The provider's session ends too, where it offers an end-session endpoint.
        address = oidc.end_session_url(id_token, url_for("auth.login", _external=True))
        if address:
            return redirect(address)
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
def account():
    """Show the user's roles and let them change their password."""
    form = ChangePasswordForm()
    status = 200
    if request.method == "POST" and not current_app.config["LOCAL_PASSWORDS"]:
        flash(_("Login med adgangskode er slået fra; adgangskoden kan ikke skiftes her."), "error")
        return redirect(url_for("auth.account"))
    if form.validate_on_submit():
        if services.authenticate(current_user.email, form.current_password.data) is None:
            form.current_password.errors.append(_("Den nuværende adgangskode er forkert."))
            status = 422
        else:
            try:
                ended = services.change_password(current_user, form.new_password.data)
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
                if ended:
                    flash(
                        ngettext(
                            "Dit API-token er ophørt. Opret et nyt, hvis du stadig har"
                            " brug for et.",
                            "Dine %(num)d API-tokens er ophørt. Opret nye, hvis du stadig har"
                            " brug for dem.",
                            len(ended),
                        ),
                        "info",
                    )
                return redirect(url_for("auth.account"))
    elif form.is_submitted():
        status = 422
    return render_template("auth/account.html", form=form), status


def _tokens_page(form: NewTokenForm, secret: str | None = None, status: int = 200):
    user = current_user._get_current_object()
    page = render_template(
        "auth/tokens.html", form=form, tokens=services.list_tokens(user), secret=secret
    )
    return page, status


@bp.get("/account/tokens")
def tokens():
    """List the user's own API tokens."""
    return _tokens_page(NewTokenForm())


@bp.post("/account/tokens")
def new_token():
    """Make a token and show its secret on this one page (never in a flash or a redirect)."""
    form = NewTokenForm()
    if not form.validate():
        return _tokens_page(form, status=422)
    try:
        secret = services.issue_token(current_user._get_current_object(), form.name.data)
        db.session.commit()
    except RuleViolation as error:
        db.session.rollback()
        form.name.errors.extend(error.errors.get("name", [error.message]))
        return _tokens_page(form, status=422)
    # 201 and the page itself rather than a redirect: the secret must not travel in the
    # session cookie or an address to reach the page after one.
    response = make_response(_tokens_page(NewTokenForm(formdata=None), secret=secret, status=201))
    # The secret is on this page only: no cache or back button keeps a copy.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/account/tokens/<int:token_id>/revoke")
def revoke_token(token_id):
    token = services.get_token(current_user._get_current_object(), token_id)
    services.end_token(token, TokenEnd.REVOKED_BY_OWNER)
    db.session.commit()
    flash(_("Tokenet »%(name)s« er tilbagekaldt.", name=token.name), "success")
    return redirect(url_for("auth.tokens"))
