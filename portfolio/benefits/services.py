"""Reading and changing benefits."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from portfolio.audit.versions import apply_changes, check_version
from portfolio.auth.models import User
from portfolio.auth.people import check_owner, sync_benefit_owner
from portfolio.auth.permissions import Action, require
from portfolio.benefits.models import Benefit, BenefitType, BenefitTypeLink, Recipient
from portfolio.core.errors import NotFound, RuleViolation
from portfolio.core.locking import next_number
from portfolio.core.models import utcnow
from portfolio.core.text import has_visible_text
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


def next_benefit_code(programme: Programme) -> str:
    """Return the code after the programme's highest (GH7 after GH6), taking turns with any
    other request giving out a code in the programme (core/locking.py)."""
    return f"GH{next_number(programme, lambda: _highest_benefit_number(programme))}"


def next_benefit_code_preview(programme: Programme) -> str:
    """The code a new benefit would get now (the form says so; the save decides)."""
    return f"GH{_highest_benefit_number(programme) + 1}"


def _highest_benefit_number(programme: Programme) -> int:
    codes = db.session.scalars(sa.select(Benefit.code).where(Benefit.programme_id == programme.id))
    return max(
        (int(c[2:]) for c in codes if c.startswith("GH") and c[2:].isdigit()),
        default=0,
    )


def create_benefit(actor: User, programme: Programme, values: dict) -> Benefit:
    """Register a new benefit; it gets the next free code (GH7 after GH6).

    `values` holds what the profile form edits (texts, owners, types and links).
    """
    require(actor, Action.EDIT_BENEFIT, programme)
    values = check_owner(dict(values))
    types = values.pop("types", None) or []
    if not types:
        raise RuleViolation(
            _("Vælg mindst én gevinsttype."), errors={"types": [_("Vælg mindst én gevinsttype.")]}
        )
    chosen = {
        "recipients": _pick(Recipient, programme.id, values.pop("recipient_ids", None) or ()),
        "tracks": _pick(Track, programme.id, values.pop("track_ids", None) or ()),
        "projects": _pick(Project, programme.id, values.pop("project_ids", None) or ()),
        "goals": _pick(VisionGoal, programme.id, values.pop("goal_ids", None) or ()),
    }
    code = next_benefit_code(programme)
    benefit = Benefit(
        programme_id=programme.id,
        code=code,
        **{k: v for k, v in values.items() if k in BENEFIT_FIELDS},
    )
    benefit.type_links = [
        BenefitTypeLink(type=BenefitType(t), position=i) for i, t in enumerate(types)
    ]
    db.session.add(benefit)
    db.session.flush()
    # Linked once the row is there, so that the trail records each link as a field of the
    # benefit, as for an edit (links written with the new row would go unrecorded). Only
    # link rows are written: the benefit's own row, and its version, stay as inserted.
    benefit.recipients = sorted(chosen["recipients"], key=lambda r: r.position)
    benefit.tracks = chosen["tracks"]
    benefit.projects = chosen["projects"]
    benefit.goals = sorted(chosen["goals"], key=lambda g: g.position)
    db.session.flush()
    # A user named owner gets the benefit-owner right for it at once.
    sync_benefit_owner(benefit, None, benefit.owner_user_id)
    return benefit


def retire_benefit(
    actor: User,
    benefit: Benefit,
    reason: str,
    expected_version: int | None = None,
) -> None:
    """Retire a benefit that is no longer pursued, saying why.

    It stays in the history, the reports and the lists, marked as retired; the benefits
    light no longer weighs it and no new value is recorded for its indicators.
    """
    require(actor, Action.EDIT_BENEFIT, benefit)
    if benefit.is_retired:
        raise RuleViolation(_("Gevinsten er allerede udgået."))
    if not has_visible_text(reason):
        message = _("Skriv hvorfor gevinsten udgår.")
        raise RuleViolation(message, errors={"reason": [message]})
    from portfolio.core.clock import today

    apply_changes(
        benefit,
        {"retired_on": today(), "retired_reason": reason.strip()},
        expected_version,
    )


def reinstate_benefit(actor: User, benefit: Benefit, expected_version: int | None = None) -> None:
    """Take a retired benefit up again; its retirement stays in its history."""
    require(actor, Action.EDIT_BENEFIT, benefit)
    if not benefit.is_retired:
        raise RuleViolation(_("Gevinsten er ikke udgået."))
    apply_changes(benefit, {"retired_on": None, "retired_reason": None}, expected_version)


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
