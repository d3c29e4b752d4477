"""Configuration, read from the environment with safe defaults for a local run."""

import contextlib
import datetime as dt
import os
import secrets
from pathlib import Path
from typing import ClassVar

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("STYRBORD_INSTANCE", PROJECT_ROOT / "instance"))


def _secret_key() -> str:
    """Return SECRET_KEY from the environment, or one generated once and kept in instance/."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _database_url() -> str:
    """Return DATABASE_URL, or the embedded SQLite database under instance/."""
    url = os.environ.get("DATABASE_URL")
    if url:
        # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants a driver name.
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgres://")
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        return url
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{INSTANCE_DIR / 'styrbord.db'}"


DEFAULT_METRIC_FILE_ROOT = INSTANCE_DIR / "metric-files"
DEMO_REGISTER_FILE = "demo-register.sqlite"


def metric_file_roots() -> list[str]:
    """Return the folders metric sources may read local files from (METRICS_FILE_ROOTS).

    Folders are separated by the platform's path separator (":" on Linux). Unset, it is
    `instance/metric-files`; set but empty, no local file may be read at all.
    """
    text = os.environ.get("METRICS_FILE_ROOTS")
    if text is None:
        return [str(DEFAULT_METRIC_FILE_ROOT)]
    return [part.strip() for part in text.split(os.pathsep) if part.strip()]


def metric_allowed_hosts() -> list[str]:
    """Return the internal hosts metric sources may reach after all (METRICS_ALLOWED_HOSTS).

    Entries are separated by commas or spaces: a host name, an address or a network
    (`warehouse.internal`, `10.20.0.0/16`), each optionally with a port (`:8443`; write an
    IPv6 address in brackets then). Unset, only public internet addresses are reached.
    """
    text = os.environ.get("METRICS_ALLOWED_HOSTS") or ""
    return [part for part in text.replace(",", " ").split() if part]


class Config:
    SECRET_KEY = None  # filled in by load_config()
    SQLALCHEMY_DATABASE_URI = None
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {"pool_pre_ping": True}
    # How long a write waits for another's lock before the user is asked to save again.
    DATABASE_LOCK_TIMEOUT_MS = int(os.environ.get("DATABASE_LOCK_TIMEOUT_MS") or 5000)
    BABEL_DEFAULT_LOCALE = "da"
    BABEL_DEFAULT_TIMEZONE = "Europe/Copenhagen"
    LANGUAGES = ("da", "en")
    BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "translations")
    WTF_CSRF_TIME_LIMIT = None  # the session lifetime bounds the token instead
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Sessions end after this much inactivity, and after PERMANENT_SESSION_LIFETIME at most.
    SESSION_IDLE_MINUTES = 60
    PERMANENT_SESSION_LIFETIME = dt.timedelta(hours=10)
    # The cookie is sent again when the session changed (its activity is noted once a
    # minute, auth/services.py), not signed anew on every request.
    SESSION_REFRESH_EACH_REQUEST = False
    # Uploads (budget workbooks, metric files) are small; anything bigger is refused (413).
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024
    # Failed logins only are counted (a wrong password, an unknown e-mail, a closed account).
    # Per account, from wherever they come: past the limit even the right password waits.
    LOGIN_ACCOUNT_RATE_LIMIT = os.environ.get("LOGIN_ACCOUNT_RATE_LIMIT") or "10 per 15 minutes"
    # Per address, far above one person's typos, so one office behind a NAT is not locked
    # out by a colleague; only guessing across many accounts from one address reaches it.
    LOGIN_ADDRESS_RATE_LIMIT = os.environ.get("LOGIN_ADDRESS_RATE_LIMIT") or "300 per hour"
    # In memory (per worker process) unless set; redis://host:6379/0 shares the counts
    # between workers and instances, which each see only their own otherwise.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or "memory://"
    # When that store (Redis) does not answer, count in memory meanwhile, rather than
    # answer every login with a 500; the limiter logs that it fell back.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # A moving window: an account locked at 14:00 opens one attempt at a time from 14:15,
    # rather than all ten at once at the turn of a fixed window.
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_KEY_PREFIX = "styrbord"
    RATELIMIT_HEADERS_ENABLED = True
    # Set when nginx (or another proxy) terminates HTTPS in front of the app.
    BEHIND_PROXY = os.environ.get("BEHIND_PROXY", "") == "1"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "") == "1"
    # The state IT council's cost rule (Statens It-råd): yellow up to these limits, red above.
    COST_LIGHT_YELLOW_PERCENT = 10
    COST_LIGHT_RED_MIO = 6
    BUDGET_IMPORT_MAX_BYTES = 2 * 1024 * 1024
    # An annex's file (programmes/annexes.py): at most this many MB (STYRBORD_ANNEX_MAX_MB).
    # The annex forms' requests may be this large (plus the form's other fields), above the
    # MAX_CONTENT_LENGTH every other request keeps.
    ANNEX_MAX_BYTES = int(os.environ.get("STYRBORD_ANNEX_MAX_MB") or 20) * 1024 * 1024
    # Pin "today" (YYYY-MM-DD) for demonstrations and measurements; unset in production.
    TODAY = os.environ.get("STYRBORD_TODAY") or None
    # `flask setup` creates the demo data platform's metrics unless this is off.
    DEMO_METRICS = os.environ.get("STYRBORD_DEMO_METRICS", "1") != "0"
    METRICS_REFRESH_WORKERS = int(os.environ.get("METRICS_REFRESH_WORKERS") or 32)
    # The demo data platform's files ship with Styrbord and hold nothing but made-up public
    # figures, so sources may always read them; this is not read from the environment.
    METRICS_DEMO_FILE_ROOT = str(Path(__file__).resolve().parent / "seed" / "demo")
    DEMO_REGISTER_PATH = os.environ.get("DEMO_REGISTER_PATH") or None
    # OpenID Connect sign-in (docs/deploy.md, "Sign-in through Entra ID"): on when an issuer,
    # a client id and a secret are set. The discovery document is read from the issuer's
    # /.well-known/openid-configuration unless OIDC_DISCOVERY_URL names another address.
    OIDC_ISSUER = os.environ.get("OIDC_ISSUER") or None
    OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID") or None
    OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET") or None
    OIDC_DISCOVERY_URL = os.environ.get("OIDC_DISCOVERY_URL") or None
    OIDC_SCOPES = os.environ.get("OIDC_SCOPES") or "openid email profile"
    # The claim that names the user for good: "sub" (Entra ID: "oid" also works).
    OIDC_SUBJECT_CLAIM = os.environ.get("OIDC_SUBJECT_CLAIM") or "sub"
    # The claims whose values the group → role mapping matches (space-separated).
    OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM") or "groups roles"
    # Create a Styrbord user on a first sign-in; off, an administrator creates them first.
    OIDC_CREATE_USERS = os.environ.get("OIDC_CREATE_USERS", "") in {"1", "true", "yes"}
    # "groups": roles follow the mapping on each sign-in; "manual": administrators set them.
    OIDC_ROLE_SYNC = os.environ.get("OIDC_ROLE_SYNC") or "groups"
    # Entra ID: the directory (tenant) id the ID token's tid claim must name, when set.
    OIDC_TENANT_ID = os.environ.get("OIDC_TENANT_ID") or None
    OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME") or "Microsoft Entra ID"
    OIDC_CLOCK_SKEW_SECONDS = int(os.environ.get("OIDC_CLOCK_SKEW_SECONDS") or 60)
    # Off ("0"), the password form is gone and password sign-in is refused.
    LOCAL_PASSWORDS = os.environ.get("LOCAL_PASSWORDS", "1") not in {"0", "false", "no"}
    # Mail (docs/deploy.md, Mail): sent over SMTP by the scheduled job, never in a request.
    # Without MAIL_SERVER nothing is sent; the messages wait in the outbox.
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT") or 587)
    # "starttls" (the default), "ssl" (SMTPS, usually port 465) or "none" (a local relay).
    MAIL_SECURITY = os.environ.get("MAIL_SECURITY") or "starttls"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_FROM = os.environ.get("MAIL_FROM") or "Styrbord <styrbord@localhost>"
    MAIL_TIMEOUT = int(os.environ.get("MAIL_TIMEOUT") or 30)
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS") or 6)
    # The address the links in mail point at (mail is written outside any request).
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL") or "http://localhost:8000"
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 - the name of a hash method, not a secret
    EXPORT_DIR = str(PROJECT_ROOT / "exports")
    JSON_SORT_KEYS = False


def load_config(overrides: dict | None = None) -> dict:
    """Build the configuration mapping for create_app()."""
    config = {k: v for k, v in vars(Config).items() if k.isupper()}
    overrides = overrides or {}
    if "SECRET_KEY" not in overrides:
        config["SECRET_KEY"] = _secret_key()
    if "SQLALCHEMY_DATABASE_URI" not in overrides:
        config["SQLALCHEMY_DATABASE_URI"] = _database_url()
    # Read when the app is made (not when this module is imported), like the URLs above.
    config["METRICS_FILE_ROOTS"] = metric_file_roots()
    config["METRICS_ALLOWED_HOSTS"] = metric_allowed_hosts()
    config.update(overrides)
    default_roots = [str(DEFAULT_METRIC_FILE_ROOT)]
    if config["METRICS_FILE_ROOTS"] == default_roots and not config.get("TESTING"):
        # The default folder is made on first start, so operators can see where files go.
        with contextlib.suppress(OSError):
            DEFAULT_METRIC_FILE_ROOT.mkdir(parents=True, exist_ok=True)
    if not config.get("DEMO_REGISTER_PATH"):
        config["DEMO_REGISTER_PATH"] = str(default_demo_register(config["SQLALCHEMY_DATABASE_URI"]))
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {}
    return config


def default_demo_register(database_url: str) -> Path:
    """Return where `flask seed demo-metrics` builds the demo register database.

    Beside a SQLite database file, else in the instance folder. Metric sources may read this
    one file wherever it lies (it holds only the demo's made-up figures); DEMO_REGISTER_PATH
    (environment or config) puts it elsewhere.
    """
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).resolve().parent / DEMO_REGISTER_FILE
    return INSTANCE_DIR / DEMO_REGISTER_FILE
