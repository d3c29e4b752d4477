"""The 3×3 risk matrix: probability up, consequence across, each risk's code in its cell."""

from __future__ import annotations

import math

from matplotlib.patches import FancyArrowPatch, Rectangle

from portfolio.charts import common
from portfolio.charts.common import INK, MUTED
from portfolio.charts.data import RiskMatrixData, RiskPoint
from portfolio.charts.labels import text

# Shades of one hue whose lightness falls with the score (ColorBrewer's OrRd steps), so the
# order survives a greyscale print; the score is printed in each cell as well.
SCORE_SHADES = {
    1: "#fff7ec",
    2: "#fee8c8",
    3: "#fdd49e",
    4: "#fdbb84",
    6: "#fc8d59",
    9: "#d7301f",
}

TREND_UP = "↑"
TREND_DOWN = "↓"
TREND_MOVED = "→"


def trend_of(risk: RiskPoint) -> str:
    """Return ↑ (higher score than last time), ↓ (lower), → (moved, same score) or ""."""
    if risk.previous_score is None or not risk.has_moved:
        return ""
    if risk.score > risk.previous_score:
        return TREND_UP
    if risk.score < risk.previous_score:
        return TREND_DOWN
    return TREND_MOVED


def _cells(data: RiskMatrixData) -> dict[tuple[int, int], list[RiskPoint]]:
    cells: dict[tuple[int, int], list[RiskPoint]] = {
        (p, c): [] for p in (1, 2, 3) for c in (1, 2, 3)
    }
    for risk in data.risks:
        cells[(risk.probability, risk.consequence)].append(risk)
    return cells


def risk_label(risk: RiskPoint) -> str:
    """Return the code as the cell shows it, with its trend marker: "R2 ↑"."""
    trend = trend_of(risk)
    return f"{risk.code} {trend}" if trend else risk.code


def place_risks(data: RiskMatrixData) -> dict[tuple[int, int], list[str]]:
    """Return each cell's labels, keyed (probability, consequence), in the data's order."""
    return {cell: [risk_label(r) for r in risks] for cell, risks in _cells(data).items()}


def describe_risk_matrix(data: RiskMatrixData, locale: str = "da") -> str:
    """Return a text alternative: which risks sit in which cell, worst first."""
    cells = place_risks(data)
    parts = []
    for (probability, consequence), labels in sorted(
        cells.items(), key=lambda item: (-item[0][0] * item[0][1], -item[0][0])
    ):
        if not labels:
            continue
        p_text = text(f"level_{probability}", locale).lower()
        c_text = text(f"level_{consequence}", locale).lower()
        score = probability * consequence
        if locale == "en":
            parts.append(
                f"{p_text} probability, {c_text} consequence (score {score}): {', '.join(labels)}"
            )
        else:
            parts.append(
                f"{p_text} sandsynlighed, {c_text} konsekvens (score {score}): {', '.join(labels)}"
            )
    title = data.title or text("risk_matrix", locale)
    count = len(data.risks)
    if locale == "en":
        head = f"Risk matrix for {title} with {count} risk{'' if count == 1 else 's'}"
    else:
        head = f"Risikomatrix for {title} med {count} {'risiko' if count == 1 else 'risici'}"
    return common.sentences([head, "; ".join(parts)])


def build_risk_matrix(data: RiskMatrixData, *, locale: str = "da", fmt: str = "svg") -> bytes:
    """Draw the risk matrix and return it as SVG (or PNG) bytes."""
    return common.render(_draw, data, locale, fmt)


# --------------------------------------------------------------------------- drawing

WIDTH = 7.2
HEIGHT = 6.4
MATRIX_AREA = (0.17, 0.24, 0.78, 0.66)  # left, bottom, width, height in figure fractions


def _slots(count: int) -> tuple[list[tuple[float, float]], float]:
    """Return offsets from a cell's centre for `count` codes, and the font size to use."""
    per_line = 3 if count <= 9 else 4
    size = 10.5 if count <= 6 else 9 if count <= 9 else 7.5
    lines = math.ceil(count / per_line)
    dx, dy = (0.27, 0.2) if per_line == 3 else (0.21, 0.16)
    slots = []
    for index in range(count):
        line, column = divmod(index, per_line)
        in_line = min(per_line, count - line * per_line)
        x = (column - (in_line - 1) / 2) * dx
        y = ((lines - 1) / 2 - line) * dy - 0.06  # a little low: the score sits top left
        slots.append((x, y))
    return slots, size


def _draw(data: RiskMatrixData, locale: str) -> common.Drawing:
    fig = common.new_figure(WIDTH, HEIGHT)
    ax = fig.add_axes(MATRIX_AREA)
    ax.set_xlim(0.5, 3.5)
    ax.set_ylim(0.5, 3.5)
    ax.set_aspect("auto")
    levels = [text(f"level_{n}", locale) for n in (1, 2, 3)]
    ax.set_xticks([1, 2, 3], levels, fontsize=9.5)
    ax.set_yticks([1, 2, 3], levels, fontsize=9.5)
    ax.tick_params(length=0, pad=6)
    ax.set_xlabel(text("consequence", locale), fontsize=10.5, fontweight="bold", labelpad=8)
    ax.set_ylabel(text("probability", locale), fontsize=10.5, fontweight="bold", labelpad=8)
    for spine in ax.spines.values():
        spine.set_visible(False)

    for probability in (1, 2, 3):
        for consequence in (1, 2, 3):
            score = probability * consequence
            ax.add_patch(
                Rectangle(
                    (consequence - 0.5, probability - 0.5),
                    1,
                    1,
                    facecolor=SCORE_SHADES[score],
                    edgecolor="white",
                    linewidth=3,
                    zorder=1,
                )
            )
            ax.text(
                consequence - 0.44,
                probability + 0.44,
                str(score),
                ha="left",
                va="top",
                fontsize=11,
                fontweight="bold",
                color="white" if score == 9 else INK,
                zorder=2,
            )

    positions: dict[str, tuple[float, float]] = {}
    for (probability, consequence), risks in _cells(data).items():
        slots, size = _slots(len(risks))
        for risk, (dx, dy) in zip(risks, slots, strict=True):
            x, y = consequence + dx, probability + dy
            positions[risk.code] = (x, y)
            ax.text(
                x,
                y,
                risk_label(risk),
                ha="center",
                va="center",
                fontsize=size,
                fontweight="bold",
                color=INK,
                zorder=4,
                bbox={
                    "boxstyle": "round,pad=0.25",
                    "facecolor": "white",
                    "edgecolor": INK,
                    "linewidth": 0.9,
                },
            )

    moved = [risk for risk in data.risks if risk.has_moved]
    if data.show_moves:
        _draw_moves(ax, moved, positions)

    title = data.title
    heading = f"{text('risk_matrix', locale)}: {title}" if title else text("risk_matrix", locale)
    fig.text(0.03, 0.965, heading, fontsize=13, fontweight="bold", va="top")
    if not data.risks:
        ax.text(2, 2, text("no_risks", locale), ha="center", va="center", fontsize=11, zorder=5)
    notes = [text("score_note", locale)]
    if any(risk.previous_score is not None for risk in data.risks):
        notes.append(text("trend_note", locale))
    if data.show_moves and moved:
        notes.append(text("moves_note", locale))
    fig.text(0.03, 0.085, "\n".join(notes), fontsize=8, color=MUTED, va="top", linespacing=1.5)
    return common.Drawing(fig, heading, describe_risk_matrix(data, locale))


def _draw_moves(ax, moved: list[RiskPoint], positions: dict[str, tuple[float, float]]) -> None:
    """Draw a dashed arrow to each moved risk's code from a hollow dot in its old cell."""
    leaving: dict[tuple[int, int], int] = {}
    for risk in moved:
        cell = (risk.previous_probability, risk.previous_consequence)
        order = leaving.get(cell, 0)
        leaving[cell] = order + 1
        # Several risks leaving one cell start side by side along its bottom edge.
        start = (cell[1] - 0.3 + 0.2 * order, cell[0] - 0.38)
        ax.plot(
            [start[0]],
            [start[1]],
            marker="o",
            markersize=6,
            markerfacecolor="white",
            markeredgecolor=INK,
            linestyle="none",
            zorder=5,
        )
        # The dot is named too: with several moves, arrows alone would not say whose it is.
        ax.text(
            start[0] - 0.04,
            start[1],
            risk.code,
            ha="right",
            va="center",
            fontsize=7,
            fontstyle="italic",
            color=INK,
            zorder=5,
        )
        ax.add_patch(
            FancyArrowPatch(
                start,
                positions[risk.code],
                arrowstyle="-|>",
                mutation_scale=11,
                connectionstyle="arc3,rad=0.18",
                linestyle=(0, (3, 2)),
                linewidth=1.1,
                color=INK,
                shrinkA=4,
                shrinkB=13,
                zorder=3,
            )
        )
