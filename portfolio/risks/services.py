"""Reading and changing risks."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from portfolio.auth.models import User
from portfolio.auth.permissions import Action, Target, require
from portfolio.core.errors import NotFound, RuleViolation
from portfolio.core.services import apply_changes
from portfolio.extensions import db
from portfolio.programmes.models import Programme
from portfolio.risks.models import Risk

RISK_FIELDS = (
    "title",
    "description",
    "consequence_text",
    "probability",
    "consequence",
    "owner",
    "status",
    "track_id",
)


def list_risks(programme_id: int) -> list[Risk]:
    return list(
        db.session.scalars(
            sa.select(Risk)
            .where(Risk.programme_id == programme_id)
            .options(selectinload(Risk.track))
            .order_by(Risk.id)
        )
    )


def get_risk(programme: Programme, code: str) -> Risk:
    risk = db.session.scalar(
        sa.select(Risk).where(Risk.programme_id == programme.id, Risk.code == code)
    )
    if risk is None:
        raise NotFound(_("Risikoen findes ikke."))
    return risk


def next_risk_code(programme: Programme) -> str:
    codes = db.session.scalars(sa.select(Risk.code).where(Risk.programme_id == programme.id))
    numbers = [int(c[1:]) for c in codes if c.startswith("R") and c[1:].isdigit()]
    return f"R{max(numbers, default=0) + 1}"


def create_risk(actor: User, programme: Programme, values: dict) -> Risk:
    """Register a new risk; it gets the next free code (R5, R6 …)."""
    require(
        actor, Action.EDIT_RISK, Target(programme_id=programme.id, track_id=values.get("track_id"))
    )
    _check_track(programme, values.get("track_id"))
    risk = Risk(
        programme_id=programme.id,
        code=next_risk_code(programme),
        **{k: v for k, v in values.items() if k in RISK_FIELDS},
    )
    db.session.add(risk)
    db.session.flush()
    return risk


def update_risk(
    actor: User, risk: Risk, changes: dict, expected_version: int | None = None
) -> list[str]:
    """Change a risk; moving it to another track needs rights on both tracks."""
    require(actor, Action.EDIT_RISK, risk)
    changes = {k: v for k, v in changes.items() if k in RISK_FIELDS}
    if "track_id" in changes and changes["track_id"] != risk.track_id:
        require(
            actor,
            Action.EDIT_RISK,
            Target(programme_id=risk.programme_id, track_id=changes["track_id"]),
        )
        _check_track(risk.programme, changes["track_id"])
    return apply_changes(risk, changes, expected_version)


def _check_track(programme: Programme, track_id: int | None) -> None:
    if track_id is not None and track_id not in {t.id for t in programme.tracks}:
        raise RuleViolation(
            _("Sporet hører ikke til programmet."),
            errors={"track_id": [_("Vælg et af programmets spor.")]},
        )
