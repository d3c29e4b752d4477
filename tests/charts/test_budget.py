"""Budget per year (grouped bars, small multiples) and the cumulative spend curve."""

from decimal import Decimal as D

from portfolio.charts.budget import (
    bar_slots,
    build_budget_years,
    build_cumulative_spend,
    cumulative_series,
    describe_cumulative_spend,
    spend_gaps,
)
from portfolio.charts.data import BudgetPanel, BudgetYear, BudgetYearsData, CumulativeSpendData
from tests.charts import samples, svg


def test_a_missing_amount_is_no_bar_not_a_zero_bar():
    slots = {(s.year, s.kind): s.value for s in bar_slots(samples.ddns_budget().panels[0])}
    assert slots[(2023, "forecast")] is None
    assert slots[(2025, "actual")] is None
    assert slots[(2023, "baseline")] == D("8.3")


def test_missing_amounts_are_noted_and_present_ones_written_with_a_decimal_comma():
    data = samples.ddns_budget()
    labels = svg.labels(build_budget_years(data))
    missing = sum(1 for s in bar_slots(data.panels[0]) if s.value is None)
    assert missing == 3
    assert labels.count("ingen data") == 3
    for amount in ("8,3", "11,3", "19,3", "7,1", "10,2", "10,8", "19,9", "21,4"):
        assert amount in labels
    assert "0,0" not in labels
    assert not any("." in label and label[0].isdigit() for label in labels)


def test_a_zero_that_was_reported_is_drawn_as_zero():
    data = BudgetYearsData("X", (BudgetPanel("I alt", (BudgetYear(2023, D(0), None, D(0)),)),))
    labels = svg.labels(build_budget_years(data))
    assert labels.count("0,0") == 2
    assert labels.count("ingen data") == 1


def test_the_bars_are_named_by_a_legend_and_the_unit_is_on_the_axis():
    labels = svg.labels(build_budget_years(samples.ddns_budget()))
    assert {"Godkendt budget", "Prognose", "Forbrug", "mio. kr.", "Budget pr. år: DDNS"} <= set(
        labels
    )
    english = svg.labels(build_budget_years(samples.ddns_budget(), locale="en"))
    expected = {"Approved baseline", "Forecast", "Actual spend", "DKK m", "no data"}
    assert expected <= set(english)
    assert "19.3" in english


def test_one_panel_per_track():
    data = samples.ddns_budget(per_track=True)
    labels = svg.labels(build_budget_years(data))
    for panel in data.panels:
        assert panel.label in labels
    missing = sum(1 for p in data.panels for s in bar_slots(p) if s.value is None)
    assert labels.count("ingen data") == missing == 4 * 4 + 1  # track 3 lacks 2024's actual
    # The approved amounts per track, as the basis prints them.
    for amount in ("2,9", "1,5", "0,5", "2,7", "4,7"):
        assert amount in labels


def test_the_running_totals():
    series = cumulative_series(samples.programme_years())
    assert series.baseline == (D("8.3"), D("19.6"), D("38.9"), D("58.2"))
    assert series.actual == (D("7.1"), D("17.3"), None, None)
    # Actual spend to date, then the forecast for each later year.
    assert series.estimate == (None, D("17.3"), D("37.2"), D("58.6"))
    assert spend_gaps(series) == {"to_date": (2024, D("-2.3")), "at_end": (2026, D("0.4"))}


def test_a_hole_in_the_actuals_stops_the_running_total():
    years = (
        BudgetYear(2023, baseline=D("8.3"), actual=D("7.1")),
        BudgetYear(2024, baseline=D("11.3"), forecast=D("11")),
        BudgetYear(2025, baseline=D("19.3"), actual=D("18"), forecast=D("19")),
    )
    series = cumulative_series(years)
    assert series.actual == (D("7.1"), None, None)
    assert series.estimate == (D("7.1"), D("18.1"), D("37.1"))
    labels = svg.labels(build_cumulative_spend(CumulativeSpendData("X", years)))
    assert labels.count("ingen data") == 1


def test_without_actual_spend_the_forecast_runs_from_the_start():
    years = (BudgetYear(2023, D(1), D(2)), BudgetYear(2024, D(1), D(2)))
    series = cumulative_series(years)
    assert series.actual == (None, None)
    assert series.estimate == (D(2), D(4))
    assert spend_gaps(series) == {"to_date": None, "at_end": (2024, D(2))}


def test_without_forecasts_there_is_no_dashed_line():
    years = (BudgetYear(2023, D(1), actual=D(1)), BudgetYear(2024, D(1)))
    assert cumulative_series(years).estimate == (None, None)


def test_the_gap_is_labelled_in_words_and_amounts():
    labels = svg.labels(build_cumulative_spend(samples.ddns_cumulative()))
    assert (
        "A  Mindreforbrug til og med 2024: 2,3 mio. kr. B  Forventet ved afslutning (2026): "
        "merforbrug 0,4 mio. kr." in labels
    )
    assert {"A", "B", "Forbrug: 17,3", "Godkendt budget: 58,2", "Forbrug + prognose: 58,6"} <= set(
        labels
    )
    english = svg.labels(build_cumulative_spend(samples.ddns_cumulative(), locale="en"))
    assert any("Underspend to end of 2024: DKK 2.3m" in label for label in english)


def test_the_text_alternative_states_the_totals_and_gaps():
    assert describe_cumulative_spend(samples.ddns_cumulative()) == (
        "Akkumuleret forbrug for DDNS, 2023–2026. Godkendt budget 2026: 58,2 mio. kr. "
        "Forbrug 2024: 17,3 mio. kr. Forbrug + prognose 2026: 58,6 mio. kr. "
        "Mindreforbrug til og med 2024: 2,3 mio. kr. "
        "Forventet ved afslutning (2026): merforbrug 0,4 mio. kr."
    )
