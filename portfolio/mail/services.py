"""Mail: the outbox, the job that sends it, one-time links and the reminders.

Nothing here sends mail inside a request. Pages and commands put messages in the outbox
(`queue`); the scheduled job (`flask metrics refresh`, or `flask mail send`) hands them to
the SMTP server (`send_outbox`), one transaction per message.

Delivery is **at most once**. A message is first claimed (status `sending`, committed),
then handed to the SMTP server, then marked `sent` (committed). If the job dies between
the server's acceptance and that last commit, the message stays `sending`; the next run
finds its claim older than `CLAIM_LEASE` and marks it `uncertain` instead of sending it
again, and logs that. An operator who has checked that it never arrived puts it back with
`flask mail requeue ID`. A reminder read twice is worse than an operator's look at a rare
crash, and a password-reset link sent twice is two live secrets in two mails.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
import smtplib
import ssl
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any, cast

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from portfolio.auth import services as auth_services
from portfolio.auth.models import Membership, Role, User
from portfolio.auth.permissions import Action, can, require
from portfolio.core.errors import RuleViolation
from portfolio.core.models import utcnow
from portfolio.core.periods import period_label
from portfolio.extensions import db
from portfolio.mail.models import (
    LinkPurpose,
    MailPreference,
    OneTimeLink,
    OutboxMessage,
    OutboxStatus,
)
from portfolio.programmes.models import Programme
from portfolio.reports.models import ReportStatus, StatusReport
from portfolio.risks.models import ActionStatus as RiskActionStatus
from portfolio.risks.models import MitigationAction, Risk, RiskStatus
from portfolio.workshops.models import ActionStatus, Workshop, WorkshopAction, WorkshopStatus

log = logging.getLogger(__name__)

# A claim older than this belongs to a run that died mid-hand-over (see the module text).
CLAIM_LEASE = dt.timedelta(minutes=15)
# The wait before the n-th retry: 5, 10, 20, 40 … minutes, at most a day.
FIRST_RETRY = dt.timedelta(minutes=5)
LONGEST_RETRY = dt.timedelta(days=1)

LINK_LIFETIME = {
    LinkPurpose.INVITATION: dt.timedelta(days=7),
    LinkPurpose.PASSWORD_RESET: dt.timedelta(hours=2),
}

# Kinds of mail, and whether a user may turn them off. Invitations and password resets are
# asked for (by an administrator or by the user) and always sent.
ALWAYS = ("invitation", "password_reset")
OPTIONAL = ("action_due", "report_approval", "measurement_due", "workshop_upcoming", "digest")
# The weekly digest looks this far ahead.
DIGEST_AHEAD = dt.timedelta(days=14)
# Reminders for actions start this many days before they are due.
DUE_SOON = dt.timedelta(days=7)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def base_url() -> str:
    return str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/")


def page_url(endpoint: str, **values: object) -> str:
    """The public address of a page, built from its route (mail is written outside any
    request, so `url_for` has no host to take: PUBLIC_BASE_URL stands in)."""
    adapter = current_app.url_map.bind("localhost")
    return base_url() + adapter.build(endpoint, {k: str(v) for k, v in values.items()})


# -- The outbox ---------------------------------------------------------------------------


def wants(user: User | None, kind: str) -> bool:
    """Tell whether the user gets mail of this kind (every kind is on until turned off)."""
    if user is None or kind in ALWAYS:
        return True
    if not user.is_active:
        return False
    turned_off = db.session.scalar(
        sa.select(MailPreference.id).where(
            MailPreference.user_id == user.id, MailPreference.kind == kind
        )
    )
    return turned_off is None


def queue(
    *,
    recipient: str,
    kind: str,
    dedupe_key: str,
    subject: str,
    text: str,
    html: str | None = None,
    user: User | None = None,
) -> OutboxMessage | None:
    """Put a message in the outbox, unless one with this key is there already (or the user
    has turned this kind off). Return the new message, or None."""
    if not wants(user, kind):
        return None
    exists = db.session.scalar(
        sa.select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
    )
    if exists is not None:
        return None
    message = OutboxMessage(
        user_id=user.id if user is not None else None,
        recipient=recipient,
        kind=kind,
        dedupe_key=dedupe_key[:200],
        subject=" ".join(subject.split())[:300],
        body_text=text,
        body_html=html,
        next_attempt_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except sa.exc.IntegrityError:
        # Another run queued the same key between our look and our insert: once is enough.
        return None
    return message


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    uncertain: int = 0
    errors: list[str] = field(default_factory=list)


def _execute(statement: Any) -> sa.CursorResult[Any]:
    """Run an UPDATE and return its result, whose rowcount says how many rows it changed."""
    return cast("sa.CursorResult[Any]", db.session.execute(statement))


def _mark(message_id: int, **values: object) -> int:
    table = OutboxMessage.__table__
    values.setdefault("updated_at", utcnow())
    result = _execute(sa.update(table).where(table.c.id == message_id).values(**values))
    db.session.commit()
    return result.rowcount


def _claim(message_id: int, now: dt.datetime) -> bool:
    """Take the message for this run (compare-and-set, committed), or learn another has."""
    table = OutboxMessage.__table__
    result = _execute(
        sa.update(table)
        .where(table.c.id == message_id, table.c.status == OutboxStatus.QUEUED.value)
        .values(
            status=OutboxStatus.SENDING.value,
            claimed_at=now,
            attempts=table.c.attempts + 1,
            updated_at=now,
        )
    )
    db.session.commit()
    return result.rowcount == 1


def _expire_stale_claims(now: dt.datetime, report: SendReport) -> None:
    table = OutboxMessage.__table__
    stale = list(
        db.session.scalars(
            sa.select(table.c.id).where(
                table.c.status == OutboxStatus.SENDING.value,
                table.c.claimed_at < now - CLAIM_LEASE,
            )
        )
    )
    for message_id in stale:
        _mark(message_id, status=OutboxStatus.UNCERTAIN.value, last_error="claim expired")
        log.warning(
            "mail %s: a run died while sending it; marked uncertain, not resent", message_id
        )
        report.uncertain += 1


def _email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(f"outbox-{message.id}", domain="styrbord")
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    return email


def _connect() -> smtplib.SMTP:
    config = current_app.config
    host, port, timeout = config["MAIL_SERVER"], int(config["MAIL_PORT"]), config["MAIL_TIMEOUT"]
    security = str(config["MAIL_SECURITY"]).lower()
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if security == "ssl":
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
        if security == "starttls":
            smtp.starttls(context=context)
    if config["MAIL_USERNAME"]:
        smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
    return smtp


def _permanent(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in error.recipients.values())
    code = getattr(error, "smtp_code", None)
    return isinstance(code, int) and code >= 500


def _error_text(error: Exception) -> str:
    # The class and the server's code only: never the message, its body or its address.
    code = getattr(error, "smtp_code", None)
    return f"{error.__class__.__name__}{f' {code}' if code else ''}"[:300]


def _retry_delay(attempts: int) -> dt.timedelta:
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_RETRY)


def send_outbox(limit: int = 500) -> SendReport:
    """Send the messages that are due, each in transactions of its own."""
    report = SendReport()
    now = utcnow()
    _expire_stale_claims(now, report)
    if not current_app.config.get("MAIL_SERVER"):
        return report
    due = list(
        db.session.scalars(
            sa.select(OutboxMessage.id)
            .where(
                OutboxMessage.status == OutboxStatus.QUEUED,
                OutboxMessage.next_attempt_at <= now,
            )
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        )
    )
    smtp: smtplib.SMTP | None = None
    max_attempts = int(current_app.config["MAIL_MAX_ATTEMPTS"])
    try:
        for message_id in due:
            if not _claim(message_id, now):
                continue
            message = db.session.get(OutboxMessage, message_id)
            assert message is not None
            db.session.refresh(message)
            try:
                if smtp is None:
                    smtp = _connect()
                smtp.send_message(_email(message))
            except (smtplib.SMTPException, OSError) as error:
                text = _error_text(error)
                if not isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError):
                    _close(smtp)  # the connection may be gone: open a new one next
                    smtp = None
                if _permanent(error) or message.attempts >= max_attempts:
                    _mark(message_id, status=OutboxStatus.FAILED.value, last_error=text)
                    report.failed += 1
                    log.warning("mail %s (%s) failed for good: %s", message_id, message.kind, text)
                else:
                    _mark(
                        message_id,
                        status=OutboxStatus.QUEUED.value,
                        last_error=text,
                        next_attempt_at=utcnow() + _retry_delay(message.attempts),
                    )
                    report.retrying += 1
                    log.info("mail %s (%s) will be retried: %s", message_id, message.kind, text)
                report.errors.append(text)
                continue
            # Sent: the body (it may hold a one-time link) is not kept once it is out.
            _mark(
                message_id,
                status=OutboxStatus.SENT.value,
                sent_at=utcnow(),
                body_text="",
                body_html=None,
                last_error=None,
            )
            report.sent += 1
    finally:
        _close(smtp)
    return report


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


def requeue(message_id: int) -> OutboxMessage:
    """Put an uncertain or failed message back in the queue (after an operator checked)."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        raise LookupError(message_id)
    if message.status not in (OutboxStatus.UNCERTAIN, OutboxStatus.FAILED):
        raise RuleViolation(_("Kun usikre og opgivne beskeder kan sendes igen."))
    message.status = OutboxStatus.QUEUED
    message.attempts = 0
    message.next_attempt_at = utcnow()
    message.claimed_at = None
    db.session.flush()
    return message


# -- One-time links -----------------------------------------------------------------------


def issue_link(user: User, purpose: LinkPurpose) -> tuple[OneTimeLink, str]:
    """Make a one-time link for the user (ending their earlier unused ones of the purpose)."""
    now = utcnow()
    earlier = db.session.scalars(
        sa.select(OneTimeLink).where(
            OneTimeLink.user_id == user.id,
            OneTimeLink.purpose == purpose,
            OneTimeLink.used_at.is_(None),
        )
    )
    for link in earlier:
        link.expires_at = min(link.expires_at, now)
    secret = secrets.token_urlsafe(32)
    link = OneTimeLink(
        user=user,
        purpose=purpose,
        token_hash=_digest(secret),
        created_at=now,
        expires_at=now + LINK_LIFETIME[purpose],
    )
    db.session.add(link)
    db.session.flush()
    return link, secret


def link_url(secret: str) -> str:
    return f"{base_url()}/password/set?token={secret}"


class LinkRefused(Exception):
    """The link cannot be used: its message says why, in Danish."""


def live_link(secret: str) -> OneTimeLink:
    """Return the link for this secret if it can still be used, else raise LinkRefused."""
    digest = _digest(secret) if secret and len(secret) <= 100 else ""
    link = db.session.scalar(sa.select(OneTimeLink).where(OneTimeLink.token_hash == digest))
    if link is None or not hmac.compare_digest(link.token_hash, digest):
        raise LinkRefused(_("Linket er ugyldigt. Bed om et nyt."))
    if link.used_at is not None:
        raise LinkRefused(_("Linket er allerede brugt. Bed om et nyt, hvis du har brug for det."))
    if link.expires_at <= utcnow():
        raise LinkRefused(_("Linket er udløbet. Bed om et nyt."))
    if not link.user.is_active:
        raise LinkRefused(_("Kontoen er lukket."))
    return link


def use_link(secret: str, password: str) -> User:
    """Set the password through a live link, once; the link is used up with it."""
    link = live_link(secret)
    table = OneTimeLink.__table__
    # Used up by a compare-and-set, so two tabs cannot both set a password with it.
    taken = _execute(
        sa.update(table)
        .where(table.c.id == link.id, table.c.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if taken.rowcount != 1:
        raise LinkRefused(_("Linket er allerede brugt. Bed om et nyt, hvis du har brug for det."))
    auth_services.change_password(link.user, password)
    return link.user


def _greeting(user: User) -> str:
    return _("Kære %(name)s", name=user.name) if user.name else _("Hej")


def request_password_reset(email: str) -> None:
    """Queue a reset link for the account with this e-mail, if there is an active one.

    The caller says the same whether or not there is: nobody learns who has an account.
    """
    user = auth_services.get_user_by_email(email)
    if user is None or not user.is_active:
        return
    link, secret = issue_link(user, LinkPurpose.PASSWORD_RESET)
    with force_locale("da"):
        text = "\n\n".join(
            [
                _greeting(user) + ",",
                _(
                    "Nogen har bedt om at nulstille adgangskoden til din konto i Styrbord."
                    " Vælg en ny adgangskode her:"
                ),
                link_url(secret),
                _(
                    "Linket virker én gang og i 2 timer. Har du ikke selv bedt om det, kan du"
                    " se bort fra denne mail: din adgangskode er uændret."
                ),
            ]
        )
        queue(
            recipient=user.email,
            kind="password_reset",
            dedupe_key=f"password-reset:{link.id}",
            subject=_("Nulstil din adgangskode til Styrbord"),
            text=text + "\n",
            user=user,
        )


def invite(actor: User, user: User) -> None:
    """Queue an invitation for the user: a link to choose their first password."""
    require(actor, Action.MANAGE_USERS)
    if not user.is_active:
        raise RuleViolation(_("Kontoen er lukket. Åbn den, før du inviterer."))
    link, secret = issue_link(user, LinkPurpose.INVITATION)
    with force_locale("da"):
        text = "\n\n".join(
            [
                _greeting(user) + ",",
                _(
                    "%(name)s har givet dig en konto i Styrbord, programmernes styringsværktøj."
                    " Vælg din adgangskode her:",
                    name=actor.display_name,
                ),
                link_url(secret),
                _(
                    "Linket virker én gang og i 7 dage. Du logger ind med din e-mailadresse,"
                    " %(email)s.",
                    email=user.email,
                ),
            ]
        )
        queue(
            recipient=user.email,
            kind="invitation",
            dedupe_key=f"invitation:{link.id}",
            subject=_("Du er inviteret til Styrbord"),
            text=text + "\n",
            user=user,
        )


# -- Reminders ----------------------------------------------------------------------------


def _secretariat(programme: Programme) -> list[User]:
    query = (
        sa.select(User)
        .join(Membership)
        .where(
            Membership.role == Role.SECRETARIAT,
            sa.or_(Membership.programme_id == programme.id, Membership.programme_id.is_(None)),
            User.is_active_account.is_(True),
        )
        .order_by(User.id)
    )
    return list(db.session.scalars(query).unique())


def _named(owner: str | None, programme: Programme) -> list[User]:
    """The active users a free-text owner names (by e-mail or by name) who may see the
    programme; nobody when the text names nobody."""
    wanted = " ".join((owner or "").split()).casefold()
    if not wanted:
        return []
    return [
        user
        for user in db.session.scalars(
            sa.select(User)
            .where(
                User.is_active_account.is_(True),
                sa.or_(sa.func.lower(User.email) == wanted, sa.func.lower(User.name) == wanted),
            )
            .order_by(User.id)
        )
        if can(user, Action.VIEW_PROGRAMME, programme)
    ]


def _owners(owner: str, programme: Programme) -> list[User]:
    """The users an action's owner names (by e-mail or by name) who may see the programme;
    with nobody named, the programme's secretariat."""
    return _named(owner, programme) or _secretariat(programme)


def _person(owned: Any, programme: Programme) -> list[User]:
    """Who an OwnedByPerson row names: its owner user (when active and allowed to see the
    programme), else the users its free-text owner names; perhaps nobody."""
    user = owned.owner_user
    if user is not None and user.is_active and can(user, Action.VIEW_PROGRAMME, programme):
        return [user]
    return _named(owned.owner, programme)


def _unique(users: list[User]) -> list[User]:
    return list({user.id: user for user in users}.values())


def queue_reminders(today: dt.date) -> int:
    """Queue the reminders due today; each at most once (its dedupe key). Return how many."""
    queued = _queue_workshop_action_reminders(today)
    queued += _queue_risk_action_reminders(today)
    queued += _queue_report_reminders(today)
    queued += _queue_measurement_reminders(today)
    queued += _queue_workshop_reminders(today)
    queued += _queue_digests(today)
    db.session.commit()
    return queued


def _queue_each(
    users: Iterable[User], kind: str, key: str, subject: str, paragraphs: tuple[str, ...]
) -> int:
    """Queue one reminder of `kind` to each user: the subject, then the paragraphs between
    the user's greeting and the closing line (_reminder_text), with the dedupe key `key`
    and the user's id. Return how many were queued."""
    queued = 0
    for user in users:
        with force_locale("da"):
            text = _reminder_text(user, *paragraphs)
        message = queue(
            recipient=user.email,
            kind=kind,
            dedupe_key=f"{key}:{user.id}",
            subject=subject,
            text=text,
            user=user,
        )
        queued += message is not None
    return queued


def _action_lead(due: dt.date, overdue: bool) -> str:
    if overdue:
        return _("Denne handling skulle have været udført %(day)s:", day=_day(due))
    return _("Denne handling skal være udført %(day)s:", day=_day(due))


def _queue_workshop_action_reminders(today: dt.date) -> int:
    """Open workshop actions due within DUE_SOON and overdue: once when due soon and once
    when overdue, per action, due date and user (kind action_due)."""
    queued = 0
    actions = db.session.scalars(
        sa.select(WorkshopAction)
        .join(Workshop)
        .where(
            WorkshopAction.due_on.is_not(None),
            WorkshopAction.due_on <= today + DUE_SOON,
            WorkshopAction.status == ActionStatus.OPEN,
        )
        .order_by(WorkshopAction.id)
    )
    for action in actions:
        due = action.due_on
        assert due is not None
        programme = db.session.get(Programme, action.workshop.programme_id)
        assert programme is not None
        overdue = due < today
        state = "overdue" if overdue else "due"
        url = f"{base_url()}/programmes/{programme.slug}/workshops/actions"
        with force_locale("da"):
            subject = (
                _("Forsinket handling i %(programme)s", programme=programme.short_name)
                if overdue
                else _(
                    "Handling med frist %(day)s i %(programme)s",
                    day=_day(due),
                    programme=programme.short_name,
                )
            )
            paragraphs = (
                _action_lead(due, overdue),
                action.text,
                _("Ansvarlig: %(owner)s", owner=action.owner or "–")
                + "\n"
                + _("Workshop: %(title)s", title=action.workshop.title),
                _("Se og opdatér handlingerne her:") + "\n" + url,
            )
        queued += _queue_each(
            _owners(action.owner, programme),
            "action_due",
            f"action-{state}:workshop:{action.id}:{due.isoformat()}",
            subject,
            paragraphs,
        )
    return queued


def _day(day: dt.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def _reminder_text(user: User, *paragraphs: str) -> str:
    closing = _("Du kan slå disse påmindelser fra under Min konto → E-mail.")
    return "\n\n".join([_greeting(user) + ",", *paragraphs, closing]) + "\n"


def _open_mitigation_actions(until: dt.date, programme_id: int | None = None) -> Any:
    """Mitigation actions not done or given up, of open risks, due by `until`."""
    query = (
        sa.select(MitigationAction)
        .join(Risk)
        .where(
            MitigationAction.due_on.is_not(None),
            MitigationAction.due_on <= until,
            MitigationAction.status.in_((RiskActionStatus.PLANNED, RiskActionStatus.IN_PROGRESS)),
            Risk.status.in_((RiskStatus.OPEN, RiskStatus.MITIGATED)),
        )
        .order_by(MitigationAction.due_on, MitigationAction.id)
    )
    if programme_id is not None:
        query = query.where(Risk.programme_id == programme_id)
    return db.session.scalars(query)


def _risk_action_recipients(action: MitigationAction, programme: Programme) -> list[User]:
    """The action's owner (a user, else the users its owner text names), else the risk's
    owner, else the programme's secretariat; only users who may see the programme."""
    return _person(action, programme) or _person(action.risk, programme) or _secretariat(programme)


def _queue_risk_action_reminders(today: dt.date) -> int:
    """Risk mitigation actions due within DUE_SOON and overdue: once when due soon and once
    when overdue, per action, due date and user (kind action_due, like workshop actions)."""
    queued = 0
    for action in _open_mitigation_actions(today + DUE_SOON):
        due = action.due_on
        assert due is not None
        risk = action.risk
        programme = db.session.get(Programme, risk.programme_id)
        assert programme is not None
        overdue = due < today
        state = "overdue" if overdue else "due"
        url = page_url("risks.show", slug=programme.slug, code=risk.code)
        with force_locale("da"):
            subject = (
                _("Forsinket risikohandling i %(programme)s", programme=programme.short_name)
                if overdue
                else _(
                    "Risikohandling med frist %(day)s i %(programme)s",
                    day=_day(due),
                    programme=programme.short_name,
                )
            )
            paragraphs = (
                _action_lead(due, overdue),
                action.description,
                _("Ansvarlig: %(owner)s", owner=action.owner_label or "–")
                + "\n"
                + _("Risiko: %(code)s %(title)s", code=risk.code, title=risk.title),
                _("Se risikoen og opdatér handlingen her:") + "\n" + url,
            )
        queued += _queue_each(
            _risk_action_recipients(action, programme),
            "action_due",
            f"risk-action-{state}:{action.id}:{due.isoformat()}",
            subject,
            paragraphs,
        )
    return queued


def _report_approvers(report: StatusReport) -> list[User]:
    """The active users who may approve the report (the permission table decides)."""
    candidates = db.session.scalars(
        sa.select(User)
        .where(User.is_active_account.is_(True))
        .options(selectinload(User.memberships))
        .order_by(User.id)
    )
    return [user for user in candidates if can(user, Action.MANAGE_REPORTS, report)]


def _queue_report_reminders(today: dt.date) -> int:
    """Draft status reports for a steering group meeting within a week (or past): the users
    who may approve them are told once per report and meeting date."""
    queued = 0
    reports = db.session.scalars(
        sa.select(StatusReport)
        .where(
            StatusReport.status == ReportStatus.DRAFT, StatusReport.meeting_on <= today + DUE_SOON
        )
        .order_by(StatusReport.id)
    )
    for report in reports:
        programme = db.session.get(Programme, report.programme_id)
        assert programme is not None
        url = f"{base_url()}/programmes/{programme.slug}/reports/{report.id}"
        with force_locale("da"):
            subject = _(
                "Statusrapport venter på godkendelse i %(programme)s",
                programme=programme.short_name,
            )
            paragraphs = (
                _(
                    "Statusrapporten »%(title)s« til styregruppemødet %(day)s er stadig en"
                    " kladde og venter på godkendelse:",
                    title=report.title,
                    day=_day(report.meeting_on),
                ),
                url,
            )
        queued += _queue_each(
            _report_approvers(report),
            "report_approval",
            f"report-approval:{report.id}:{report.meeting_on.isoformat()}",
            subject,
            paragraphs,
        )
    return queued


def _measurement_recipients(indicator: Any, programme: Programme) -> list[User]:
    """The benefit's owner user, its benefit owners (memberships) and the users the
    indicator's responsible names, who may see the programme; else the secretariat."""
    benefit = indicator.benefit
    members = db.session.scalars(
        sa.select(User)
        .join(Membership)
        .where(
            Membership.role == Role.BENEFIT_OWNER,
            Membership.benefit_id == benefit.id,
            User.is_active_account.is_(True),
        )
        .order_by(User.id)
    ).unique()
    found = [
        *([benefit.owner_user] if benefit.owner_user is not None else []),
        *members,
        *_named(indicator.responsible, programme),
    ]
    allowed = [
        user for user in found if user.is_active and can(user, Action.VIEW_PROGRAMME, programme)
    ]
    return _unique(allowed) or _secretariat(programme)


def _queue_measurement_reminders(today: dt.date) -> int:
    """Hand-measured benefit indicators whose awaited period has ended (indicators/due.py):
    once per indicator, period and user (kind measurement_due)."""
    from portfolio.indicators.due import due_measurements

    queued = 0
    for due in due_measurements(today):
        indicator = due.indicator
        benefit = indicator.benefit
        programme = db.session.get(Programme, indicator.programme_id)
        assert programme is not None and benefit is not None
        url = page_url("indicators.values", slug=programme.slug, indicator_code=indicator.code)
        period = period_label(due.period, indicator.frequency, "da")
        with force_locale("da"):
            subject = _(
                "Ny måling af %(code)s for %(period)s i %(programme)s",
                code=indicator.code,
                period=period,
                programme=programme.short_name,
            )
            paragraphs = (
                _(
                    "Perioden %(period)s er slut, og indikatoren venter på sin værdi:",
                    period=period,
                ),
                _("Indikator: %(code)s %(name)s", code=indicator.code, name=indicator.name)
                + "\n"
                + _("Gevinst: %(code)s %(name)s", code=benefit.code, name=benefit.name),
                _("Indtast værdien her:") + "\n" + url,
            )
        queued += _queue_each(
            _measurement_recipients(indicator, programme),
            "measurement_due",
            f"measurement-due:{indicator.id}:{due.period}",
            subject,
            paragraphs,
        )
    return queued


def _queue_workshop_reminders(today: dt.date) -> int:
    """Planned workshops within a week: the owners of the benefits on the agenda and the
    secretariat are told once per workshop and date."""
    queued = 0
    workshops = db.session.scalars(
        sa.select(Workshop)
        .where(
            Workshop.status == WorkshopStatus.PLANNED,
            Workshop.held_on >= today,
            Workshop.held_on <= today + DUE_SOON,
        )
        .order_by(Workshop.id)
    )
    for workshop in workshops:
        programme = db.session.get(Programme, workshop.programme_id)
        assert programme is not None
        benefit_ids = {item.benefit_id for item in workshop.items}
        owners = list(
            db.session.scalars(
                sa.select(User)
                .join(Membership)
                .where(
                    Membership.role == Role.BENEFIT_OWNER,
                    Membership.benefit_id.in_(benefit_ids or {-1}),
                    User.is_active_account.is_(True),
                )
            ).unique()
        )
        recipients = {user.id: user for user in [*owners, *_secretariat(programme)]}
        url = f"{base_url()}/programmes/{programme.slug}/workshops/{workshop.id}"
        with force_locale("da"):
            subject = _(
                "Gevinstworkshop %(day)s i %(programme)s",
                day=_day(workshop.held_on),
                programme=programme.short_name,
            )
            where = _("Sted: %(place)s", place=workshop.place) if workshop.place else ""
            paragraphs = (
                _(
                    "Workshoppen »%(title)s« holdes %(day)s.",
                    title=workshop.title,
                    day=_day(workshop.held_on),
                )
                + (f"\n{where}" if where else ""),
                _("Dagsorden og gevinsternes tal:") + "\n" + url,
            )
        queued += _queue_each(
            recipients.values(),
            "workshop_upcoming",
            f"workshop:{workshop.id}:{workshop.held_on.isoformat()}",
            subject,
            paragraphs,
        )
    return queued


def _digest_lines(programme: Programme, today: dt.date) -> list[str]:
    """The programme's dated items from today to DIGEST_AHEAD, its overdue workshop and
    risk mitigation actions, and the measurements awaited (missing, or due by then)."""
    from portfolio.indicators.due import due_measurements
    from portfolio.status.models import Decision, Milestone, MilestoneStatus

    until = today + DIGEST_AHEAD
    items: list[tuple[dt.date, str]] = []
    for milestone in db.session.scalars(
        sa.select(Milestone).where(
            Milestone.programme_id == programme.id,
            Milestone.status == MilestoneStatus.PLANNED,
        )
    ):
        if today <= milestone.expected_on <= until:
            items.append((milestone.expected_on, f"{milestone.kind.label}: {milestone.title}"))
    for decision in db.session.scalars(
        sa.select(Decision).where(
            Decision.programme_id == programme.id,
            Decision.decided_on.is_(None),
            Decision.requested_for.between(today, until),
        )
    ):
        assert decision.requested_for is not None
        items.append(
            (decision.requested_for, _("Beslutning ønskes: %(title)s", title=decision.title))
        )
    for workshop in db.session.scalars(
        sa.select(Workshop).where(
            Workshop.programme_id == programme.id, Workshop.held_on.between(today, until)
        )
    ):
        items.append((workshop.held_on, _("Workshop: %(title)s", title=workshop.title)))
    for action in db.session.scalars(
        sa.select(WorkshopAction)
        .join(Workshop)
        .where(
            Workshop.programme_id == programme.id,
            WorkshopAction.status == ActionStatus.OPEN,
            WorkshopAction.due_on <= until,
        )
    ):
        assert action.due_on is not None
        label = _("Forsinket handling") if action.due_on < today else _("Handling forfalder")
        items.append((action.due_on, f"{label}: {' '.join(action.text.split())[:120]}"))
    for mitigation in _open_mitigation_actions(until, programme.id):
        assert mitigation.due_on is not None
        label = (
            _("Forsinket risikohandling")
            if mitigation.due_on < today
            else _("Risikohandling forfalder")
        )
        text = " ".join(mitigation.description.split())[:120]
        items.append((mitigation.due_on, f"{label}: {mitigation.risk.code} {text}"))
    # Measurements awaited by the end of the window: missing already, or due within it.
    for due in due_measurements(until, programme_id=programme.id):
        indicator = due.indicator
        label = _("Måling mangler") if due.due_on <= today else _("Måling forfalder")
        period = period_label(due.period, indicator.frequency, "da")
        items.append((due.due_on, f"{label}: {indicator.code} {indicator.name[:100]} ({period})"))
    return [f"{_day(day)}  {text}" for day, text in sorted(items, key=lambda item: item[0])]


def _queue_digests(today: dt.date) -> int:
    """One digest a week per user (the first run of each ISO week), over the programmes
    they may see; none when there is nothing to tell."""
    from portfolio.auth.permissions import visible_programme_ids

    year, week, _weekday = today.isocalendar()
    queued = 0
    programmes = list(db.session.scalars(sa.select(Programme).order_by(Programme.short_name)))
    lines_of: dict[int, list[str]] = {}
    for user in db.session.scalars(
        sa.select(User).where(User.is_active_account.is_(True)).order_by(User.id)
    ):
        key = f"digest:{year}-W{week:02d}:{user.id}"
        if not wants(user, "digest") or db.session.scalar(
            sa.select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)
        ):
            continue
        visible = visible_programme_ids(user)
        sections = []
        with force_locale("da"):
            for programme in programmes:
                if visible is not None and programme.id not in visible:
                    continue
                if programme.id not in lines_of:
                    lines_of[programme.id] = _digest_lines(programme, today)
                if lines_of[programme.id]:
                    url = f"{base_url()}/programmes/{programme.slug}"
                    sections.append(
                        "\n".join([f"{programme.short_name} ({url})", *lines_of[programme.id]])
                    )
            if not sections:
                continue
            text = "\n\n".join(
                [
                    _greeting(user) + ",",
                    _("Det sker de næste 14 dage i dine programmer:"),
                    *sections,
                    _("Du kan slå ugens oversigt fra under Min konto → E-mail."),
                ]
            )
            subject = _("Ugens oversigt fra Styrbord, uge %(week)d", week=week)
        message = queue(
            recipient=user.email,
            kind="digest",
            dedupe_key=key,
            subject=subject,
            text=text + "\n",
            user=user,
        )
        queued += message is not None
    return queued


# -- Preferences --------------------------------------------------------------------------


def turned_off(user: User) -> set[str]:
    return set(
        db.session.scalars(sa.select(MailPreference.kind).where(MailPreference.user_id == user.id))
    )


def set_preferences(user: User, wanted: set[str]) -> None:
    """Keep the optional kinds in `wanted` on and turn the others off."""
    off = turned_off(user)
    for kind in OPTIONAL:
        if kind in wanted and kind in off:
            db.session.execute(
                sa.delete(MailPreference).where(
                    MailPreference.user_id == user.id, MailPreference.kind == kind
                )
            )
        elif kind not in wanted and kind not in off:
            db.session.add(MailPreference(user_id=user.id, kind=kind))
    db.session.flush()
