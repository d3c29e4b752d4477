"""The portfolio's roadmap: each programme's phases and waves on one time axis, with today.

Drawn like the programme's timeline (charts/timeline.py: its scale, its bar styles and its
today line), but one block per programme: a lane of phases, then a lane of waves, each
split into as many lanes as its periods overlap. The current phase is set in the
highlight colour and named in the label column, so it reads without colour too.
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from portfolio.charts import common
from portfolio.charts.common import DARK, GRID, GRID_STRONG, HIGHLIGHT, INK, MEDIUM, MUTED
from portfolio.charts.data import PeriodKind, RoadmapData, RoadmapProgramme, TimelinePeriod
from portfolio.charts.labels import text
from portfolio.charts.timeline import _draw_scale, _text_inches, bar_extent, draw_today
from portfolio.core.months import Month

WIDTH = 11.69  # A4 landscape, inches
LABEL_COLUMN = 3.0
RIGHT_MARGIN = 0.35
TOP = 1.25
BOTTOM = 0.75
LANE_HEIGHT = 0.24
GAP = 0.12  # between programmes
LABEL_WIDTH = 34  # characters per label line


@dataclass(frozen=True)
class Block:
    """One programme's lanes: each a list of periods that do not overlap."""

    programme: RoadmapProgramme
    lanes: tuple[tuple[TimelinePeriod, ...], ...]

    @property
    def height(self) -> float:
        lines = common.wrap(self.programme.name, LABEL_WIDTH).count("\n") + 1
        lanes = max(len(self.lanes), 1)
        return max(lanes * LANE_HEIGHT, 0.16 * lines + 0.14 + (0.14 if self.current else 0)) + GAP

    @property
    def current(self) -> str | None:
        return self.programme.current


def pack(periods: list[TimelinePeriod]) -> list[tuple[TimelinePeriod, ...]]:
    """Put periods in as few lanes as they need: each in the first lane it fits after."""
    lanes: list[list[TimelinePeriod]] = []
    for period in sorted(periods, key=lambda p: (p.start, p.end, p.name)):
        for lane in lanes:
            if lane[-1].end < period.start:
                lane.append(period)
                break
        else:
            lanes.append([period])
    return [tuple(lane) for lane in lanes]


def layout_blocks(data: RoadmapData) -> list[Block]:
    blocks = []
    for programme in data.programmes:
        phases = [p for p in programme.periods if p.kind is PeriodKind.PHASE]
        waves = [p for p in programme.periods if p.kind is PeriodKind.WAVE]
        blocks.append(Block(programme, tuple(pack(phases) + pack(waves))))
    return blocks


def axis_range(data: RoadmapData) -> tuple[Month, Month]:
    months = [
        m for p in data.programmes for period in p.periods for m in (period.start, period.end)
    ]
    if not months:
        today = Month.of(data.today)
        return today.add(-6), today.add(6)
    return min(months), max(months)


def describe_roadmap(data: RoadmapData, locale: str = "da") -> str:
    """Return a one-paragraph text alternative (the page has the full table beside it)."""
    first, last = axis_range(data)
    span = f"{common.month_year(first, locale)} – {common.month_year(last, locale)}"
    phases = sum(1 for p in data.programmes for x in p.periods if x.kind is PeriodKind.PHASE)
    waves = sum(1 for p in data.programmes for x in p.periods if x.kind is PeriodKind.WAVE)
    day = common.long_day(data.today, locale)
    currents = "; ".join(f"{p.name}: {p.current}" for p in data.programmes if p.current)
    if locale == "en":
        result = (
            f"Roadmap of {data.title or 'the portfolio'}, {span}: "
            f"{len(data.programmes)} programmes with {phases} phases and {waves} waves. "
            f"Today is {day}."
        )
        return result + (f" Current phases: {currents}." if currents else "")
    result = (
        f"Køreplan for {data.title or 'porteføljen'}, {span}: "
        f"{len(data.programmes)} programmer med {phases} faser og {waves} bølger. I dag er {day}."
    )
    return result + (f" Aktuelle faser: {currents}." if currents else "")


def build_roadmap(data: RoadmapData, *, locale: str = "da", fmt: str = "svg") -> bytes:
    """Draw the roadmap and return it as SVG (or PNG) bytes."""
    return common.render(_draw, data, locale, fmt)


def _draw(data: object, locale: str) -> common.Drawing:
    assert isinstance(data, RoadmapData)
    blocks = layout_blocks(data)
    first, last = axis_range(data)
    span = first.months_until(last) + 1
    body = max(sum(b.height for b in blocks), LANE_HEIGHT * 2)
    height = TOP + body + BOTTOM
    fig = common.new_figure(WIDTH, height)
    axes_width = WIDTH - LABEL_COLUMN - RIGHT_MARGIN
    ax = fig.add_axes((LABEL_COLUMN / WIDTH, BOTTOM / height, axes_width / WIDTH, body / height))
    inches_per_month = axes_width / span
    ax.set_xlim(0, span)
    ax.set_ylim(body, 0)
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_color(GRID_STRONG)
    _draw_scale(ax, first, span, inches_per_month, locale)

    if not blocks:
        ax.text(span / 2, body / 2, text("no_programmes", locale), ha="center", va="center")
    top = 0.0
    for index, block in enumerate(blocks):
        _draw_block(ax, block, top, first, span, inches_per_month, locale, shaded=index % 2 == 1)
        top += block.height

    draw_today(ax, data.today, first, span, locale, one_line=True)
    title = f"{text('roadmap', locale)}: {data.title}" if data.title else text("roadmap", locale)
    fig.text(0.012, 1 - 0.22 / height, title, fontsize=13, fontweight="bold", va="top")
    subtitle = f"{text('today', locale)}: {common.long_day(data.today, locale)}"
    fig.text(0.012, 1 - 0.5 / height, subtitle, fontsize=9.5, color=MUTED, va="top")
    _draw_legend(fig, height, locale)
    return common.Drawing(fig, title, describe_roadmap(data, locale))


def _draw_block(ax, block: Block, top, first, span, inches_per_month, locale, shaded) -> None:
    bottom = top + block.height
    if shaded:
        ax.axhspan(top, bottom, color="#f4f4f4", zorder=0.4, linewidth=0)
    ax.axhline(bottom, color=GRID, linewidth=0.6, zorder=0.6)
    label = common.wrap(block.programme.name, LABEL_WIDTH)
    ax.annotate(
        label,
        xy=(0, top + 0.05),
        xycoords=("axes fraction", "data"),
        xytext=(-(LABEL_COLUMN - 0.12) * 72, 0),
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize=8.5,
        fontweight="bold",
        linespacing=1.15,
    )
    if block.current:
        lines = label.count("\n") + 1
        ax.annotate(
            f"{text('current_phase', locale)}: {block.current}",
            xy=(0, top + 0.05 + 0.16 * lines),
            xycoords=("axes fraction", "data"),
            xytext=(-(LABEL_COLUMN - 0.12) * 72, 0),
            textcoords="offset points",
            ha="left",
            va="top",
            fontsize=7,
            color=MUTED,
        )
    if not block.lanes:
        ax.text(
            0.15,
            top + LANE_HEIGHT / 2 + 0.04,
            text("no_periods", locale),
            ha="left",
            va="center",
            fontsize=7.5,
            fontstyle="italic",
            color=MUTED,
        )
        return
    for number, lane in enumerate(block.lanes):
        centre = top + 0.04 + LANE_HEIGHT * (number + 0.5)
        for period in lane:
            _draw_bar(
                ax, period, period.name == block.current, centre, first, span, inches_per_month
            )


def _draw_bar(ax, period: TimelinePeriod, current, centre, first, span, inches_per_month) -> None:
    left, width = bar_extent(first, period.start, period.end)
    wave = period.kind is PeriodKind.WAVE
    face = "white" if wave else HIGHLIGHT if current else MEDIUM
    ax.barh(
        centre,
        width,
        left=left,
        height=LANE_HEIGHT * 0.72,
        facecolor=face,
        edgecolor=DARK if wave else INK,
        hatch="////" if wave else None,
        linewidth=2.0 if current else 0.7,
        zorder=2,
    )
    # The name inside the bar where it fits; the text alternative has every name.
    if _text_inches(period.name, 6.5) + 0.08 <= width * inches_per_month:
        ax.text(
            left + 0.2,
            centre,
            period.name,
            ha="left",
            va="center",
            fontsize=6.5,
            zorder=4,
            clip_on=True,
            bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none"}
            if wave
            else None,
        )


def _draw_legend(fig, height: float, locale: str) -> None:
    handles = [
        Patch(facecolor=MEDIUM, edgecolor=INK, label=text("phase", locale)),
        Patch(
            facecolor=HIGHLIGHT,
            edgecolor=INK,
            linewidth=2.0,
            label=text("current_phase_bar", locale),
        ),
        Patch(facecolor="white", edgecolor=DARK, hatch="////", label=text("wave", locale)),
        Line2D(
            [], [], color=INK, linestyle=(0, (5, 2.5)), linewidth=1.4, label=text("today", locale)
        ),
    ]
    fig.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(LABEL_COLUMN / WIDTH, 0.06 / height),
        ncols=len(handles),
        fontsize=8,
        handlelength=2.4,
        columnspacing=1.6,
    )
