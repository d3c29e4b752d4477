"""Indicator trends: suppressed and missing periods are marked, never drawn as 0 or bridged."""

import math
import re
from decimal import Decimal as D

from portfolio.charts.data import (
    Direction,
    IndicatorPoint,
    IndicatorTrendData,
    ObservationStatus,
)
from portfolio.charts.indicators import (
    build_indicator_trend,
    describe_indicator_trend,
    prepare_series,
)
from portfolio.core.months import Month
from portfolio.core.periods import Frequency, period_label
from tests.charts import samples, svg


def test_suppressed_missing_and_skipped_periods_are_gaps_in_the_line():
    series = prepare_series(samples.readmissions_indicator())
    assert [p.year for p in series.periods] == list(range(2019, 2027))
    values = dict(zip([p.year for p in series.periods], series.ys, strict=True))
    for year in (2021, 2023, 2025):
        assert math.isnan(values[year]), year  # NaN: matplotlib breaks the line there
    assert values[2019] == 41.5 and values[2026] == 84.4
    assert 0.0 not in series.ys
    assert [(g.period.year, g.status, g.label) for g in series.gaps] == [
        (2021, ObservationStatus.SUPPRESSED, "<5"),
        (2023, ObservationStatus.MISSING, "mangler"),
        (2025, ObservationStatus.MISSING, "mangler"),  # absent from the data altogether
    ]


def test_x_positions_count_months_so_the_gaps_keep_their_place():
    series = prepare_series(samples.readmissions_indicator())
    assert series.xs == tuple(12 * i for i in range(8))
    assert [g.x for g in series.gaps] == [24, 48, 72]


def test_the_drawn_line_is_broken_at_every_gap():
    drawn = build_indicator_trend(samples.readmissions_indicator()).decode()
    # The measured line is the clipped 2.2-wide path in DARK (the legend's sample is not).
    [path] = re.findall(
        r'<path d="([^"]*)" clip-path="[^"]*" style="[^"]*stroke: #08519c; stroke-width: 2\.2',
        drawn,
    )
    commands = re.findall(r"[ML]", path)
    # 2019–2020 is one segment; 2022, 2024 and 2026 stand alone between gaps: no line
    # joins across 2021 (suppressed), 2023 (missing) or 2025 (absent).
    assert commands == ["M", "L", "M", "M", "M"]


def test_the_chart_marks_gaps_with_their_labels():
    labels = svg.labels(build_indicator_trend(samples.readmissions_indicator()))
    # Named under the axis, not written on the zero line.
    assert "mangler: 2023, 2025 · skjult: 2021 (<5)" in labels
    assert {"Skjult værdi (diskretioneret)", "Ingen måling"} <= set(labels)
    # Measured values are written; a suppressed period's value is not invented.
    for value in ("41,5", "48,0", "63,2", "71,0", "84,4"):
        assert value in labels
    assert "0,0" not in labels


def test_references_direction_and_unit_are_shown():
    labels = svg.labels(build_indicator_trend(samples.readmissions_indicator()))
    assert "↑ Højere er bedre" in labels
    # The legend says what the page says, with the values.
    assert "Mål 2026: 90,0 %" in labels
    assert "Basislinje 2022: 63,2 %" in labels
    assert not [label for label in labels if "Baseline" in label]
    assert {"Målt værdi", "Forventet udvikling", "%"} <= set(labels)
    assert "Andel kommuner med daglig indberetning" in labels


def test_lower_is_better_in_english():
    data = IndicatorTrendData(
        "Days from discharge to rehabilitation",
        "days",
        Direction.LOWER_IS_BETTER,
        (
            IndicatorPoint(Month(2024, 1), D("12")),
            IndicatorPoint(Month(2024, 4), status=ObservationStatus.SUPPRESSED),
            IndicatorPoint(Month(2024, 7), D("9.5")),
        ),
        frequency=Frequency.QUARTERLY,
        decimals=0,
    )
    labels = svg.labels(build_indicator_trend(data, locale="en"))
    assert "↓ Lower is better" in labels
    assert {"Q1 2024", "Q2 2024", "Q3 2024", "suppressed: Q2 2024", "days"} <= set(labels)
    assert "12" in labels and "10" in labels  # 9.5 to no decimals, rounded half-even


def test_period_labels():
    assert period_label(Month(2024, 1), Frequency.YEARLY, "da") == "2024"
    assert period_label(Month(2024, 10), Frequency.QUARTERLY, "da") == "K4 2024"
    assert period_label(Month(2024, 5), Frequency.MONTHLY, "da") == "maj 2024"
    assert period_label(Month(2024, 5), Frequency.MONTHLY, "en") == "May 2024"
    assert period_label(Month(2024, 10), Frequency.QUARTERLY, "en") == "Q4 2024"
    assert period_label(Month(2024, 7), Frequency.HALF_YEARLY, "da") == "2. halvår 2024"
    assert period_label(Month(2024, 1), Frequency.HALF_YEARLY, "en") == "H1 2024"


def test_monthly_series_detects_a_skipped_month():
    data = IndicatorTrendData(
        "Indberetninger",
        "antal",
        Direction.HIGHER_IS_BETTER,
        (IndicatorPoint(Month(2025, 1), 10), IndicatorPoint(Month(2025, 3), 12)),
        frequency=Frequency.MONTHLY,
    )
    series = prepare_series(data)
    assert series.periods == (Month(2025, 1), Month(2025, 2), Month(2025, 3))
    assert math.isnan(series.ys[1])
    assert [g.label for g in series.gaps] == ["mangler"]


def test_an_indicator_without_measurements_still_draws():
    data = IndicatorTrendData(
        "Ny indikator",
        "%",
        Direction.HIGHER_IS_BETTER,
        (),
        target=samples.readmissions_indicator().target,
    )
    svg.parse(build_indicator_trend(data))


def test_the_text_alternative_reads_every_period():
    text = describe_indicator_trend(samples.readmissions_indicator())
    assert "2021: skjult (<5)" in text
    assert "2023: mangler; 2024: 71,0; 2025: mangler" in text
    assert text.startswith("Andel kommuner med daglig indberetning (%). Højere er bedre.")
    assert text.endswith("Mål 2026: 90,0 %.")
