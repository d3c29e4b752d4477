"""Benefit follow-up workshops (gevinstworkshops): agenda, frozen figures, minutes, actions.

A workshop reviews some of a programme's benefits. When it is held, the values shown for
each benefit are frozen into its agenda item (`snapshot`), so that the minutes always
match the numbers that were discussed, whatever the data platform says later.
"""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portfolio.auth.models import OwnedByPerson
from portfolio.core.models import Timestamped, UTCDateTime, Versioned, enum_column
from portfolio.extensions import db
from portfolio.indicators.models import Progress


class WorkshopStatus(enum.Enum):
    PLANNED = "planned"  # agenda being prepared; figures are live
    HELD = "held"  # figures frozen; minutes being written
    CLOSED = "closed"  # minutes approved; nothing changes any more

    @property
    def label(self) -> str:
        return str(_STATUS_LABELS[self])


_STATUS_LABELS = {
    WorkshopStatus.PLANNED: _l("Planlagt"),
    WorkshopStatus.HELD: _l("Afholdt"),
    WorkshopStatus.CLOSED: _l("Afsluttet"),
}


class FollowUpPhase(enum.Enum):
    """When in the programme's life the workshop takes place."""

    DURING = "during"  # while the programme runs
    AFTER_CLOSURE = "after_closure"  # benefit follow-up after the programme has closed

    @property
    def label(self) -> str:
        return str(_PHASE_LABELS[self])


_PHASE_LABELS = {
    FollowUpPhase.DURING: _l("Under programmet"),
    FollowUpPhase.AFTER_CLOSURE: _l("Efter programmets afslutning"),
}


class ActionStatus(enum.Enum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return str(_ACTION_LABELS[self])


_ACTION_LABELS = {
    ActionStatus.OPEN: _l("Åben"),
    ActionStatus.DONE: _l("Udført"),
    ActionStatus.CANCELLED: _l("Annulleret"),
}


class Workshop(Versioned, Timestamped, db.Model):
    __tablename__ = "workshops"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    held_on: Mapped[dt.date]
    place: Mapped[str] = mapped_column(sa.String(300), default="")
    participants: Mapped[str] = mapped_column(sa.Text, default="")  # one per line
    phase: Mapped[FollowUpPhase] = mapped_column(
        enum_column(FollowUpPhase, "workshop_phase"), default=FollowUpPhase.DURING
    )
    status: Mapped[WorkshopStatus] = mapped_column(
        enum_column(WorkshopStatus, "workshop_status"), default=WorkshopStatus.PLANNED
    )
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    frozen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    frozen_by: Mapped[str | None] = mapped_column(sa.String(254))

    programme = relationship("Programme")
    items: Mapped[list[WorkshopItem]] = relationship(
        back_populates="workshop", order_by="WorkshopItem.position", cascade="all, delete-orphan"
    )
    actions: Mapped[list[WorkshopAction]] = relationship(
        back_populates="workshop", order_by="WorkshopAction.id", cascade="all, delete-orphan"
    )

    @property
    def participant_list(self) -> list[str]:
        return [line.strip() for line in self.participants.splitlines() if line.strip()]

    def __repr__(self) -> str:
        return f"<Workshop {self.title!r} {self.held_on}>"


class WorkshopItem(Versioned, db.Model):
    """One benefit on a workshop's agenda, with the figures shown and what was concluded."""

    __tablename__ = "workshop_items"
    __table_args__ = (sa.UniqueConstraint("workshop_id", "benefit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(sa.ForeignKey("workshops.id"), index=True)
    benefit_id: Mapped[int] = mapped_column(sa.ForeignKey("benefits.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    # The benefit's profile and indicator values as shown, frozen when the workshop is held.
    snapshot: Mapped[dict | None] = mapped_column(sa.JSON)
    assessment: Mapped[Progress | None] = mapped_column(
        enum_column(Progress, "workshop_assessment")
    )
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    decisions: Mapped[str] = mapped_column(sa.Text, default="")

    workshop: Mapped[Workshop] = relationship(back_populates="items")
    benefit = relationship("Benefit")

    @property
    def has_minutes(self) -> bool:
        """Whether any of the minutes is written: an assessment, a comment or decisions."""
        written = (self.comment or "").strip() or (self.decisions or "").strip()
        return self.assessment is not None or bool(written)

    def __repr__(self) -> str:
        return f"<WorkshopItem {self.workshop_id} {self.benefit_id}>"


class WorkshopAction(OwnedByPerson, Versioned, Timestamped, db.Model):
    """An action agreed at a workshop, followed up until done across later workshops."""

    __tablename__ = "workshop_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(sa.ForeignKey("workshops.id"), index=True)
    benefit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("benefits.id"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    owner: Mapped[str] = mapped_column(sa.String(200))
    due_on: Mapped[dt.date | None]
    status: Mapped[ActionStatus] = mapped_column(
        enum_column(ActionStatus, "workshop_action_status"), default=ActionStatus.OPEN
    )
    closed_on: Mapped[dt.date | None]

    workshop: Mapped[Workshop] = relationship(back_populates="actions")
    benefit = relationship("Benefit")

    def __repr__(self) -> str:
        return f"<WorkshopAction {self.id} {self.status.value}>"
