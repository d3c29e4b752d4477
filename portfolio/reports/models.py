"""Status reports: what the steering group saw at a meeting, frozen when the report is made."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from portfolio.core.models import UTCDateTime, Versioned, enum_column, utcnow
from portfolio.extensions import db


class ReportStatus(enum.Enum):
    DRAFT = "draft"
    APPROVED = "approved"

    @property
    def label(self) -> str:
        return str(_l("Kladde") if self is ReportStatus.DRAFT else _l("Godkendt"))


class StatusReport(Versioned, db.Model):
    """A status report. Its snapshot and charts are written once, when it is created."""

    __tablename__ = "status_reports"
    __table_args__ = (
        sa.Index("ix_status_reports_programme_created", "programme_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"))
    title: Mapped[str] = mapped_column(sa.String(300))
    meeting_on: Mapped[dt.date]
    status: Mapped[ReportStatus] = mapped_column(
        enum_column(ReportStatus, "report_status"), default=ReportStatus.DRAFT
    )
    # Everything the report shows, as plain JSON: lights with reasons, numbers, risks,
    # milestones, commentary, decisions. Never changed after creation.
    snapshot: Mapped[dict] = mapped_column(sa.JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(sa.String(254))
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    approved_by: Mapped[str | None] = mapped_column(sa.String(254))

    programme = relationship("Programme")
    charts: Mapped[list[ReportChart]] = relationship(
        back_populates="report", order_by="ReportChart.name", cascade="all, delete-orphan"
    )

    @validates("snapshot")
    def _freeze(self, _key, value):
        if self.snapshot is not None:
            raise ValueError("a status report's snapshot cannot be changed")
        return value

    @property
    def is_locked(self) -> bool:
        return self.status is ReportStatus.APPROVED

    def __repr__(self) -> str:
        return f"<StatusReport {self.title!r} {self.status.value}>"


class ReportChart(db.Model):
    """A chart as drawn when the report was made (SVG), frozen with it."""

    __tablename__ = "report_charts"
    __table_args__ = (sa.UniqueConstraint("report_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("status_reports.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(40))
    alt_text: Mapped[str] = mapped_column(sa.Text, default="")
    svg: Mapped[bytes] = mapped_column(sa.LargeBinary)

    report: Mapped[StatusReport] = relationship(back_populates="charts")

    @validates("svg")
    def _freeze(self, _key, value):
        if self.svg is not None:
            raise ValueError("a report's chart cannot be changed")
        return value

    def __repr__(self) -> str:
        return f"<ReportChart {self.name} of report {self.report_id}>"
