"""Administration: users, their roles, and the audit log."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from portfolio.audit import presentation
from portfolio.audit.models import AuditEntry
from portfolio.audit.versions import apply_changes
from portfolio.auth import services as auth_services
from portfolio.auth.models import ApiToken, Membership, OidcGroupRole, Role, TokenEnd, User
from portfolio.auth.permissions import Action, require
from portfolio.benefits.models import Benefit
from portfolio.core.errors import NotFound, RuleViolation
from portfolio.core.pagination import Page, paginate
from portfolio.core.text import neutralise_formula
from portfolio.extensions import db
from portfolio.programmes.models import Programme, Track

PAGE_SIZE = 50


def list_users(actor: User) -> list[User]:
    require(actor, Action.MANAGE_USERS)
    return list(
        db.session.scalars(
            sa.select(User)
            .options(
                selectinload(User.memberships).selectinload(Membership.programme),
                selectinload(User.memberships).selectinload(Membership.track),
                selectinload(User.memberships).selectinload(Membership.benefit),
            )
            .order_by(User.email)
        )
    )


def create_user(actor: User, *, email: str, name: str, password: str, is_admin: bool) -> User:
    require(actor, Action.MANAGE_USERS)
    return auth_services.create_user(email, password, name=name, is_admin=is_admin)


def update_user(actor: User, user: User, changes: dict, expected_version: int | None) -> list[str]:
    """Change a user's name, administrator flag or whether the account is active."""
    require(actor, Action.MANAGE_USERS)
    if user.id == actor.id and (
        changes.get("is_admin") is False or changes.get("is_active_account") is False
    ):
        raise RuleViolation(
            _("Du kan ikke fjerne din egen administratorrettighed eller lukke din egen konto.")
        )
    fields = {k: v for k, v in changes.items() if k in {"name", "is_admin"}}
    if "oidc_subject" in changes:
        fields.update(_oidc_link(user, changes["oidc_subject"]))
    changed = apply_changes(user, fields, expected_version)
    active = changes.get("is_active_account")
    if active is not None and active != user.is_active_account:
        # Through the service, so closing or reopening the account ends its sessions.
        auth_services.set_active(user, active)
        changed.append("is_active_account")
    return changed


def _oidc_link(user: User, subject: str | None) -> dict[str, str | None]:
    """The issuer and subject that link a user to their sign-in at the OIDC provider."""
    subject = (subject or "").strip() or None
    if subject is None:
        return {"oidc_subject": None, "oidc_issuer": None}
    issuer = current_app.config.get("OIDC_ISSUER")
    if not issuer:
        raise RuleViolation(
            _("Login via en OIDC-udbyder er ikke sat op på denne server."),
            errors={
                "oidc_subject": [_("Login via en OIDC-udbyder er ikke sat op på denne server.")]
            },
        )
    holder = db.session.scalar(
        sa.select(User.id).where(
            User.oidc_issuer == issuer, User.oidc_subject == subject, User.id != user.id
        )
    )
    if holder is not None:
        message = _("En anden bruger er allerede knyttet til dette subject.")
        raise RuleViolation(message, errors={"oidc_subject": [message]})
    return {"oidc_subject": subject, "oidc_issuer": issuer}


def reset_password(actor: User, user: User) -> str:
    """Give another user a generated password and return it, for the administrator to pass on.

    The user's sessions and API tokens end. An administrator changes their own password on
    their account page, where the current one is asked for.
    """
    require(actor, Action.MANAGE_USERS)
    if user.id == actor.id:
        raise RuleViolation(_("Skift din egen adgangskode på din kontoside."))
    return auth_services.reset_password(user)


def import_programme_file(actor: User, text: str, *, apply: bool):
    """Import a programme file as an administrator; with apply=False only say what it would do.

    The preview runs the very import and rolls it back, so it shows exactly what confirming
    would create and change. Raise ProgrammeFileError with every problem when it is wrong.
    """
    from portfolio.seed.programme_file import import_programmes

    # Administrators only: a file may create programmes and change any of them.
    require(actor, Action.MANAGE_USERS)
    try:
        report = import_programmes(text)
    except Exception:
        db.session.rollback()
        raise
    if not apply:
        db.session.rollback()
    return report


def revoke_token(actor: User, user: User, token_id: int) -> ApiToken:
    """End one of a user's API tokens on an administrator's word."""
    require(actor, Action.MANAGE_USERS)
    token = auth_services.get_token(user, token_id)
    auth_services.end_token(token, TokenEnd.REVOKED_BY_ADMIN)
    return token


def grant(
    actor: User,
    user: User,
    *,
    role: Role,
    programme_id: int | None,
    track_id: int | None = None,
    benefit_id: int | None = None,
) -> Membership:
    """Give a user a role; a track lead needs a track, a benefit owner a benefit."""
    require(actor, Action.MANAGE_USERS)
    programme = db.session.get(Programme, programme_id) if programme_id else None
    track = db.session.get(Track, track_id) if track_id else None
    benefit = db.session.get(Benefit, benefit_id) if benefit_id else None
    for chosen in (track, benefit):
        if chosen is not None and programme is not None and chosen.programme_id != programme.id:
            raise RuleViolation(_("Spor og gevinst skal høre til det valgte program."))
    return auth_services.grant_role(user, role, programme=programme, track=track, benefit=benefit)


def revoke(actor: User, user: User, membership_id: int) -> None:
    require(actor, Action.MANAGE_USERS)
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.user_id != user.id:
        raise NotFound(_("Rollen findes ikke."))
    auth_services.revoke_membership(membership)


@dataclass
class AuditFilter:
    programme_id: int | None = None
    entity: str | None = None
    actor: str | None = None
    action: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    text: str | None = None


def _audit_query(filters: AuditFilter) -> sa.Select:
    query = sa.select(AuditEntry)
    if filters.programme_id:
        query = query.where(AuditEntry.programme_id == filters.programme_id)
    if filters.entity:
        query = query.where(AuditEntry.entity == filters.entity)
    if filters.actor:
        query = query.where(AuditEntry.actor.ilike(f"%{filters.actor}%"))
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.since:
        start = dt.datetime.combine(filters.since, dt.time(), tzinfo=dt.UTC)
        query = query.where(AuditEntry.at >= start)
    if filters.until and filters.until < dt.date.max:  # up to the last day means no limit
        end = dt.datetime.combine(filters.until + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        query = query.where(AuditEntry.at < end)
    if filters.text:
        pattern = f"%{filters.text}%"
        query = query.where(
            sa.or_(
                AuditEntry.entity_label.ilike(pattern),
                AuditEntry.old_value.ilike(pattern),
                AuditEntry.new_value.ilike(pattern),
                AuditEntry.field.ilike(pattern),
                # "Budgetlinje" finds the budget lines: the trail names them by table.
                AuditEntry.entity.in_(presentation.tables_named(filters.text)),
            )
        )
    return query


def audit_page(actor: User, filters: AuditFilter, page: int = 1) -> Page:
    """Return one page of matching audit entries, newest first (past the end: the last page)."""
    require(actor, Action.VIEW_AUDIT)
    return paginate(_audit_query(filters).order_by(AuditEntry.id.desc()), page, PAGE_SIZE)


def audit_entities() -> list[str]:
    return list(
        db.session.scalars(sa.select(AuditEntry.entity).distinct().order_by(AuditEntry.entity))
    )


EXPORT_COLUMNS = (
    "id",
    "at",
    "actor",
    "user_id",
    "request_id",
    "action",
    "entity",
    "entity_id",
    "entity_label",
    "entity_version",
    "programme_id",
    "field",
    "old_value",
    "new_value",
    "reason",  # e.g. "change_request:ÆA1" for the rows an approved change request wrote
)


# After the stored values, the same row as the pages show it (in the user's language).
READABLE_COLUMNS = (
    "action_text",
    "entity_text",
    "subject_text",
    "field_text",
    "old_text",
    "new_text",
    "reason_text",
)
_EXPORT_BATCH = 1000


def _readable_cells(row: presentation.ShownEntry) -> list[str]:
    old, new = row.old, row.new
    if row.details:
        snapshot = "; ".join(f"{label}: {value}" for label, value in row.details)
        old, new = (snapshot, "–") if row.entry.action == "delete" else ("–", snapshot)
    return [row.action, row.entity, row.subject, row.field, old, new, row.reason]


def audit_csv(actor: User, filters: AuditFilter) -> str:
    """Export every matching audit entry as CSV (user text neutralised against formulas).

    The stored values come first, unchanged; then the readable ones the pages show.
    """
    require(actor, Action.VIEW_AUDIT)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS + READABLE_COLUMNS)
    query = _audit_query(filters).order_by(AuditEntry.id)
    entries = db.session.scalars(query.execution_options(yield_per=_EXPORT_BATCH))
    for batch in entries.partitions(_EXPORT_BATCH):
        for shown in presentation.present(batch):
            row = []
            for column in EXPORT_COLUMNS:
                value = getattr(shown.entry, column)
                row.append(
                    value.isoformat()
                    if isinstance(value, dt.datetime)
                    else neutralise_formula(value)
                )
            row.extend(neutralise_formula(cell) for cell in _readable_cells(shown))
            writer.writerow(row)
    return out.getvalue()


def list_group_roles(actor: User) -> list[OidcGroupRole]:
    """The OIDC group → role mapping, by claim value."""
    require(actor, Action.MANAGE_USERS)
    return list(
        db.session.scalars(
            sa.select(OidcGroupRole)
            .options(selectinload(OidcGroupRole.programme))
            .order_by(OidcGroupRole.claim_value, OidcGroupRole.id)
        )
    )


def add_group_role(
    actor: User, *, claim_value: str, role: Role, programme_id: int | None
) -> OidcGroupRole:
    """Map a group (or app role) claim value to a role, in one programme or in all."""
    require(actor, Action.MANAGE_USERS)
    claim_value = claim_value.strip()
    if not claim_value or len(claim_value) > 200:
        raise RuleViolation(
            _("Angiv gruppens værdi i ID-tokenet."),
            errors={"claim_value": [_("Angiv gruppens værdi i ID-tokenet.")]},
        )
    if role not in (Role.SECRETARIAT, Role.VIEWER):
        raise RuleViolation(
            _("Kun programsekretariat og læseadgang kan følge en gruppe."),
            errors={"role": [_("Kun programsekretariat og læseadgang kan følge en gruppe.")]},
        )
    if programme_id is not None and db.session.get(Programme, programme_id) is None:
        raise NotFound(_("Programmet findes ikke."))
    duplicate = db.session.scalar(
        sa.select(OidcGroupRole.id).where(
            OidcGroupRole.claim_value == claim_value,
            OidcGroupRole.role == role,
            OidcGroupRole.programme_id.is_(None)
            if programme_id is None
            else OidcGroupRole.programme_id == programme_id,
        )
    )
    if duplicate is not None:
        raise RuleViolation(_("Gruppen giver allerede den rolle i det program."))
    mapping = OidcGroupRole(claim_value=claim_value, role=role, programme_id=programme_id)
    db.session.add(mapping)
    db.session.flush()
    return mapping


def remove_group_role(actor: User, mapping_id: int) -> None:
    require(actor, Action.MANAGE_USERS)
    mapping = db.session.get(OidcGroupRole, mapping_id)
    if mapping is None:
        raise NotFound(_("Koblingen findes ikke."))
    db.session.delete(mapping)
    db.session.flush()
