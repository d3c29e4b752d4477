"""Budget charts: baseline, forecast and actual per year (grouped bars, optionally one panel
per track), and the cumulative spend curve against the approved budget."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from portfolio.charts import common
from portfolio.charts.common import DARK, GRID, GRID_STRONG, INK, LIGHT, MUTED
from portfolio.charts.data import BudgetPanel, BudgetYear, BudgetYearsData, CumulativeSpendData
from portfolio.charts.labels import text
from portfolio.core.i18n import format_amount, format_mio

KINDS = ("baseline", "forecast", "actual")

# Three greys and two patterns: diagonals on white, horizontals on light, solid dark.
# (Dots would do too, but a dotted hatch costs a quarter of a megabyte of SVG.)
BAR_STYLES = {
    "baseline": {"facecolor": "white", "edgecolor": INK, "hatch": "////"},
    "forecast": {"facecolor": LIGHT, "edgecolor": INK, "hatch": "---"},
    "actual": {"facecolor": DARK, "edgecolor": INK, "hatch": None},
}
BAR_WIDTH = 0.26


@dataclass(frozen=True)
class BarSlot:
    """One bar's place: x, which kind, and the amount (None: nothing to draw)."""

    year: int
    kind: str
    x: float
    value: Decimal | None


def bar_slots(panel: BudgetPanel) -> list[BarSlot]:
    """Return the bars of a panel, year by year; a missing amount is None, never 0."""
    slots = []
    for index, year in enumerate(panel.years):
        for offset, kind in zip((-1, 0, 1), KINDS, strict=True):
            value = getattr(year, kind)
            slots.append(
                BarSlot(
                    year.year,
                    kind,
                    index + offset * (BAR_WIDTH + 0.02),
                    None if value is None else Decimal(value),
                )
            )
    return slots


def describe_budget_years(data: BudgetYearsData, locale: str = "da") -> str:
    """Return a text alternative listing each panel's amounts per year."""
    parts = []
    for panel in data.panels:
        years = []
        for year in panel.years:
            values = []
            for kind in KINDS:
                value = getattr(year, kind)
                shown = format_amount(value, locale) if value is not None else "–"
                values.append(f"{text(kind, locale).lower()} {shown}")
            years.append(f"{year.year}: {', '.join(values)}")
        parts.append(f"{panel.label}: " + "; ".join(years))
    unit = text("mio_kr", locale)
    if locale == "en":
        head = f"Budget by year for {data.title} ({unit})"
    else:
        head = f"Budget pr. år for {data.title} ({unit})"
    return common.sentences([head, *parts])


def build_budget_years(data: BudgetYearsData, *, locale: str = "da", fmt: str = "svg") -> bytes:
    """Draw grouped bars per year (one panel per track if given) and return SVG/PNG bytes."""
    return common.render(_draw_years, data, locale, fmt)


def _draw_years(data: BudgetYearsData, locale: str) -> common.Drawing:
    count = len(data.panels)
    columns = 1 if count == 1 else 2
    rows = math.ceil(count / columns)
    panel_width, panel_height = (9.0, 4.6) if count == 1 else (5.3, 3.3)
    top, bottom = 1.15, 0.55
    width = panel_width * columns + 0.3
    height = top + panel_height * rows + bottom
    fig = common.new_figure(width, height)
    axes = fig.subplots(
        rows,
        columns,
        sharey=True,
        squeeze=False,
        gridspec_kw={
            "left": 0.9 / width,
            "right": 1 - 0.25 / width,
            "top": 1 - top / height,
            "bottom": bottom / height,
            "hspace": 0.32,
            "wspace": 0.1,
        },
    )
    highest = max(
        (slot.value for panel in data.panels for slot in bar_slots(panel) if slot.value),
        default=Decimal(1),
    )
    small = count > 1
    for index, ax in enumerate(axes.flat):
        if index >= count:
            ax.set_visible(False)
            continue
        _draw_panel(ax, data.panels[index], float(highest), small, locale)
        if index % columns == 0:
            ax.set_ylabel(text("mio_kr", locale))
    title = data.title
    heading = f"{text('budget_years', locale)}: {title}" if title else text("budget_years", locale)
    fig.text(0.012, 1 - 0.2 / height, heading, fontsize=13, fontweight="bold", va="top")
    fig.legend(
        handles=[Patch(**BAR_STYLES[kind], label=text(kind, locale)) for kind in KINDS],
        loc="upper left",
        bbox_to_anchor=(0.9 / width, 1 - 0.55 / height),
        ncols=3,
        fontsize=8.5,
        handlelength=2.2,
        handleheight=1.2,
    )
    return common.Drawing(fig, heading, describe_budget_years(data, locale))


def _draw_panel(ax, panel: BudgetPanel, highest: float, small: bool, locale: str) -> None:
    label_size = 6.5 if small else 8
    for slot in bar_slots(panel):
        if slot.value is None:
            # No bar for a missing figure: a zero-height bar would read as "spent nothing".
            ax.text(
                slot.x,
                highest * 0.02,
                text("no_data", locale),
                rotation=90,
                ha="center",
                va="bottom",
                fontsize=label_size,
                fontstyle="italic",
                color=MUTED,
            )
            continue
        ax.bar(
            slot.x,
            float(slot.value),
            width=BAR_WIDTH,
            linewidth=0.8,
            zorder=2,
            **BAR_STYLES[slot.kind],
        )
        ax.text(
            slot.x,
            float(slot.value) + highest * 0.015,
            format_amount(slot.value, locale),
            ha="center",
            va="bottom",
            fontsize=label_size,
            zorder=3,
        )
    ax.set_xticks(range(len(panel.years)), [str(year.year) for year in panel.years])
    ax.set_xlim(-0.6, len(panel.years) - 0.4)
    ax.set_ylim(0, highest * 1.15)
    ax.yaxis.set_major_formatter(common.axis_formatter(locale))
    ax.grid(axis="y", color=GRID, linewidth=0.6, zorder=0)
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(axis="x", length=0)
    ax.set_title(
        common.wrap(panel.label, 60 if small else 100),
        fontsize=9.5 if small else 10.5,
        fontweight="bold",
        loc="left",
    )


# --------------------------------------------------------------------------- cumulative


@dataclass(frozen=True)
class CumulativeSeries:
    """Running totals by year; None where the running total is not known.

    `baseline` and `actual` stop at their first missing year (a running total cannot skip
    a year). `estimate` runs over each year's part of the estimate at completion, so it
    ends at the figure the budget page, the cost light and the workbook show; it is drawn
    from the last year in which it still equals the actual spend (the closed years), so the
    dashed line continues the solid one.
    """

    years: tuple[int, ...]
    baseline: tuple[Decimal | None, ...]
    actual: tuple[Decimal | None, ...]
    estimate: tuple[Decimal | None, ...]

    @property
    def last_actual_index(self) -> int | None:
        known = [i for i, value in enumerate(self.actual) if value is not None]
        return known[-1] if known else None


def _running(values: list[Decimal | int | None]) -> list[Decimal | None]:
    total = Decimal(0)
    result: list[Decimal | None] = []
    stopped = False
    for value in values:
        if value is None or stopped:
            stopped = True
            result.append(None)
            continue
        total += Decimal(value)
        result.append(total)
    return result


def _estimate_parts(years: tuple[BudgetYear, ...]) -> list[Decimal | int | None]:
    """Each year's part of the estimate: as the budget gives it, or (for data without
    estimates) the actual spend up to the last year of it, then the forecast."""
    if any(year.estimate is not None for year in years):
        return [year.estimate for year in years]
    actual = _running([year.actual for year in years])
    known = [i for i, value in enumerate(actual) if value is not None]
    last = known[-1] if known else -1
    return [year.actual if i <= last else year.forecast for i, year in enumerate(years)]


def cumulative_series(years: tuple[BudgetYear, ...]) -> CumulativeSeries:
    """Cumulate baseline, actual and the estimate at completion over the years."""
    baseline = _running([year.baseline for year in years])
    actual = _running([year.actual for year in years])
    parts = _estimate_parts(years)
    running = _running(parts)
    # The dashed line starts where it leaves the solid one: the last of the first years
    # whose estimate is their actual spend.
    start = None
    for index, year in enumerate(years):
        if year.actual is None or parts[index] != year.actual:
            break
        start = index
    estimate: list[Decimal | None] = [
        value if start is None or index >= start else None for index, value in enumerate(running)
    ]
    if start is not None and all(value is None for value in estimate[start + 1 :]):
        estimate[start] = None  # nothing estimated after the actuals: no dashed line at all
    return CumulativeSeries(
        tuple(year.year for year in years), tuple(baseline), tuple(actual), tuple(estimate)
    )


def _gap_words(difference: Decimal, locale: str) -> tuple[str, str]:
    """Name a spend-minus-budget difference: (Merforbrug|Mindreforbrug|Som budgetteret, amount)."""
    if difference > 0:
        return text("overspend", locale), format_mio(difference, locale)
    if difference < 0:
        return text("underspend", locale), format_mio(-difference, locale)
    return text("on_budget", locale), format_mio(Decimal(0), locale)


def spend_gaps(series: CumulativeSeries) -> dict[str, tuple[int, Decimal] | None]:
    """Return the spend-minus-budget gap to date and at the end, with the year of each."""
    gaps: dict[str, tuple[int, Decimal] | None] = {"to_date": None, "at_end": None}
    last = series.last_actual_index
    if last is not None and series.baseline[last] is not None:
        gaps["to_date"] = (series.years[last], series.actual[last] - series.baseline[last])
    end = len(series.years) - 1
    if series.estimate[end] is not None and series.baseline[end] is not None:
        gaps["at_end"] = (series.years[end], series.estimate[end] - series.baseline[end])
    return gaps


def gap_sentences(series: CumulativeSeries, locale: str) -> list[tuple[str, str]]:
    """Return (key, sentence) for the gap to date and the expected gap at the end."""
    gaps = spend_gaps(series)
    sentences = []
    if gaps["to_date"]:
        year, difference = gaps["to_date"]
        what, shown = _gap_words(difference, locale)
        sentences.append(
            ("to_date", text("gap_to_date", locale, what=what, year=year, amount=shown))
        )
    if gaps["at_end"]:
        year, difference = gaps["at_end"]
        what, shown = _gap_words(difference, locale)
        sentences.append(
            ("at_end", text("gap_at_end", locale, what=what.lower(), year=year, amount=shown))
        )
    return sentences


def describe_cumulative_spend(data: CumulativeSpendData, locale: str = "da") -> str:
    """Return a text alternative: the running totals and the gaps to date and at the end."""
    series = cumulative_series(data.years)
    span = f"{series.years[0]}–{series.years[-1]}"
    if locale == "en":
        head = f"Cumulative spend for {data.title}, {span}"
    else:
        head = f"Akkumuleret forbrug for {data.title}, {span}"
    totals = []
    for name in ("baseline", "actual", "estimate"):
        values = getattr(series, name)
        known = [i for i, value in enumerate(values) if value is not None]
        if known:
            last = known[-1]
            totals.append(
                f"{text(name, locale)} {series.years[last]}: {format_mio(values[last], locale)}"
            )
    gaps = [sentence for _key, sentence in gap_sentences(series, locale)]
    return common.sentences([head, *totals, *gaps])


def build_cumulative_spend(
    data: CumulativeSpendData, *, locale: str = "da", fmt: str = "svg"
) -> bytes:
    """Draw cumulative baseline against actual and forecast spend; return SVG/PNG bytes."""
    return common.render(_draw_cumulative, data, locale, fmt)


_LINES = {
    # Line style and marker tell the three apart; DARK against INK adds a second cue.
    "baseline": {
        "color": INK,
        "linestyle": "-",
        "linewidth": 1.4,
        "marker": "o",
        "markerfacecolor": "white",
        "markersize": 6,
    },
    "actual": {"color": DARK, "linestyle": "-", "linewidth": 2.8, "marker": "s", "markersize": 6},
    "estimate": {
        "color": DARK,
        "linestyle": (0, (5, 2.5)),
        "linewidth": 2,
        "marker": "^",
        "markerfacecolor": "white",
        "markersize": 7,
    },
}
GAP_LETTERS = {"to_date": "A", "at_end": "B"}
CUMULATIVE_WIDTH, CUMULATIVE_HEIGHT = 9.5, 6.0
PLOT_AREA = (0.08, 0.22, 0.62, 0.58)  # left, bottom, width, height in figure fractions


def _draw_cumulative(data: CumulativeSpendData, locale: str) -> common.Drawing:
    series = cumulative_series(data.years)
    fig = common.new_figure(CUMULATIVE_WIDTH, CUMULATIVE_HEIGHT)
    ax = fig.add_axes(PLOT_AREA)
    xs = list(range(len(series.years)))
    highest = max(
        (float(v) for s in (series.baseline, series.actual, series.estimate) for v in s if v),
        default=1.0,
    )
    top = highest * 1.12
    for name in ("baseline", "estimate", "actual"):
        values = getattr(series, name)
        # NaN breaks the line: a running total with a hole in it is not drawn across.
        ys = [math.nan if value is None else float(value) for value in values]
        ax.plot(xs, ys, zorder=3, **_LINES[name])
    # A year without actual spend before one with it is a hole in the data: mark it, since
    # the running total stops there. Years after the last actual spend are simply future.
    reported = [i for i, year in enumerate(data.years) if year.actual is not None]
    for index in xs:
        if reported and index < reported[-1] and data.years[index].actual is None:
            ax.annotate(
                text("no_data", locale),
                xy=(index, 0),
                xytext=(0, 4),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=7,
                fontstyle="italic",
                color=MUTED,
            )
    ax.set_xticks(xs, [str(year) for year in series.years])
    ax.set_xlim(-0.3, len(xs) - 1 + 0.3)
    ax.set_ylim(0, top)
    ax.yaxis.set_major_formatter(common.axis_formatter(locale))
    ax.set_ylabel(text("mio_kr", locale))
    ax.set_xlabel(text("year_end", locale))
    ax.grid(axis="y", color=GRID, linewidth=0.6, zorder=0)
    ax.spines[["top", "right"]].set_visible(False)
    _shade_gap(ax, series)
    _draw_gaps(ax, series)
    _label_line_ends(fig, ax, series, top, locale)
    heading = (
        f"{text('cumulative_spend', locale)}: {data.title}"
        if data.title
        else text("cumulative_spend", locale)
    )
    fig.text(0.012, 0.97, heading, fontsize=13, fontweight="bold", va="top")
    handles = [
        Line2D([], [], **_LINES[name], label=text(name, locale))
        for name in ("baseline", "actual", "estimate")
    ]
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(PLOT_AREA[0], 0.9), ncols=3)
    notes = [f"{GAP_LETTERS[key]}  {sentence}" for key, sentence in gap_sentences(series, locale)]
    if notes:
        fig.text(PLOT_AREA[0], 0.085, "\n".join(notes), fontsize=9, va="top", linespacing=1.6)
    return common.Drawing(fig, heading, describe_cumulative_spend(data, locale))


def _shade_gap(ax, series: CumulativeSeries) -> None:
    """Shade between the budget and the spend curve (actual, then forecast) where both exist.

    NaN where either is unknown leaves a hole rather than bridging one.
    """
    budget, spend = [], []
    for index, planned in enumerate(series.baseline):
        spent = series.actual[index] if series.actual[index] is not None else series.estimate[index]
        known = planned is not None and spent is not None
        budget.append(float(planned) if known else math.nan)
        spend.append(float(spent) if known else math.nan)
    ax.fill_between(range(len(budget)), budget, spend, color="#e3e3e3", linewidth=0, zorder=1)


def _draw_gaps(ax, series: CumulativeSeries) -> None:
    """Bracket each gap between budget and spend, lettered to its sentence below the chart.

    A letter fits between two close lines where a sentence would cover them.
    """
    for key, gap in spend_gaps(series).items():
        if gap is None or gap[1] == 0:
            continue
        index = series.years.index(gap[0])
        spend = series.actual[index] if key == "to_date" else series.estimate[index]
        budget = series.baseline[index]
        x = index - 0.09  # just left of the markers, which sit on the year
        ax.annotate(
            "",
            xy=(x, float(spend)),
            xytext=(x, float(budget)),
            arrowprops={
                "arrowstyle": "|-|",
                "color": INK,
                "linewidth": 1,
                "shrinkA": 0,
                "shrinkB": 0,
                "mutation_scale": 3,
            },
            zorder=4,
        )
        ax.annotate(
            GAP_LETTERS[key],
            xy=(x, (float(spend) + float(budget)) / 2),
            xytext=(-5, 0),
            textcoords="offset points",
            ha="right",
            va="center",
            fontsize=8.5,
            fontweight="bold",
            bbox={"boxstyle": "circle,pad=0.15", "facecolor": "white", "edgecolor": INK},
            zorder=5,
        )


def _label_line_ends(fig, ax, series: CumulativeSeries, top: float, locale: str) -> None:
    """Name each line at its end: in the right margin if it runs to the last year (nudged
    apart so none overlap), else just below and right of its last point, where a rising
    running total leaves room."""
    last_year = len(series.years) - 1
    ends = []
    for name in ("baseline", "actual", "estimate"):
        values = getattr(series, name)
        known = [i for i, value in enumerate(values) if value is not None]
        if known:
            ends.append((name, known[-1], values[known[-1]]))
    left, bottom, width, height = PLOT_AREA
    gap = 13 / 72 / CUMULATIVE_HEIGHT  # one label's height in figure fractions
    placed: list[float] = []
    for name, index, value in sorted(ends, key=lambda end: end[2]):
        label = f"{text(name, locale)}: {format_amount(value, locale)}"
        weight = "bold" if name == "actual" else "normal"
        if index < last_year:
            ax.annotate(
                label,
                xy=(index, float(value)),
                xytext=(9, -11),
                textcoords="offset points",
                ha="left",
                va="top",
                fontsize=8.5,
                fontweight=weight,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
                zorder=5,
            )
            continue
        y = bottom + height * float(value) / top
        if placed and y < placed[-1] + gap:
            y = placed[-1] + gap
        placed.append(y)
        ax.annotate(
            label,
            xy=(index, float(value)),
            xytext=(left + width + 0.015, y),
            textcoords="figure fraction",
            ha="left",
            va="center",
            fontsize=8.5,
            fontweight=weight,
            arrowprops={
                "arrowstyle": "-",
                "color": GRID_STRONG,
                "linewidth": 0.6,
                "shrinkA": 2,
                "shrinkB": 5,
            },
            annotation_clip=False,
        )
