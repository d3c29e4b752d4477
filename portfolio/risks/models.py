"""Risks on the programme basis' scale: probability and consequence as Lav / Medium / Stor."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portfolio.core.models import Timestamped, Versioned, enum_column
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


class Risk(Versioned, Timestamped, db.Model):
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
    # How the consequence level was read from the source's words, when it is a reading.
    assessment_note: Mapped[str | None] = mapped_column(sa.Text)
    owner: Mapped[str | None] = mapped_column(sa.String(200))
    status: Mapped[RiskStatus] = mapped_column(
        enum_column(RiskStatus, "risk_status"), default=RiskStatus.OPEN
    )

    programme = relationship("Programme")
    track = relationship("Track")

    @property
    def score(self) -> int:
        return self.probability.number * self.consequence.number

    def __repr__(self) -> str:
        return f"<Risk {self.code} {self.title!r}>"
