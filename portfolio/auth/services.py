"""Accounts: creating users, checking passwords, tokens and roles."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import (
    Flask,
    current_app,
    flash,
    g,
    has_request_context,
    jsonify,
    redirect,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from portfolio.auth.models import ApiToken, Membership, Role, TokenEnd, User
from portfolio.core.errors import NotFound, RuleViolation
from portfolio.core.locking import delete_once
from portfolio.core.models import utcnow
from portfolio.extensions import db, login_manager

log = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 12
# How often a session's last activity is written into its cookie.
ACTIVITY_RESOLUTION_SECONDS = 60

# The only endpoints that answer without a signed-in user.
PUBLIC_ENDPOINTS = frozenset(
    {
        "auth.login",
        "auth.oidc_login",
        "auth.oidc_callback",
        "static",
        "core.healthz",
        "core.set_language",
        "api.openapi",
        # Calendar clients cannot sign in: the feed token in the address is checked instead.
        "calendars.programme_feed",
        "calendars.personal_feed",
        # Asking for a password link by mail, and using one.
        "mail.forgot_password",
        "mail.set_password",
    }
)

# A hash to compare against when the e-mail is unknown, so that a failed login costs the
# same time whether or not the account exists.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(16))


@functools.cache
def _user_with_memberships(columns: tuple = ()) -> sa.Select:
    """Select a user and, in the same query, the memberships every page checks (and any
    columns read with the user, see read_with_user).

    Built once, since every request asks it: building it anew cost about as much as its
    round trip to the database.
    """
    query = sa.select(User, *columns).where(User.id == sa.bindparam("id"))
    return query.options(joinedload(User.memberships))


_READ_WITH_USER = "styrbord.read_with_user"


@dataclass(frozen=True)
class ReadWithUser:
    """Values another package had read in the signed-in user's query, for one request."""

    endpoint: str
    params: dict
    values: tuple


def read_with_user(
    endpoint: str, columns: tuple, params: Callable[[dict], dict] | None = None
) -> None:
    """Have `columns` read in the same query as the signed-in user on requests to `endpoint`.

    Every page loads its user first, so a value each request to the endpoint needs (the
    page cache's data version, programmes/caching.py) costs no round trip of its own.
    `params(view_args)` gives the columns' parameters. The values are read only from the
    session's user (not with an API token); `values_read_with_user` returns them.
    """
    current_app.extensions.setdefault(_READ_WITH_USER, {})[endpoint] = (columns, params)


def values_read_with_user() -> ReadWithUser | None:
    """Return the values read with this request's user, if any were."""
    return g.get("read_with_user")


def _load_user_row(user_id: int) -> User | None:
    endpoint = request.endpoint if has_request_context() else None
    wanted = current_app.extensions.get(_READ_WITH_USER, {}).get(endpoint) if endpoint else None
    if endpoint is None or wanted is None:
        result = db.session.execute(_user_with_memberships(), {"id": user_id})
        return result.unique().scalar_one_or_none()
    columns, params = wanted
    values = params(request.view_args or {}) if params else {}
    result = db.session.execute(_user_with_memberships(columns), {"id": user_id, **values})
    row = result.unique().one_or_none()
    if row is None:
        return None
    g.read_with_user = ReadWithUser(endpoint, values, tuple(row[1:]))
    return row[0]


def init_login(app: Flask) -> None:
    """Teach Flask-Login how to find users from the session and from API tokens."""
    app.session_interface = TokenAwareSessionInterface()
    app.jinja_env.globals["min_password_length"] = MIN_PASSWORD_LENGTH
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        user_id, _sep, epoch = session_id.partition(":")
        if not user_id.isdigit() or not epoch.isdigit():
            return None
        user = _load_user_row(int(user_id))
        if user is None or user.session_epoch != int(epoch):
            return None
        return user

    @login_manager.request_loader
    def load_user_from_token(req) -> User | None:
        header = req.headers.get("Authorization", "")
        scheme, _sep, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        user = user_by_token(token.strip())
        # A token authenticates this request only: no session cookie is handed out for it.
        g.token_authenticated = user is not None
        return user

    @app.before_request
    def require_login():
        """Refuse every page but the public few to anyone not signed in."""
        if request.endpoint is None or request.endpoint in PUBLIC_ENDPOINTS:
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not g.get("token_authenticated") and _session_expired():
            logout_user()
            session.clear()
            flash(_("Du er blevet logget ud, fordi du ikke har været aktiv et stykke tid."), "info")
            return login_manager.unauthorized()
        return None

    @login_manager.unauthorized_handler
    def unauthorized():
        if request.path.startswith("/api/"):
            body = {
                "error": {
                    "status": 401,
                    "code": "unauthorized",
                    "message": "Login or a bearer token is required.",
                }
            }
            return jsonify(body), 401
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


class TokenAwareSessionInterface(SecureCookieSessionInterface):
    """Signed-cookie sessions, except for requests that authenticated with an API token."""

    def get_cookie_secure(self, app) -> bool:
        # Mark the cookie Secure whenever the request came over HTTPS (also behind a proxy
        # that says so, when BEHIND_PROXY is set), and always when configured.
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)

    def get_signing_serializer(self, app):
        # Made once per set of keys rather than on every request.
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        cached = app.extensions.get("styrbord.session_serializer")
        if cached is None or cached[0] != keys:
            cached = (keys, super().get_signing_serializer(app))
            app.extensions["styrbord.session_serializer"] = cached
        return cached[1]

    def save_session(self, app, session, response):
        if g.get("token_authenticated"):
            return
        super().save_session(app, session, response)


def _session_expired() -> bool:
    """Tell whether the session has been idle, or alive, longer than allowed; note activity."""
    now = int(time.time())
    seen = session.get("seen", now)
    started = session.get("started", now)
    config = current_app.config
    if now - seen > config["SESSION_IDLE_MINUTES"] * 60:
        return True
    if now - started > config["PERMANENT_SESSION_LIFETIME"].total_seconds():
        return True
    # Noted once a minute, not on every request: an unchanged session is not signed and
    # sent again (SESSION_REFRESH_EACH_REQUEST is off), and an idle session then ends up to
    # a minute early, never late.
    if "seen" not in session or now - seen >= ACTIVITY_RESOLUTION_SECONDS:
        session["seen"] = now
    if "started" not in session:
        session["started"] = now
    return False


def normalise_email(email: str) -> str:
    return email.strip().lower()


def login_throttle_key(email: str) -> str:
    """Return the login throttle's key for an account ("" for no e-mail: nothing to count).

    Hashed, so the limiter's store (Redis) holds no list of e-mail addresses.
    """
    email = normalise_email(email)
    return "login-account:" + hashlib.sha256(email.encode()).hexdigest()[:32] if email else ""


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with this e-mail and password, or None."""
    user = get_user_by_email(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.is_active:
        return None
    return user


# Words a Danish user reaches for first; zxcvbn's own lists are English.
DANISH_COMMON_PASSWORDS = frozenset(
    {
        "adgangskode", "kodeord", "hemmelighed", "sommerfugl", "kærlighed", "danmark",
        "københavn", "velkommen", "sommerferie", "julemanden", "styrbord", "sundhed",
        "sundhedsdata", "sundhedsdatastyrelsen", "programmet",
    }
)  # fmt: skip


@functools.cache
def _common_passwords() -> frozenset[str]:
    """The 30,000 most common leaked passwords (zxcvbn's list) and the Danish ones above."""
    return frozenset(FREQUENCY_LISTS["passwords"]) | DANISH_COMMON_PASSWORDS


def password_problems(password: str, *, context: tuple[str, ...] = ()) -> list[str]:
    """List what is wrong with a new password (empty when it is acceptable).

    At least MIN_PASSWORD_LENGTH characters; not on the list of common passwords, also not
    once trailing digits and signs are stripped ("adgangskode2024!"); and not trivially
    guessable from common words, patterns and the user's own name or e-mail (zxcvbn
    score of at least 2 out of 4).
    """
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(_("Adgangskoden skal være mindst %(n)d tegn.", n=MIN_PASSWORD_LENGTH))
    lowered = password.lower()
    stem = lowered.rstrip("0123456789!#?.,-_ ")
    if lowered in _common_passwords() or stem in _common_passwords():
        problems.append(_("Adgangskoden er for almindelig. Vælg en anden."))
    elif not problems and zxcvbn(password[:100], user_inputs=list(context))["score"] < 2:
        problems.append(
            _("Adgangskoden er let at gætte. Brug fx flere ord, der ikke hører sammen.")
        )
    return problems


FIRST_ADMIN_EMAIL = "admin@styrbord.local"


def create_first_admin() -> str | None:
    """Create the first administrator with a fresh random password and return the password;
    return None (and create nothing) once any account exists."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(User)):
        return None
    password = secrets.token_urlsafe(12)
    create_user(FIRST_ADMIN_EMAIL, password, name="Administrator", is_admin=True)
    return password


def create_user(email: str, password: str, *, name: str = "", is_admin: bool = False) -> User:
    """Create an account; refuse a taken e-mail or a weak password."""
    email = normalise_email(email)
    errors: dict[str, list[str]] = {}
    if "@" not in email or len(email) > 254:
        errors["email"] = [_("Angiv en gyldig e-mailadresse.")]
    elif get_user_by_email(email) is not None:
        errors["email"] = [_("Der findes allerede en bruger med denne e-mailadresse.")]
    if problems := password_problems(password, context=(email, name)):
        errors["password"] = problems
    if errors:
        raise RuleViolation(_("Brugeren blev ikke oprettet."), errors=errors)
    user = User(email=email, name=name, is_admin=is_admin, password_hash=_hash(password))
    db.session.add(user)
    db.session.flush()
    return user


def change_password(user: User, new_password: str) -> list[ApiToken]:
    """Set a new password; end every session of the user and every API token they hold.

    Return the tokens that ended. The request that changed it carries on by logging in
    again under the new epoch.
    """
    if problems := password_problems(new_password, context=(user.email, user.name)):
        raise RuleViolation(_("Adgangskoden blev ikke ændret."), errors={"password": problems})
    user.password_hash = _hash(new_password)
    end_sessions(user)
    ended = end_tokens(user, TokenEnd.PASSWORD_CHANGED)
    db.session.flush()
    return ended


# A generated password: groups of letters and digits that are hard to mistake for one
# another when read aloud or typed from a screen (no 0/O, 1/l/I).
_GENERATED_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_GENERATED_GROUPS = 4
_GENERATED_GROUP_LENGTH = 5


def generate_password() -> str:
    """Return a random password (about 116 bits) that passes the password rules."""
    while True:
        password = "-".join(
            "".join(secrets.choice(_GENERATED_ALPHABET) for _i in range(_GENERATED_GROUP_LENGTH))
            for _g in range(_GENERATED_GROUPS)
        )
        if not password_problems(password):
            return password


def reset_password(user: User) -> str:
    """Give the user a new generated password and return it (shown once, never stored).

    As with any change of password, every session of the user and every API token they
    hold ends.
    """
    password = generate_password()
    change_password(user, password)
    return password


def _hash(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def end_sessions(user: User) -> None:
    """End every session the user has anywhere: their cookies name an epoch that is gone."""
    user.session_epoch += 1
    db.session.flush()


def log_out(user: User) -> None:
    """Log the user out everywhere: a copy of the session cookie dies with this one."""
    end_sessions(user)


def set_active(user: User, active: bool) -> None:
    """Open or close an account; either way its sessions end, and closing ends its tokens.

    Ending the sessions on reactivation too means no cookie from before the account was
    closed comes back to life when it is opened again.
    """
    if user.is_active_account == active:
        return
    user.is_active_account = active
    end_sessions(user)
    if not active:
        end_tokens(user, TokenEnd.ACCOUNT_DEACTIVATED)
    db.session.flush()


# A user with this many live tokens revokes one before making another.
MAX_LIVE_TOKENS = 20
# How stale a token's "last used" may get before a request writes it again.
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


def issue_token(user: User, name: str = "API") -> str:
    """Give the user a new personal API token and return its secret (shown this once)."""
    name = " ".join(name.split())[:100]
    if not name:
        raise RuleViolation(
            _("Tokenet blev ikke oprettet."), errors={"name": [_("Feltet skal udfyldes.")]}
        )
    if len(live_tokens(user)) >= MAX_LIVE_TOKENS:
        raise RuleViolation(
            _(
                "Du har allerede %(n)d aktive tokens. Tilbagekald et, før du opretter et nyt.",
                n=MAX_LIVE_TOKENS,
            )
        )
    secret = secrets.token_urlsafe(32)
    db.session.add(
        ApiToken(user=user, name=name, token_hash=_token_hash(secret), prefix=secret[:6])
    )
    db.session.flush()
    return secret


def list_tokens(user: User) -> list[ApiToken]:
    """Return the user's tokens: the live ones first, newest first within each group."""
    query = (
        sa.select(ApiToken)
        .where(ApiToken.user_id == user.id)
        .order_by(ApiToken.ended_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return list(db.session.scalars(query))


def live_tokens(user: User) -> list[ApiToken]:
    query = sa.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.ended_at.is_(None))
    return list(db.session.scalars(query))


def get_token(user: User, token_id: int) -> ApiToken:
    """Return one of the user's tokens (NotFound for another user's, so none is revealed)."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(_("Tokenet findes ikke."))
    return token


def end_token(token: ApiToken, reason: TokenEnd) -> None:
    """Make the token stop working now (an ended token stays ended)."""
    if token.ended_at is None:
        token.ended_at = utcnow()
        token.end_reason = reason
        db.session.flush()


def end_tokens(user: User, reason: TokenEnd) -> list[ApiToken]:
    """End every live token of the user and return them."""
    ended = live_tokens(user)
    for token in ended:
        end_token(token, reason)
    return ended


def user_by_token(secret: str) -> User | None:
    """Return the active owner of a live token with this secret, or None."""
    digest = _token_hash(secret)
    token = db.session.scalar(
        sa.select(ApiToken)
        .where(ApiToken.token_hash == digest, ApiToken.ended_at.is_(None))
        .options(joinedload(ApiToken.user).joinedload(User.memberships))
    )
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    if not token.user.is_active:
        return None
    _note_use(token)
    return token.user


def _note_use(token: ApiToken) -> None:
    """Record when the token was last used, at most every LAST_USED_RESOLUTION.

    Bookkeeping, not a change anybody made: written straight to the table in a transaction
    of its own (no audit row, no version bump, nothing of the request's own work committed
    with it), since a read-only API request commits nothing. A busy database only costs
    the note, never the request.
    """
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    table = ApiToken.__table__
    try:
        with db.engine.begin() as connection:
            connection.execute(
                sa.update(table).where(table.c.id == token.id).values(last_used_at=now),
                execution_options={"audit_exempt": True},
            )
    except sa.exc.OperationalError as error:
        log.info("token use not recorded: %s", error.__class__.__name__)
        return
    set_committed_value(token, "last_used_at", now)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def grant_role(
    user: User,
    role: Role,
    *,
    programme=None,
    track=None,
    benefit=None,
) -> Membership:
    """Give the user a role in a programme (or in every programme when none is given)."""
    if role is Role.TRACK_LEAD and track is None:
        raise RuleViolation(_("En sporleder skal knyttes til et spor."))
    if role is Role.BENEFIT_OWNER and benefit is None:
        raise RuleViolation(_("En gevinstejer skal knyttes til en gevinst."))
    if track is not None:
        programme = track.programme
    if benefit is not None:
        programme = benefit.programme
    for existing in user.memberships:
        if (
            existing.role is role
            and existing.programme_id == (programme.id if programme else None)
            and existing.track_id == (track.id if track else None)
            and existing.benefit_id == (benefit.id if benefit else None)
        ):
            return existing
    membership = Membership(user=user, role=role, programme=programme, track=track, benefit=benefit)
    db.session.add(membership)
    db.session.flush()
    return membership


def revoke_membership(membership: Membership) -> None:
    delete_once(membership)
    db.session.flush()


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("Brugeren findes ikke."))
    return user


def list_users() -> list[User]:
    return list(db.session.scalars(sa.select(User).order_by(User.email)))
