"""What the steering group follows between meetings: milestones and deliverables, decisions,
the secretariat's light overrides and the manual benefits assessment."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portfolio.core.lights import Colour
from portfolio.core.models import Timestamped, UTCDateTime, Versioned, enum_column, utcnow
from portfolio.extensions import db


class MilestoneKind(enum.Enum):
    MILESTONE = "milestone"
    DELIVERABLE = "deliverable"

    @property
    def label(self) -> str:
        return str(_l("Milepæl") if self is MilestoneKind.MILESTONE else _l("Leverance"))


class MilestoneStatus(enum.Enum):
    PLANNED = "planned"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return str(_MILESTONE_STATUS_LABELS[self])


_MILESTONE_STATUS_LABELS = {
    MilestoneStatus.PLANNED: _l("Planlagt"),
    MilestoneStatus.DONE: _l("Nået"),
    MilestoneStatus.CANCELLED: _l("Udgået"),
}


class Milestone(Versioned, Timestamped, db.Model):
    """A milestone or deliverable of the programme, a track or a project, dated to the day."""

    __tablename__ = "milestones"
    __table_args__ = (sa.Index("ix_milestones_programme_planned", "programme_id", "planned_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"))
    track_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tracks.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    kind: Mapped[MilestoneKind] = mapped_column(
        enum_column(MilestoneKind, "milestone_kind"), default=MilestoneKind.MILESTONE
    )
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    planned_on: Mapped[dt.date]
    forecast_on: Mapped[dt.date | None]
    done_on: Mapped[dt.date | None]
    status: Mapped[MilestoneStatus] = mapped_column(
        enum_column(MilestoneStatus, "milestone_status"), default=MilestoneStatus.PLANNED
    )

    programme = relationship("Programme")
    track = relationship("Track")
    project = relationship("Project")

    @property
    def expected_on(self) -> dt.date:
        """When it happened, or is now expected to happen."""
        return self.done_on or self.forecast_on or self.planned_on

    def __repr__(self) -> str:
        return f"<Milestone {self.title!r} {self.planned_on}>"


class DecisionStatus(enum.Enum):
    REQUESTED = "requested"
    DECIDED = "decided"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return str(_DECISION_STATUS_LABELS[self])


_DECISION_STATUS_LABELS = {
    DecisionStatus.REQUESTED: _l("Til beslutning"),
    DecisionStatus.DECIDED: _l("Besluttet"),
    DecisionStatus.WITHDRAWN: _l("Trukket tilbage"),
}


class Decision(Versioned, Timestamped, db.Model):
    """A decision asked of a body (the steering group), and once taken, the decision log."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    background: Mapped[str] = mapped_column(sa.Text, default="")
    body: Mapped[str] = mapped_column(sa.String(300))
    requested_for: Mapped[dt.date | None]
    status: Mapped[DecisionStatus] = mapped_column(
        enum_column(DecisionStatus, "decision_status"), default=DecisionStatus.REQUESTED
    )
    decided_on: Mapped[dt.date | None]
    outcome: Mapped[str] = mapped_column(sa.Text, default="")
    # What the decision concerns, e.g. "R2, 1.2, Budget"; free text the log shows.
    linked_items: Mapped[str] = mapped_column(sa.String(500), default="")

    programme = relationship("Programme")

    def __repr__(self) -> str:
        return f"<Decision {self.title!r} {self.status.value}>"


class Dimension(enum.Enum):
    """A light of the status page."""

    SCHEDULE = "schedule"
    COST = "cost"
    RISKS = "risks"
    BENEFITS = "benefits"
    SCOPE = "scope"

    @property
    def label(self) -> str:
        return str(_DIMENSION_LABELS[self])


_DIMENSION_LABELS = {
    Dimension.SCHEDULE: _l("Tidsplan"),
    Dimension.COST: _l("Økonomi"),
    Dimension.RISKS: _l("Risici"),
    Dimension.BENEFITS: _l("Gevinster"),
    Dimension.SCOPE: _l("Omfang og leverancer"),
}


class LightOverride(db.Model):
    """The secretariat's override of a computed light, with a written justification.

    An override stays until it is lifted; lifting it is recorded, never deleted.
    """

    __tablename__ = "light_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    dimension: Mapped[Dimension] = mapped_column(enum_column(Dimension, "override_dimension"))
    colour: Mapped[Colour] = mapped_column(enum_column(Colour, "override_colour"))
    justification: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(sa.String(254))
    lifted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    lifted_by: Mapped[str | None] = mapped_column(sa.String(254))

    def __repr__(self) -> str:
        return f"<LightOverride {self.dimension.value}={self.colour.value}>"


class BenefitsAssessment(db.Model):
    """The secretariat's own assessment of benefit realisation, used when no indicator has
    measured status yet."""

    __tablename__ = "benefits_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    colour: Mapped[Colour] = mapped_column(enum_column(Colour, "benefits_colour"))
    note: Mapped[str] = mapped_column(sa.Text)
    assessed_on: Mapped[dt.date]
    assessed_by: Mapped[str] = mapped_column(sa.String(254))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<BenefitsAssessment {self.colour.value} {self.assessed_on}>"
