"""Benefits (gevinster) GH1…: their types, recipients, owners and what enables them."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portfolio.auth.models import OwnedByPerson
from portfolio.core.models import Timestamped, Versioned, enum_column
from portfolio.extensions import db


class BenefitType(enum.Enum):
    ECONOMIC = "economic"
    SOCIO_ECONOMIC = "socio_economic"
    NON_ECONOMIC = "non_economic"

    @property
    def label(self) -> str:
        return str(_BENEFIT_TYPE_LABELS[self])


_BENEFIT_TYPE_LABELS = {
    BenefitType.ECONOMIC: _l("Økonomisk gevinst"),
    BenefitType.SOCIO_ECONOMIC: _l("Samfundsøkonomisk gevinst"),
    BenefitType.NON_ECONOMIC: _l("Ikke-økonomisk gevinst"),
}

benefit_recipients = sa.Table(
    "benefit_recipients",
    db.metadata,
    sa.Column("benefit_id", sa.ForeignKey("benefits.id"), primary_key=True),
    sa.Column("recipient_id", sa.ForeignKey("recipients.id"), primary_key=True),
)

benefit_tracks = sa.Table(
    "benefit_tracks",
    db.metadata,
    sa.Column("benefit_id", sa.ForeignKey("benefits.id"), primary_key=True),
    sa.Column("track_id", sa.ForeignKey("tracks.id"), primary_key=True),
)

benefit_goals = sa.Table(
    "benefit_goals",
    db.metadata,
    sa.Column("benefit_id", sa.ForeignKey("benefits.id"), primary_key=True),
    sa.Column("vision_goal_id", sa.ForeignKey("vision_goals.id"), primary_key=True),
)

benefit_projects = sa.Table(
    "benefit_projects",
    db.metadata,
    sa.Column("benefit_id", sa.ForeignKey("benefits.id"), primary_key=True),
    sa.Column("project_id", sa.ForeignKey("projects.id"), primary_key=True),
)


class Recipient(db.Model):
    """Who receives a benefit, e.g. "Borgeren" or "Samfundet"."""

    __tablename__ = "recipients"
    __table_args__ = (sa.UniqueConstraint("programme_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(200))

    def __repr__(self) -> str:
        return f"<Recipient {self.name!r}>"


class BenefitTypeLink(db.Model):
    """One of a benefit's types; GH3 of DDNS has two."""

    __tablename__ = "benefit_types"

    benefit_id: Mapped[int] = mapped_column(sa.ForeignKey("benefits.id"), primary_key=True)
    type: Mapped[BenefitType] = mapped_column(
        enum_column(BenefitType, "benefit_type"), primary_key=True
    )
    position: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<BenefitTypeLink {self.benefit_id} {self.type.value}>"


class Benefit(OwnedByPerson, Versioned, Timestamped, db.Model):
    __tablename__ = "benefits"
    __table_args__ = (sa.UniqueConstraint("programme_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    is_disbenefit: Mapped[bool] = mapped_column(default=False)
    # The benefit owner (gevinstejer), accountable for realising it; empty until named.
    owner: Mapped[str | None] = mapped_column(sa.String(200))
    # Who follows the benefit up day to day for the owner.
    responsible: Mapped[str | None] = mapped_column(sa.String(200))
    # After the programme closes, ownership passes to operations (driften).
    operations_owner: Mapped[str | None] = mapped_column(sa.String(200))
    handed_over_on: Mapped[dt.date | None]
    # A retired benefit is no longer pursued: it stays in the history and the reports, marked
    # as retired, but no light weighs it and no new value is measured for it.
    retired_on: Mapped[dt.date | None]
    retired_reason: Mapped[str | None] = mapped_column(sa.Text)

    programme = relationship("Programme")
    type_links: Mapped[list[BenefitTypeLink]] = relationship(
        order_by=BenefitTypeLink.position, cascade="all, delete-orphan"
    )
    recipients: Mapped[list[Recipient]] = relationship(
        secondary=benefit_recipients, order_by=Recipient.position
    )
    tracks = relationship("Track", secondary=benefit_tracks, order_by="Track.number")
    projects = relationship("Project", secondary=benefit_projects, order_by="Project.code")
    goals = relationship("VisionGoal", secondary=benefit_goals, order_by="VisionGoal.position")
    indicators = relationship(
        "Indicator",
        back_populates="benefit",
        order_by="[Indicator.position, Indicator.code]",  # codes break ties (the same position)
    )

    @property
    def is_retired(self) -> bool:
        return self.retired_on is not None

    @property
    def types(self) -> list[BenefitType]:
        return [link.type for link in self.type_links]

    def __repr__(self) -> str:
        return f"<Benefit {self.code} {self.name!r}>"
