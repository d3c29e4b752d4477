"""The trend chart's input built from a frozen indicator snapshot, not from live data.

A held workshop's chart must show what was discussed, so it is drawn from the snapshot's
points (decimal strings, withheld ones without a value) and plan marks.
"""

from __future__ import annotations

from decimal import Decimal

from portfolio.charts.data import (
    Direction,
    IndicatorMark,
    IndicatorPoint,
    IndicatorTrendData,
    ObservationStatus,
)
from portfolio.core.months import Month
from portfolio.core.periods import Frequency

_FREQUENCIES = {frequency.value: frequency for frequency in Frequency}


def _mark(mark: dict | None) -> IndicatorMark | None:
    if not mark or not mark.get("value") or not mark.get("period"):
        return None
    return IndicatorMark(Month.parse(mark["period"]), Decimal(mark["value"]))


def _point(point: dict) -> IndicatorPoint:
    period = Month.parse(point["period"])
    if point.get("value") is not None:
        return IndicatorPoint(period, Decimal(point["value"]))
    if point.get("status") == "suppressed":
        return IndicatorPoint(
            period, status=ObservationStatus.SUPPRESSED, shown_as=point.get("shown")
        )
    return IndicatorPoint(period, status=ObservationStatus.MISSING)


def trend_data(indicator: dict) -> IndicatorTrendData | None:
    """Return the chart input for a frozen indicator, or None when it cannot be drawn."""
    frequency = _FREQUENCIES.get(indicator.get("frequency") or "year")
    if frequency is None or not indicator.get("points"):
        return None
    return IndicatorTrendData(
        title=f"{indicator.get('code')} {indicator.get('name')}",
        unit=indicator.get("unit") or "",
        direction=Direction(indicator.get("direction") or "higher"),
        points=tuple(_point(p) for p in indicator["points"]),
        frequency=frequency,
        baseline=_mark(indicator.get("baseline")),
        target=_mark(indicator.get("target")),
        trajectory=tuple(
            m for m in (_mark(t) for t in indicator.get("trajectory") or []) if m is not None
        ),
        decimals=min(max(int(indicator.get("decimals") or 0), 0), 4),
    )
