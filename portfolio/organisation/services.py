"""Reading and changing governance bodies and stakeholders."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from portfolio.audit.versions import apply_changes
from portfolio.auth.models import User
from portfolio.auth.permissions import Action, require
from portfolio.core.errors import NotFound, RuleViolation
from portfolio.core.locking import delete_once, hold_for_delete, next_number, take_turn
from portfolio.core.ordering import move
from portfolio.extensions import db
from portfolio.organisation.models import GovernanceBody, GovernanceMember, Stakeholder
from portfolio.programmes.models import Programme, Project, Track

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


def delete_stakeholder(actor: User, stakeholder: Stakeholder) -> None:
    """Remove a stakeholder from the list; its history stays in the audit trail."""
    require(actor, Action.EDIT_STAKEHOLDER, stakeholder)
    delete_once(stakeholder)
    db.session.flush()


# --- Governance bodies and their members ------------------------------------------------

BODY_FIELDS = ("name", "kind", "description", "parent_id", "track_id", "project_id")
MEMBER_FIELDS = ("name", "role")


def get_body(programme: Programme, body_id: int) -> GovernanceBody:
    body = db.session.get(GovernanceBody, body_id)
    if body is None or body.programme_id != programme.id:
        raise NotFound(_("Organet findes ikke."))
    return body


def get_member(body: GovernanceBody, member_id: int) -> GovernanceMember:
    member = db.session.get(GovernanceMember, member_id)
    if member is None or member.body_id != body.id:
        raise NotFound(_("Medlemmet findes ikke."))
    return member


def create_body(actor: User, programme: Programme, values: dict) -> GovernanceBody:
    """Add a governance body at the end of the programme's list."""
    require(actor, Action.EDIT_PROGRAMME, programme)
    take_turn(programme)
    values = {k: v for k, v in values.items() if k in BODY_FIELDS}
    _check_body(programme, None, values)
    position = next_number(
        programme,
        lambda: db.session.scalar(
            sa.select(sa.func.max(GovernanceBody.position)).where(
                GovernanceBody.programme_id == programme.id
            )
        ),
    )
    body = GovernanceBody(programme_id=programme.id, position=position, **values)
    db.session.add(body)
    db.session.flush()
    return body


def update_body(
    actor: User, body: GovernanceBody, changes: dict, expected_version: int | None = None
) -> list[str]:
    require(actor, Action.EDIT_PROGRAMME, body.programme)
    changes = {k: v for k, v in changes.items() if k in BODY_FIELDS}
    _check_body(body.programme, body, changes)
    return apply_changes(body, changes, expected_version)


def delete_body(actor: User, body: GovernanceBody) -> None:
    """Remove a body with its members; one with bodies under it is refused."""
    require(actor, Action.EDIT_PROGRAMME, body.programme)
    hold_for_delete(body)
    under = db.session.scalar(sa.select(sa.func.count()).where(GovernanceBody.parent_id == body.id))
    if under:
        raise RuleViolation(
            _(
                "Organet har %(n)d underordnede organer. Flyt dem til et andet organ eller "
                "slet dem først. Intet er slettet.",
                n=under,
            )
        )
    db.session.delete(body)
    db.session.flush()


def move_body(actor: User, body: GovernanceBody, step: int) -> None:
    """Move a body one place up or down among the programme's bodies."""
    require(actor, Action.EDIT_PROGRAMME, body.programme)
    move(body.programme, governance_bodies(body.programme_id), body, step)


def _check_body(programme: Programme, body: GovernanceBody | None, values: dict) -> None:
    name = values.get("name")
    if name is not None and (body is None or name != body.name):
        taken = db.session.scalar(
            sa.select(GovernanceBody.id).where(
                GovernanceBody.programme_id == programme.id, GovernanceBody.name == name
            )
        )
        if taken is not None:
            raise RuleViolation(
                _("Organet findes allerede."),
                errors={"name": [_("Der er allerede et organ med dette navn.")]},
            )
    parent_id = values.get("parent_id")
    if parent_id is not None:
        parent = db.session.get(GovernanceBody, parent_id)
        if parent is None or parent.programme_id != programme.id:
            raise RuleViolation(
                _("Det overordnede organ hører ikke til programmet."),
                errors={"parent_id": [_("Vælg et af programmets organer.")]},
            )
        if body is not None and parent_id in self_and_below(programme, body):
            raise RuleViolation(
                _("Et organ kan ikke ligge under sig selv."),
                errors={"parent_id": [_("Vælg et organ, der ikke ligger under dette.")]},
            )
    for key, model, message in (
        ("track_id", Track, _("Vælg et af programmets spor.")),
        ("project_id", Project, _("Vælg et af programmets projekter.")),
    ):
        chosen = values.get(key)
        if chosen is not None:
            owner = db.session.scalar(sa.select(model.programme_id).where(model.id == chosen))
            if owner != programme.id:
                raise RuleViolation(message, errors={key: [message]})


def self_and_below(programme: Programme, body: GovernanceBody) -> set[int]:
    """The ids of the body and every body under it."""
    children: dict[int | None, list[int]] = {}
    for each_id, parent_id in db.session.execute(
        sa.select(GovernanceBody.id, GovernanceBody.parent_id).where(
            GovernanceBody.programme_id == programme.id
        )
    ):
        children.setdefault(parent_id, []).append(each_id)
    found, todo = set(), [body.id]
    while todo:
        current = todo.pop()
        if current in found:
            continue
        found.add(current)
        todo.extend(children.get(current, []))
    return found


def add_member(actor: User, body: GovernanceBody, values: dict) -> GovernanceMember:
    """Add a member at the end of the body's list."""
    require(actor, Action.EDIT_PROGRAMME, body.programme)
    position = next_number(
        body,
        lambda: db.session.scalar(
            sa.select(sa.func.max(GovernanceMember.position)).where(
                GovernanceMember.body_id == body.id
            )
        ),
    )
    member = GovernanceMember(
        body_id=body.id,
        position=position,
        **{k: v for k, v in values.items() if k in MEMBER_FIELDS},
    )
    db.session.add(member)
    db.session.flush()
    return member


def update_member(actor: User, member: GovernanceMember, changes: dict) -> list[str]:
    """Change a member's name or role (a member carries no version: the body's list is
    short and edited by the secretariat alone)."""
    require(actor, Action.EDIT_PROGRAMME, member.body.programme)
    take_turn(member.body)
    return apply_changes(member, {k: v for k, v in changes.items() if k in MEMBER_FIELDS})


def remove_member(actor: User, member: GovernanceMember) -> None:
    require(actor, Action.EDIT_PROGRAMME, member.body.programme)
    body = member.body
    delete_once(member)
    db.session.flush()
    db.session.expire(body, ["members"])


def move_member(actor: User, member: GovernanceMember, step: int) -> None:
    """Move a member one place up or down in the body's list."""
    require(actor, Action.EDIT_PROGRAMME, member.body.programme)
    move(member.body, list(member.body.members), member, step)
