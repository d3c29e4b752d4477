"""A change request and the changes it proposes (the state's programme model: changes to
a programme's schedule, budget, benefits or scope go through the steering group)."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portfolio.core.models import (
    DecimalText,
    ScaledDecimal,
    Timestamped,
    UTCDateTime,
    Versioned,
    enum_column,
)
from portfolio.core.months import Month, MonthType
from portfolio.extensions import db

CODE_PREFIX = "ÆA"


class ChangeStatus(enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    POSTPONED = "postponed"

    @property
    def label(self) -> str:
        return str(_STATUS_LABELS[self])

    @property
    def is_pending(self) -> bool:
        """Waiting for the steering group: put forward, or put off to a later meeting."""
        return self in PENDING


# Waiting for the steering group: put forward, or put off to a later meeting.
PENDING = (ChangeStatus.SUBMITTED, ChangeStatus.POSTPONED)

_STATUS_LABELS = {
    ChangeStatus.DRAFT: _l("Kladde"),
    ChangeStatus.SUBMITTED: _l("Indstillet"),
    ChangeStatus.APPROVED: _l("Godkendt"),
    ChangeStatus.REJECTED: _l("Afvist"),
    ChangeStatus.POSTPONED: _l("Udsat"),
}


class ChangeKind(enum.Enum):
    """What one proposed change changes."""

    TIMELINE = "timeline"  # a phase's or wave's start and end month
    MILESTONE = "milestone"  # a milestone's planned date
    BUDGET = "budget"  # a budget row's approved amount in one year, by a delta
    INDICATOR = "indicator"  # an indicator's target value (and period)
    DELIVERABLE = "deliverable"  # add, change or remove a track's deliverable
    PROJECT = "project"  # add a project, or change a project's status

    @property
    def label(self) -> str:
        return str(_KIND_LABELS[self])

    @property
    def area_key(self) -> str:
        """The kind of change as the programme model names it: schedule, budget, benefits, scope."""
        return _AREAS[self]

    @property
    def area(self) -> str:
        return str(_AREA_LABELS[_AREAS[self]])


_KIND_LABELS = {
    ChangeKind.TIMELINE: _l("Fase eller bølge flyttes"),
    ChangeKind.MILESTONE: _l("Milepæl flyttes"),
    ChangeKind.BUDGET: _l("Budget ændres"),
    ChangeKind.INDICATOR: _l("Gevinstmål ændres"),
    ChangeKind.DELIVERABLE: _l("Leverance ændres"),
    ChangeKind.PROJECT: _l("Projekt ændres"),
}
_AREAS = {
    ChangeKind.TIMELINE: "schedule",
    ChangeKind.MILESTONE: "schedule",
    ChangeKind.BUDGET: "budget",
    ChangeKind.INDICATOR: "benefits",
    ChangeKind.DELIVERABLE: "scope",
    ChangeKind.PROJECT: "scope",
}
_AREA_LABELS = {
    "schedule": _l("Tidsplan"),
    "budget": _l("Økonomi"),
    "benefits": _l("Gevinster"),
    "scope": _l("Omfang"),
}


class Operation(enum.Enum):
    """For scope changes: what happens to the deliverable or project."""

    ADD = "add"
    CHANGE = "change"
    REMOVE = "remove"
    STATUS = "status"

    @property
    def label(self) -> str:
        return str(_OPERATION_LABELS[self])


_OPERATION_LABELS = {
    Operation.ADD: _l("Tilføj"),
    Operation.CHANGE: _l("Ændr"),
    Operation.REMOVE: _l("Fjern"),
    Operation.STATUS: _l("Ny status"),
}


class ChangeRequest(Versioned, Timestamped, db.Model):
    """A request to change the programme, put to the programme steering group."""

    __tablename__ = "change_requests"
    __table_args__ = (sa.UniqueConstraint("programme_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    number: Mapped[int]
    code: Mapped[str] = mapped_column(sa.String(20))  # "ÆA1"
    title: Mapped[str] = mapped_column(sa.String(300))
    reason: Mapped[str] = mapped_column(sa.Text, default="")  # begrundelse
    impact: Mapped[str] = mapped_column(sa.Text, default="")  # konsekvens
    requested_by: Mapped[str] = mapped_column(sa.String(200))
    requested_on: Mapped[dt.date]
    # The meeting the decision is wanted at.
    decision_wanted_on: Mapped[dt.date | None]
    status: Mapped[ChangeStatus] = mapped_column(
        enum_column(ChangeStatus, "change_status"), default=ChangeStatus.DRAFT
    )
    submitted_on: Mapped[dt.date | None]
    decided_on: Mapped[dt.date | None]
    decision_text: Mapped[str] = mapped_column(sa.Text, default="")
    meeting: Mapped[str] = mapped_column(sa.String(300), default="")
    decided_by: Mapped[str | None] = mapped_column(sa.String(254))
    applied_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The decision log's entry, and the budget version an approval made.
    decision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("decisions.id"))
    baseline_id: Mapped[int | None] = mapped_column(sa.ForeignKey("baselines.id"))

    programme = relationship("Programme")
    decision = relationship("Decision")
    baseline = relationship("Baseline")
    items: Mapped[list[ChangeItem]] = relationship(
        back_populates="request", order_by="ChangeItem.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<ChangeRequest {self.code} {self.status.value}>"


class ChangeItem(db.Model):
    """One proposed change; once approved, what it changed (before and after, as shown).

    `target_id` names the row the change is about: a timeline item, a milestone, a budget
    row, an indicator, a deliverable, a project, or (adding a deliverable or a project) the
    track it goes under.
    """

    __tablename__ = "change_items"
    __table_args__ = (sa.UniqueConstraint("request_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("change_requests.id"), index=True)
    position: Mapped[int]
    kind: Mapped[ChangeKind] = mapped_column(enum_column(ChangeKind, "change_kind"))
    operation: Mapped[Operation] = mapped_column(
        enum_column(Operation, "change_operation"), default=Operation.CHANGE
    )
    target_id: Mapped[int | None]
    period: Mapped[str | None] = mapped_column(sa.String(10))
    new_start: Mapped[Month | None] = mapped_column(MonthType)
    new_end: Mapped[Month | None] = mapped_column(MonthType)
    new_date: Mapped[dt.date | None]
    delta: Mapped[Decimal | None] = mapped_column(ScaledDecimal(3))
    new_value: Mapped[Decimal | None] = mapped_column(DecimalText)
    new_period: Mapped[Month | None] = mapped_column(MonthType)
    text: Mapped[str] = mapped_column(sa.Text, default="")
    new_code: Mapped[str | None] = mapped_column(sa.String(20))
    new_status: Mapped[str | None] = mapped_column(sa.String(20))
    # Written when the request is approved: what the change was about and did.
    subject: Mapped[str] = mapped_column(sa.String(300), default="")
    before_text: Mapped[str | None] = mapped_column(sa.Text)
    after_text: Mapped[str | None] = mapped_column(sa.Text)

    request: Mapped[ChangeRequest] = relationship(back_populates="items")

    def __repr__(self) -> str:
        return f"<ChangeItem {self.kind.value} {self.target_id}>"
