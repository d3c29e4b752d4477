"""Indicators, metrics and observations for tests, written straight through the ORM."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from portfolio.core.months import Month
from portfolio.extensions import db
from portfolio.indicators.models import (
    Direction,
    Frequency,
    Indicator,
    IndicatorKind,
    ManualValue,
    TrajectoryPoint,
)
from portfolio.metrics.models import Metric, MetricSource, StoredObservation

FETCHED = dt.datetime(2026, 11, 1, 6, 0, tzinfo=dt.UTC)


def D(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def make_metric(key: str = "m1", *, is_count=False, threshold=None, source=None, is_demo=False):
    if source is None:
        source = MetricSource(key=f"src-{key}", name=f"Kilde {key}", type="manual", is_demo=is_demo)
        db.session.add(source)
    metric = Metric(
        source=source,
        key=key,
        name=f"Metrik {key}",
        is_count=is_count,
        disclosure_threshold=threshold,
        last_success_at=FETCHED,
    )
    db.session.add(metric)
    db.session.flush()
    return metric


def observe(metric: Metric, *cells) -> None:
    """Store current observations: (year or "YYYY-MM", value, status="ok")."""
    for cell in cells:
        period, value, status = (*cell, "ok")[:3]
        start = f"{period}-01" if isinstance(period, int) else period
        db.session.add(
            StoredObservation(
                metric_id=metric.id,
                period=str(period),
                period_start=start,
                value=D(value),
                status=status,
                fetched_at=FETCHED,
            )
        )
    db.session.flush()


def make_indicator(subject, code: str = "I1", *, trajectory=(), **fields) -> Indicator:
    """Make an indicator of a benefit (or a track, project or risk); years as ints."""
    subject_field = {
        "Benefit": "benefit",
        "Track": "track",
        "Project": "project",
        "Risk": "risk",
    }[type(subject).__name__]
    for name in ("baseline_period", "target_period"):
        if isinstance(fields.get(name), int):
            fields[name] = Month(fields[name], 1)
    for name in ("baseline_value", "target_value", "threshold_value"):
        if name in fields:
            fields[name] = D(fields[name])
    fields.setdefault("name", f"Indikator {code}")
    fields.setdefault("direction", Direction.HIGHER_IS_BETTER)
    fields.setdefault("frequency", Frequency.YEARLY)
    fields.setdefault(
        "kind", IndicatorKind.KEY_RISK if subject_field == "risk" else IndicatorKind.BENEFIT
    )
    indicator = Indicator(
        programme_id=subject.programme_id,
        code=code,
        **{subject_field: subject},
        **fields,
    )
    indicator.trajectory = [
        TrajectoryPoint(period=Month(year, 1), value=D(value)) for year, value in trajectory
    ]
    db.session.add(indicator)
    db.session.flush()
    return indicator


def enter(indicator: Indicator, *cells) -> None:
    """Store manual values: (year, value, status="ok")."""
    for cell in cells:
        year, value, status = (*cell, "ok")[:3]
        db.session.add(
            ManualValue(
                indicator_id=indicator.id, period=Month(year, 1), value=D(value), status=status
            )
        )
    db.session.flush()
