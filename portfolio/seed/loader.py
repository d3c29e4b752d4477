"""Load the seed data file into the database: create what is missing, touch nothing else.

A second run finds every object by its natural key (slug, track number, project code …)
and therefore changes nothing and duplicates nothing. Edits made in the app since the
first run are left alone.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
import yaml
from pydantic import ValidationError

from portfolio import models as m
from portfolio.budgets.models import TOTAL
from portfolio.core.months import Month
from portfolio.extensions import db
from portfolio.programmes.models import Precision, ProgrammeStatus, ProjectItemKind, ProjectStatus
from portfolio.seed.schema import ProgrammeData, SeedFile

DDNS_FILE = Path(__file__).with_name("ddns.yaml")


class SeedError(Exception):
    """The seed file is not valid; nothing was loaded."""


@dataclass
class SeedReport:
    created: Counter = field(default_factory=Counter)
    existing: Counter = field(default_factory=Counter)

    @property
    def total_created(self) -> int:
        return sum(self.created.values())


def read_seed_file(path: Path = DDNS_FILE) -> SeedFile:
    """Parse and validate the seed file, raising SeedError with every problem found."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise SeedError(f"{path}: cannot read: {error}") from error
    try:
        return SeedFile.model_validate(raw)
    except ValidationError as error:
        raise SeedError(f"{path}: not valid:\n{error}") from error


class _Loader:
    def __init__(self, report: SeedReport):
        self.report = report

    def ensure(self, model, key: dict, **values):
        """Return the object with these key values, creating it with `values` if missing."""
        query = sa.select(model).filter_by(**key)
        obj = db.session.scalars(query).one_or_none()
        name = model.__tablename__
        if obj is not None:
            self.report.existing[name] += 1
            return obj
        obj = model(**key, **values)
        db.session.add(obj)
        db.session.flush()
        self.report.created[name] += 1
        return obj

    def programme(self, portfolio: m.Portfolio, data: ProgrammeData) -> m.Programme:
        owner = data.owner
        programme = self.ensure(
            m.Programme,
            {"slug": data.slug},
            portfolio_id=portfolio.id,
            name=data.name,
            short_name=data.short_name,
            owner_name=owner.name if owner else None,
            owner_title=owner.title if owner else None,
            owner_organisation=owner.organisation if owner else None,
            primary_purpose=data.primary_purpose,
            vision=data.vision,
            purpose=data.purpose,
            conditions=data.conditions,
            as_is=data.as_is,
            to_be=data.to_be,
            implementation=data.implementation,
            organisation_note=data.organisation_note,
            budget_note=data.budget.note if data.budget else "",
            benefits_note=data.benefits_note,
            risks_note=data.risks_note,
            stakeholders_note=data.stakeholders_note,
            annexes_note=data.annexes_note,
            programme_model=data.programme_model,
            programme_model_version=data.programme_model_version,
            document_version=data.document_version,
            source_document=data.source_document,
            start_month=Month.parse(data.period.start),
            end_month=Month.parse(data.period.end),
            period_precision=Precision(data.period.precision),
            status=ProgrammeStatus(data.status),
        )
        pid = programme.id
        for position, text in enumerate(data.vision_goals, 1):
            self.ensure(m.VisionGoal, {"programme_id": pid, "position": position}, text=text)
        for approval in data.approvals:
            self.ensure(
                m.Approval,
                {"programme_id": pid, "version": approval.version},
                body=approval.body,
                approved_on=approval.date,
            )
        for revision in data.revisions:
            self.ensure(
                m.Revision,
                {"programme_id": pid, "version": revision.version},
                revised_on=revision.date,
                description=revision.description,
            )
        tracks = self.tracks(pid, data)
        projects = self.projects(pid, data, tracks)
        for position, item in enumerate(data.timeline, 1):
            self.ensure(
                m.TimelineItem,
                {"programme_id": pid, "position": position},
                name=item.name,
                kind=m.TimelineKind(item.kind),
                start_month=Month.parse(item.start),
                end_month=Month.parse(item.end),
            )
        if data.budget:
            self.budget(pid, data, tracks)
        self.benefits(pid, data)
        for risk in data.risks:
            stored = self.ensure(
                m.Risk,
                {"programme_id": pid, "code": risk.code},
                title=risk.title,
                description=risk.description,
                consequence_text=risk.consequence_text,
                probability=m.Level(risk.probability),
                consequence=m.Level(risk.consequence),
                assessment_note=risk.assessment_note,
                owner=risk.owner,
                track_id=tracks[risk.track].id if risk.track else None,
            )
            if data.risks_assessed_on:
                self.ensure(
                    m.RiskAssessment,
                    {"risk_id": stored.id, "assessed_on": data.risks_assessed_on},
                    probability=stored.probability,
                    consequence=stored.consequence,
                    note=data.risks_assessment_note,
                    assessed_by=programme.source_document or "",
                )
        for item in data.milestones:
            self.ensure(
                m.Milestone,
                {"programme_id": pid, "title": item.title},
                kind=m.MilestoneKind(item.kind),
                planned_on=item.planned_on,
                done_on=item.done_on,
                status=m.MilestoneStatus.DONE if item.done_on else m.MilestoneStatus.PLANNED,
                track_id=tracks[item.track].id if item.track else None,
                description=item.description,
            )
        self.governance(pid, data, tracks, projects)
        for position, stakeholder in enumerate(data.stakeholders, 1):
            self.ensure(
                m.Stakeholder,
                {"programme_id": pid, "name": stakeholder.name},
                position=position,
                attitude=m.Attitude(stakeholder.attitude),
                involvement=stakeholder.involvement,
            )
        for position, annex in enumerate(data.annexes, 1):
            self.ensure(
                m.Annex,
                {"programme_id": pid, "position": position},
                title=annex.title,
                kind=annex.kind,
                reference=annex.reference,
            )
        return programme

    def tracks(self, pid: int, data: ProgrammeData) -> dict[int, m.Track]:
        tracks = {}
        for track_data in data.tracks:
            track = self.ensure(
                m.Track,
                {"programme_id": pid, "number": track_data.number},
                name=track_data.name,
                description=track_data.description,
            )
            tracks[track.number] = track
            for position, item in enumerate(track_data.deliverables, 1):
                if isinstance(item, str):
                    text, note = item, None
                else:
                    text, note = item.text, item.source_note
                self.ensure(
                    m.Deliverable,
                    {"track_id": track.id, "position": position},
                    text=text,
                    source_note=note,
                )
        return tracks

    def projects(self, pid: int, data: ProgrammeData, tracks) -> dict[str, m.Project]:
        projects = {}
        for p in data.projects:
            project = self.ensure(
                m.Project,
                {"programme_id": pid, "code": p.code},
                name=p.name,
                track_id=tracks[p.track].id if p.track else None,
                owner=p.owner,
                status=ProjectStatus(p.status),
                description=p.description,
                start_month=Month.parse(p.period.start) if p.period else None,
                end_month=Month.parse(p.period.end) if p.period else None,
                period_precision=Precision(p.period.precision) if p.period else Precision.MONTH,
            )
            projects[p.code] = project
            lists = {
                ProjectItemKind.DELIVERABLE: p.deliverables,
                ProjectItemKind.EXPECTED_EFFECT: p.expected_effects,
                ProjectItemKind.TARGET_GROUP: p.target_groups,
            }
            for kind, texts in lists.items():
                for position, text in enumerate(texts, 1):
                    self.ensure(
                        m.ProjectItem,
                        {"project_id": project.id, "kind": kind, "position": position},
                        text=text,
                    )
        return projects

    def budget(self, pid: int, data: ProgrammeData, tracks) -> None:
        budget = data.budget
        baseline = self.ensure(
            m.Baseline,
            {"programme_id": pid, "number": budget.baseline.number},
            approved_on=budget.baseline.approved_on,
            approved_by=budget.baseline.approved_by,
            document=budget.baseline.document,
            reason=budget.baseline.reason,
            decision=budget.baseline.decision,
        )
        for position, row_data in enumerate(budget.rows, 1):
            row = self.ensure(
                m.BudgetRow,
                {"programme_id": pid, "position": position},
                label=row_data.label,
                track_id=tracks[row_data.track].id if row_data.track else None,
                is_cross_cutting=row_data.cross_cutting,
                label_note=row_data.label_note,
            )
            for period, amount in row_data.amounts.items():
                self.ensure(
                    m.BudgetLine,
                    {"row_id": row.id, "baseline_id": baseline.id, "period": period},
                    kind=m.BudgetKind.BASELINE,
                    amount=Decimal(amount),
                )
            self.ensure(
                m.PrintedTotal,
                {"baseline_id": baseline.id, "row_id": row.id, "column": TOTAL},
                amount=row_data.printed_total,
            )
        for column, amount in budget.printed_column_totals.items():
            self.ensure(
                m.PrintedTotal,
                {"baseline_id": baseline.id, "row_id": None, "column": column},
                amount=amount,
            )

    def benefits(self, pid: int, data: ProgrammeData) -> None:
        recipients = {}
        for position, name in enumerate(data.recipients, 1):
            recipients[name] = self.ensure(
                m.Recipient, {"programme_id": pid, "name": name}, position=position
            )
        for b in data.benefits:
            benefit = self.ensure(
                m.Benefit,
                {"programme_id": pid, "code": b.code},
                name=b.name,
                description=b.description,
                owner=b.owner,
                is_disbenefit=b.disbenefit,
            )
            if not benefit.type_links:
                benefit.type_links = [
                    m.BenefitTypeLink(type=m.BenefitType(t), position=i)
                    for i, t in enumerate(b.types)
                ]
                benefit.recipients = [recipients[name] for name in b.recipients]
                db.session.flush()

    def governance(self, pid: int, data: ProgrammeData, tracks, projects) -> None:
        bodies: dict[str, m.GovernanceBody] = {}
        for position, body_data in enumerate(data.governance, 1):
            parent = bodies.get(body_data.parent) if body_data.parent else None
            body = self.ensure(
                m.GovernanceBody,
                {"programme_id": pid, "name": body_data.name},
                position=position,
                kind=m.BodyKind(body_data.kind),
                parent_id=parent.id if parent else None,
                track_id=tracks[body_data.track].id if body_data.track else None,
                project_id=projects[body_data.project].id if body_data.project else None,
                description=body_data.description,
            )
            bodies[body.name] = body
            for member_position, member in enumerate(body_data.members, 1):
                self.ensure(
                    m.GovernanceMember,
                    {"body_id": body.id, "position": member_position},
                    name=member.name,
                    role=member.role,
                )


def load_seed(seed: SeedFile) -> SeedReport:
    """Write the seed into the current session (flushing, not committing)."""
    report = SeedReport()
    loader = _Loader(report)
    portfolio = loader.ensure(
        m.Portfolio, {"name": seed.portfolio.name}, description=seed.portfolio.description
    )
    projects = {}
    for programme_data in seed.programmes:
        programme = loader.programme(portfolio, programme_data)
        for project in programme.projects:
            projects[(programme.slug, project.code)] = project
    for link in seed.links:
        source = projects[(link.from_.programme, link.from_.project)]
        target = projects[(link.to.programme, link.to.project)]
        loader.ensure(
            m.ProjectLink,
            {"from_project_id": source.id, "to_project_id": target.id},
            relation=link.relation,
            description=link.description,
        )
    return report
