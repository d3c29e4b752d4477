"""Calendar feeds: feed tokens (issue, list, revoke, look up) and the iCalendar they read.

A feed token is a bearer secret in the feed's address, since calendar clients cannot sign
in. It reads, never writes; it reads only what its owner may see today (checked on every
request); it ends when revoked, when the owner's account closes and when the owner may no
longer see its programme. Only the SHA-256 of the secret is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from icalendar import Calendar, Event

from portfolio.auth.models import User
from portfolio.auth.permissions import Action, can, visible_programme_ids
from portfolio.calendars.models import FeedToken
from portfolio.core.errors import NotFound, RuleViolation
from portfolio.core.models import utcnow
from portfolio.extensions import db
from portfolio.programmes.models import Programme
from portfolio.reports.models import StatusReport
from portfolio.risks.models import ActionStatus as RiskActionStatus
from portfolio.risks.models import MitigationAction, Risk, RiskStatus
from portfolio.status.models import Decision, Milestone, MilestoneStatus
from portfolio.workshops.models import ActionStatus, Workshop, WorkshopAction

# A user with this many live feed tokens revokes one before making another.
MAX_LIVE_FEED_TOKENS = 20
UID_DOMAIN = "styrbord"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_feed_token(user: User, programme: Programme | None = None) -> str:
    """Make a feed token for the user (for one programme, or personal) and return its secret."""
    if programme is not None and not can(user, Action.VIEW_PROGRAMME, programme):
        raise NotFound(_("Programmet findes ikke."))
    live = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(FeedToken)
        .where(FeedToken.user_id == user.id, FeedToken.ended_at.is_(None))
    )
    if (live or 0) >= MAX_LIVE_FEED_TOKENS:
        raise RuleViolation(
            _(
                "Du har allerede %(n)d aktive kalenderfeeds. Tilbagekald et, før du opretter"
                " et nyt.",
                n=MAX_LIVE_FEED_TOKENS,
            )
        )
    secret = secrets.token_urlsafe(32)
    db.session.add(
        FeedToken(user=user, programme=programme, token_hash=_digest(secret), prefix=secret[:6])
    )
    db.session.flush()
    return secret


def list_feed_tokens(user: User) -> list[FeedToken]:
    """The user's feed tokens: live ones first, newest first within each group."""
    query = (
        sa.select(FeedToken)
        .where(FeedToken.user_id == user.id)
        .order_by(FeedToken.ended_at.is_not(None), FeedToken.created_at.desc(), FeedToken.id.desc())
    )
    return list(db.session.scalars(query))


def get_feed_token(user: User, token_id: int) -> FeedToken:
    """One of the user's own feed tokens (NotFound for anybody else's)."""
    token = db.session.get(FeedToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(_("Kalenderfeedet findes ikke."))
    return token


def revoke_feed_token(token: FeedToken) -> None:
    if token.ended_at is None:
        token.ended_at = utcnow()
        db.session.flush()


def token_owner(secret: str | None, programme: Programme | None) -> User | None:
    """The active owner of a live token that may read this feed, or None.

    A programme token reads only its own programme's feed; a personal token reads the
    personal feed and the feed of any programme its owner may see.
    """
    if not secret or len(secret) > 100:
        return None
    digest = _digest(secret)
    token = db.session.scalar(
        sa.select(FeedToken).where(FeedToken.token_hash == digest, FeedToken.ended_at.is_(None))
    )
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    user = token.user
    if not user.is_active:
        return None
    if token.programme_id is not None and (programme is None or programme.id != token.programme_id):
        return None
    if programme is not None and not can(user, Action.VIEW_PROGRAMME, programme):
        return None
    return user


def visible_programmes(user: User) -> list[Programme]:
    ids = visible_programme_ids(user)
    query = sa.select(Programme).order_by(Programme.short_name)
    if ids is not None:
        query = query.where(Programme.id.in_(ids or {-1}))
    return list(db.session.scalars(query))


def _event(
    uid: str,
    day: dt.date,
    summary: str,
    *,
    description: str = "",
    url: str = "",
    location: str = "",
    stamp: dt.datetime,
) -> Event:
    event = Event()
    event.add("uid", f"{uid}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    # An all-day event: DTSTART is a date and DTEND the day after (RFC 5545 3.6.1).
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("transp", "TRANSPARENT")
    if description:
        event.add("description", description)
    if location:
        event.add("location", location)
    if url:
        event.add("url", url)
    return event


def programme_events(programme: Programme, *, prefix: bool = False) -> Iterable[Event]:
    """The programme's dated items as all-day events, each with a UID of its own."""
    stamp = utcnow().replace(microsecond=0)
    slug = programme.slug
    head = f"{programme.short_name}: " if prefix else ""

    def link(endpoint: str, **values: Any) -> str:
        return url_for(endpoint, slug=slug, _external=True, **values)

    milestones = db.session.scalars(
        sa.select(Milestone)
        .where(
            Milestone.programme_id == programme.id,
            Milestone.status != MilestoneStatus.CANCELLED,
        )
        .order_by(Milestone.id)
    )
    for milestone in milestones:
        yield _event(
            f"milestone-{milestone.id}",
            milestone.expected_on,
            head + f"{milestone.kind.label}: {milestone.title}",
            description=milestone.description,
            url=link("status.milestones"),
            stamp=stamp,
        )
    decisions = db.session.scalars(
        sa.select(Decision).where(Decision.programme_id == programme.id).order_by(Decision.id)
    )
    for decision in decisions:
        day = decision.decided_on or decision.requested_for
        if day is None:
            continue
        summary = (
            _("Beslutning truffet: %(title)s", title=decision.title)
            if decision.decided_on
            else _("Beslutning ønskes: %(title)s", title=decision.title)
        )
        yield _event(
            f"decision-{decision.id}",
            day,
            head + summary,
            description=_("Beslutningsorgan: %(body)s", body=decision.body),
            url=link("status.decisions"),
            stamp=stamp,
        )
    reports = db.session.scalars(
        sa.select(StatusReport)
        .where(StatusReport.programme_id == programme.id)
        .order_by(StatusReport.id)
    )
    for report in reports:
        yield _event(
            f"report-{report.id}",
            report.meeting_on,
            head + _("Styregruppemøde: %(title)s", title=report.title),
            description=_("Statusrapport: %(status)s", status=report.status.label),
            url=link("reports.show", report_id=report.id),
            stamp=stamp,
        )
    workshops = list(
        db.session.scalars(
            sa.select(Workshop).where(Workshop.programme_id == programme.id).order_by(Workshop.id)
        )
    )
    for workshop in workshops:
        yield _event(
            f"workshop-{workshop.id}",
            workshop.held_on,
            head + _("Workshop: %(title)s", title=workshop.title),
            location=workshop.place,
            url=link("workshops.show", workshop_id=workshop.id),
            stamp=stamp,
        )
    actions = db.session.scalars(
        sa.select(WorkshopAction)
        .join(Workshop)
        .where(
            Workshop.programme_id == programme.id,
            WorkshopAction.due_on.is_not(None),
            WorkshopAction.status == ActionStatus.OPEN,
        )
        .order_by(WorkshopAction.id)
    )
    for action in actions:
        assert action.due_on is not None
        yield _event(
            f"workshop-action-{action.id}",
            action.due_on,
            head + _("Handling forfalder: %(text)s", text=_shorten(action.text)),
            description=_("Ansvarlig: %(owner)s", owner=action.owner) + "\n\n" + action.text,
            url=link("workshops.actions"),
            stamp=stamp,
        )
    mitigations = db.session.scalars(
        sa.select(MitigationAction)
        .join(Risk)
        .where(
            Risk.programme_id == programme.id,
            Risk.status.in_((RiskStatus.OPEN, RiskStatus.MITIGATED)),
            MitigationAction.due_on.is_not(None),
            MitigationAction.status.in_((RiskActionStatus.PLANNED, RiskActionStatus.IN_PROGRESS)),
        )
        .order_by(MitigationAction.id)
    )
    for mitigation in mitigations:
        assert mitigation.due_on is not None
        risk = mitigation.risk
        yield _event(
            f"risk-action-{mitigation.id}",
            mitigation.due_on,
            head
            + _(
                "Risikohandling forfalder: %(code)s %(text)s",
                code=risk.code,
                text=_shorten(mitigation.description),
            ),
            description="\n".join(
                [
                    _("Risiko: %(code)s %(title)s", code=risk.code, title=risk.title),
                    _("Ansvarlig: %(owner)s", owner=mitigation.owner_label or "–"),
                ]
            )
            + "\n\n"
            + mitigation.description,
            url=link("risks.show", code=risk.code),
            stamp=stamp,
        )


def _shorten(text: str, limit: int = 80) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _calendar(name: str, description: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Styrbord//Kalender//DA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-caldesc", description)
    calendar.add("x-wr-timezone", "Europe/Copenhagen")
    # Calendar clients ask again this often (Outlook and Apple read the first, others the
    # second).
    calendar.add("x-published-ttl", "PT6H")
    calendar.add("refresh-interval", dt.timedelta(hours=6), parameters={"VALUE": "DURATION"})
    return calendar


def programme_feed(programme: Programme) -> bytes:
    calendar = _calendar(
        _("Styrbord – %(name)s", name=programme.short_name),
        _(
            "Milepæle, beslutninger, styregruppemøder, workshops og handlinger i %(name)s",
            name=programme.name,
        ),
    )
    for event in programme_events(programme):
        calendar.add_component(event)
    return calendar.to_ical()


def personal_feed(user: User) -> bytes:
    calendar = _calendar(
        _("Styrbord – %(name)s", name=user.display_name),
        _("Milepæle, beslutninger, styregruppemøder, workshops og handlinger i dine programmer"),
    )
    for programme in visible_programmes(user):
        for event in programme_events(programme, prefix=True):
            calendar.add_component(event)
    return calendar.to_ical()
