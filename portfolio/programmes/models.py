"""Programmes as the state's programme model describes them: master data, tracks, projects,
phases and waves, approvals and the links between programmes."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portfolio.auth.models import OwnedByPerson
from portfolio.core.models import Timestamped, UTCDateTime, Versioned, enum_column
from portfolio.core.months import Month, MonthType
from portfolio.extensions import db


class ProgrammeStatus(enum.Enum):
    PLANNED = "planned"
    ACTIVE = "active"
    CLOSING = "closing"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return str(_PROGRAMME_STATUS_LABELS[self])


_PROGRAMME_STATUS_LABELS = {
    ProgrammeStatus.PLANNED: _l("Planlagt"),
    ProgrammeStatus.ACTIVE: _l("Igangværende"),
    ProgrammeStatus.CLOSING: _l("Under lukning"),
    ProgrammeStatus.CLOSED: _l("Afsluttet"),
}


class ProjectStatus(enum.Enum):
    PLANNED = "planned"
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return str(_PROJECT_STATUS_LABELS[self])


_PROJECT_STATUS_LABELS = {
    ProjectStatus.PLANNED: _l("Planlagt"),
    ProjectStatus.ACTIVE: _l("Igangværende"),
    ProjectStatus.COMPLETED: _l("Afsluttet"),
    ProjectStatus.CANCELLED: _l("Annulleret"),
}


class Precision(enum.Enum):
    """How exactly the source dates a period: to the month, or only to the year."""

    MONTH = "month"
    YEAR = "year"


class TimelineKind(enum.Enum):
    PHASE = "phase"
    WAVE = "wave"

    @property
    def label(self) -> str:
        return str(_l("Fase") if self is TimelineKind.PHASE else _l("Bølge"))


class ProjectItemKind(enum.Enum):
    DELIVERABLE = "deliverable"
    EXPECTED_EFFECT = "expected_effect"
    TARGET_GROUP = "target_group"

    @property
    def label(self) -> str:
        return str(_PROJECT_ITEM_LABELS[self])


_PROJECT_ITEM_LABELS = {
    ProjectItemKind.DELIVERABLE: _l("Leverancer"),
    ProjectItemKind.EXPECTED_EFFECT: _l("Forventede effekter"),
    ProjectItemKind.TARGET_GROUP: _l("Målgrupper"),
}


class Portfolio(db.Model):
    __tablename__ = "portfolios"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")

    programmes: Mapped[list[Programme]] = relationship(
        back_populates="portfolio", order_by="Programme.name"
    )

    def __repr__(self) -> str:
        return f"<Portfolio {self.name!r}>"


class Programme(Versioned, Timestamped, db.Model):
    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    portfolio_id: Mapped[int] = mapped_column(sa.ForeignKey("portfolios.id"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    short_name: Mapped[str] = mapped_column(sa.String(40))
    owner_name: Mapped[str | None] = mapped_column(sa.String(200))
    owner_title: Mapped[str | None] = mapped_column(sa.String(200))
    owner_organisation: Mapped[str | None] = mapped_column(sa.String(200))
    primary_purpose: Mapped[str | None] = mapped_column(sa.String(200))
    vision: Mapped[str] = mapped_column(sa.Text, default="")
    purpose: Mapped[str] = mapped_column(sa.Text, default="")
    conditions: Mapped[str] = mapped_column(sa.Text, default="")
    as_is: Mapped[str] = mapped_column(sa.Text, default="")
    to_be: Mapped[str] = mapped_column(sa.Text, default="")
    implementation: Mapped[str] = mapped_column(sa.Text, default="")
    # The basis' own remarks under its sections, kept with the data they qualify.
    organisation_note: Mapped[str] = mapped_column(sa.Text, default="")
    budget_note: Mapped[str] = mapped_column(sa.Text, default="")
    benefits_note: Mapped[str] = mapped_column(sa.Text, default="")
    risks_note: Mapped[str] = mapped_column(sa.Text, default="")
    stakeholders_note: Mapped[str] = mapped_column(sa.Text, default="")
    annexes_note: Mapped[str] = mapped_column(sa.Text, default="")
    programme_model: Mapped[str | None] = mapped_column(sa.String(200))
    programme_model_version: Mapped[str | None] = mapped_column(sa.String(20))
    document_version: Mapped[str | None] = mapped_column(sa.String(20))
    source_document: Mapped[str | None] = mapped_column(sa.String(300))
    start_month: Mapped[Month | None] = mapped_column(MonthType)
    end_month: Mapped[Month | None] = mapped_column(MonthType)
    period_precision: Mapped[Precision] = mapped_column(
        enum_column(Precision, "period_precision"), default=Precision.MONTH
    )
    status: Mapped[ProgrammeStatus] = mapped_column(
        enum_column(ProgrammeStatus, "programme_status"), default=ProgrammeStatus.ACTIVE
    )

    portfolio: Mapped[Portfolio] = relationship(back_populates="programmes")
    vision_goals: Mapped[list[VisionGoal]] = relationship(
        back_populates="programme", order_by="VisionGoal.position", cascade="all, delete-orphan"
    )
    approvals: Mapped[list[Approval]] = relationship(
        back_populates="programme", order_by="Approval.approved_on", cascade="all, delete-orphan"
    )
    revisions: Mapped[list[Revision]] = relationship(
        back_populates="programme", order_by="Revision.revised_on", cascade="all, delete-orphan"
    )
    tracks: Mapped[list[Track]] = relationship(
        back_populates="programme", order_by="Track.number", cascade="all, delete-orphan"
    )
    projects: Mapped[list[Project]] = relationship(
        back_populates="programme",
        order_by="(Project.position, Project.code)",
        cascade="all, delete-orphan",
    )
    timeline: Mapped[list[TimelineItem]] = relationship(
        back_populates="programme", order_by="TimelineItem.position", cascade="all, delete-orphan"
    )
    annexes: Mapped[list[Annex]] = relationship(
        back_populates="programme", order_by="Annex.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Programme {self.slug}>"


class VisionGoal(db.Model):
    __tablename__ = "vision_goals"
    __table_args__ = (sa.UniqueConstraint("programme_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(sa.String(300))

    programme: Mapped[Programme] = relationship(back_populates="vision_goals")

    def __repr__(self) -> str:
        return f"<VisionGoal {self.text!r}>"


class Approval(db.Model):
    __tablename__ = "approvals"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    body: Mapped[str] = mapped_column(sa.String(300))
    approved_on: Mapped[dt.date]
    version: Mapped[str] = mapped_column(sa.String(20))

    programme: Mapped[Programme] = relationship(back_populates="approvals")

    def __repr__(self) -> str:
        return f"<Approval v{self.version} {self.approved_on}>"


class Revision(db.Model):
    __tablename__ = "revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    version: Mapped[str] = mapped_column(sa.String(20))
    revised_on: Mapped[dt.date]
    description: Mapped[str] = mapped_column(sa.Text, default="")

    programme: Mapped[Programme] = relationship(back_populates="revisions")

    def __repr__(self) -> str:
        return f"<Revision v{self.version}>"


class Track(Versioned, db.Model):
    """A track (spor) of a programme."""

    __tablename__ = "tracks"
    __table_args__ = (sa.UniqueConstraint("programme_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    number: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # The track lead's status commentary for the steering group.
    commentary: Mapped[str] = mapped_column(sa.Text, default="")
    commentary_by: Mapped[str | None] = mapped_column(sa.String(254))
    commentary_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # A retired track keeps its number, budget rows and history, but takes no new work.
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    retired_reason: Mapped[str | None] = mapped_column(sa.Text)

    programme: Mapped[Programme] = relationship(back_populates="tracks")
    deliverables: Mapped[list[Deliverable]] = relationship(
        back_populates="track", order_by="Deliverable.position", cascade="all, delete-orphan"
    )
    projects: Mapped[list[Project]] = relationship(
        back_populates="track", order_by="(Project.position, Project.code)"
    )

    @property
    def label(self) -> str:
        return str(_l("Spor %(number)d: %(name)s", number=self.number, name=self.name))

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    def __repr__(self) -> str:
        return f"<Track {self.number} {self.name!r}>"


class Deliverable(db.Model):
    """One of a track's deliverables as the programme basis lists them."""

    __tablename__ = "deliverables"
    __table_args__ = (sa.UniqueConstraint("track_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    track_id: Mapped[int] = mapped_column(sa.ForeignKey("tracks.id"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text)
    # A remark on the source's own wording, e.g. an evident slip kept as printed.
    source_note: Mapped[str | None] = mapped_column(sa.Text)

    track: Mapped[Track] = relationship(back_populates="deliverables")

    def __repr__(self) -> str:
        return f"<Deliverable {self.position} of track {self.track_id}>"


class Project(OwnedByPerson, Versioned, Timestamped, db.Model):
    """A project of a programme; `owner`/`owner_user_id` name its lead (projektleder)."""

    __tablename__ = "projects"
    __table_args__ = (
        sa.UniqueConstraint("programme_id", "code"),
        sa.CheckConstraint(
            "percent_complete IS NULL OR (percent_complete >= 0 AND percent_complete <= 100)",
            name="percent_in_range",
        ),
        sa.CheckConstraint(
            "start_month IS NULL OR end_month IS NULL OR start_month <= end_month",
            name="start_before_end",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    track_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tracks.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    owner: Mapped[str | None] = mapped_column(sa.String(200))
    start_month: Mapped[Month | None] = mapped_column(MonthType)
    end_month: Mapped[Month | None] = mapped_column(MonthType)
    period_precision: Mapped[Precision] = mapped_column(
        enum_column(Precision, "period_precision"), default=Precision.MONTH
    )
    status: Mapped[ProjectStatus] = mapped_column(
        enum_column(ProjectStatus, "project_status"), default=ProjectStatus.ACTIVE
    )
    # How far the project has come, 0–100; empty until someone states it.
    percent_complete: Mapped[int | None]
    # The order projects are listed and drawn in (then by code); 0 until reordered.
    position: Mapped[int] = mapped_column(default=0, server_default="0")
    # A retired project is taken out of the plan: off the timelines and the lights, kept
    # (with its history) and listed apart; it can be restored.
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    programme: Mapped[Programme] = relationship(back_populates="projects")
    track: Mapped[Track | None] = relationship(back_populates="projects")
    items: Mapped[list[ProjectItem]] = relationship(
        back_populates="project",
        order_by="(ProjectItem.kind, ProjectItem.position)",
        cascade="all, delete-orphan",
    )
    links_out: Mapped[list[ProjectLink]] = relationship(
        foreign_keys="ProjectLink.from_project_id",
        back_populates="from_project",
        cascade="all, delete-orphan",
    )
    links_in: Mapped[list[ProjectLink]] = relationship(
        foreign_keys="ProjectLink.to_project_id",
        back_populates="to_project",
        cascade="all, delete-orphan",
    )

    depends_on: Mapped[list[ProjectDependency]] = relationship(
        foreign_keys="ProjectDependency.project_id",
        back_populates="project",
        cascade="all, delete-orphan",
        order_by="ProjectDependency.id",
    )
    needed_by: Mapped[list[ProjectDependency]] = relationship(
        foreign_keys="ProjectDependency.depends_on_id",
        back_populates="depends_on",
        cascade="all, delete-orphan",
        order_by="ProjectDependency.id",
    )

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    @property
    def is_finished(self) -> bool:
        """Completed or cancelled: nothing of it can be late any more."""
        return self.status in (ProjectStatus.COMPLETED, ProjectStatus.CANCELLED)

    def items_of(self, kind: ProjectItemKind) -> list[ProjectItem]:
        return [item for item in self.items if item.kind is kind]

    def __repr__(self) -> str:
        return f"<Project {self.code} {self.name!r}>"


class ProjectItem(db.Model):
    """An ordered fact about a project: a deliverable, an expected effect or a target group."""

    __tablename__ = "project_items"
    __table_args__ = (sa.UniqueConstraint("project_id", "kind", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    kind: Mapped[ProjectItemKind] = mapped_column(enum_column(ProjectItemKind, "project_item_kind"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text)

    project: Mapped[Project] = relationship(back_populates="items")

    def __repr__(self) -> str:
        return f"<ProjectItem {self.kind.value} {self.position}>"


class ProjectLink(db.Model):
    """A project that feeds, or builds on, a project of another (or the same) programme."""

    __tablename__ = "project_links"
    __table_args__ = (sa.UniqueConstraint("from_project_id", "to_project_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    from_project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    to_project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    relation: Mapped[str] = mapped_column(sa.String(100))
    description: Mapped[str] = mapped_column(sa.Text, default="")

    from_project: Mapped[Project] = relationship(
        foreign_keys=[from_project_id], back_populates="links_out"
    )
    to_project: Mapped[Project] = relationship(
        foreign_keys=[to_project_id], back_populates="links_in"
    )

    def __repr__(self) -> str:
        return f"<ProjectLink {self.from_project_id} -> {self.to_project_id}>"


class ProjectDependency(db.Model):
    """Finish-to-start (afslutning før start): `project` starts when `depends_on` is done.

    Both projects are of the same programme; a project never depends on itself, and the
    dependencies never form a cycle (projects.add_dependency refuses one).
    """

    __tablename__ = "project_dependencies"
    __table_args__ = (
        sa.UniqueConstraint("project_id", "depends_on_id"),
        sa.CheckConstraint("project_id <> depends_on_id", name="not_itself"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    depends_on_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")

    project: Mapped[Project] = relationship(foreign_keys=[project_id], back_populates="depends_on")
    depends_on: Mapped[Project] = relationship(
        foreign_keys=[depends_on_id], back_populates="needed_by"
    )

    @property
    def programme_id(self) -> int:
        return self.project.programme_id

    @property
    def track_id(self) -> int | None:
        return self.project.track_id

    def __repr__(self) -> str:
        return f"<ProjectDependency {self.project_id} after {self.depends_on_id}>"


class TimelineItem(Versioned, db.Model):
    """A phase of the programme model, or a wave (bølge), dated to the month."""

    __tablename__ = "timeline_items"
    __table_args__ = (
        sa.UniqueConstraint("programme_id", "position"),
        sa.CheckConstraint("start_month <= end_month", name="start_before_end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[TimelineKind] = mapped_column(enum_column(TimelineKind, "timeline_kind"))
    start_month: Mapped[Month] = mapped_column(MonthType)
    end_month: Mapped[Month] = mapped_column(MonthType)

    programme: Mapped[Programme] = relationship(back_populates="timeline")

    def covers(self, month: Month) -> bool:
        return self.start_month <= month <= self.end_month

    def __repr__(self) -> str:
        return f"<TimelineItem {self.name!r} {self.start_month}..{self.end_month}>"


class Annex(Versioned, db.Model):
    """A document the programme basis refers to, such as a project basis, perhaps with its
    file (portfolio/programmes/annexes.py checks and serves it).

    The file's bytes are kept in the row itself (deferred: a list of annexes never loads
    them), so a backup carries them and a restore brings them back with the row.
    """

    __tablename__ = "annexes"
    __table_args__ = (sa.UniqueConstraint("programme_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(300))
    kind: Mapped[str] = mapped_column(sa.String(100), default="")
    reference: Mapped[str | None] = mapped_column(sa.String(500))
    # The uploaded file: its name as shown (cleaned, never used as a path), the content type
    # its bytes were checked to be, its size and SHA-256, and the bytes.
    file_name: Mapped[str | None] = mapped_column(sa.String(200))
    file_type: Mapped[str | None] = mapped_column(sa.String(100))
    file_size: Mapped[int | None]
    file_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    file_content: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)

    programme: Mapped[Programme] = relationship(back_populates="annexes")

    @property
    def has_file(self) -> bool:
        return self.file_sha256 is not None

    def __repr__(self) -> str:
        return f"<Annex {self.title!r}>"
