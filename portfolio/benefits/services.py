"""Reading and changing benefits."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from portfolio.audit.versions import check_version
from portfolio.auth.models import User
from portfolio.auth.people import check_owner, sync_benefit_owner
from portfolio.auth.permissions import Action, require
from portfolio.benefits.models import Benefit, BenefitType, BenefitTypeLink, Recipient
from portfolio.core.errors import NotFound, RuleViolation
from portfolio.core.models import utcnow
from portfolio.extensions import db
from portfolio.programmes.models import Programme, Project, Track, VisionGoal

BENEFIT_FIELDS = (
    "name",
    "description",
    "owner",
    "owner_user_id",
    "responsible",
    "operations_owner",
    "handed_over_on",
    "is_disbenefit",
)


def list_benefits(programme_id: int, *, with_links: bool = True) -> list[Benefit]:
    """Return the programme's benefits with types and recipients (and links if asked)."""
    options = [joinedload(Benefit.type_links), joinedload(Benefit.recipients)]
    if with_links:
        options += [selectinload(Benefit.tracks), selectinload(Benefit.projects)]
    query = (
        sa.select(Benefit)
        .where(Benefit.programme_id == programme_id)
        .options(*options)
        .order_by(Benefit.code)
    )
    return list(db.session.execute(query).unique().scalars())


def list_benefits_with_indicators(programme_id: int) -> list[Benefit]:
    """Return the programme's benefits with their indicators ready to read, in one query."""
    from portfolio.indicators.services import INDICATOR_OPTIONS

    query = (
        sa.select(Benefit)
        .where(Benefit.programme_id == programme_id)
        .options(joinedload(Benefit.indicators).options(*INDICATOR_OPTIONS))
        .order_by(Benefit.code)
    )
    return list(db.session.execute(query).unique().scalars())


def list_benefits_for_map(programme_id: int) -> list[Benefit]:
    """Return the benefits with the tracks, projects and goals that the benefit map links."""
    query = (
        sa.select(Benefit)
        .where(Benefit.programme_id == programme_id)
        .options(
            selectinload(Benefit.tracks),
            selectinload(Benefit.projects),
            selectinload(Benefit.goals),
        )
        .order_by(Benefit.code)
    )
    return list(db.session.scalars(query))


def get_benefit(programme: Programme, code: str) -> Benefit:
    benefit = db.session.scalar(
        sa.select(Benefit).where(Benefit.programme_id == programme.id, Benefit.code == code)
    )
    if benefit is None:
        raise NotFound(_("Gevinsten findes ikke."))
    return benefit


def recipients_of(programme_id: int) -> list[Recipient]:
    return list(
        db.session.scalars(
            sa.select(Recipient)
            .where(Recipient.programme_id == programme_id)
            .order_by(Recipient.position)
        )
    )


def update_benefit(
    actor: User,
    benefit: Benefit,
    changes: dict,
    expected_version: int | None = None,
) -> list[str]:
    """Change a benefit's profile: texts, owners, types, recipients, links and vision goals."""
    require(actor, Action.EDIT_BENEFIT, benefit)
    types = changes.pop("types", None)
    recipient_ids = changes.pop("recipient_ids", None)
    track_ids = changes.pop("track_ids", None)
    project_ids = changes.pop("project_ids", None)
    goal_ids = changes.pop("goal_ids", None)
    if types is not None and not types:
        raise RuleViolation(
            _("Vælg mindst én gevinsttype."), errors={"types": [_("Vælg mindst én gevinsttype.")]}
        )
    check_version(benefit, expected_version)
    changes = check_owner(changes, current_user_id=benefit.owner_user_id)
    old_owner_id = benefit.owner_user_id
    programme_id = benefit.programme_id
    # Pick every linked object first (each pick is a query, which would flush early) …
    chosen_recipients = (
        _pick(Recipient, programme_id, recipient_ids) if recipient_ids is not None else None
    )
    chosen_tracks = _pick(Track, programme_id, track_ids) if track_ids is not None else None
    chosen_projects = _pick(Project, programme_id, project_ids) if project_ids is not None else None
    chosen_goals = _pick(VisionGoal, programme_id, goal_ids) if goal_ids is not None else None
    # … then change everything, so that one flush writes the benefit once.
    with db.session.no_autoflush:
        changed = []
        for name, value in changes.items():
            if name in BENEFIT_FIELDS and getattr(benefit, name) != value:
                setattr(benefit, name, value)
                changed.append(name)
        if types is not None and [BenefitType(t) for t in types] != benefit.types:
            benefit.type_links = [
                BenefitTypeLink(type=BenefitType(t), position=i) for i, t in enumerate(types)
            ]
            changed.append("types")
        if chosen_recipients is not None and _ids(chosen_recipients) != _ids(benefit.recipients):
            benefit.recipients = sorted(chosen_recipients, key=lambda r: r.position)
            changed.append("recipients")
        if chosen_tracks is not None and _ids(chosen_tracks) != _ids(benefit.tracks):
            benefit.tracks = chosen_tracks
            changed.append("tracks")
        if chosen_projects is not None and _ids(chosen_projects) != _ids(benefit.projects):
            benefit.projects = chosen_projects
            changed.append("projects")
        if chosen_goals is not None and _ids(chosen_goals) != _ids(benefit.goals):
            benefit.goals = sorted(chosen_goals, key=lambda g: g.position)
            changed.append("goals")
        if changed:
            # Link changes alone touch no column of the row; stamping it makes them count as an
            # edit, so that the version moves on and a colleague's stale form is refused.
            benefit.updated_at = utcnow()
    db.session.flush()
    # The owner named as a user holds the benefit owner's role on it, and only they do.
    sync_benefit_owner(benefit, old_owner_id, benefit.owner_user_id)
    return changed


def _ids(objects) -> set[int]:
    return {o.id for o in objects}


def _pick(model, programme_id: int, ids) -> list:
    ids = set(ids)
    if not ids:
        return []
    found = list(
        db.session.scalars(
            sa.select(model).where(model.programme_id == programme_id, model.id.in_(ids))
        )
    )
    if len(found) != len(ids):
        raise RuleViolation(_("Et valgt element hører ikke til programmet."))
    return found
