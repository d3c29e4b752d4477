"""What every chart shares: the render step, the grey-safe palette and Danish formatting."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import textwrap
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal
from xml.sax.saxutils import escape, quoteattr

import matplotlib
from babel.dates import format_date
from babel.numbers import format_decimal
from matplotlib.figure import Figure
from matplotlib.layout_engine import LayoutEngine
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter

from portfolio.charts.labels import check_locale
from portfolio.core.i18n import format_mio
from portfolio.core.months import Month
from portfolio.core.text import clean_text, is_clean

# A fixed salt makes matplotlib's generated ids (clip paths, markers, hatches) the same on
# every run, so identical data gives byte-identical SVG and the cache can trust it.
HASH_SALT = "styrbord-charts-1"

# Text stays text (fonttype "none"): it can be selected, searched and read aloud, and it is
# far smaller than glyph outlines. Layout is measured with DejaVu Sans, which ships with
# matplotlib; a viewer without it falls back to a (narrower) sans-serif, so nothing overflows.
RC_PARAMS = {
    "svg.hashsalt": HASH_SALT,
    "svg.fonttype": "none",
    "font.family": ["sans-serif"],
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 9,
    "axes.titlesize": 11,
    "axes.labelsize": 9,
    "axes.edgecolor": "#1a1a1a",
    "axes.linewidth": 0.8,
    "xtick.color": "#1a1a1a",
    "ytick.color": "#1a1a1a",
    "hatch.linewidth": 0.7,
    "legend.frameon": False,
    "legend.fontsize": 8,
}

# A palette whose tones differ in lightness, not only in hue, so a greyscale print keeps
# them apart; meaning is carried by hatching, markers and line styles as well.
INK = "#1a1a1a"  # text and outlines: near-black
MUTED = "#4d4d4d"  # secondary text: still 8:1 against white
GRID = "#d0d0d0"
GRID_STRONG = "#8c8c8c"
LIGHT = "#c6dbef"  # grey ≈ 84 %
MEDIUM = "#6baed6"  # grey ≈ 62 %
DARK = "#08519c"  # grey ≈ 27 %
HIGHLIGHT = "#fdd49e"  # the current phase's background: light in grey as well

# Matplotlib is not thread-safe, and rc_context changes process-wide settings; one lock per
# process keeps threaded servers from mixing two charts' settings. Rendering is short.
_RENDER_LOCK = threading.RLock()


@dataclass(frozen=True)
class Drawing:
    """A drawn figure with the title and description that make it accessible."""

    figure: Figure
    title: str
    description: str


FORMATS = ("svg", "png")


def render(draw: Callable[[object, str], Drawing], data, locale: str, fmt: str = "svg") -> bytes:
    """Draw `data` with `draw` and return the picture as SVG (default) or PNG bytes."""
    check_locale(locale)
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
    with _RENDER_LOCK, matplotlib.rc_context(RC_PARAMS):
        drawing = draw(data, locale)
        _clean_texts(drawing.figure)
        buffer = io.BytesIO()
        if fmt == "png":
            drawing.figure.savefig(buffer, format="png", dpi=150)
            return buffer.getvalue()
        # No Date: the picture must depend on the data only.
        drawing.figure.savefig(buffer, format="svg", metadata={"Date": None})
    return add_svg_title(buffer.getvalue(), drawing.title, drawing.description)


@contextlib.contextmanager
def laid_out(draw: Callable[[object, str], Drawing], data, locale: str) -> Iterator[Drawing]:
    """Draw `data` and lay it out as `render` does, without saving it: for measuring where
    each text landed (`get_window_extent`, in pixels at the figure's dpi)."""
    check_locale(locale)
    with _RENDER_LOCK, matplotlib.rc_context(RC_PARAMS):
        drawing = draw(data, locale)
        drawing.figure.draw_without_rendering()
        yield drawing


def _clean_texts(figure: Figure) -> None:
    """Drop what XML cannot hold from every text drawn (core/text.clean_text).

    Text is cleaned where it enters the application; this keeps a chart valid XML (and
    drawable at all: a lone surrogate cannot be encoded) should a stored row predate that.
    """
    for artist in figure.findobj(Text):
        shown = artist.get_text()
        if isinstance(shown, str) and not is_clean(shown):
            artist.set_text(clean_text(shown))


_SVG_OPEN = re.compile(rb"<svg\b[^>]*>")


def add_svg_title(svg: bytes, title: str, description: str) -> bytes:
    """Give the SVG a <title> and <desc> (its first children) and role="img"."""
    match = _SVG_OPEN.search(svg)
    if match is None:
        raise ValueError("no <svg> element found")
    opening = match.group(0)
    title, description = clean_text(title), clean_text(description)
    labelled = opening[:-1] + b' role="img" aria-label=' + quoteattr(title).encode() + b">"
    inserted = (f"\n <title>{escape(title)}</title>\n <desc>{escape(description)}</desc>").encode()
    return svg[: match.start()] + labelled + inserted + svg[match.end() :]


def new_figure(
    width: float, height: float, layout: Literal["constrained"] | LayoutEngine | None = None
) -> Figure:
    """Return a white figure of the given size in inches (A4 landscape is 11.69 × 8.27);
    `layout="constrained"` keeps every title, label and legend inside it."""
    return Figure(figsize=(width, height), facecolor="white", layout=layout)


# --------------------------------------------------------------------------- formatting


def signed_mio(value: Decimal | int, locale: str) -> str:
    """Write an amount with its sign: "+1,2 mio. kr." or "−1,2 mio. kr." (a true minus)."""
    value = Decimal(value)
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return sign + format_mio(abs(value), locale)


def axis_formatter(locale: str, decimals: int = 1) -> FuncFormatter:
    """Return a tick formatter that writes the locale's decimal mark, dropping ",0"."""

    def tick(value: float, _position) -> str:
        text = format_decimal(round(value, decimals), format="#,##0.####", locale=locale)
        return text.replace("-", "−")

    return FuncFormatter(tick)


def month_name(month: Month, locale: str) -> str:
    """Write a month short: "feb." / "Feb"."""
    return format_date(month.first_day, "MMM", locale=locale)


def month_year(month: Month, locale: str) -> str:
    """Write a month with its year: "feb. 2023" / "Feb 2023"."""
    return format_date(month.first_day, "MMM y", locale=locale)


def short_day(day: dt.date, locale: str) -> str:
    """Write a date short: "21. nov. 2025" / "21 Nov 2025"."""
    return format_date(day, "d. MMM y" if locale == "da" else "d MMM y", locale=locale)


def long_day(day: dt.date, locale: str) -> str:
    """Write a date in full: "21. november 2025" / "21 November 2025"."""
    return format_date(day, "d. MMMM y" if locale == "da" else "d MMMM y", locale=locale)


def sentences(parts: list[str]) -> str:
    """Join parts into sentences, without doubling a full stop an amount already ends with."""
    return " ".join(part if part.endswith(".") else part + "." for part in parts if part)


def wrap(text: str, width: int) -> str:
    """Break text into lines of at most `width` characters, never inside a word."""
    return (
        "\n".join(textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False))
        or text
    )


def month_index(origin: Month, month: Month) -> int:
    """Count months from `origin` to `month`: the x position of a month's first day."""
    return origin.months_until(month)


def day_position(origin: Month, day: dt.date) -> float:
    """Place a date on a month axis: the month's index plus the fraction of it gone by."""
    month = Month.of(day)
    days_in_month = (month.last_day - month.first_day).days + 1
    return month_index(origin, month) + (day.day - 1) / days_in_month
