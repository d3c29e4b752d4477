"""The programme's timeline as a Gantt chart: phases, waves, tracks with their projects,
milestones (with slip), today's line and the current phase."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from babel.dates import format_date
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from portfolio.charts import common
from portfolio.charts.common import (
    DARK,
    GRID,
    GRID_STRONG,
    HIGHLIGHT,
    INK,
    LIGHT,
    MEDIUM,
    MUTED,
)
from portfolio.charts.data import Milestone, PeriodKind, TimelineData, TimelinePeriod
from portfolio.charts.labels import text
from portfolio.core.months import Month
from portfolio.core.validators import is_plausible_day

WIDTH = 11.69  # A4 landscape, inches
LABEL_COLUMN = 3.7  # inches kept left of the time axis for the row labels
RIGHT_MARGIN = 0.35
TOP = 1.35  # title, subtitle, year and month scale
BOTTOM = 1.0  # today's label and the legend
LABEL_WIDTH = 50  # characters per label line
LINE_HEIGHT = 0.15  # inches per extra label line
ROW_HEIGHT = 0.3
BAR_FRACTION = 0.58  # of a single-line row's height


class RowKind(enum.StrEnum):
    HEADER = "header"
    PHASE = "phase"
    WAVE = "wave"
    TRACK = "track"
    PROJECT = "project"
    MILESTONE = "milestone"


@dataclass(frozen=True)
class Row:
    """One row of the chart: a label, an optional bar, a note in place of a bar, markers."""

    kind: RowKind
    label: str
    start: Month | None = None
    end: Month | None = None
    note: str | None = None
    milestones: tuple[Milestone, ...] = ()
    is_current: bool = False

    @property
    def has_bar(self) -> bool:
        return self.start is not None and self.end is not None


def axis_range(data: TimelineData) -> tuple[Month, Month]:
    """Return the first and last month shown: everything dated, unless the caller says."""
    months: list[Month] = []
    for period in data.periods:
        months += [period.start, period.end]
    for track in data.tracks:
        for project in track.projects:
            months += [m for m in (project.start, project.end) if m is not None]
            months += _milestone_months(project.milestones)
    months += _milestone_months(data.milestones)
    if not months:
        months = [Month.of(data.today)]
    first, last = data.start or min(months), data.end or max(months)
    # A caller's start after everything dated (or end before it) still gives one month.
    return first, max(first, last)


def _milestone_months(milestones: tuple[Milestone, ...]) -> list[Month]:
    found = []
    for milestone in milestones:
        if not is_drawable(milestone):
            continue
        found.append(Month.of(milestone.planned))
        if milestone.forecast is not None:
            found.append(Month.of(milestone.forecast))
    return found


def is_drawable(milestone: Milestone) -> bool:
    """Tell whether a milestone's dates lie in the years forms take (1900–2200).

    Older rows may hold others (0001, 9999); such a milestone is left off the chart rather
    than stretching its axis over millennia or past the calendar's end.
    """
    return is_plausible_day(milestone.planned) and (
        milestone.forecast is None or is_plausible_day(milestone.forecast)
    )


def current_phases(data: TimelineData) -> tuple[TimelinePeriod, ...]:
    """Return the phase the programme is in today (empty outside every phase).

    Phases overlap when one hands over to the next; the one begun last is the current one,
    and of two begun together the one that ends first (the same rule as the pages use).
    """
    today = Month.of(data.today)
    covering = [p for p in data.periods if p.kind is PeriodKind.PHASE and p.covers(today)]
    if not covering:
        return ()
    return (max(covering, key=lambda p: (p.start, -(p.end.year * 12 + p.end.month))),)


def layout_rows(data: TimelineData, locale: str = "da") -> list[Row]:
    """Return the chart's rows from top to bottom (the pure part of the builder)."""
    current = set(current_phases(data))
    rows: list[Row] = []
    for kind, header in ((PeriodKind.PHASE, "phases"), (PeriodKind.WAVE, "waves")):
        periods = [p for p in data.periods if p.kind is kind]
        if periods:
            rows.append(Row(RowKind.HEADER, text(header, locale)))
        row_kind = RowKind.PHASE if kind is PeriodKind.PHASE else RowKind.WAVE
        rows += [Row(row_kind, p.name, p.start, p.end, is_current=p in current) for p in periods]
    for track in data.tracks:
        label = (
            track.name
            if track.number is None
            else f"{text('track', locale)} {track.number}: {track.name}"
        )
        rows.append(Row(RowKind.TRACK, label))
        for project in track.projects:
            rows.append(
                Row(
                    RowKind.PROJECT,
                    f"{project.code} {project.name}",
                    project.start,
                    project.end,
                    note=_dating_note(project.start, project.end, locale),
                    milestones=project.milestones,
                )
            )
    if data.milestones:
        rows.append(Row(RowKind.HEADER, text("milestones", locale)))
        rows += [Row(RowKind.MILESTONE, m.label, milestones=(m,)) for m in data.milestones]
    return rows


def bar_extent(first: Month, start: Month, end: Month) -> tuple[int, int]:
    """Return a bar's left edge and width in months: from the first day of its start month
    to the last day of its end month, both months included."""
    return first.months_until(start), start.months_until(end) + 1


def _dating_note(start: Month | None, end: Month | None, locale: str) -> str | None:
    if start is None and end is None:
        return text("not_dated", locale)
    if end is None:
        return text("start_only", locale, start=common.month_year(start, locale))
    if start is None:
        return text("end_only", locale, end=common.month_year(end, locale))
    return None


def describe_timeline(data: TimelineData, locale: str = "da") -> str:
    """Return a one-paragraph text alternative for the chart."""
    first, last = axis_range(data)
    rows = layout_rows(data, locale)
    projects = [r for r in rows if r.kind is RowKind.PROJECT]
    undated = sum(1 for r in projects if not r.has_bar)
    phases = current_phases(data)
    current = " / ".join(p.name for p in phases) or text("no_current_phase", locale)
    span = f"{common.month_year(first, locale)} – {common.month_year(last, locale)}"
    counts = {
        "phases": sum(1 for p in data.periods if p.kind is PeriodKind.PHASE),
        "waves": sum(1 for p in data.periods if p.kind is PeriodKind.WAVE),
        "tracks": len(data.tracks),
        "projects": len(projects),
        "milestones": len(data.milestones) + sum(len(r.milestones) for r in projects),
    }
    if locale == "en":
        return (
            f"Timeline of {data.title}, {span}: {counts['phases']} phases, "
            f"{counts['waves']} waves, {counts['tracks']} tracks with {counts['projects']} "
            f"projects ({undated} not dated) and {counts['milestones']} milestones. "
            f"Today is {common.long_day(data.today, locale)}; current phase: {current}."
        )
    return (
        f"Tidsplan for {data.title}, {span}: {counts['phases']} faser, "
        f"{counts['waves']} bølger, {counts['tracks']} spor med {counts['projects']} "
        f"projekter ({undated} ikke dateret) og {counts['milestones']} milepæle. "
        f"I dag er {common.long_day(data.today, locale)}; aktuel fase: {current}."
    )


def build_timeline(data: TimelineData, *, locale: str = "da", fmt: str = "svg") -> bytes:
    """Draw the timeline and return it as SVG (or PNG) bytes."""
    return common.render(_draw, data, locale, fmt)


# --------------------------------------------------------------------------- drawing


def _row_height(row: Row) -> float:
    lines = common.wrap(row.label, LABEL_WIDTH).count("\n") + 1
    return ROW_HEIGHT + LINE_HEIGHT * (lines - 1) + (0.06 if row.kind is RowKind.HEADER else 0)


def _text_inches(label: str, size: float) -> float:
    """Estimate a label's width; DejaVu Sans averages a little over half an em per glyph."""
    return len(label) * size * 0.6 / 72


def _draw(data: TimelineData, locale: str) -> common.Drawing:
    rows = layout_rows(data, locale)
    first, last = axis_range(data)
    span = first.months_until(last) + 1
    heights = [_row_height(row) for row in rows]
    body = max(sum(heights), ROW_HEIGHT)
    height = TOP + body + BOTTOM
    fig = common.new_figure(WIDTH, height)
    axes_width = WIDTH - LABEL_COLUMN - RIGHT_MARGIN
    ax = fig.add_axes((LABEL_COLUMN / WIDTH, BOTTOM / height, axes_width / WIDTH, body / height))
    inches_per_month = axes_width / span

    ax.set_xlim(0, span)
    ax.set_ylim(body, 0)  # the first row at the top
    ax.set_yticks([])
    ax.set_xticks([])
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_color(GRID_STRONG)

    _draw_scale(ax, first, span, inches_per_month, locale)

    top = 0.0
    for row, row_height in zip(rows, heights, strict=True):
        _draw_row(ax, row, top, row_height, first, span, inches_per_month, locale)
        top += row_height

    draw_today(ax, data.today, first, span, locale)

    phases = current_phases(data)
    current = " / ".join(p.name for p in phases) or text("no_current_phase", locale)
    title = f"{text('timeline', locale)}: {data.title}" if data.title else text("timeline", locale)
    fig.text(0.012, 1 - 0.22 / height, title, fontsize=13, fontweight="bold", va="top")
    subtitle = (
        f"{text('current_phase', locale)}: {current}   ·   "
        f"{text('today', locale)}: {common.long_day(data.today, locale)}"
    )
    fig.text(0.012, 1 - 0.5 / height, subtitle, fontsize=9.5, color=MUTED, va="top")
    _draw_legend(fig, rows, height, locale)
    return common.Drawing(fig, title, describe_timeline(data, locale))


# Below these widths a month's gridline or initial would only blur into its neighbours;
# a timeline spanning decades shows years (every 2nd, 5th, 10th … when they are narrow).
MONTH_LINES_FROM = 0.03  # inches per month
MONTH_LABELS_FROM = 0.08
YEAR_LABEL_ROOM = 0.35  # inches a year label needs
YEAR_STEPS = (1, 2, 5, 10, 20, 50, 100)


def _draw_scale(ax, first: Month, span: int, inches_per_month: float, locale: str) -> None:
    """Draw month gridlines, stronger year lines, month initials and year labels on top."""
    step = next(
        (s for s in YEAR_STEPS if s * 12 * inches_per_month >= YEAR_LABEL_ROOM), YEAR_STEPS[-1]
    )
    for index in range(span + 1):
        month = first.add(index)
        is_year = month.month == 1
        if not is_year and inches_per_month < MONTH_LINES_FROM:
            continue
        if is_year and month.year % step and inches_per_month < MONTH_LINES_FROM:
            continue
        ax.axvline(
            index,
            color=GRID_STRONG if is_year else GRID,
            linewidth=0.9 if is_year else 0.5,
            zorder=0,
        )
        if index == span or inches_per_month < MONTH_LABELS_FROM:
            continue
        # Whole names when there is room, initials when months are narrow.
        pattern = "MMM" if inches_per_month >= 0.4 else "MMMMM"
        ax.annotate(
            format_date(month.first_day, pattern, locale=locale),
            xy=(index + 0.5, 1),
            xycoords=("data", "axes fraction"),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=6.5,
            color=MUTED,
        )
    last = first.add(span - 1)
    year = first.year
    while year <= last.year:
        if step > 1:
            if year % step == 0:
                ax.annotate(
                    str(year),
                    xy=(first.months_until(Month(year, 1)), 1),
                    xycoords=("data", "axes fraction"),
                    xytext=(0, 14),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    fontsize=7.5,
                    fontweight="bold",
                )
            year += 1
            continue
        shown_from = max(first, Month(year, 1))
        shown_to = min(last, Month(year, 12))
        months_shown = shown_from.months_until(shown_to) + 1
        # A year with only a month or two on the axis still gets its label, set smaller.
        if months_shown * inches_per_month >= 0.2:
            ax.annotate(
                str(year),
                xy=(first.months_until(shown_from) + months_shown / 2, 1),
                xycoords=("data", "axes fraction"),
                xytext=(0, 14),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=9 if months_shown >= 3 else 7.5,
                fontweight="bold",
            )
        year += 1


_BAR_STYLE = {
    # Phases solid mid-tone, waves hatched on white, projects light with a dark edge: apart
    # in grey as well as in colour. Projects stay light so milestone markers show on them.
    RowKind.PHASE: {"facecolor": MEDIUM, "edgecolor": INK, "hatch": None},
    RowKind.WAVE: {"facecolor": "white", "edgecolor": DARK, "hatch": "////"},
    RowKind.PROJECT: {"facecolor": LIGHT, "edgecolor": DARK, "hatch": None},
}


def _draw_row(ax, row: Row, top, row_height, first, span, inches_per_month, locale) -> None:
    centre = top + row_height / 2
    label = common.wrap(row.label, LABEL_WIDTH)
    if row.kind in (RowKind.HEADER, RowKind.TRACK):
        ax.axhspan(top, top + row_height, color="#efefef", zorder=0.5, linewidth=0)
    if row.is_current:
        ax.axhspan(top, top + row_height, color=HIGHLIGHT, zorder=0.5, linewidth=0)
    # Rows belonging to a header or track are set in, so the groups read as groups.
    indent = 0 if row.kind in (RowKind.HEADER, RowKind.TRACK) else 14
    weight = "bold" if row.kind in (RowKind.HEADER, RowKind.TRACK) or row.is_current else "normal"
    ax.annotate(
        label,
        xy=(0, centre),
        xycoords=("axes fraction", "data"),
        xytext=(-(LABEL_COLUMN - 0.12) * 72 + indent, 0),
        textcoords="offset points",
        ha="left",
        va="center",
        fontsize=10 if row.kind is RowKind.HEADER else 8.5,
        fontweight=weight,
        linespacing=1.15,
    )
    bar_height = ROW_HEIGHT * BAR_FRACTION
    if row.has_bar:
        left, width = bar_extent(first, row.start, row.end)
        style = _BAR_STYLE[row.kind]
        ax.barh(
            centre,
            width,
            left=left,
            height=bar_height,
            facecolor=style["facecolor"],
            edgecolor=style["edgecolor"],
            hatch=style["hatch"],
            linewidth=2.2 if row.is_current else 0.8,
            zorder=2,
        )
        dates = f"{common.month_year(row.start, locale)} – {common.month_year(row.end, locale)}"
        if row.is_current:
            dates += "  " + text("current_marker", locale)
        if left < span and left + width > 0:  # a bar the caller's axis cuts off gets no label
            _bar_label(ax, dates, left, width, centre, span, inches_per_month, row)
    elif row.note:
        # A project known only to start is noted from its start; an undated one at the left.
        x = first.months_until(row.start) if row.start is not None else 0.15
        ax.text(
            x,
            centre,
            row.note,
            ha="left",
            va="center",
            fontsize=8,
            fontstyle="italic",
            color=MUTED,
            zorder=3,
            bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": GRID_STRONG},
        )
    _draw_milestones(ax, row, centre, first, span, inches_per_month, locale)


def _bar_label(ax, label, left, width, centre, span, inches_per_month, row) -> None:
    """Write the bar's dates beside it, inside it, or before it: wherever there is room."""
    # Only the part of the bar on the axis counts, should the caller's axis cut it off.
    right = min(left + width, span)
    left = max(left, 0)
    width = right - left
    needed = _text_inches(label, 7.5) + 0.1
    room_right = (span - left - width) * inches_per_month
    room_inside = width * inches_per_month
    room_left = left * inches_per_month
    options = {"va": "center", "fontsize": 7.5, "zorder": 4}
    if room_right >= needed:
        ax.text(left + width + 0.25, centre, label, ha="left", **options)
    elif room_inside >= needed:
        # Inside, from the bar's start and above today's line: the white box keeps the
        # dates readable on a hatched bar, and the line is only briefly hidden.
        ax.text(
            left + 0.4,
            centre,
            label,
            ha="left",
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
            **{**options, "zorder": 8},
        )
    elif room_left >= needed:
        ax.text(left - 0.25, centre, label, ha="right", **options)
    else:
        # No room anywhere: inside after all, over the bar's end, clipped at the axis.
        ax.text(left + 0.4, centre, label, ha="left", clip_on=True, **{**options, "zorder": 8})


def _draw_milestones(ax, row: Row, centre, first, span, inches_per_month, locale) -> None:
    for index, milestone in enumerate(row.milestones):
        if not is_drawable(milestone):
            continue
        planned = common.day_position(first, milestone.planned)
        forecast = (
            common.day_position(first, milestone.forecast) if milestone.has_slipped else planned
        )
        if not (0 <= planned <= span or 0 <= forecast <= span):
            continue  # off the caller's axis: its label would land among the row labels
        ax.plot(
            [planned],
            [centre],
            marker="D",
            markersize=7,
            color=INK,
            markeredgecolor=INK,
            zorder=5,
            linestyle="none",
        )
        end = planned
        if milestone.has_slipped:
            end = max(planned, forecast)
            ax.annotate(
                "",
                xy=(forecast, centre),
                xytext=(planned, centre),
                arrowprops={
                    "arrowstyle": "-|>",
                    "color": INK,
                    "linestyle": (0, (2, 1.5)),
                    "linewidth": 1.1,
                    "shrinkA": 5,
                    "shrinkB": 5,
                },
                zorder=5,
            )
            ax.plot(
                [forecast],
                [centre],
                marker="D",
                markersize=7,
                markerfacecolor="white",
                markeredgecolor=INK,
                markeredgewidth=1.3,
                zorder=6,
                linestyle="none",
            )
        label = _milestone_label(milestone, row.kind is RowKind.PROJECT, locale)
        if row.kind is RowKind.PROJECT:
            # On a project's bar: a short label above it, staggered so neighbours differ.
            ax.annotate(
                label,
                xy=(planned, centre),
                xytext=(0, 7 + 7 * (index % 2)),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=6.5,
                zorder=6,
                bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none"},
            )
            continue
        needed = _text_inches(label, 7.5) + 0.15
        if (span - end) * inches_per_month >= needed:
            ax.text(end + 0.4, centre, label, ha="left", va="center", fontsize=7.5, zorder=6)
        else:
            start = min(planned, end)
            ax.text(start - 0.4, centre, label, ha="right", va="center", fontsize=7.5, zorder=6)


def _milestone_label(milestone: Milestone, short: bool, locale: str) -> str:
    reached = " ✓" if milestone.is_reached else ""
    if short:
        return milestone.label + reached
    label = common.short_day(milestone.planned, locale)
    if milestone.has_slipped:
        label += " → " + common.short_day(milestone.forecast, locale)
    return label + reached


def draw_today(
    ax, today: dt.date, first: Month, span: int, locale: str, *, one_line: bool = False
) -> None:
    """Mark today with a dashed line and its date under the axis, or say in words that
    today lies outside the chart. A chart with little room under it (the roadmap) writes
    the label on `one_line`."""
    x = common.day_position(first, today)
    if not 0 <= x <= span:
        ax.annotate(
            text("today_outside", locale, day=common.short_day(today, locale)),
            xy=(0, 0),
            xycoords="axes fraction",
            xytext=(0, -10),
            textcoords="offset points",
            ha="left",
            va="top",
            fontsize=8,
            color=MUTED,
        )
        return
    ax.axvline(x, color=INK, linewidth=1.4, linestyle=(0, (5, 2.5)), zorder=7)
    ax.annotate(
        text("today", locale) + (" " if one_line else "\n") + common.short_day(today, locale),
        xy=(x, 0),
        xycoords=("data", "axes fraction"),
        xytext=(0, -4),
        textcoords="offset points",
        ha="center",
        va="top",
        fontsize=8,
        fontweight="bold",
        zorder=7,
        bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": INK},
    )


def _draw_legend(fig, rows: list[Row], height: float, locale: str) -> None:
    kinds = {row.kind for row in rows}
    handles = []
    if RowKind.PHASE in kinds:
        handles.append(Patch(facecolor=MEDIUM, edgecolor=INK, label=text("phase", locale)))
    if RowKind.WAVE in kinds:
        handles.append(
            Patch(facecolor="white", edgecolor=DARK, hatch="////", label=text("wave", locale))
        )
    if any(row.has_bar for row in rows if row.kind is RowKind.PROJECT):
        handles.append(Patch(**_BAR_STYLE[RowKind.PROJECT], label=text("project", locale)))
    milestones = [m for row in rows for m in row.milestones]
    if milestones:
        handles.append(
            Line2D(
                [],
                [],
                marker="D",
                color=INK,
                linestyle="none",
                markersize=7,
                label=text("milestone_planned", locale),
            )
        )
    if any(m.has_slipped for m in milestones):
        handles.append(
            Line2D(
                [],
                [],
                marker="D",
                markerfacecolor="white",
                markeredgecolor=INK,
                linestyle=(0, (2, 1.5)),
                color=INK,
                markersize=7,
                label=text("milestone_forecast", locale),
            )
        )
    handles.append(
        Line2D(
            [], [], color=INK, linestyle=(0, (5, 2.5)), linewidth=1.4, label=text("today", locale)
        )
    )
    fig.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(LABEL_COLUMN / WIDTH, 0.06 / height),
        ncols=len(handles),
        fontsize=8,
        handlelength=2.4,
        columnspacing=1.6,
    )
