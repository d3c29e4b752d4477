"""An indicator's trend: measurements against baseline, target and the planned trajectory.

A suppressed or missing period is marked on the axis and breaks the line. It is never
plotted as 0 and never bridged: a line drawn across it would claim a value nobody measured.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from matplotlib.lines import Line2D

from portfolio.charts import common
from portfolio.charts.common import DARK, GRID, GRID_STRONG, INK, MUTED
from portfolio.charts.data import Direction, IndicatorTrendData, ObservationStatus
from portfolio.charts.labels import text
from portfolio.core.i18n import format_number
from portfolio.core.months import Month
from portfolio.core.periods import period_label


@dataclass(frozen=True)
class Gap:
    """A period without a value to plot, and what the chart writes there."""

    period: Month
    x: int
    status: ObservationStatus
    label: str


@dataclass(frozen=True)
class IndicatorSeries:
    """The measured line ready to plot: one x per expected period, NaN where none.

    `xs` counts months from `origin`, so periods of any frequency share one axis.
    """

    origin: Month
    periods: tuple[Month, ...]
    xs: tuple[int, ...]
    ys: tuple[float, ...]
    gaps: tuple[Gap, ...]


def _origin(data: IndicatorTrendData) -> Month:
    months = [point.period for point in data.points]
    months += [mark.period for mark in data.trajectory]
    months += [mark.period for mark in (data.baseline, data.target) if mark is not None]
    return min(months) if months else Month(2000, 1)


def _expected_periods(data: IndicatorTrendData) -> list[Month]:
    """Return every period from the first measurement to the last, skipped ones included."""
    if not data.points:
        return []
    first, last = data.points[0].period, data.points[-1].period
    periods = {point.period for point in data.points}
    month = first
    while month <= last:
        periods.add(month)
        month = month.add(data.frequency.months)
    return sorted(periods)


def prepare_series(data: IndicatorTrendData, locale: str = "da") -> IndicatorSeries:
    """Turn the points into plot data: NaN (and a marked gap) where there is no value.

    A period absent from `points` between two measured periods counts as missing, so the
    line is broken there too instead of joining its neighbours.
    """
    origin = _origin(data)
    by_period = {point.period: point for point in data.points}
    periods = _expected_periods(data)
    ys: list[float] = []
    gaps: list[Gap] = []
    for period in periods:
        point = by_period.get(period)
        x = origin.months_until(period)
        if point is not None and point.status is ObservationStatus.VALUE:
            ys.append(float(point.value))
            continue
        ys.append(math.nan)
        if point is not None and point.status is ObservationStatus.SUPPRESSED:
            label = point.shown_as or text("suppressed", locale)
            gaps.append(Gap(period, x, ObservationStatus.SUPPRESSED, label))
        else:
            label = (point.shown_as if point else None) or text("missing", locale)
            gaps.append(Gap(period, x, ObservationStatus.MISSING, label))
    return IndicatorSeries(
        origin,
        tuple(periods),
        tuple(origin.months_until(p) for p in periods),
        tuple(ys),
        tuple(gaps),
    )


def _with_unit(value, unit: str, decimals: int, locale: str) -> str:
    return f"{format_number(value, decimals, locale)} {unit}".rstrip()


def describe_indicator_trend(data: IndicatorTrendData, locale: str = "da") -> str:
    """Return a text alternative: each period's value or why there is none, and the goals."""
    series = prepare_series(data, locale)
    gaps = {gap.period: gap for gap in series.gaps}
    by_period = {point.period: point for point in data.points}
    readings = []
    for period in series.periods:
        name = period_label(period, data.frequency, locale)
        if period in gaps:
            gap = gaps[period]
            status = text(
                "suppressed" if gap.status is ObservationStatus.SUPPRESSED else "missing", locale
            )
            shown = f" ({gap.label})" if gap.label != status else ""
            readings.append(f"{name}: {status}{shown}")
        else:
            readings.append(
                f"{name}: {format_number(by_period[period].value, data.decimals, locale)}"
            )
    direction = text(
        "higher_is_better" if data.direction is Direction.HIGHER_IS_BETTER else "lower_is_better",
        locale,
    ).lstrip("↑↓ ")
    sentences = [f"{data.title} ({data.unit})", direction]
    if readings:
        sentences.append(f"{text('measured', locale)}: " + "; ".join(readings))
    for key, mark in (("baseline", data.baseline), ("target", data.target)):
        if mark is not None:
            label = "Baseline" if key == "baseline" else text("target", locale)
            sentences.append(
                f"{label} {period_label(mark.period, data.frequency, locale)}: "
                f"{_with_unit(mark.value, data.unit, data.decimals, locale)}"
            )
    return common.sentences(sentences)


def build_indicator_trend(
    data: IndicatorTrendData, *, locale: str = "da", fmt: str = "svg"
) -> bytes:
    """Draw the indicator's trend and return it as SVG (or PNG) bytes."""
    return common.render(_draw, data, locale, fmt)


# --------------------------------------------------------------------------- drawing

WIDTH, HEIGHT = 9.0, 5.6
MEASURED = {"color": DARK, "linewidth": 2.2, "marker": "o", "markersize": 6}
TRAJECTORY = {
    "color": INK,
    "linewidth": 1.2,
    "linestyle": (0, (5, 3)),
    "marker": "|",
    "markersize": 8,
}
BASELINE = {
    # Hollow, and larger than a measurement, so a measurement on the baseline shows inside.
    "marker": "s",
    "markersize": 11,
    "markerfacecolor": "none",
    "markeredgecolor": INK,
    "markeredgewidth": 1.5,
    "linestyle": "none",
}
TARGET = {
    "marker": "*",
    "markersize": 15,
    "color": INK,
    "markeredgecolor": "white",
    "linestyle": "none",
}
SUPPRESSED = {
    "marker": "o",
    "markersize": 8,
    "markerfacecolor": "white",
    "markeredgecolor": INK,
    "markeredgewidth": 1.3,
    "linestyle": "none",
}
MISSING = {
    "marker": "X",
    "markersize": 8,
    "markerfacecolor": "white",
    "markeredgecolor": INK,
    "markeredgewidth": 1.1,
    "linestyle": "none",
}


def _draw(data: IndicatorTrendData, locale: str) -> common.Drawing:
    series = prepare_series(data, locale)
    fig = common.new_figure(WIDTH, HEIGHT)
    ax = fig.add_axes((0.09, 0.14, 0.72, 0.64))

    values = [y for y in series.ys if not math.isnan(y)]
    values += [float(mark.value) for mark in data.trajectory]
    values += [float(m.value) for m in (data.baseline, data.target) if m is not None]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    pad = (high - low) * 0.12 or abs(high) * 0.12 or 1.0
    bottom = 0.0 if data.y_from_zero and low >= 0 else low - pad
    ax.set_ylim(bottom, high + pad)

    if data.trajectory:
        ax.plot(
            [series.origin.months_until(m.period) for m in data.trajectory],
            [float(m.value) for m in data.trajectory],
            zorder=2,
            **TRAJECTORY,
        )
    # NaN in ys is what breaks the line: matplotlib does not join across it.
    ax.plot(series.xs, series.ys, zorder=4, **MEASURED)
    span = (high + pad) - bottom
    target = float(data.target.value) if data.target is not None else None
    if len(data.points) <= 14:
        for x, y in zip(series.xs, series.ys, strict=True):
            if math.isnan(y):
                continue
            # Above the point, unless the target line runs just above it.
            below = target is not None and 0 <= (target - y) / span < 0.1
            ax.annotate(
                format_number(y, data.decimals, locale),
                xy=(x, y),
                xytext=(0, -9 if below else 8),
                textcoords="offset points",
                ha="center",
                va="top" if below else "bottom",
                fontsize=8,
                color=DARK,
                fontweight="bold",
                bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none"},
                zorder=6,
            )
    _draw_gaps(ax, series)
    _draw_references(ax, data, series, locale)

    xs = sorted(
        set(series.xs)
        | {series.origin.months_until(m.period) for m in data.trajectory}
        | {series.origin.months_until(m.period) for m in (data.baseline, data.target) if m}
    )
    if xs:
        ax.set_xlim(xs[0] - data.frequency.months * 0.5, xs[-1] + data.frequency.months * 0.5)
        shown = xs if len(xs) <= 14 else xs[:: math.ceil(len(xs) / 14)]
        ax.set_xticks(
            shown,
            [period_label(series.origin.add(x), data.frequency, locale) for x in shown],
        )
    ax.yaxis.set_major_formatter(common.axis_formatter(locale))
    ax.set_ylabel(data.unit, fontsize=10)
    ax.grid(axis="y", color=GRID, linewidth=0.6, zorder=0)
    ax.spines[["top", "right"]].set_visible(False)

    heading = data.title or text("indicator", locale)
    fig.text(0.012, 0.97, common.wrap(heading, 90), fontsize=13, fontweight="bold", va="top")
    better = (
        "higher_is_better" if data.direction is Direction.HIGHER_IS_BETTER else "lower_is_better"
    )
    fig.text(
        0.99,
        0.97,
        text(better, locale),
        ha="right",
        va="top",
        fontsize=9.5,
        fontweight="bold",
        bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": INK},
    )
    _draw_legend(fig, data, series, locale)
    return common.Drawing(fig, heading, describe_indicator_trend(data, locale))


def _draw_gaps(ax, series: IndicatorSeries) -> None:
    """Mark each period without a value by a hollow marker on the axis and its label."""
    on_axis = ax.get_xaxis_transform()  # x in data, y in axes fractions
    for gap in series.gaps:
        ax.axvline(gap.x, color=GRID_STRONG, linewidth=0.8, linestyle=(0, (1, 2)), zorder=1)
        style = SUPPRESSED if gap.status is ObservationStatus.SUPPRESSED else MISSING
        ax.plot([gap.x], [0], transform=on_axis, clip_on=False, zorder=6, **style)
        ax.annotate(
            gap.label,
            xy=(gap.x, 0),
            xycoords=on_axis,
            xytext=(0, 9),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=8,
            fontstyle="italic",
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
            zorder=6,
        )


def _draw_references(ax, data: IndicatorTrendData, series: IndicatorSeries, locale) -> None:
    """Draw the baseline point and the target point with its horizontal reference line."""
    if data.target is not None:
        x = series.origin.months_until(data.target.period)
        y = float(data.target.value)
        ax.axhline(y, color=INK, linewidth=0.9, linestyle=(0, (1, 1.5)), zorder=1)
        ax.plot([x], [y], zorder=5, **TARGET)
        ax.annotate(
            f"{text('target', locale)} {period_label(data.target.period, data.frequency, locale)}"
            f": {_with_unit(data.target.value, data.unit, data.decimals, locale)}",
            xy=(1, y),
            xycoords=("axes fraction", "data"),
            xytext=(6, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=8.5,
            fontweight="bold",
            annotation_clip=False,
        )
    if data.baseline is not None:
        x = series.origin.months_until(data.baseline.period)
        y = float(data.baseline.value)
        ax.plot([x], [y], zorder=5, **BASELINE)
        ax.annotate(
            f"Baseline {period_label(data.baseline.period, data.frequency, locale)}"
            f": {_with_unit(data.baseline.value, data.unit, data.decimals, locale)}",
            xy=(x, y),
            xytext=(0, -13),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=8,
            color=MUTED,
            bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none"},
            zorder=6,
        )


def _draw_legend(fig, data: IndicatorTrendData, series: IndicatorSeries, locale) -> None:
    handles = [Line2D([], [], **MEASURED, label=text("measured", locale))]
    if data.baseline is not None:
        handles.append(Line2D([], [], **BASELINE, label="Baseline"))
    if data.target is not None:
        handles.append(Line2D([], [], **TARGET, label=text("target", locale)))
    if data.trajectory:
        handles.append(Line2D([], [], **TRAJECTORY, label=text("trajectory", locale)))
    statuses = {gap.status for gap in series.gaps}
    if ObservationStatus.SUPPRESSED in statuses:
        handles.append(Line2D([], [], **SUPPRESSED, label=text("suppressed_legend", locale)))
    if ObservationStatus.MISSING in statuses:
        handles.append(Line2D([], [], **MISSING, label=text("missing_legend", locale)))
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.09, 0.9),
        ncols=min(len(handles), 3),
        fontsize=8,
        handlelength=2.6,
    )
