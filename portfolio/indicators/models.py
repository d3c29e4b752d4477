"""Indicators: how a benefit, a track, a project or a risk is measured.

An indicator belongs to exactly one subject. Its values come either from a metric (read
from a data platform by the refresh job) or from values typed in by the benefit owner
(`ManualValue`). Baseline, target and the yearly trajectory say what success looks like;
a key risk indicator has a threshold instead, and crossing it flags its risk.
"""

from __future__ import annotations

import enum
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portfolio.core.models import DecimalText, Timestamped, Versioned, enum_column
from portfolio.core.months import Month, MonthType
from portfolio.core.periods import Frequency
from portfolio.extensions import db


class Direction(enum.Enum):
    HIGHER_IS_BETTER = "higher"
    LOWER_IS_BETTER = "lower"

    @property
    def label(self) -> str:
        return str(_DIRECTION_LABELS[self])


_DIRECTION_LABELS = {
    Direction.HIGHER_IS_BETTER: _l("Højere er bedre"),
    Direction.LOWER_IS_BETTER: _l("Lavere er bedre"),
}


class IndicatorKind(enum.Enum):
    BENEFIT = "benefit"  # measures a benefit's realisation
    DELIVERY = "delivery"  # a track's or project's delivery (e.g. municipalities delivering)
    DATA_QUALITY = "data_quality"  # completeness or timeliness of a register
    KEY_RISK = "key_risk"  # a key risk indicator with a threshold

    @property
    def label(self) -> str:
        return str(_KIND_LABELS[self])


_KIND_LABELS = {
    IndicatorKind.BENEFIT: _l("Gevinstindikator"),
    IndicatorKind.DELIVERY: _l("Leveranceindikator"),
    IndicatorKind.DATA_QUALITY: _l("Datakvalitetsindikator"),
    IndicatorKind.KEY_RISK: _l("Nøglerisikoindikator"),
}


class Progress(enum.Enum):
    """How an indicator, a benefit or a workshop's assessment of it stands."""

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"

    @property
    def label(self) -> str:
        return str(_PROGRESS_LABELS[self])


_PROGRESS_LABELS = {
    Progress.ON_TRACK: _l("På rette spor"),
    Progress.AT_RISK: _l("I risiko"),
    Progress.OFF_TRACK: _l("Ikke på rette spor"),
}


class Indicator(Versioned, Timestamped, db.Model):
    """A measure of one benefit, track, project or risk."""

    __tablename__ = "indicators"
    __table_args__ = (
        sa.UniqueConstraint("programme_id", "code"),
        # Exactly one subject; CASE keeps the sum portable (PostgreSQL cannot add booleans).
        sa.CheckConstraint(
            " + ".join(
                f"CASE WHEN {column} IS NULL THEN 0 ELSE 1 END"
                for column in ("benefit_id", "track_id", "project_id", "risk_id")
            )
            + " = 1",
            name="one_subject",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    benefit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("benefits.id"), index=True)
    track_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tracks.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    risk_id: Mapped[int | None] = mapped_column(sa.ForeignKey("risks.id"), index=True)
    kind: Mapped[IndicatorKind] = mapped_column(
        enum_column(IndicatorKind, "indicator_kind"), default=IndicatorKind.BENEFIT
    )
    position: Mapped[int] = mapped_column(default=0)
    code: Mapped[str] = mapped_column(sa.String(40))  # "GH1.1", "S2.1", "R3.1"
    name: Mapped[str] = mapped_column(sa.String(300))
    definition: Mapped[str] = mapped_column(sa.Text, default="")
    unit: Mapped[str] = mapped_column(sa.String(60), default="")
    decimals: Mapped[int] = mapped_column(default=1)
    direction: Mapped[Direction] = mapped_column(
        enum_column(Direction, "indicator_direction"), default=Direction.HIGHER_IS_BETTER
    )
    frequency: Mapped[Frequency] = mapped_column(
        enum_column(Frequency, "indicator_frequency"), default=Frequency.YEARLY
    )
    method: Mapped[str] = mapped_column(sa.Text, default="")
    baseline_value: Mapped[Decimal | None] = mapped_column(DecimalText)
    baseline_period: Mapped[Month | None] = mapped_column(MonthType)
    target_value: Mapped[Decimal | None] = mapped_column(DecimalText)
    target_period: Mapped[Month | None] = mapped_column(MonthType)
    # A key risk indicator's threshold: crossing it (in the bad direction) flags the risk.
    threshold_value: Mapped[Decimal | None] = mapped_column(DecimalText)
    # Where the values come from: a metric, or (when empty) values typed in by hand.
    metric_id: Mapped[int | None] = mapped_column(sa.ForeignKey("metrics.id"), index=True)
    # Counts below this are shown as "<N"; empty: the metric's (or the default) threshold.
    disclosure_threshold: Mapped[int | None]
    is_count: Mapped[bool] = mapped_column(default=False)
    responsible: Mapped[str | None] = mapped_column(sa.String(200))

    programme = relationship("Programme")
    benefit = relationship("Benefit", back_populates="indicators")
    track = relationship("Track")
    project = relationship("Project")
    risk = relationship("Risk")
    metric = relationship("Metric")
    trajectory: Mapped[list[TrajectoryPoint]] = relationship(
        order_by="TrajectoryPoint.period", cascade="all, delete-orphan"
    )

    @property
    def is_manual(self) -> bool:
        return self.metric_id is None

    @property
    def subject(self):
        return self.benefit or self.track or self.project or self.risk

    def __repr__(self) -> str:
        return f"<Indicator {self.code} {self.name!r}>"


class TrajectoryPoint(db.Model):
    """The value an indicator is planned to reach by a period (the yearly trajectory)."""

    __tablename__ = "indicator_trajectory"
    __table_args__ = (sa.UniqueConstraint("indicator_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(sa.ForeignKey("indicators.id"))
    period: Mapped[Month] = mapped_column(MonthType)
    value: Mapped[Decimal] = mapped_column(DecimalText)

    def __repr__(self) -> str:
        return f"<TrajectoryPoint {self.period} {self.value}>"


class ManualValue(Versioned, Timestamped, db.Model):
    """A value typed in by the indicator's owner, for indicators without a data source."""

    __tablename__ = "indicator_values"
    __table_args__ = (sa.UniqueConstraint("indicator_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(sa.ForeignKey("indicators.id"), index=True)
    period: Mapped[Month] = mapped_column(MonthType)
    value: Mapped[Decimal | None] = mapped_column(DecimalText)
    # An ObservationStatus value: ok, missing, estimated, provisional ...
    status: Mapped[str] = mapped_column(sa.String(20), default="ok")
    note: Mapped[str] = mapped_column(sa.Text, default="")
    entered_by: Mapped[str] = mapped_column(sa.String(254), default="")

    indicator: Mapped[Indicator] = relationship()

    def __repr__(self) -> str:
        return f"<ManualValue {self.indicator_id} {self.period} {self.value}>"
