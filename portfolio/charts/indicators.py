"""An indicator's trend: measurements against baseline, target and the planned trajectory.

A suppressed or missing period breaks the line, is hatched over its width and named under
the axis ("mangler: K2 2024"). It is never plotted as 0 (nor marked on the zero line) and
never bridged: a line drawn across it would claim a value nobody measured.

Drawn at the size the pages show it (FULL beside the facts on a benefit page, NARROW on a
phone, THUMB_WIDTH × THUMB_HEIGHT in a track's or risk's table), with constrained layout, so every
text lies inside the picture; the period labels are thinned until no two touch.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from matplotlib.artist import Artist
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

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
    for key, mark in (("indicator_baseline", data.baseline), ("target", data.target)):
        if mark is not None:
            sentences.append(_mark_label(key, mark, data, locale))
    return common.sentences(sentences)


def _mark_label(key: str, mark, data: IndicatorTrendData, locale: str) -> str:
    """Write a reference as the page does: "Basislinje K1 2022: 11,8 pr. 100 udskrivelser"."""
    return (
        f"{text(key, locale)} {period_label(mark.period, data.frequency, locale)}: "
        f"{_with_unit(mark.value, data.unit, data.decimals, locale)}"
    )


def build_indicator_trend(
    data: IndicatorTrendData, *, locale: str = "da", fmt: str = "svg"
) -> bytes:
    """Draw the indicator's trend and return it as SVG (or PNG) bytes."""
    return common.render(_draw, data, locale, fmt)


def build_indicator_trend_narrow(
    data: IndicatorTrendData, *, locale: str = "da", fmt: str = "svg"
) -> bytes:
    """Draw the trend for a phone's width: the same chart, narrower, its legend in one column."""
    return common.render(_draw_narrow, data, locale, fmt)


def build_indicator_thumbnail(
    data: IndicatorTrendData, *, locale: str = "da", fmt: str = "svg"
) -> bytes:
    """Draw the trend small, for a table row: the line, the target, the gaps, two dates."""
    return common.render(_draw_thumbnail, data, locale, fmt)


# --------------------------------------------------------------------------- drawing


# Inches. The full chart fills one column of `.columns--chart` (about 34rem on a 1366 px
# screen: 7.2 in at 96 px per inch shows its text at about its size); the thumbnail is
# `.chart--thumb`, 12rem wide.
@dataclass(frozen=True)
class TrendSize:
    width: float  # inches
    height: float
    legend_columns: int


FULL = TrendSize(7.2, 4.6, 2)
NARROW = TrendSize(4.0, 4.6, 1)  # a 390 px phone shows the chart about 3.6 in wide
THUMB_WIDTH, THUMB_HEIGHT = 2.5, 1.45
TITLE_SIZE = 11.5
TITLE_LINES = 2
TICK_GAP_PX = 6  # at least this much white between two period labels (at 100 dpi)
# How many periods one label may stand for, per frequency (months per period).
TICK_STEPS = {
    1: (1, 2, 3, 6, 12, 24, 36, 60, 120),
    3: (1, 2, 4, 8, 12, 20, 40),
    6: (1, 2, 4, 6, 10, 20),
    12: (1, 2, 5, 10, 20, 50, 100),
}
MEASURED = {"color": DARK, "linewidth": 2.2, "marker": "o", "markersize": 5}
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
    "markersize": 10,
    "markerfacecolor": "none",
    "markeredgecolor": INK,
    "markeredgewidth": 1.5,
    "linestyle": "none",
}
TARGET = {
    "marker": "*",
    "markersize": 14,
    "color": INK,
    "markeredgecolor": "white",
    "linestyle": "none",
}
# A period without a value: hatched over its width, never a marker on the zero line.
# Lines, not dots: a dotted hatch makes the SVG several times larger.
GAP_HATCH = {ObservationStatus.SUPPRESSED: "\\\\\\", ObservationStatus.MISSING: "///"}


def _gap_patch(status: ObservationStatus, label: str = "") -> Patch:
    return Patch(
        facecolor="white",
        edgecolor=GRID_STRONG,
        hatch=GAP_HATCH[status],
        linewidth=0,
        label=label,
    )


def _axis_periods(data: IndicatorTrendData, series: IndicatorSeries) -> list[Month]:
    """Every period from the first thing drawn to the last: where labels may stand."""
    months = list(series.periods) + [m.period for m in data.trajectory]
    months += [m.period for m in (data.baseline, data.target) if m is not None]
    if not months:
        return []
    step = data.frequency.months
    first, last = min(months), max(months)
    periods, month = [], first
    while month <= last:
        periods.append(month)
        month = month.add(step)
    return periods


def _tick_choices(data: IndicatorTrendData, periods: list[Month], locale: str):
    """Yield (periods, labels) from every period labelled to ever fewer, calendar-aligned
    (every 3rd month is Jan/Apr/Jul/Oct, every 12th January, every 4th quarter K1 ...)."""
    months = data.frequency.months
    for step in TICK_STEPS[months]:
        span = step * months
        chosen = [p for p in periods if (p.year * 12 + p.month - 1) % span == 0]
        if len(chosen) < 2:
            chosen = periods[::step]
        if span >= 12 and months < 12 and all(p.month == 1 for p in chosen):
            labels = [str(p.year) for p in chosen]  # a label a year: the year says it
        else:
            labels = [period_label(p, data.frequency, locale) for p in chosen]
        yield chosen, labels
    if len(periods) > 1:
        yield (
            [periods[0], periods[-1]],
            [period_label(p, data.frequency, locale) for p in (periods[0], periods[-1])],
        )


def labels_overlap(boxes, gap: float = 0.0) -> bool:
    """Say whether any two boxes (in left-to-right order) come closer than `gap`."""
    ordered = sorted(boxes, key=lambda b: b.x0)
    return any(right.x0 - left.x1 < gap for left, right in itertools.pairwise(ordered))


def _fit_ticks(fig, ax, series: IndicatorSeries, choices) -> None:
    """Label the x axis with the first choice whose labels neither touch nor leave the
    figure, measured with the renderer at the drawn size."""
    chosen = None
    for periods, labels in choices:
        chosen = periods, labels
        ax.set_xticks([series.origin.months_until(p) for p in periods], labels)
        fig.draw_without_rendering()
        boxes = [t.get_window_extent() for t in ax.get_xticklabels() if t.get_text()]
        inside = all(b.x0 >= 0 and b.x1 <= fig.bbox.width for b in boxes)
        if inside and not labels_overlap(boxes, TICK_GAP_PX * fig.dpi / 100):
            return
    if chosen is None:
        ax.set_xticks([])


def _title(heading: str, width: float) -> str:
    """Wrap the title to the figure's width, at most TITLE_LINES lines ("…" after that);
    the text alternative carries it in full."""
    per_line = int(width * 72 / (TITLE_SIZE * 0.64))
    lines = common.wrap(heading, per_line).split("\n")
    if len(lines) > TITLE_LINES:
        lines = lines[:TITLE_LINES]
        last = lines[-1]
        if len(last) > per_line - 2:
            last = last.rsplit(" ", 1)[0]
        lines[-1] = last.rstrip(" ,.;:") + " …"
    return "\n".join(lines)


def _plot(ax, data: IndicatorTrendData, series: IndicatorSeries, *, thumbnail: bool) -> tuple:
    """Draw the lines, the references and the hatched gaps; return the y span drawn."""
    values = [y for y in series.ys if not math.isnan(y)]
    values += [float(mark.value) for mark in data.trajectory]
    values += [float(m.value) for m in (data.baseline, data.target) if m is not None]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    pad = (high - low) * 0.12 or abs(high) * 0.12 or 1.0
    bottom = 0.0 if data.y_from_zero and low >= 0 else low - pad
    ax.set_ylim(bottom, high + pad)
    half = data.frequency.months / 2
    for gap in series.gaps:
        ax.axvspan(
            gap.x - half,
            gap.x + half,
            facecolor="white",
            edgecolor=GRID_STRONG,
            hatch=GAP_HATCH[gap.status],
            linewidth=0,
            zorder=0.5,
        )
    if data.trajectory and not thumbnail:
        ax.plot(
            [series.origin.months_until(m.period) for m in data.trajectory],
            [float(m.value) for m in data.trajectory],
            zorder=2,
            **TRAJECTORY,
        )
    measured = MEASURED | ({"linewidth": 1.6, "markersize": 2.5} if thumbnail else {})
    # NaN in ys is what breaks the line: matplotlib does not join across it.
    ax.plot(series.xs, series.ys, zorder=4, **measured)
    if data.target is not None:
        x = series.origin.months_until(data.target.period)
        y = float(data.target.value)
        ax.axhline(y, color=INK, linewidth=0.9, linestyle=(0, (1, 1.5)), zorder=1)
        target_style = TARGET | ({"markersize": 8} if thumbnail else {})
        # Not clipped: a target at the axis' end is still drawn whole.
        ax.plot([x], [y], zorder=5, clip_on=False, **target_style)
    if data.baseline is not None and not thumbnail:
        x = series.origin.months_until(data.baseline.period)
        ax.plot([x], [float(data.baseline.value)], zorder=5, clip_on=False, **BASELINE)
    periods = _axis_periods(data, series)
    if periods:
        first, last = (series.origin.months_until(p) for p in (periods[0], periods[-1]))
        margin = max(half, (last - first) * 0.025)  # room for a marker at either end
        ax.set_xlim(first - margin, last + margin)
    return periods, bottom, high + pad


def _value_labels(ax, data: IndicatorTrendData, series: IndicatorSeries, span, locale) -> None:
    """Write each measured value above its point (below, when the target runs just above)."""
    target = float(data.target.value) if data.target is not None else None
    for x, y in zip(series.xs, series.ys, strict=True):
        if math.isnan(y):
            continue
        below = target is not None and 0 <= (target - y) / span < 0.1
        ax.annotate(
            format_number(y, data.decimals, locale),
            xy=(x, y),
            xytext=(0, -8 if below else 7),
            textcoords="offset points",
            ha="center",
            va="top" if below else "bottom",
            fontsize=7.5,
            color=DARK,
            fontweight="bold",
            bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none"},
            zorder=6,
        )


def gap_note(data: IndicatorTrendData, series: IndicatorSeries, locale: str) -> str:
    """Name the periods without a value: "mangler: K2 2024 · skjult: 2021 (<5)"."""
    missing = [g for g in series.gaps if g.status is ObservationStatus.MISSING]
    hidden = [g for g in series.gaps if g.status is ObservationStatus.SUPPRESSED]
    parts = []
    if missing:
        names = ", ".join(period_label(g.period, data.frequency, locale) for g in missing)
        parts.append(f"{text('missing', locale)}: {names}")
    if hidden:
        default = text("suppressed", locale)
        names = ", ".join(
            period_label(g.period, data.frequency, locale)
            + (f" ({g.label})" if g.label != default else "")
            for g in hidden
        )
        parts.append(f"{default}: {names}")
    return " · ".join(parts)


def _draw(data: IndicatorTrendData, locale: str) -> common.Drawing:
    return _draw_at(data, locale, FULL)


def _draw_narrow(data: IndicatorTrendData, locale: str) -> common.Drawing:
    return _draw_at(data, locale, NARROW)


def _draw_at(data: IndicatorTrendData, locale: str, size: TrendSize) -> common.Drawing:
    series = prepare_series(data, locale)
    fig = common.new_figure(size.width, size.height, layout="constrained")
    ax = fig.add_subplot()
    periods, bottom, top = _plot(ax, data, series, thumbnail=False)
    if len(data.points) <= 14:
        _value_labels(ax, data, series, top - bottom, locale)
    ax.yaxis.set_major_formatter(common.axis_formatter(locale))
    ax.set_ylabel(common.wrap(data.unit, 28), fontsize=9)
    ax.grid(axis="y", color=GRID, linewidth=0.6, zorder=0)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(axis="x", labelsize=8.5)
    note = gap_note(data, series, locale)
    if note:
        ax.set_xlabel(
            common.wrap(note, int(size.width * 15)),
            loc="left",
            fontsize=8,
            color=MUTED,
            fontstyle="italic",
        )

    heading = data.title or text("indicator", locale)
    fig.suptitle(
        _title(heading, size.width), x=0.01, ha="left", fontsize=TITLE_SIZE, fontweight="bold"
    )
    better = (
        "higher_is_better" if data.direction is Direction.HIGHER_IS_BETTER else "lower_is_better"
    )
    ax.set_title(text(better, locale), loc="right", fontsize=8.5, fontweight="bold", color=INK)
    _draw_legend(fig, data, series, locale, size.legend_columns)
    _fit_ticks(fig, ax, series, _tick_choices(data, periods, locale))
    return common.Drawing(fig, heading, describe_indicator_trend(data, locale))


def _draw_thumbnail(data: IndicatorTrendData, locale: str) -> common.Drawing:
    series = prepare_series(data, locale)
    fig = common.new_figure(
        THUMB_WIDTH, THUMB_HEIGHT, layout=ConstrainedLayoutEngine(w_pad=0.02, h_pad=0.02)
    )
    ax = fig.add_subplot()
    periods, _bottom, _top = _plot(ax, data, series, thumbnail=True)
    ax.yaxis.set_major_locator(MaxNLocator(3))
    ax.yaxis.set_major_formatter(common.axis_formatter(locale))
    ax.tick_params(labelsize=7, length=2, pad=1.5)
    ax.grid(axis="y", color=GRID, linewidth=0.5, zorder=0)
    ax.spines[["top", "right"]].set_visible(False)
    ends = [periods[0], periods[-1]] if len(periods) > 1 else periods
    _fit_ticks(fig, ax, series, [(ends, [period_label(p, data.frequency, locale) for p in ends])])
    heading = data.title or text("indicator", locale)
    return common.Drawing(fig, heading, describe_indicator_trend(data, locale))


def _draw_legend(
    fig, data: IndicatorTrendData, series: IndicatorSeries, locale, columns: int
) -> None:
    """Name what is drawn, in the page's words; the references carry their values."""
    handles: list[Artist] = [Line2D([], [], **MEASURED, label=text("measured", locale))]
    if data.trajectory:
        handles.append(Line2D([], [], **TRAJECTORY, label=text("trajectory", locale)))
    if data.baseline is not None:
        label = _mark_label("indicator_baseline", data.baseline, data, locale)
        handles.append(Line2D([], [], **BASELINE, label=label))
    if data.target is not None:
        label = _mark_label("target", data.target, data, locale)
        handles.append(Line2D([], [], **TARGET, label=label))
    statuses = {gap.status for gap in series.gaps}
    if ObservationStatus.SUPPRESSED in statuses:
        handles.append(_gap_patch(ObservationStatus.SUPPRESSED, text("suppressed_legend", locale)))
    if ObservationStatus.MISSING in statuses:
        handles.append(_gap_patch(ObservationStatus.MISSING, text("missing_legend", locale)))
    fig.legend(
        handles=handles,
        loc="outside lower left",
        ncols=columns,
        fontsize=8,
        handlelength=2.4,
        columnspacing=1.2,
    )
