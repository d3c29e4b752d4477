"""The status page: everything the steering group reads before a meeting, in fixed queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from portfolio.audit.versions import apply_changes
from portfolio.auth.models import User
from portfolio.auth.permissions import Action, Target, require
from portfolio.budgets.services import budget_overview, budget_overviews
from portfolio.changes.models import PENDING, ChangeRequest
from portfolio.core.errors import NotFound, RuleViolation
from portfolio.core.lights import Colour, Light
from portfolio.core.models import utcnow
from portfolio.core.text import has_visible_text
from portfolio.extensions import db
from portfolio.indicators import services as indicator_services
from portfolio.indicators.models import Indicator
from portfolio.metrics.models import Metric
from portfolio.programmes.models import Programme, Project, Track
from portfolio.reports.models import StatusReport
from portfolio.risks.models import Risk
from portfolio.status import lights
from portfolio.status.models import (
    BenefitsAssessment,
    Decision,
    DecisionStatus,
    Dimension,
    LightOverride,
    Milestone,
    MilestoneStatus,
)

UPCOMING = 3  # next milestones shown per track


@dataclass
class StatusData:
    """The live objects the status page is built from."""

    programme: Programme
    projects: list[Project]
    milestones: list[Milestone]
    risks: list[Risk]
    budget: object
    overrides: list[LightOverride]
    decisions: list[Decision]
    benefits: list
    benefits_assessment: BenefitsAssessment | None
    last_report: StatusReport | None
    # Readings of the benefits' and risks' indicators, by indicator id.
    readings: dict = field(default_factory=dict)
    # Change requests waiting for the steering group's decision.
    change_requests: list[ChangeRequest] = field(default_factory=list)

    def benefit_readings(self, benefit) -> list:
        """Return the readings of a benefit's indicators."""
        return [self.readings[i.id] for i in benefit.indicators if i.id in self.readings]

    def crossed_kris(self, risk) -> list:
        """Return the readings of a risk's key risk indicators beyond their threshold."""
        return [
            self.readings[i.id]
            for i in risk.indicators
            if i.id in self.readings and indicator_services.threshold_crossed(self.readings[i.id])
        ]


# Load these with the programme (get_programme_for(..., *STATUS_OPTIONS)): one query.
STATUS_OPTIONS = (joinedload(Programme.timeline), joinedload(Programme.tracks))


def _projects(ids: list[int]) -> list[Project]:
    """The programmes' projects still in the plan (retired ones count nowhere)."""
    return list(
        db.session.scalars(
            sa.select(Project)
            .where(Project.programme_id.in_(ids), Project.retired_at.is_(None))
            .order_by(Project.programme_id, Project.position, Project.code)
        )
    )


def _milestones(ids: list[int]) -> list[Milestone]:
    return list(
        db.session.scalars(
            sa.select(Milestone)
            .where(Milestone.programme_id.in_(ids))
            .order_by(Milestone.planned_on, Milestone.id)
        )
    )


# The benefits' and risks' indicators come joined to them (no query of their own); their
# values then take one query (none when there are no indicators).
def _with_indicators():
    return (
        joinedload(Indicator.metric).joinedload(Metric.source),
        joinedload(Indicator.trajectory),
    )


def _risks(ids: list[int], *, with_indicators: bool = True) -> list[Risk]:
    # The actions decide whether a residual score counts (Risk.current_score); the key
    # risk indicators only flag risks for reassessment, which no light reads.
    options = [joinedload(Risk.actions)]
    if with_indicators:
        options.append(joinedload(Risk.indicators).options(*_with_indicators()))
    return list(
        db.session.execute(
            sa.select(Risk).where(Risk.programme_id.in_(ids)).options(*options).order_by(Risk.id)
        )
        .unique()
        .scalars()
    )


def _benefits(ids: list[int]) -> list:
    from portfolio.benefits.models import Benefit

    return list(
        db.session.execute(
            sa.select(Benefit)
            .where(Benefit.programme_id.in_(ids))
            .options(joinedload(Benefit.indicators).options(*_with_indicators()))
            .order_by(Benefit.code)
        )
        .unique()
        .scalars()
    )


def _readings(benefits, risks) -> dict:
    return indicator_services.readings_for(
        [i for b in benefits for i in b.indicators] + [i for r in risks for i in r.indicators],
        latest_only=True,  # the status page shows statuses and latest values, not series
    )


def load_status_data(programme: Programme) -> StatusData:
    """Load what the status page shows; the number of queries does not grow with the data.

    The programme should come with its timeline and tracks (STATUS_OPTIONS).
    """
    pid = programme.id
    projects = _projects([pid])
    milestones = _milestones([pid])
    risks = _risks([pid])
    overrides, assessment = _light_inputs(pid)
    decisions = list(
        db.session.scalars(
            sa.select(Decision)
            .where(Decision.programme_id == pid)
            .order_by(Decision.requested_for.desc().nulls_last(), Decision.id.desc())
        )
    )
    benefits = _benefits([pid])
    readings = _readings(benefits, risks)
    last_report = db.session.scalar(
        sa.select(StatusReport)
        .where(StatusReport.programme_id == pid)
        .order_by(StatusReport.created_at.desc(), StatusReport.id.desc())
        .limit(1)
    )
    change_requests = list(
        db.session.scalars(
            sa.select(ChangeRequest)
            .where(ChangeRequest.programme_id == pid, ChangeRequest.status.in_(PENDING))
            .options(selectinload(ChangeRequest.items))
            .order_by(ChangeRequest.number)
        )
    )
    return StatusData(
        programme=programme,
        projects=projects,
        milestones=milestones,
        risks=risks,
        budget=budget_overview(programme),
        overrides=overrides,
        decisions=decisions,
        benefits=benefits,
        benefits_assessment=assessment,
        last_report=last_report,
        readings=readings,
        change_requests=change_requests,
    )


def load_light_data(programmes: list[Programme]) -> dict[int, StatusData]:
    """Load what the five lights of several programmes need (the portfolio overview).

    Eleven queries for all the programmes together, whatever their number (four of them for
    the budgets); decisions, reports and key risk indicators are left out (no light reads
    them). The projects count in the schedule light (a project past its end month).
    """
    ids = [p.id for p in programmes]
    if not ids:
        return {}
    milestones, risks, benefits, projects = (
        _milestones(ids),
        _risks(ids, with_indicators=False),
        _benefits(ids),
        _projects(ids),
    )
    readings = _readings(benefits, [])
    # With the printed totals, so that each cost light is the status page's own.
    budgets = budget_overviews(programmes)
    overrides = db.session.scalars(
        sa.select(LightOverride)
        .where(LightOverride.programme_id.in_(ids), LightOverride.lifted_at.is_(None))
        .order_by(LightOverride.created_at, LightOverride.id)
    ).all()
    latest: dict[int, BenefitsAssessment] = {}
    for assessment in db.session.scalars(
        sa.select(BenefitsAssessment)
        .where(BenefitsAssessment.programme_id.in_(ids))
        .order_by(BenefitsAssessment.assessed_on, BenefitsAssessment.id)
    ):
        latest[assessment.programme_id] = assessment  # the last one of each programme stays
    of = _by_programme
    milestones_of, risks_of, overrides_of, benefits_of, projects_of = (
        of(milestones),
        of(risks),
        of(overrides),
        of(benefits),
        of(projects),
    )
    return {
        p.id: StatusData(
            programme=p,
            projects=projects_of.get(p.id, []),
            milestones=milestones_of.get(p.id, []),
            risks=risks_of.get(p.id, []),
            budget=budgets[p.id],
            overrides=overrides_of.get(p.id, []),
            decisions=[],
            benefits=benefits_of.get(p.id, []),
            benefits_assessment=latest.get(p.id),
            last_report=None,
            readings=readings,
        )
        for p in programmes
    }


def _by_programme(items) -> dict[int, list]:
    """Group rows that carry a programme_id by it, keeping their order."""
    grouped: dict[int, list] = {}
    for item in items:
        grouped.setdefault(item.programme_id, []).append(item)
    return grouped


def _light_inputs(pid: int) -> tuple[list[LightOverride], BenefitsAssessment | None]:
    """Return the active light overrides and the latest manual benefits assessment.

    One query: the programme's row, joined to each active override (there are at most a
    few) and to its latest assessment, so the assessment repeats on every override's row.
    """
    latest = (
        sa.select(BenefitsAssessment.id)
        .where(BenefitsAssessment.programme_id == pid)
        .order_by(BenefitsAssessment.assessed_on.desc(), BenefitsAssessment.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(LightOverride, BenefitsAssessment)
        .select_from(Programme)
        .outerjoin(
            LightOverride,
            sa.and_(LightOverride.programme_id == Programme.id, LightOverride.lifted_at.is_(None)),
        )
        .outerjoin(BenefitsAssessment, BenefitsAssessment.id == latest)
        .where(Programme.id == pid)
        .order_by(LightOverride.created_at, LightOverride.id)
    ).all()
    overrides = [override for override, _assessment in rows if override is not None]
    return overrides, (rows[0][1] if rows else None)


# ------------------------------------------------------------------------------ changes


MILESTONE_FIELDS = (
    "title",
    "description",
    "kind",
    "planned_on",
    "forecast_on",
    "done_on",
    "status",
    "track_id",
    "project_id",
)


def project_milestones(project: Project) -> list[Milestone]:
    """A project's own milestones and deliverables, by planned date."""
    return list(
        db.session.scalars(
            sa.select(Milestone)
            .where(Milestone.project_id == project.id)
            .order_by(Milestone.planned_on, Milestone.id)
        )
    )


def list_milestones(programme: Programme) -> list[Milestone]:
    """The programme's milestones by planned date, with their track and project."""
    return list(
        db.session.scalars(
            sa.select(Milestone)
            .where(Milestone.programme_id == programme.id)
            .options(joinedload(Milestone.track), joinedload(Milestone.project))
            .order_by(Milestone.planned_on, Milestone.id)
        )
    )


def get_milestone(programme: Programme, milestone_id: int) -> Milestone:
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None or milestone.programme_id != programme.id:
        raise NotFound(_("Milepælen findes ikke."))
    return milestone


def _check_milestone(programme: Programme, values: dict) -> dict:
    errors = {}
    project_id, track_id = values.get("project_id"), values.get("track_id")
    if project_id is not None:
        project = db.session.get(Project, project_id)
        if project is None or project.programme_id != programme.id:
            errors["project_id"] = [_("Vælg et af programmets projekter.")]
        elif track_id is None:
            values["track_id"] = project.track_id
        elif project.track_id not in (None, track_id):
            errors["project_id"] = [_("Projektet hører til et andet spor.")]
    if track_id is not None and track_id not in {t.id for t in programme.tracks}:
        errors["track_id"] = [_("Vælg et af programmets spor.")]
    if values.get("status") is MilestoneStatus.DONE and not values.get("done_on"):
        errors["done_on"] = [_("Angiv datoen, milepælen blev nået.")]
    if errors:
        raise RuleViolation(_("Milepælen blev ikke gemt."), errors=errors)
    return values


def create_milestone(actor: User, programme: Programme, values: dict) -> Milestone:
    values = {k: v for k, v in values.items() if k in MILESTONE_FIELDS}
    values = _check_milestone(programme, values)
    require(
        actor,
        Action.EDIT_MILESTONE,
        Target(programme_id=programme.id, track_id=values.get("track_id")),
    )
    milestone = Milestone(programme_id=programme.id, **values)
    db.session.add(milestone)
    db.session.flush()
    return milestone


def update_milestone(
    actor: User, milestone: Milestone, changes: dict, expected_version: int | None = None
) -> list[str]:
    require(actor, Action.EDIT_MILESTONE, milestone)
    changes = {k: v for k, v in changes.items() if k in MILESTONE_FIELDS}
    merged = {name: getattr(milestone, name) for name in MILESTONE_FIELDS} | changes
    merged = _check_milestone(milestone.programme, merged)
    if merged["track_id"] != milestone.track_id:
        # Moving a milestone to another track needs rights there too.
        require(
            actor,
            Action.EDIT_MILESTONE,
            Target(programme_id=milestone.programme_id, track_id=merged["track_id"]),
        )
    return apply_changes(milestone, merged, expected_version)


DECISION_FIELDS = (
    "title",
    "background",
    "body",
    "requested_for",
    "status",
    "decided_on",
    "outcome",
    "linked_items",
)


def get_decision(programme: Programme, decision_id: int) -> Decision:
    decision = db.session.get(Decision, decision_id)
    if decision is None or decision.programme_id != programme.id:
        raise NotFound(_("Beslutningen findes ikke."))
    return decision


def _check_decision(values: dict) -> None:
    if values.get("status") is DecisionStatus.DECIDED and not (
        values.get("decided_on") and (values.get("outcome") or "").strip()
    ):
        raise RuleViolation(
            _("En truffet beslutning skal have dato og ordlyd."),
            errors={"outcome": [_("Skriv beslutningen og datoen, den blev truffet.")]},
        )


def create_decision(actor: User, programme: Programme, values: dict) -> Decision:
    require(actor, Action.MANAGE_DECISIONS, programme)
    values = {k: v for k, v in values.items() if k in DECISION_FIELDS}
    _check_decision(values)
    decision = Decision(programme_id=programme.id, **values)
    db.session.add(decision)
    db.session.flush()
    return decision


def update_decision(
    actor: User, decision: Decision, changes: dict, expected_version: int | None = None
) -> list[str]:
    require(actor, Action.MANAGE_DECISIONS, decision)
    changes = {k: v for k, v in changes.items() if k in DECISION_FIELDS}
    _check_decision({name: getattr(decision, name) for name in DECISION_FIELDS} | changes)
    return apply_changes(decision, changes, expected_version)


def override_light(
    actor: User, programme: Programme, dimension: Dimension, colour: Colour, justification: str
) -> LightOverride:
    """Set a light by hand; only with a written justification, and shown as an override."""
    require(actor, Action.OVERRIDE_LIGHT, programme)
    if len((justification or "").strip()) < 10:
        raise RuleViolation(
            _("En overstyring kræver en skriftlig begrundelse."),
            errors={"justification": [_("Skriv en begrundelse (mindst 10 tegn).")]},
        )
    lift_override(actor, programme, dimension)
    override = LightOverride(
        programme_id=programme.id,
        dimension=dimension,
        colour=colour,
        justification=justification.strip(),
        created_by=actor.email,
    )
    db.session.add(override)
    db.session.flush()
    return override


def lift_override(actor: User, programme: Programme, dimension: Dimension) -> bool:
    require(actor, Action.OVERRIDE_LIGHT, programme)
    active = db.session.scalars(
        sa.select(LightOverride).where(
            LightOverride.programme_id == programme.id,
            LightOverride.dimension == dimension,
            LightOverride.lifted_at.is_(None),
        )
    ).all()
    for override in active:
        override.lifted_at = utcnow()
        override.lifted_by = actor.email
    db.session.flush()
    return bool(active)


def assess_benefits(
    actor: User, programme: Programme, colour: Colour, note: str, assessed_on: dt.date
) -> BenefitsAssessment:
    require(actor, Action.EDIT_BENEFIT, programme)
    if not has_visible_text(note):
        raise RuleViolation(
            _("Skriv vurderingens begrundelse."), errors={"note": [_("Feltet skal udfyldes.")]}
        )
    assessment = BenefitsAssessment(
        programme_id=programme.id,
        colour=colour,
        note=note.strip(),
        assessed_on=assessed_on,
        assessed_by=actor.email,
    )
    db.session.add(assessment)
    db.session.flush()
    return assessment


def comment_track(
    actor: User, track: Track, text: str, expected_version: int | None = None
) -> list[str]:
    """Set the track lead's commentary (the track lead of that track, or the secretariat)."""
    require(actor, Action.COMMENT_TRACK, track)
    changed = apply_changes(track, {"commentary": (text or "").strip()}, expected_version)
    if changed:
        track.commentary_by = actor.email
        track.commentary_at = utcnow()
        db.session.flush()
    return changed


def light_for(data: StatusData, dimension: Dimension, today: dt.date) -> Light:
    """Compute one of the status page's lights from live data (before any override)."""
    if dimension is Dimension.SCHEDULE:
        return lights.schedule_light(data.milestones, today, data.projects)
    if dimension is Dimension.COST:
        if data.budget is None:
            return Light(Colour.NONE, "", _("Programmet har intet godkendt budget."))
        return data.budget.programme_cost.light
    if dimension is Dimension.RISKS:
        return lights.risk_light(data.risks)
    if dimension is Dimension.SCOPE:
        return lights.scope_light(data.milestones, today)
    return benefits_light(data)


def benefits_light(data: StatusData) -> Light:
    """The benefits light: measured by the benefits' indicators, else the manual assessment.

    A retired benefit is no longer pursued, so it weighs in neither way.
    """
    pursued = [benefit for benefit in data.benefits if not benefit.is_retired]
    measured = {
        benefit: indicator_services.benefit_progress(data.benefit_readings(benefit))
        for benefit in pursued
    }
    if not any(measured.values()):
        return lights.manual_benefits_light(data.benefits_assessment)
    demo = any(r.is_demo for b in pursued for r in data.benefit_readings(b))
    return lights.measured_benefits_light(
        [(benefit, progress) for benefit, progress in measured.items()], demo=demo
    )
