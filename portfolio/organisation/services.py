"""Reading and changing governance bodies and stakeholders."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from portfolio.audit.versions import apply_changes
from portfolio.auth.models import User
from portfolio.auth.permissions import Action, require
from portfolio.core.errors import NotFound, RuleViolation
from portfolio.core.locking import next_number, take_turn
from portfolio.extensions import db
from portfolio.organisation.models import GovernanceBody, Stakeholder
from portfolio.programmes.models import Programme

STAKEHOLDER_FIELDS = ("name", "attitude", "involvement")


def governance_bodies(programme_id: int) -> list[GovernanceBody]:
    """Return the programme's bodies, members loaded, ordered as the source lists them."""
    query = (
        sa.select(GovernanceBody)
        .where(GovernanceBody.programme_id == programme_id)
        .options(
            joinedload(GovernanceBody.members),
            joinedload(GovernanceBody.track),
            joinedload(GovernanceBody.project),
        )
        .order_by(GovernanceBody.position)
    )
    return list(db.session.execute(query).unique().scalars())


def bodies_of_project(project_id: int) -> list[GovernanceBody]:
    return list(
        db.session.scalars(
            sa.select(GovernanceBody)
            .where(GovernanceBody.project_id == project_id)
            .options(selectinload(GovernanceBody.members), selectinload(GovernanceBody.parent))
            .order_by(GovernanceBody.position)
        )
    )


def governance_tree(bodies: list[GovernanceBody]) -> list[tuple[int, GovernanceBody]]:
    """Order bodies as a tree walk, each with its depth, for an indented chart."""
    children: dict[int | None, list[GovernanceBody]] = {}
    for body in bodies:
        children.setdefault(body.parent_id, []).append(body)
    walked: list[tuple[int, GovernanceBody]] = []

    def walk(parent_id, depth):
        for body in children.get(parent_id, []):
            walked.append((depth, body))
            walk(body.id, depth + 1)

    walk(None, 0)
    return walked


def list_stakeholders(programme_id: int) -> list[Stakeholder]:
    return list(
        db.session.scalars(
            sa.select(Stakeholder)
            .where(Stakeholder.programme_id == programme_id)
            .order_by(Stakeholder.position)
        )
    )


def get_stakeholder(programme: Programme, stakeholder_id: int) -> Stakeholder:
    stakeholder = db.session.get(Stakeholder, stakeholder_id)
    if stakeholder is None or stakeholder.programme_id != programme.id:
        raise NotFound(_("Interessenten findes ikke."))
    return stakeholder


def create_stakeholder(actor: User, programme: Programme, values: dict) -> Stakeholder:
    require(actor, Action.EDIT_STAKEHOLDER, programme)
    # Taking the programme's turn first lets the name check see a stakeholder added by a
    # request running at the same moment, so a double is refused with a message.
    take_turn(programme)
    _check_name_free(programme, values["name"])
    position = next_number(
        programme,
        lambda: db.session.scalar(
            sa.select(sa.func.max(Stakeholder.position)).where(
                Stakeholder.programme_id == programme.id
            )
        ),
    )
    stakeholder = Stakeholder(
        programme_id=programme.id,
        position=position,
        **{k: v for k, v in values.items() if k in STAKEHOLDER_FIELDS},
    )
    db.session.add(stakeholder)
    db.session.flush()
    return stakeholder


def update_stakeholder(
    actor: User, stakeholder: Stakeholder, changes: dict, expected_version: int | None = None
) -> list[str]:
    require(actor, Action.EDIT_STAKEHOLDER, stakeholder)
    if "name" in changes and changes["name"] != stakeholder.name:
        _check_name_free(stakeholder.programme, changes["name"])
    return apply_changes(
        stakeholder,
        {k: v for k, v in changes.items() if k in STAKEHOLDER_FIELDS},
        expected_version,
    )


def _check_name_free(programme: Programme, name: str) -> None:
    taken = db.session.scalar(
        sa.select(Stakeholder.id).where(
            Stakeholder.programme_id == programme.id, Stakeholder.name == name
        )
    )
    if taken is not None:
        raise RuleViolation(
            _("Interessenten findes allerede."),
            errors={"name": [_("Der er allerede en interessent med dette navn.")]},
        )
