"""Risks on the programme basis' scale: probability and consequence as Lav / Medium / Stor."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portfolio.auth.models import OwnedByPerson
from portfolio.core.models import Timestamped, UTCDateTime, Versioned, enum_column, utcnow
from portfolio.extensions import db


class Level(enum.Enum):
    """The source's three-step scale, mapped to the numbers 1–3 (documented in docs/risks.md).

    A risk's score is probability × consequence, from 1 to 9.
    """

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def number(self) -> int:
        return _LEVEL_NUMBERS[self]

    @property
    def label(self) -> str:
        return str(_LEVEL_LABELS[self])

    @classmethod
    def from_number(cls, number: int) -> Level:
        return next(level for level, n in _LEVEL_NUMBERS.items() if n == number)


_LEVEL_NUMBERS = {Level.LOW: 1, Level.MEDIUM: 2, Level.HIGH: 3}
_LEVEL_LABELS = {Level.LOW: _l("Lav"), Level.MEDIUM: _l("Medium"), Level.HIGH: _l("Stor")}


class RiskStatus(enum.Enum):
    OPEN = "open"
    MITIGATED = "mitigated"
    CLOSED = "closed"
    OCCURRED = "occurred"

    @property
    def label(self) -> str:
        return str(_RISK_STATUS_LABELS[self])


_RISK_STATUS_LABELS = {
    RiskStatus.OPEN: _l("Åben"),
    RiskStatus.MITIGATED: _l("Afbødet"),
    RiskStatus.CLOSED: _l("Lukket"),
    RiskStatus.OCCURRED: _l("Indtruffet"),
}


class Risk(OwnedByPerson, Versioned, Timestamped, db.Model):
    __tablename__ = "risks"
    __table_args__ = (sa.UniqueConstraint("programme_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    track_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tracks.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(20))
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    consequence_text: Mapped[str] = mapped_column(sa.Text, default="")
    probability: Mapped[Level] = mapped_column(enum_column(Level, "risk_probability"))
    consequence: Mapped[Level] = mapped_column(enum_column(Level, "risk_consequence"))
    # The levels expected once the mitigation actions have worked (the residual risk).
    residual_probability: Mapped[Level | None] = mapped_column(
        enum_column(Level, "risk_residual_probability")
    )
    residual_consequence: Mapped[Level | None] = mapped_column(
        enum_column(Level, "risk_residual_consequence")
    )
    # How the consequence level was read from the source's words, when it is a reading.
    assessment_note: Mapped[str | None] = mapped_column(sa.Text)
    owner: Mapped[str | None] = mapped_column(sa.String(200))
    status: Mapped[RiskStatus] = mapped_column(
        enum_column(RiskStatus, "risk_status"), default=RiskStatus.OPEN
    )

    programme = relationship("Programme")
    track = relationship("Track")
    # Key risk indicators (read-only here: an indicator names its risk).
    indicators = relationship(
        "Indicator", viewonly=True, order_by="[Indicator.position, Indicator.code]"
    )
    assessments: Mapped[list[RiskAssessment]] = relationship(
        back_populates="risk",
        order_by="(RiskAssessment.assessed_on, RiskAssessment.id)",
        cascade="all, delete-orphan",
    )
    actions: Mapped[list[MitigationAction]] = relationship(
        back_populates="risk", order_by="MitigationAction.id", cascade="all, delete-orphan"
    )

    @property
    def score(self) -> int:
        return self.probability.number * self.consequence.number

    @property
    def residual_score(self) -> int | None:
        if self.residual_probability is None or self.residual_consequence is None:
            return None
        return self.residual_probability.number * self.residual_consequence.number

    @property
    def is_mitigation_done(self) -> bool:
        """True when the risk has mitigation actions and every one not given up is done."""
        live = [a for a in self.actions if a.status is not ActionStatus.CANCELLED]
        return bool(live) and all(a.status is ActionStatus.DONE for a in live)

    @property
    def residual_counts(self) -> bool:
        """True when the residual assessment counts: assessed, and its actions are done.

        Until the mitigation has been carried out, the residual levels are a hope, not the
        risk the programme runs; the gross levels count.
        """
        return self.residual_score is not None and self.is_mitigation_done

    @property
    def current_probability(self) -> Level:
        """The probability that counts now (residual only once the mitigation is done)."""
        if self.residual_counts and self.residual_probability is not None:
            return self.residual_probability
        return self.probability

    @property
    def current_consequence(self) -> Level:
        """The consequence that counts now (residual only once the mitigation is done)."""
        if self.residual_counts and self.residual_consequence is not None:
            return self.residual_consequence
        return self.consequence

    @property
    def current_score(self) -> int:
        """The score that counts now: the gross one until the mitigation actions are done."""
        return self.current_probability.number * self.current_consequence.number

    @property
    def is_open(self) -> bool:
        return self.status in (RiskStatus.OPEN, RiskStatus.MITIGATED)

    def __repr__(self) -> str:
        return f"<Risk {self.code} {self.title!r}>"


class ActionStatus(enum.Enum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return str(_ACTION_STATUS_LABELS[self])


_ACTION_STATUS_LABELS = {
    ActionStatus.PLANNED: _l("Planlagt"),
    ActionStatus.IN_PROGRESS: _l("I gang"),
    ActionStatus.DONE: _l("Gennemført"),
    ActionStatus.CANCELLED: _l("Opgivet"),
}


class RiskAssessment(db.Model):
    """One (re)assessment of a risk, kept for ever: the risk's history and its trend."""

    __tablename__ = "risk_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    risk_id: Mapped[int] = mapped_column(sa.ForeignKey("risks.id"), index=True)
    assessed_on: Mapped[dt.date]
    probability: Mapped[Level] = mapped_column(enum_column(Level, "assessed_probability"))
    consequence: Mapped[Level] = mapped_column(enum_column(Level, "assessed_consequence"))
    residual_probability: Mapped[Level | None] = mapped_column(
        enum_column(Level, "assessed_residual_probability")
    )
    residual_consequence: Mapped[Level | None] = mapped_column(
        enum_column(Level, "assessed_residual_consequence")
    )
    note: Mapped[str] = mapped_column(sa.Text, default="")
    assessed_by: Mapped[str] = mapped_column(sa.String(254), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    risk: Mapped[Risk] = relationship(back_populates="assessments")

    @property
    def score(self) -> int:
        return self.probability.number * self.consequence.number

    @property
    def residual_score(self) -> int | None:
        if self.residual_probability is None or self.residual_consequence is None:
            return None
        return self.residual_probability.number * self.residual_consequence.number

    def __repr__(self) -> str:
        return f"<RiskAssessment risk={self.risk_id} {self.assessed_on} score={self.score}>"


class MitigationAction(OwnedByPerson, Versioned, Timestamped, db.Model):
    """Something done to lessen a risk, with an owner and a due date."""

    __tablename__ = "mitigation_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    risk_id: Mapped[int] = mapped_column(sa.ForeignKey("risks.id"), index=True)
    description: Mapped[str] = mapped_column(sa.Text)
    owner: Mapped[str | None] = mapped_column(sa.String(200))
    due_on: Mapped[dt.date | None]
    status: Mapped[ActionStatus] = mapped_column(
        enum_column(ActionStatus, "action_status"), default=ActionStatus.PLANNED
    )

    risk: Mapped[Risk] = relationship(back_populates="actions")

    @property
    def track_id(self) -> int | None:
        return self.risk.track_id

    @property
    def programme_id(self) -> int:
        return self.risk.programme_id

    def __repr__(self) -> str:
        return f"<MitigationAction risk={self.risk_id} {self.status.value}>"
