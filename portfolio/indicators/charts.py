"""Chart inputs from readings and links: an indicator's trend, and the benefit map."""

from __future__ import annotations

from portfolio.charts import data as chart
from portfolio.indicators.models import Direction
from portfolio.indicators.services import Reading


def _point(point) -> chart.IndicatorPoint:
    if point.value is not None:
        return chart.IndicatorPoint(point.period, point.value)
    status = (
        chart.ObservationStatus.SUPPRESSED
        if point.status.value == "suppressed"
        else chart.ObservationStatus.MISSING
    )
    # Only the symbol goes in: a withheld value never reaches the chart as a number.
    return chart.IndicatorPoint(point.period, None, status, shown_as=point.shown)


def trend_data(reading: Reading) -> chart.IndicatorTrendData:
    """Build the trend chart's input: measured points (withheld ones marked), plan and target."""
    indicator = reading.indicator
    baseline = target = None
    if indicator.baseline_value is not None and indicator.baseline_period is not None:
        baseline = chart.IndicatorMark(indicator.baseline_period, indicator.baseline_value)
    if indicator.target_value is not None and indicator.target_period is not None:
        target = chart.IndicatorMark(indicator.target_period, indicator.target_value)
    return chart.IndicatorTrendData(
        title=f"{indicator.code} {indicator.name}",
        unit=indicator.unit,
        direction=chart.Direction(
            "higher" if indicator.direction is Direction.HIGHER_IS_BETTER else "lower"
        ),
        points=tuple(_point(point) for point in reading.points),
        frequency=indicator.frequency,
        baseline=baseline,
        target=target,
        trajectory=tuple(chart.IndicatorMark(p.period, p.value) for p in indicator.trajectory),
        decimals=indicator.decimals,
    )


def benefit_map_data(programme, benefits) -> chart.BenefitMapData:
    """Tracks and their projects → benefits → the vision's goals, from the benefits' links."""
    linked_projects = {p.id for b in benefits for p in b.projects}
    sources = []
    for track in programme.tracks:
        sources.append(chart.MapNode(f"Spor {track.number}", track.name))
        sources += [
            chart.MapNode(p.code, p.name, indent=1)
            for p in sorted(track.projects, key=lambda p: p.code)
            if p.id in linked_projects
        ]
    sources += [
        chart.MapNode(p.code, p.name)
        for p in programme.projects
        if p.track_id is None and p.id in linked_projects
    ]
    goal_codes = {goal.id: f"V{n}" for n, goal in enumerate(programme.vision_goals, start=1)}
    return chart.BenefitMapData(
        title=programme.short_name,
        sources=tuple(sources),
        benefits=tuple(chart.MapNode(b.code, b.name) for b in benefits),
        goals=tuple(chart.MapNode(goal_codes[g.id], g.text) for g in programme.vision_goals),
        source_links=tuple(
            [(f"Spor {t.number}", b.code) for b in benefits for t in b.tracks]
            + [(p.code, b.code) for b in benefits for p in b.projects]
        ),
        goal_links=tuple((b.code, goal_codes[g.id]) for b in benefits for g in b.goals),
    )
