"""Error pages in Danish and English without stack traces, and JSON errors for the API."""

import datetime as dt
import logging
import math
import time

from flask import Flask, current_app, jsonify, make_response, render_template, request
from flask_babel import format_time, ngettext
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from portfolio.core.errors import DomainError
from portfolio.core.i18n import locale_code
from portfolio.core.locking import RETRY_AFTER_SECONDS, lost_turn
from portfolio.extensions import db, limiter

log = logging.getLogger(__name__)

TITLES = {
    400: lambda: _("Forkert forespørgsel"),
    401: lambda: _("Log ind for at fortsætte"),
    403: lambda: _("Adgang nægtet"),
    404: lambda: _("Siden findes ikke"),
    405: lambda: _("Metoden er ikke tilladt"),
    409: lambda: _("Konflikt"),
    413: lambda: _("Forespørgslen er for stor"),
    422: lambda: _("Ugyldige oplysninger"),
    429: lambda: _("For mange forsøg"),
    500: lambda: _("Der opstod en fejl"),
    503: lambda: _("Tjenesten er ikke tilgængelig"),
}

MESSAGES = {
    400: lambda: _("Forespørgslen kunne ikke forstås. Prøv igen fra siden, du kom fra."),
    401: lambda: _("Du skal være logget ind."),
    403: lambda: _("Du har ikke rettighed til at gøre dette."),
    404: lambda: _("Vi kunne ikke finde det, du ledte efter."),
    405: lambda: _("Handlingen kan ikke udføres på denne adresse."),
    409: lambda: _("Der er sket ændringer i mellemtiden. Indlæs siden igen."),
    413: lambda: _("Det sendte er større end tilladt."),
    422: lambda: _("Oplysningerne kunne ikke godkendes."),
    429: lambda: _("Du har forsøgt for mange gange. Vent lidt, og prøv igen."),
    500: lambda: _("Noget gik galt hos os. Fejlen er logget; prøv igen senere."),
    503: lambda: _("Databasen svarer ikke lige nu. Prøv igen om lidt."),
}

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def error_response(status: int, message: str | None = None, details: dict | None = None):
    """Answer an error as a page, or as {"error": {...}} for the API."""
    message = message or MESSAGES.get(status, MESSAGES[500])()
    if wants_json():
        body = {"error": {"status": status, "code": CODES.get(status, "error"), "message": message}}
        if details:
            body["error"]["details"] = details
        return jsonify(body), status
    title = TITLES.get(status, TITLES[500])()
    return _page(status, title, message), status


def rate_limit_message(error: RateLimitExceeded) -> str:
    """Say which limit was reached (when the limit names itself) and when to try again."""
    reason = (
        error.description if error.limit.error_message else _("Du har forsøgt for mange gange.")
    )
    try:
        current = limiter.current_limit
        if current is None:
            raise LookupError("no current limit")
        reset_at = current.reset_at
    except Exception:  # the limiter's store went away: say so vaguely rather than fail
        log.warning("rate limit store did not say when the limit ends")
        return str(_("%(reason)s Vent lidt, og prøv igen.", reason=reason))
    # The limiter rounds the end up by a second; a wait of 15:00.6 is "15 minutes".
    minutes = max(1, math.ceil((reset_at - time.time() - 1) / 60))
    at = format_time(dt.datetime.fromtimestamp(reset_at, dt.UTC), "HH:mm")
    wait = ngettext(
        "Prøv igen om %(num)d minut (kl. %(time)s).",
        "Prøv igen om %(num)d minutter (kl. %(time)s).",
        minutes,
        time=at,
    )
    return f"{reason} {wait}"


def _page(status: int, title: str, message: str) -> str:
    """Render the error page; never fail, and never need the database to succeed.

    A 5xx page is plain: its header does not show who is signed in. It is rendered without
    Flask's context processors, since Flask-Login's loads the signed-in user from the
    database, which may be what failed. Any other page that fails to render (the database
    went away while its menu looked the user up) falls back to the plain page, and if even
    that fails, to a few lines of HTML that need nothing at all.
    """
    context = {"status": status, "title": title, "message": message}
    if status < 500:
        try:
            return render_template("errors/error.html", plain=False, **context)
        except Exception as error:  # the page must come out whatever broke; see above
            log.error("error page fell back to the plain one: %s", error.__class__.__name__)
            _rollback_quietly()
    try:
        template = current_app.jinja_env.get_template("errors/error.html")
        return template.render(plain=True, **context)
    except Exception:
        log.exception("error page could not be rendered")
        return _BARE_PAGE.format(
            lang=escape(_locale_or_danish()),
            status=status,
            title=escape(title),
            message=escape(message),
        )


_BARE_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title} – Styrbord</title></head>
<body><main><p>{status}</p><h1>{title}</h1><p>{message}</p><p><a href="/">Styrbord</a></p></main>
</body></html>"""


def _locale_or_danish() -> str:
    try:
        return locale_code()
    except Exception:
        return "da"


def _rollback_quietly() -> None:
    try:
        db.session.rollback()
    except Exception:
        log.debug("rollback after a database error failed too")


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return error_response(
            400,
            _(
                "Formularen er udløbet eller mangler sit sikkerhedsfelt. "
                "Indlæs siden igen, og prøv på ny."
            ),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        message = rate_limit_message(error) if isinstance(error, RateLimitExceeded) else None
        response = make_response(error_response(status, message))
        # Keep what the error says besides its page, e.g. the Allow header of a 405.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        db.session.rollback()
        details = getattr(error, "errors", None) or None
        return error_response(error.status_code, error.message or None, details)

    @app.errorhandler(StaleDataError)
    @app.errorhandler(IntegrityError)
    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_error(error):
        refusal = lost_turn(error)
        if refusal is not None:
            # A parallel request won a race (forms answer this themselves, see save_form).
            log.info("write lost to a parallel one: %s", error.__class__.__name__)
            _rollback_quietly()
            status, message = refusal
            response = make_response(error_response(status, message))
            if status == 503:
                response.headers["Retry-After"] = RETRY_AFTER_SECONDS
            return response
        if isinstance(error, IntegrityError | StaleDataError):
            return unexpected(error)  # a broken rule of the schema is a bug, not a race
        log.error("database error: %s", error.__class__.__name__)
        _rollback_quietly()
        return error_response(503)

    @app.errorhandler(Exception)
    def unexpected(error):
        if app.testing and not app.config.get("SHOW_ERROR_PAGES"):
            raise error  # let the test see the real exception
        log.exception("unhandled error")
        _rollback_quietly()
        return error_response(500)
