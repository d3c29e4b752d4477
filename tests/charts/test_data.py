"""The chart inputs: stable serialisation for cache keys, and refusals of bad input."""

import dataclasses
import datetime as dt
import json
from decimal import Decimal

import pytest

from portfolio.charts.data import (
    BenefitMapData,
    BudgetPanel,
    BudgetYear,
    IndicatorPoint,
    MapNode,
    ObservationStatus,
    PeriodKind,
    RiskMatrixData,
    RiskPoint,
    TimelinePeriod,
    TimelineTrack,
    stable_json,
)
from portfolio.core.months import Month
from tests.charts import samples


def test_stable_json_is_canonical_and_typed():
    text = stable_json(
        {
            "b": Decimal("2.50"),
            "a": (Month(2023, 2), dt.date(2023, 1, 18), PeriodKind.WAVE, None, True, 3),
        }
    )
    assert text == (
        '{"$dict":{"a":[{"$month":"2023-02"},{"$date":"2023-01-18"},'
        '{"$enum":["PeriodKind","wave"]},null,true,3],"b":{"$decimal":"2.50"}}}'
    )
    json.loads(text)


def test_stable_json_tells_apart_values_that_print_alike():
    # A string, a Decimal and a Month that all read "2023-02"-ish must not share a key.
    assert stable_json("2.5") != stable_json(Decimal("2.5"))
    assert stable_json("2023-02") != stable_json(Month(2023, 2))
    assert stable_json(1) != stable_json(True)
    assert stable_json(dt.date(2023, 1, 1)) != stable_json(dt.datetime(2023, 1, 1, tzinfo=dt.UTC))


def test_stable_json_names_the_dataclass():
    @dataclasses.dataclass(frozen=True)
    class Other:
        name: str
        kind: PeriodKind
        start: Month
        end: Month

    period = TimelinePeriod(
        "Bølge 2 – datakvalitet", PeriodKind.WAVE, Month(2024, 4), Month(2026, 11)
    )
    twin = Other(period.name, period.kind, period.start, period.end)
    assert stable_json(period) != stable_json(twin)
    assert '"$type":"TimelinePeriod"' in stable_json(period)


def test_stable_json_is_the_same_for_equal_data_built_twice():
    assert stable_json(samples.dated_timeline()) == stable_json(samples.dated_timeline())
    assert stable_json(samples.ddns_timeline()) != stable_json(samples.dated_timeline())


def test_stable_json_keeps_unicode_and_sorts_sets():
    assert stable_json("Bølge – æøå") == '"Bølge – æøå"'
    assert stable_json({"b", "a"}) == stable_json({"a", "b"})


@pytest.mark.parametrize(
    "value", [object(), b"svg", float("nan"), Decimal("NaN"), {1: "x"}, PeriodKind]
)
def test_stable_json_refuses_what_it_cannot_write_exactly(value):
    with pytest.raises(TypeError):
        stable_json(value)


def test_lists_are_stored_as_tuples_so_inputs_stay_frozen_and_hashable():
    track = TimelineTrack(1, "Nationalt datagrundlag for kommuner", projects=[])
    assert track.projects == ()
    hash(samples.dated_timeline())
    hash(samples.ddns_benefit_map())


def test_money_must_be_exact():
    with pytest.raises(TypeError, match="Decimal"):
        BudgetYear(2023, baseline=2.9)
    BudgetYear(2023, baseline=Decimal("2.9"), actual=3)
    with pytest.raises(ValueError, match="negative"):
        BudgetYear(2023, forecast=Decimal("-1"))


def test_years_must_be_in_order():
    with pytest.raises(ValueError, match="order"):
        BudgetPanel("Spor 1", (BudgetYear(2024), BudgetYear(2023)))


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        TimelinePeriod("Lukning af program", PeriodKind.PHASE, Month(2027, 1), Month(2026, 11))


def test_risk_levels_are_one_to_three_and_history_comes_in_pairs():
    with pytest.raises(ValueError):
        RiskPoint("R1", probability=4, consequence=1)
    with pytest.raises(ValueError, match="both"):
        RiskPoint("R1", 3, 1, previous_probability=2)
    with pytest.raises(ValueError, match="unique"):
        RiskMatrixData("DDNS", (RiskPoint("R1", 1, 1), RiskPoint("R1", 2, 2)))


def test_a_suppressed_period_never_carries_a_number():
    with pytest.raises(ValueError, match="no value"):
        IndicatorPoint(Month(2021, 1), Decimal(0), status=ObservationStatus.SUPPRESSED)
    with pytest.raises(ValueError, match="required"):
        IndicatorPoint(Month(2021, 1))


def test_benefit_map_links_must_name_boxes_in_the_map():
    with pytest.raises(ValueError, match="GH9"):
        BenefitMapData(
            "DDNS",
            sources=(MapNode("Spor 1", "Nationalt datagrundlag for kommuner"),),
            benefits=(MapNode("GH1", "Mere sammenhængende patientforløb"),),
            goals=(),
            source_links=(("Spor 1", "GH9"),),
        )
