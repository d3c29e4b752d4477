"""Calendar feeds (read by calendar clients with a feed token) and one's own feed tokens."""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.calendars import services
from portfolio.calendars.forms import NewFeedForm
from portfolio.core.errors import NotFound, RuleViolation
from portfolio.extensions import db
from portfolio.programmes.models import Programme
from portfolio.programmes.services import get_programme_for

bp = Blueprint("calendars", __name__)

# Feeds answer without a session: the token in the address is the only credential.
FEED_ENDPOINTS = frozenset({"calendars.programme_feed", "calendars.personal_feed"})
PERSONAL = "personal"


def _ics(body: bytes, filename: str):
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    # The address holds a secret: no shared cache keeps the feed.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _refused():
    with force_locale("da"):
        message = _("Kalenderfeedet findes ikke, eller dets token er tilbagekaldt.")
    response = make_response(message + "\n", 404)
    response.headers["Content-Type"] = "text/plain; charset=utf-8"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/programmes/<slug>/calendar.ics")
def programme_feed(slug):
    """A programme's calendar, for the owner of the feed token in the address."""
    programme = db.session.query(Programme).filter_by(slug=slug).one_or_none()
    if programme is None:
        return _refused()
    user = services.token_owner(request.args.get("token"), programme)
    if user is None:
        return _refused()
    with force_locale("da"):
        body = services.programme_feed(programme)
    return _ics(body, f"{programme.slug}.ics")


@bp.get("/calendar.ics")
def personal_feed():
    """The token owner's calendar across every programme they may see."""
    user = services.token_owner(request.args.get("token"), None)
    if user is None:
        return _refused()
    with force_locale("da"):
        body = services.personal_feed(user)
    return _ics(body, "styrbord.ics")


def _feed_url(token) -> str:
    if token.programme is not None:
        return url_for("calendars.programme_feed", slug=token.programme.slug, _external=True)
    return url_for("calendars.personal_feed", _external=True)


def _form() -> NewFeedForm:
    form = NewFeedForm()
    user = current_user._get_current_object()
    form.programme.choices = [(PERSONAL, _("Personlig kalender (alle dine programmer)"))] + [
        (p.slug, p.short_name) for p in services.visible_programmes(user)
    ]
    return form


def _page(form: NewFeedForm, secret_url: str | None = None, status: int = 200):
    user = current_user._get_current_object()
    page = render_template(
        "calendars/feeds.html",
        form=form,
        tokens=services.list_feed_tokens(user),
        feed_url=_feed_url,
        secret_url=secret_url,
    )
    return page, status


@bp.get("/account/calendars")
def feeds():
    """List the user's own calendar feeds."""
    return _page(_form())


@bp.post("/account/calendars")
def new_feed():
    """Make a feed token and show the feed's address with it, on this page only."""
    form = _form()
    if not form.validate():
        return _page(form, status=422)
    user = current_user._get_current_object()
    programme = None
    if form.programme.data != PERSONAL:
        programme = get_programme_for(user, form.programme.data)
    try:
        secret = services.issue_feed_token(user, programme)
        db.session.commit()
    except (RuleViolation, NotFound) as error:
        db.session.rollback()
        form.programme.errors = [*form.programme.errors, error.message]
        return _page(form, status=422)
    if programme is not None:
        address = url_for(
            "calendars.programme_feed", slug=programme.slug, token=secret, _external=True
        )
    else:
        address = url_for("calendars.personal_feed", token=secret, _external=True)
    response = make_response(_page(_form(), secret_url=address, status=201))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/account/calendars/<int:feed_token_id>/revoke")
def revoke_feed(feed_token_id):
    token = services.get_feed_token(current_user._get_current_object(), feed_token_id)
    services.revoke_feed_token(token)
    db.session.commit()
    flash(
        _("Kalenderfeedet er tilbagekaldt. Kalendere, der bruger det, opdateres ikke mere."),
        "success",
    )
    return redirect(url_for("calendars.feeds"))
