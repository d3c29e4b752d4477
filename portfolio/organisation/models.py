"""Who steers a programme (governance bodies and their members) and who has a stake in it."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portfolio.core.models import Versioned, enum_column
from portfolio.extensions import db


class BodyKind(enum.Enum):
    BOARD = "board"
    PROGRAMME_STEERING_GROUP = "programme_steering_group"
    SECRETARIAT = "secretariat"
    STEERING_GROUP = "steering_group"
    WORKING_GROUP = "working_group"
    PROJECT_GROUP = "project_group"
    TECHNICAL_GROUP = "technical_group"
    TASKFORCE = "taskforce"

    @property
    def label(self) -> str:
        return str(_BODY_KIND_LABELS[self])


_BODY_KIND_LABELS = {
    BodyKind.BOARD: _l("Bestyrelse"),
    BodyKind.PROGRAMME_STEERING_GROUP: _l("Programstyregruppe"),
    BodyKind.SECRETARIAT: _l("Sekretariat"),
    BodyKind.STEERING_GROUP: _l("Styregruppe"),
    BodyKind.WORKING_GROUP: _l("Arbejdsgruppe"),
    BodyKind.PROJECT_GROUP: _l("Projektgruppe"),
    BodyKind.TECHNICAL_GROUP: _l("Teknisk gruppe"),
    BodyKind.TASKFORCE: _l("Taskforces og brugergrupper"),
}


class Attitude(enum.Enum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"

    @property
    def label(self) -> str:
        return str(_ATTITUDE_LABELS[self])


_ATTITUDE_LABELS = {
    Attitude.POSITIVE: _l("Positiv"),
    Attitude.NEUTRAL: _l("Neutral"),
    Attitude.NEGATIVE: _l("Negativ"),
}


class GovernanceBody(Versioned, db.Model):
    __tablename__ = "governance_bodies"
    __table_args__ = (sa.UniqueConstraint("programme_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("governance_bodies.id"), index=True)
    track_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tracks.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(300))
    kind: Mapped[BodyKind] = mapped_column(enum_column(BodyKind, "body_kind"))
    description: Mapped[str] = mapped_column(sa.Text, default="")

    programme = relationship("Programme")
    track = relationship("Track")
    project = relationship("Project")
    parent: Mapped[GovernanceBody | None] = relationship(
        remote_side=[id], back_populates="children"
    )
    children: Mapped[list[GovernanceBody]] = relationship(
        back_populates="parent", order_by="GovernanceBody.position"
    )
    members: Mapped[list[GovernanceMember]] = relationship(
        back_populates="body", order_by="GovernanceMember.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<GovernanceBody {self.name!r}>"


class GovernanceMember(db.Model):
    """A member of a governance body: a person or an organisation, with its role there."""

    __tablename__ = "governance_members"
    __table_args__ = (sa.UniqueConstraint("body_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("governance_bodies.id"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(300))
    role: Mapped[str] = mapped_column(sa.String(200), default="")

    body: Mapped[GovernanceBody] = relationship(back_populates="members")

    def __repr__(self) -> str:
        return f"<GovernanceMember {self.name!r}>"


class Stakeholder(Versioned, db.Model):
    __tablename__ = "stakeholders"
    __table_args__ = (sa.UniqueConstraint("programme_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(300))
    attitude: Mapped[Attitude] = mapped_column(enum_column(Attitude, "attitude"))
    involvement: Mapped[str] = mapped_column(sa.Text, default="")

    programme = relationship("Programme")

    def __repr__(self) -> str:
        return f"<Stakeholder {self.name!r}>"
