"""The benefit map (gevinstdiagram): tracks and projects → benefits → the vision's goals,
three columns of boxes joined by the links the caller gives. Sized for A4 landscape."""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.path import Path

from portfolio.charts import common
from portfolio.charts.common import DARK, INK, LIGHT, MUTED
from portfolio.charts.data import BenefitMapData, MapNode
from portfolio.charts.labels import text

WIDTH = 11.69  # A4 landscape, inches
MIN_HEIGHT = 8.27
TOP = 1.25  # title and column headings
BOTTOM = 0.35
FONT_SIZE = 8.5
LINE = FONT_SIZE * 1.3 / 72  # inches per line of box text
PADDING = 0.09  # inches above and below a box's text
CHAR = FONT_SIZE * 0.58 / 72  # a DejaVu Sans character's average width, inches
INDENT = 0.3  # a project is set in under its track

# (left edge, width, code width) of each column, in inches
COLUMNS = {
    "sources": (0.3, 3.65, 0.5),
    "benefits": (4.85, 3.0, 0.42),
    "goals": (8.75, 2.65, 0.0),
}
SOURCE, BENEFIT, GOAL = "sources", "benefits", "goals"


@dataclass(frozen=True)
class Box:
    """A node's box in inches from the top left: where it is and its wrapped text."""

    column: str
    code: str
    x: float
    y: float
    width: float
    height: float
    lines: str
    indent: int = 0

    @property
    def middle(self) -> float:
        return self.y + self.height / 2


@dataclass(frozen=True)
class MapLayout:
    height: float
    boxes: dict[tuple[str, str], Box]
    links: tuple[tuple[tuple[str, str], tuple[str, str]], ...]


def _wrapped(node: MapNode, column: str) -> str:
    _left, width, code_width = COLUMNS[column]
    usable = width - code_width - 0.16 - (INDENT if node.indent else 0)
    return common.wrap(node.text, max(int(usable / CHAR), 10))


def _heights(nodes: tuple[MapNode, ...], column: str) -> list[float]:
    return [(_wrapped(n, column).count("\n") + 1) * LINE + 2 * PADDING for n in nodes]


def _stack(column: str, nodes, heights, top: float, room: float, groups: bool) -> list[Box]:
    """Spread a column's boxes over the room, evenly, with more air before each track."""
    # A new group starts at every node that is not set in (a track in the first column).
    breaks = [i > 0 and groups and node.indent == 0 for i, node in enumerate(nodes)]
    weights = [0.0 if i == 0 else 1.8 if brk else 1.0 for i, brk in enumerate(breaks)]
    free = room - sum(heights)
    unit = min(free / sum(weights), 0.45) if sum(weights) else 0.0
    used = sum(heights) + unit * sum(weights)
    y = top + (room - used) / 2  # centred when there is air to spare
    left, width, _code = COLUMNS[column]
    boxes = []
    for node, height, weight in zip(nodes, heights, weights, strict=True):
        y += unit * weight
        shift = INDENT if node.indent else 0
        boxes.append(
            Box(
                column,
                node.code,
                left + shift,
                y,
                width - shift,
                height,
                _wrapped(node, column),
                node.indent,
            )
        )
        y += height
    return boxes


def layout_benefit_map(data: BenefitMapData) -> MapLayout:
    """Place every box and list the links between them (the pure part of the builder)."""
    columns = ((SOURCE, data.sources), (BENEFIT, data.benefits), (GOAL, data.goals))
    heights = {name: _heights(nodes, name) for name, nodes in columns}
    # Grow the page when a column needs more than A4 gives, keeping a minimum gap.
    needed = max(sum(h) + 0.12 * max(len(h) - 1, 0) * 1.3 for h in heights.values())
    height = max(MIN_HEIGHT, TOP + needed + BOTTOM)
    room = height - TOP - BOTTOM
    boxes: dict[tuple[str, str], Box] = {}
    for name, nodes in columns:
        for box in _stack(name, nodes, heights[name], TOP, room, groups=name == SOURCE):
            boxes[(name, box.code)] = box
    links = tuple(((SOURCE, a), (BENEFIT, b)) for a, b in data.source_links) + tuple(
        ((BENEFIT, a), (GOAL, b)) for a, b in data.goal_links
    )
    return MapLayout(height, boxes, links)


def describe_benefit_map(data: BenefitMapData, locale: str = "da") -> str:
    """Return a text alternative: each benefit with what feeds it and which goals it serves."""
    parts = [] if data.benefits else [text("no_benefits", locale)]
    for benefit in data.benefits:
        sources = [a for a, b in data.source_links if b == benefit.code]
        goals = [g.text for g in data.goals if (benefit.code, g.code) in data.goal_links]
        if locale == "en":
            parts.append(
                f"{benefit.code} {benefit.text} comes from {', '.join(sources) or 'nothing'}"
                f" and serves {', '.join(goals) or 'no goal'}"
            )
        else:
            parts.append(
                f"{benefit.code} {benefit.text} skabes af {', '.join(sources) or 'intet'}"
                f" og understøtter {', '.join(goals) or 'intet mål'}"
            )
    head = (
        f"{text('benefit_map', locale)}: {data.title}"
        if data.title
        else text("benefit_map", locale)
    )
    return common.sentences([head, *parts])


def build_benefit_map(data: BenefitMapData, *, locale: str = "da", fmt: str = "svg") -> bytes:
    """Draw the benefit map and return it as SVG (or PNG) bytes."""
    return common.render(_draw, data, locale, fmt)


# --------------------------------------------------------------------------- drawing

_BOX_STYLES = {
    # Distinct in grey too: light fill (tracks), white (projects), mid (benefits), dark (goals).
    (SOURCE, 0): {"facecolor": LIGHT, "edgecolor": INK, "linewidth": 1.2, "color": INK},
    (SOURCE, 1): {"facecolor": "white", "edgecolor": INK, "linewidth": 0.8, "color": INK},
    (BENEFIT, 0): {"facecolor": "#fdd49e", "edgecolor": INK, "linewidth": 1.2, "color": INK},
    (GOAL, 0): {"facecolor": DARK, "edgecolor": INK, "linewidth": 1.2, "color": "white"},
}


def _draw(data: BenefitMapData, locale: str) -> common.Drawing:
    layout = layout_benefit_map(data)
    fig = common.new_figure(WIDTH, layout.height)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, WIDTH)
    ax.set_ylim(layout.height, 0)  # inches from the top
    ax.set_axis_off()

    heading = (
        f"{text('benefit_map', locale)}: {data.title}"
        if data.title
        else text("benefit_map", locale)
    )
    ax.text(0.3, 0.3, heading, fontsize=14, fontweight="bold", va="top")
    for column, key in (
        (SOURCE, "sources_column"),
        (BENEFIT, "benefits_column"),
        (GOAL, "goals_column"),
    ):
        left, width, _code = COLUMNS[column]
        ax.text(left, TOP - 0.3, text(key, locale), fontsize=11, fontweight="bold", va="bottom")
        ax.plot([left, left + width], [TOP - 0.25] * 2, color=INK, linewidth=1)

    _draw_links(ax, layout)
    for box in layout.boxes.values():
        _draw_box(ax, box)
    for column, nodes, key in (
        (SOURCE, data.sources, "no_sources"),
        (BENEFIT, data.benefits, "no_benefits"),
        (GOAL, data.goals, "no_goals"),
    ):
        if not nodes:
            # An empty column says so, instead of leaving the reader to wonder.
            left, width, _code = COLUMNS[column]
            ax.text(
                left + width / 2,
                TOP + (layout.height - TOP - BOTTOM) / 2,
                common.wrap(text(key, locale), int((width - 0.2) / CHAR)),
                fontsize=FONT_SIZE + 1,
                ha="center",
                va="center",
                color=MUTED,
                style="italic",
            )
    return common.Drawing(fig, heading, describe_benefit_map(data, locale))


def _draw_box(ax, box: Box) -> None:
    style = _BOX_STYLES[(box.column, min(box.indent, 1) if box.column == SOURCE else 0)]
    ax.add_patch(
        FancyBboxPatch(
            (box.x, box.y),
            box.width,
            box.height,
            boxstyle="round,pad=0,rounding_size=0.06",
            facecolor=style["facecolor"],
            edgecolor=style["edgecolor"],
            linewidth=style["linewidth"],
            zorder=3,
        )
    )
    code_width = COLUMNS[box.column][2]
    text_x = box.x + 0.08
    if code_width:
        ax.text(
            text_x,
            box.y + PADDING,
            box.code,
            fontsize=FONT_SIZE,
            fontweight="bold",
            va="top",
            color=style["color"],
            zorder=4,
        )
        text_x += code_width
    ax.text(
        text_x,
        box.y + PADDING,
        box.lines,
        fontsize=FONT_SIZE,
        va="top",
        color=style["color"],
        fontweight="bold"
        if box.column == GOAL or (box.column == SOURCE and not box.indent)
        else "normal",
        linespacing=1.3 * 0.96,
        zorder=4,
    )


def link_ends(layout: MapLayout) -> dict[tuple[int, str], tuple[float, float]]:
    """Return where each link leaves (side "out") and enters (side "in") its boxes.

    The links on one side of a box are spread along it in the order of the boxes at their
    other ends, so lines fan out instead of crossing at the box.
    """
    points: dict[tuple[int, str], tuple[float, float]] = {}
    ends: dict[tuple[tuple[str, str], str], list[tuple[float, int]]] = {}
    for index, (start, end) in enumerate(layout.links):
        ends.setdefault((start, "out"), []).append((layout.boxes[end].middle, index))
        ends.setdefault((end, "in"), []).append((layout.boxes[start].middle, index))
    for (key, side), entries in ends.items():
        box = layout.boxes[key]
        entries.sort()
        span = min(box.height * 0.6, 0.09 * (len(entries) - 1))
        x = box.x + box.width if side == "out" else box.x
        for order, (_other, index) in enumerate(entries):
            offset = 0 if len(entries) == 1 else span * (order / (len(entries) - 1) - 0.5)
            points[(index, side)] = (x, box.middle + offset)
    return points


def _draw_links(ax, layout: MapLayout) -> None:
    points = link_ends(layout)
    for index, (start, _end) in enumerate(layout.links):
        (x0, y0), (x1, y1) = points[(index, "out")], points[(index, "in")]
        bend = (x1 - x0) * 0.45
        path = Path(
            [(x0, y0), (x0 + bend, y0), (x1 - bend, y1), (x1, y1)],
            [Path.MOVETO, Path.CURVE4, Path.CURVE4, Path.CURVE4],
        )
        is_project = start[0] == SOURCE and layout.boxes[start].indent
        ax.add_patch(
            FancyArrowPatch(
                path=path,
                arrowstyle="-|>",
                mutation_scale=9,
                color=MUTED if is_project else INK,
                # A project's link is dashed, a track's solid: they differ without colour.
                linestyle=(0, (4, 2)) if is_project else "-",
                linewidth=0.9,
                zorder=2,
            )
        )
