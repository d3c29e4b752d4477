"""Owners who are people: a user of the system, or a person named in free text.

Benefit owners, risk owners, the owners of mitigation and workshop actions and project
leads are each either a user (`owner_user_id`) or a name (`owner`) for someone without an
account, or nobody yet. The services call `check_owner` on what they are given, so the
pages and the JSON API refuse the same things. Naming a user as a benefit's owner gives
them the benefit owner's role on that benefit (`sync_benefit_owner`).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from portfolio.auth.models import Membership, Role, User
from portfolio.core.errors import RuleViolation
from portfolio.core.locking import delete_once
from portfolio.extensions import db

OWNER_FIELDS = ("owner", "owner_user_id")


def active_users() -> list[User]:
    """The users an owner can be chosen from: active accounts, by name."""
    users = db.session.scalars(sa.select(User).where(User.is_active_account.is_(True)))
    return sorted(users, key=lambda u: (u.display_name.casefold(), u.id))


def user_choices(current: User | None = None) -> list[tuple[str, str]]:
    """(value, label) pairs for an owner select: none, then the active users.

    A deactivated user who already owns the object stays choosable, so that saving the
    form unchanged does not take the ownership away.
    """
    users = active_users()
    if current is not None and current not in users:
        users.append(current)
    return [("", _("Ingen bruger valgt"))] + [(str(u.id), _user_label(u)) for u in users]


def _user_label(user: User) -> str:
    return f"{user.name} ({user.email})" if user.name else user.email


def check_owner(values: dict, *, current_user_id: int | None = None) -> dict:
    """Check an owner given as `owner` (a name) and/or `owner_user_id` (a user).

    Exactly one of them, or neither: both given is refused. A user must exist and be
    active (unless they already were the owner). Returns the values with the name emptied
    when a user is chosen, and the user emptied when only a name is given, so the row
    holds one of the two.
    """
    if "owner_user_id" not in values:
        # A name alone (an API client that knows only the text) replaces a user owner.
        if (values.get("owner") or "").strip():
            return {**values, "owner_user_id": None}
        return values
    user_id = values.get("owner_user_id")
    name = (values.get("owner") or "").strip() if "owner" in values else ""
    if user_id is not None and name:
        message = _("Vælg enten en bruger eller skriv et navn – ikke begge.")
        raise RuleViolation(message, errors={"owner": [message]})
    if user_id is not None:
        user = db.session.get(User, user_id) if isinstance(user_id, int) else None
        if user is None or (not user.is_active_account and user_id != current_user_id):
            message = _("Vælg en aktiv bruger.")
            raise RuleViolation(message, errors={"owner_user_id": [message]})
        if "owner" in values:
            values = {**values, "owner": None}
    return values


def sync_benefit_owner(benefit, old_user_id: int | None, new_user_id: int | None) -> None:
    """Move the benefit owner's role on this benefit from the old owner to the new one.

    The old owner loses their benefit-owner membership of this benefit; the new owner gets
    one. Both changes are rows of memberships, so the audit trail records them.
    """
    if old_user_id == new_user_id:
        return
    if old_user_id is not None:
        held = db.session.scalars(
            sa.select(Membership).where(
                Membership.user_id == old_user_id,
                Membership.role == Role.BENEFIT_OWNER,
                Membership.benefit_id == benefit.id,
            )
        ).all()
        for membership in held:
            delete_once(membership)
    if new_user_id is not None:
        exists = db.session.scalar(
            sa.select(Membership.id).where(
                Membership.user_id == new_user_id,
                Membership.role == Role.BENEFIT_OWNER,
                Membership.benefit_id == benefit.id,
            )
        )
        if exists is None:
            db.session.add(
                Membership(
                    user_id=new_user_id,
                    role=Role.BENEFIT_OWNER,
                    programme_id=benefit.programme_id,
                    benefit_id=benefit.id,
                )
            )
    db.session.flush()
    for user_id in (old_user_id, new_user_id):
        user = db.session.get(User, user_id) if user_id is not None else None
        if user is not None:
            db.session.expire(user, ["memberships"])
