"""Trend charts read at the size the pages draw them: no label touches another or leaves
the picture, the legend speaks the page's words, and a missing period is never a 0."""

import math
from decimal import Decimal as D

import pytest
from matplotlib.text import Text

from portfolio.charts import common, indicators
from portfolio.charts.data import (
    Direction,
    IndicatorMark,
    IndicatorPoint,
    IndicatorTrendData,
    ObservationStatus,
)
from portfolio.core.months import Month
from portfolio.core.periods import Frequency
from tests.charts import samples, svg

LONG_TITLE = "S1.1 Kommuner hvis daglige leverancer af hjemmesygeplejedata modtages"


def _months(first: Month, count: int, step: int = 1) -> list[Month]:
    return [first.add(i * step) for i in range(count)]


def monthly() -> IndicatorTrendData:
    """Like GH1.1/S1.1: 58 months, a baseline in January 2022, a target in December 2026."""
    periods = _months(Month(2022, 1), 58)
    return IndicatorTrendData(
        title=LONG_TITLE,
        unit="kommuner",
        direction=Direction.HIGHER_IS_BETTER,
        frequency=Frequency.MONTHLY,
        points=tuple(IndicatorPoint(p, D(20 + i)) for i, p in enumerate(periods)),
        baseline=IndicatorMark(Month(2022, 1), D("20")),
        target=IndicatorMark(Month(2026, 12), D("98")),
        trajectory=tuple(
            IndicatorMark(Month(y, 12), D(25 + 15 * (y - 2023))) for y in (2023, 2024, 2025, 2026)
        ),
        decimals=0,
    )


def quarterly() -> IndicatorTrendData:
    """Like GH1.2: 19 quarters, K2 2024 missing, a long unit."""
    periods = _months(Month(2022, 1), 19, 3)
    points = tuple(
        IndicatorPoint(p, status=ObservationStatus.MISSING)
        if p == Month(2024, 4)
        else IndicatorPoint(p, D("11.5") - D(i) / 20)
        for i, p in enumerate(periods)
    )
    return IndicatorTrendData(
        title="GH1.2 Genindlæggelser inden for 30 dage",
        unit="pr. 100 udskrivelser",
        direction=Direction.LOWER_IS_BETTER,
        frequency=Frequency.QUARTERLY,
        points=points,
        baseline=IndicatorMark(Month(2022, 1), D("11.8")),
        target=IndicatorMark(Month(2026, 10), D("10")),
        trajectory=(
            IndicatorMark(Month(2024, 1), D("11.4")),
            IndicatorMark(Month(2026, 10), D("10")),
        ),
    )


SAMPLES = {"monthly": monthly, "quarterly": quarterly, "yearly": samples.readmissions_indicator}
DRAWERS = {
    "full": indicators._draw,
    "narrow": indicators._draw_narrow,
    "thumbnail": indicators._draw_thumbnail,
}


def _texts(figure) -> list[Text]:
    """Every text drawn: tick labels only of ticks inside the axis (the others are not)."""
    labels = set()
    drawn = []
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            ticks = axis.get_major_ticks() + axis.get_minor_ticks()
            labels |= {id(t.label1) for t in ticks} | {id(t.label2) for t in ticks}
            drawn += [t.label1 for t in axis._update_ticks() if t.label1.get_visible()]
    drawn += [t for t in figure.findobj(Text) if id(t) not in labels and t.get_visible()]
    return [t for t in drawn if t.get_text().strip()]


@pytest.mark.parametrize("locale", ["da", "en"])
@pytest.mark.parametrize("size", sorted(DRAWERS))
@pytest.mark.parametrize("sample", sorted(SAMPLES))
def test_no_label_touches_another_or_leaves_the_picture(sample, size, locale):
    with common.laid_out(DRAWERS[size], SAMPLES[sample](), locale) as drawing:
        figure = drawing.figure
        [ax] = figure.axes
        ticks = [t for t in ax.get_xticklabels() if t.get_text()]
        assert len(ticks) >= 2  # thinned, never emptied
        boxes = [t.get_window_extent() for t in ticks]
        assert not indicators.labels_overlap(boxes, gap=2), [t.get_text() for t in ticks]
        inside = figure.bbox.padded(0.5)
        for text in _texts(figure):
            box = text.get_window_extent()
            assert inside.x0 <= box.x0 and box.x1 <= inside.x1, text.get_text()
            assert inside.y0 <= box.y0 and box.y1 <= inside.y1, text.get_text()
        for legend in figure.legends:
            box = legend.get_window_extent()
            assert inside.x0 <= box.x0 and box.x1 <= inside.x1
            assert inside.y0 <= box.y0 and box.y1 <= inside.y1


def test_a_monthly_series_is_labelled_by_half_year_not_every_month():
    with common.laid_out(indicators._draw, monthly(), "da") as drawing:
        labels = [t.get_text() for t in drawing.figure.axes[0].get_xticklabels()]
    # Before: "jan. 2022jun. 2022nov. 2022…" ran together. Now calendar-aligned and apart.
    assert labels[:3] == ["jan. 2022", "jul. 2022", "jan. 2023"]
    assert len(labels) <= 12


def test_the_legend_speaks_the_pages_words_and_carries_the_values():
    with common.laid_out(indicators._draw, quarterly(), "da") as drawing:
        [legend] = drawing.figure.legends
        texts = [t.get_text() for t in legend.get_texts()]
    assert texts == [
        "Målt værdi",
        "Forventet udvikling",
        "Basislinje K1 2022: 11,8 pr. 100 udskrivelser",
        "Mål K4 2026: 10,0 pr. 100 udskrivelser",
        "Ingen måling",
    ]
    with common.laid_out(indicators._draw, quarterly(), "en") as drawing:
        english = [t.get_text() for t in drawing.figure.legends[0].get_texts()]
    assert "Baseline Q1 2022: 11.8 pr. 100 udskrivelser" in english


@pytest.mark.parametrize("size", sorted(DRAWERS))
def test_a_missing_quarter_draws_no_point_at_zero_and_is_named_under_the_axis(size):
    data = quarterly()
    series = indicators.prepare_series(data)
    [gap] = series.gaps
    with common.laid_out(DRAWERS[size], data, "da") as drawing:
        ax = drawing.figure.axes[0]
        for line in ax.get_lines():
            xs, ys = line.get_xdata(), line.get_ydata()
            for x, y in zip(xs, ys, strict=True):
                # Nothing is plotted in the missing quarter: no value, no marker on 0.
                assert not (x == gap.x and not math.isnan(float(y))), line
            if line.get_transform() != ax.transData:
                assert not line.get_marker() or line.get_marker() == "None"
        hatched = [p for p in ax.patches if p.get_hatch()]
        assert len(hatched) == 1
        left, right = hatched[0].get_x(), hatched[0].get_x() + hatched[0].get_width()
        assert left < gap.x < right
        if size != "thumbnail":
            assert ax.get_xlabel() == "mangler: K2 2024"
    measured = [y for x, y in zip(series.xs, series.ys, strict=True) if x == gap.x]
    assert all(math.isnan(y) for y in measured)


def test_a_long_title_is_wrapped_or_shortened_and_given_in_full_in_the_text():
    long = "GH9.9 " + " ".join(["Andel af borgere med sammenhængende forløb"] * 4)
    data = IndicatorTrendData(long, "%", Direction.HIGHER_IS_BETTER, monthly().points)
    with common.laid_out(indicators._draw, data, "da") as drawing:
        shown = drawing.figure.get_suptitle()
        assert shown.count("\n") == 1 and shown.endswith("…")
        box = drawing.figure._suptitle.get_window_extent()
        assert box.x1 <= drawing.figure.bbox.x1
    title, desc = svg.title_and_desc(indicators.build_indicator_trend(data))
    assert title == long and desc.startswith(long)


def test_the_drawn_size_is_the_size_the_pages_show():
    # One column of `.columns--chart`, a phone's width, and `.chart--thumb` (12rem).
    assert svg.size(indicators.build_indicator_trend(monthly())) == (518.4, 331.2)
    assert svg.size(indicators.build_indicator_trend_narrow(monthly())) == (288.0, 331.2)
    assert svg.size(indicators.build_indicator_thumbnail(monthly())) == (180.0, 104.4)
