"""When a hand-measured benefit indicator awaits its next value: the one rule.

The reminders, the weekly digest and the indicator's values page all ask `next_due`, so
they never disagree about which period is awaited and from which day.

The rule: an indicator measured by hand (no metric) of a benefit that is not retired
awaits the period after its latest value (the latest value's period plus one step of its
frequency); with no value yet, the period after its baseline period; with neither,
nothing. When both a value and a baseline exist, the later of the two counts, so values
typed in for the years before the baseline never make an earlier period awaited. Nothing
is awaited past the target period. The awaited period is *due* from the first day after
it ends (the first day of the month after its last month). A value entered for the period
(with any status, "missing" too: the owner has answered) moves the rule on to the next.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from portfolio.benefits.models import Benefit
from portfolio.core.months import Month
from portfolio.extensions import db
from portfolio.indicators.models import Indicator, ManualValue


@dataclass(frozen=True)
class DueMeasurement:
    indicator: Indicator
    period: Month  # the first month of the period whose value is awaited
    due_on: dt.date  # the first day after that period: due from then on

    @property
    def ended_on(self) -> dt.date:
        """The period's last day."""
        return self.due_on - dt.timedelta(days=1)


_LOOK_UP = object()


def latest_period(indicator: Indicator) -> Month | None:
    """The latest period the indicator has a manual value for."""
    return db.session.scalar(
        sa.select(sa.func.max(ManualValue.period)).where(ManualValue.indicator_id == indicator.id)
    )


def awaited(indicator: Indicator, latest: Month | None) -> DueMeasurement | None:
    """The period the indicator awaits after `latest` (whether or not it has ended yet)."""
    if indicator.metric_id is not None or indicator.benefit_id is None:
        return None
    benefit = indicator.benefit
    if benefit is None or benefit.is_retired:
        return None
    starts = [month for month in (latest, indicator.baseline_period) if month is not None]
    if not starts:
        return None
    step = indicator.frequency.months
    period = max(starts).add(step)
    if indicator.target_period is not None and period > indicator.target_period:
        return None
    return DueMeasurement(indicator=indicator, period=period, due_on=period.add(step).first_day)


def next_due(
    indicator: Indicator, today: dt.date, *, latest: object = _LOOK_UP
) -> DueMeasurement | None:
    """The measurement the indicator is due for on `today`, or None (see the module text).

    `latest` (the latest period with a value) is looked up unless the caller has it.
    """
    if latest is _LOOK_UP:
        latest = latest_period(indicator)
    assert latest is None or isinstance(latest, Month)
    due = awaited(indicator, latest)
    if due is None or today < due.due_on:
        return None
    return due


def _latest_periods(indicator_ids: list[int]) -> dict[int, Month]:
    if not indicator_ids:
        return {}
    rows = db.session.execute(
        sa.select(ManualValue.indicator_id, sa.func.max(ManualValue.period))
        .where(ManualValue.indicator_id.in_(indicator_ids))
        .group_by(ManualValue.indicator_id)
    )
    return {indicator_id: period for indicator_id, period in rows if period is not None}


def _candidates(programme_id: int | None) -> list[Indicator]:
    query = (
        sa.select(Indicator)
        .join(Benefit, Indicator.benefit_id == Benefit.id)
        .where(Indicator.metric_id.is_(None), Benefit.retired_on.is_(None))
        .options(contains_eager(Indicator.benefit))  # read by `awaited`, not again per row
        .order_by(Indicator.programme_id, Indicator.code)
    )
    if programme_id is not None:
        query = query.where(Indicator.programme_id == programme_id)
    return list(db.session.scalars(query))


def due_measurements(today: dt.date, *, programme_id: int | None = None) -> list[DueMeasurement]:
    """Every hand-measured benefit indicator due for a value on `today` (`next_due`)."""
    indicators = _candidates(programme_id)
    latest = _latest_periods([indicator.id for indicator in indicators])
    found = (next_due(i, today, latest=latest.get(i.id)) for i in indicators)
    return [due for due in found if due is not None]
