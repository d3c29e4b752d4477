"""Reading and changing risks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from portfolio.audit.versions import apply_changes
from portfolio.auth.models import User
from portfolio.auth.people import check_owner
from portfolio.auth.permissions import Action, Target, require
from portfolio.core.errors import NotFound, RuleViolation
from portfolio.core.locking import next_number
from portfolio.core.text import has_visible_text
from portfolio.extensions import db
from portfolio.programmes.models import Programme
from portfolio.risks.models import Level, MitigationAction, Risk, RiskAssessment, RiskStatus

RISK_FIELDS = (
    "title",
    "description",
    "consequence_text",
    "probability",
    "consequence",
    "owner",
    "owner_user_id",
    "status",
    "track_id",
)


def list_risks(programme_id: int) -> list[Risk]:
    return list(
        db.session.scalars(
            sa.select(Risk)
            .where(Risk.programme_id == programme_id)
            # The actions decide whether the residual score counts (Risk.current_score).
            .options(joinedload(Risk.track), selectinload(Risk.actions))
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
    """Return the code after the programme's highest (R5 after R4), taking turns with any
    other request giving out a code in the programme (core/locking.py)."""
    return f"R{next_number(programme, lambda: _highest_risk_number(programme))}"


def _highest_risk_number(programme: Programme) -> int:
    codes = db.session.scalars(sa.select(Risk.code).where(Risk.programme_id == programme.id))
    return max((int(c[1:]) for c in codes if c.startswith("R") and c[1:].isdigit()), default=0)


def create_risk(actor: User, programme: Programme, values: dict) -> Risk:
    """Register a new risk; it gets the next free code (R5, R6 …)."""
    require(
        actor, Action.EDIT_RISK, Target(programme_id=programme.id, track_id=values.get("track_id"))
    )
    _check_track(programme, values.get("track_id"))
    values = check_owner(values)
    risk = Risk(
        programme_id=programme.id,
        code=next_risk_code(programme),
        **{k: v for k, v in values.items() if k in RISK_FIELDS},
    )
    db.session.add(risk)
    # The first assessment starts the risk's history.
    db.session.add(
        RiskAssessment(
            risk=risk,
            assessed_on=today_for_history(),
            probability=risk.probability,
            consequence=risk.consequence,
            note=_("Registreret."),
            assessed_by=actor.email,
        )
    )
    db.session.flush()
    return risk


def update_risk(
    actor: User, risk: Risk, changes: dict, expected_version: int | None = None
) -> list[str]:
    """Change a risk; moving it to another track needs rights on both tracks.

    A change of its levels is recorded as a reassessment, so the history stays whole.
    """
    require(actor, Action.EDIT_RISK, risk)
    changes = {k: v for k, v in changes.items() if k in RISK_FIELDS}
    changes = check_owner(changes, current_user_id=risk.owner_user_id)
    if "track_id" in changes and changes["track_id"] != risk.track_id:
        require(
            actor,
            Action.EDIT_RISK,
            Target(programme_id=risk.programme_id, track_id=changes["track_id"]),
        )
        _check_track(risk.programme, changes["track_id"])
    changed = apply_changes(risk, changes, expected_version)
    if {"probability", "consequence"} & set(changed):
        db.session.add(
            RiskAssessment(
                risk=risk,
                assessed_on=today_for_history(),
                probability=risk.probability,
                consequence=risk.consequence,
                residual_probability=risk.residual_probability,
                residual_consequence=risk.residual_consequence,
                note=_("Niveau ændret ved redigering."),
                assessed_by=actor.email,
            )
        )
        db.session.flush()
    return changed


def _check_track(programme: Programme, track_id: int | None) -> None:
    if track_id is not None and track_id not in {t.id for t in programme.tracks}:
        raise RuleViolation(
            _("Sporet hører ikke til programmet."),
            errors={"track_id": [_("Vælg et af programmets spor.")]},
        )


@dataclass
class RiskFilter:
    track_id: int | None = None
    status: RiskStatus | None = None
    min_score: int | None = None


def filter_risks(programme_id: int, filters: RiskFilter) -> list[Risk]:
    """The register's list: by track, status and (current) score."""
    risks = list(
        db.session.scalars(
            sa.select(Risk)
            .where(Risk.programme_id == programme_id)
            .options(selectinload(Risk.track), selectinload(Risk.actions))
            .order_by(Risk.id)
        )
    )
    if filters.track_id is not None:
        risks = [r for r in risks if r.track_id == filters.track_id]
    if filters.status is not None:
        risks = [r for r in risks if r.status is filters.status]
    if filters.min_score:
        risks = [r for r in risks if r.current_score >= filters.min_score]
    return risks


def reassess_risk(
    actor: User,
    risk: Risk,
    *,
    assessed_on: dt.date,
    probability: Level,
    consequence: Level,
    residual_probability: Level | None = None,
    residual_consequence: Level | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> RiskAssessment:
    """Record a new assessment (kept for ever) and make it the risk's current levels."""
    require(actor, Action.EDIT_RISK, risk)
    if (residual_probability is None) != (residual_consequence is None):
        raise RuleViolation(
            _("Angiv både sandsynlighed og konsekvens for restrisikoen, eller ingen af dem."),
            errors={"residual_consequence": [_("Udfyld begge eller ingen.")]},
        )
    latest = risk.assessments[-1] if risk.assessments else None
    if latest is not None and assessed_on < latest.assessed_on:
        raise RuleViolation(
            _("En ny vurdering kan ikke dateres før den seneste."),
            errors={
                "assessed_on": [
                    _("Seneste vurdering er fra %(day)s.", day=latest.assessed_on.isoformat())
                ]
            },
        )
    apply_changes(
        risk,
        {
            "probability": probability,
            "consequence": consequence,
            "residual_probability": residual_probability,
            "residual_consequence": residual_consequence,
        },
        expected_version,
    )
    assessment = RiskAssessment(
        risk=risk,
        assessed_on=assessed_on,
        probability=probability,
        consequence=consequence,
        residual_probability=residual_probability,
        residual_consequence=residual_consequence,
        note=(note or "").strip(),
        assessed_by=actor.email,
    )
    db.session.add(assessment)
    db.session.flush()
    return assessment


def trend(risk: Risk) -> str | None:
    """Compare the gross scores of the two latest assessments: "up", "down", "same", or None.

    The gross score, because a residual score is only a hope until its actions are done: a
    risk raised from 6 to 9 has worsened, whatever the mitigation is expected to bring.
    """
    if len(risk.assessments) < 2:
        return None
    old, new = risk.assessments[-2].score, risk.assessments[-1].score
    return "up" if new > old else "down" if new < old else "same"


def close_risk(
    actor: User, risk: Risk, status: RiskStatus, note: str, expected_version: int | None = None
) -> None:
    """Close a risk, or mark it occurred or mitigated, with a note in its history."""
    require(actor, Action.EDIT_RISK, risk)
    if status is RiskStatus.OPEN:
        raise RuleViolation(_("Vælg lukket, afbødet eller indtruffet."))
    if not has_visible_text(note):
        raise RuleViolation(_("Skriv hvorfor."), errors={"note": [_("Feltet skal udfyldes.")]})
    apply_changes(risk, {"status": status}, expected_version)
    db.session.add(
        RiskAssessment(
            risk=risk,
            assessed_on=today_for_history(),
            probability=risk.probability,
            consequence=risk.consequence,
            residual_probability=risk.residual_probability,
            residual_consequence=risk.residual_consequence,
            note=f"{status.label}: {note.strip()}",
            assessed_by=actor.email,
        )
    )
    db.session.flush()


def today_for_history() -> dt.date:
    from portfolio.core.clock import today

    return today()


ACTION_FIELDS = ("description", "owner", "owner_user_id", "due_on", "status")


def add_action(actor: User, risk: Risk, values: dict) -> MitigationAction:
    require(actor, Action.EDIT_RISK, risk)
    values = check_owner(values)
    action = MitigationAction(risk=risk, **{k: v for k, v in values.items() if k in ACTION_FIELDS})
    db.session.add(action)
    db.session.flush()
    return action


def get_action(risk: Risk, action_id: int) -> MitigationAction:
    action = db.session.get(MitigationAction, action_id)
    if action is None or action.risk_id != risk.id:
        raise NotFound(_("Handlingen findes ikke."))
    return action


def update_action(
    actor: User, action: MitigationAction, changes: dict, expected_version: int | None = None
) -> list[str]:
    require(actor, Action.EDIT_RISK, action.risk)
    changes = {k: v for k, v in changes.items() if k in ACTION_FIELDS}
    changes = check_owner(changes, current_user_id=action.owner_user_id)
    return apply_changes(action, changes, expected_version)
