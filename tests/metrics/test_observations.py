"""The normalised observation, exact decimals and the status tables."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from portfolio.metrics.observations import (
    Observation,
    apply_small_number_rule,
    decimal_from_value,
    parse_decimal,
)
from portfolio.metrics.observations import ObservationStatus as S
from portfolio.metrics.services import observations_to_json
from portfolio.metrics.statuses import EUROSTAT_FLAGS, PX_SYMBOLS, lookup_symbol


def test_status_values_are_exactly_these():
    assert [s.value for s in S] == [
        "ok",
        "suppressed",
        "missing",
        "not_applicable",
        "provisional",
        "estimated",
        "break",
    ]


def test_withheld_cells_never_carry_a_number():
    with pytest.raises(ValueError, match="cannot have a value"):
        Observation({}, "2020", Decimal(0), S.SUPPRESSED)
    with pytest.raises(ValueError, match="needs a status"):
        Observation({}, "2020", None, S.OK)
    with pytest.raises(ValueError, match="finite"):
        Observation({}, "2020", Decimal("NaN"), S.OK)
    assert Observation({}, "2020", None, S.MISSING, "..").value is None


def test_observations_are_frozen():
    observation = Observation({"a": "1"}, "2020", Decimal(1))
    with pytest.raises(AttributeError):
        observation.value = Decimal(2)


@pytest.mark.parametrize(
    ("text", "options", "expected"),
    [
        ("12.50", {}, "12.50"),
        (" 7 ", {}, "7"),
        ("-0.5", {}, "-0.5"),
        ("1e3", {}, "1E+3"),
        ("\u22123", {}, "-3"),
        ("12,5", {"decimal_comma": True}, "12.5"),
        ("1.234,56", {"decimal_comma": True, "thousands_separator": "."}, "1234.56"),
        ("1 234", {"thousands_separator": " "}, "1234"),
    ],
)
def test_parse_decimal(text, options, expected):
    assert str(parse_decimal(text, **options)) == expected


@pytest.mark.parametrize("text", ["NaN", "inf", "Infinity", "", "..", "1,5", "12 %", "0x1A"])
def test_parse_decimal_refuses(text):
    with pytest.raises(ValueError):
        parse_decimal(text)


def test_decimal_from_value():
    assert str(decimal_from_value(0.1)) == "0.1"
    assert decimal_from_value(3) == 3
    assert str(decimal_from_value("2,50", decimal_comma=True)) == "2.50"
    with pytest.raises(ValueError):
        decimal_from_value(True)
    with pytest.raises(ValueError):
        decimal_from_value(float("nan"))


def test_small_number_rule_keeps_zero_and_larger_values():
    observations = [
        Observation({}, str(year), Decimal(value))
        for year, value in [(2020, 0), (2021, 2), (2022, 3), (2023, "4.9")]
    ]
    result, hidden = apply_small_number_rule(observations, Decimal(3))
    assert hidden == 1
    assert [(o.value, o.status) for o in result] == [
        (0, S.OK),
        (None, S.SUPPRESSED),
        (3, S.OK),
        (Decimal("4.9"), S.OK),
    ]


def test_symbol_tables():
    assert lookup_symbol(".", PX_SYMBOLS) is S.NOT_APPLICABLE
    assert lookup_symbol("..", PX_SYMBOLS) is S.MISSING
    assert lookup_symbol(":", PX_SYMBOLS) is S.SUPPRESSED
    assert lookup_symbol(":", EUROSTAT_FLAGS) is S.MISSING
    assert lookup_symbol("ep", EUROSTAT_FLAGS) is S.PROVISIONAL
    assert lookup_symbol("cp", EUROSTAT_FLAGS) is S.SUPPRESSED
    assert lookup_symbol("q", EUROSTAT_FLAGS) is None


def test_json_output_keeps_the_exact_decimal_text():
    observations = [
        Observation({"omr": "084"}, "2021K4", Decimal("0.30000000000000001")),
        Observation({}, "2019M01", Decimal("1234.50")),
        Observation({}, "2018", Decimal("1E+3"), S.ESTIMATED, "e"),
        Observation({"køn": "K"}, "2020-Q1", None, S.SUPPRESSED, ":"),
    ]
    text = observations_to_json(observations)
    assert '"value": 0.30000000000000001' in text
    assert '"value": 1234.50' in text
    items = json.loads(text, parse_float=Decimal)
    assert [item["value"] for item in items] == [
        Decimal("0.30000000000000001"),
        Decimal("1234.50"),
        Decimal("1E+3"),
        None,
    ]
    assert items[3] == {
        "dimensions": {"køn": "K"},
        "period": "2020-Q1",
        "value": None,
        "status": "suppressed",
        "raw_status": ":",
    }
    assert json.loads(observations_to_json([])) == []
    assert json.loads(observations_to_json(observations, indent=None)) == json.loads(text)
