"""The workbook's input refuses data that would give a wrong or partial workbook."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from portfolio.budgets import models
from portfolio.budgets.workbook_data import LASTING, TOTAL, BaselineVersion, WorkbookRow

from .workbook_factories import ddns_rows, ddns_version, ddns_workbook

D = Decimal


def test_period_names_match_the_models():
    assert (LASTING, TOTAL) == (models.LASTING, models.TOTAL)


def test_ddns_input_is_accepted_and_frozen():
    data = ddns_workbook()
    assert data.periods == ("2023", "2024", "2025", "2026", "varigt")
    assert data.row_labels()[5].startswith("Femte række")
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.programme_name = "x"
    with pytest.raises(TypeError):
        data.rows[0].baseline["2023"] = D("1")  # the amounts are read-only views


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        (2.9, "expected a Decimal"),
        (D("-0.1"), "negative"),
        (D("NaN"), "not a finite number"),
        (D("Infinity"), "not a finite number"),
        (D("0.0001"), "more than 3 decimals"),
        (D("1000000"), "not below"),
    ],
)
def test_bad_amounts_are_refused(amount, reason):
    with pytest.raises(ValueError, match=reason):
        WorkbookRow(1, "Spor 1", None, 1, {"2023": amount})


def test_rows_must_have_distinct_positions_and_labels():
    rows = ddns_rows()
    with pytest.raises(ValueError, match="positions must be distinct"):
        ddns_workbook(rows=[*rows, dataclasses.replace(rows[0], label="Andet")])
    with pytest.raises(ValueError, match="labels must be distinct"):
        same = dataclasses.replace(rows[-1], label=" spor 1:  NATIONALT datagrundlag for kommuner")
        ddns_workbook(rows=[*rows[:-1], same])


def test_periods_must_belong_to_the_workbook():
    rows = ddns_rows(forecast={1: {"2027": D("1")}})
    with pytest.raises(ValueError, match="2027"):
        ddns_workbook(rows=rows)
    with pytest.raises(ValueError, match="printed column totals"):
        ddns_workbook(printed_column_totals={"2030": D("1")})


def test_the_baseline_must_be_one_of_the_versions_with_the_same_amounts():
    other = dataclasses.replace(ddns_version(), number=2)
    with pytest.raises(ValueError, match="not in versions"):
        ddns_workbook(baseline=other)
    changed = BaselineVersion(1, dt.date(2023, 1, 18), "Bestyrelsen", amounts={1: {"2023": D("1")}})
    with pytest.raises(ValueError, match="differ"):
        ddns_workbook(baseline=changed, versions=[changed])


def test_export_time_must_be_aware_and_years_ordered():
    with pytest.raises(ValueError, match="timezone-aware"):
        ddns_workbook(exported_at=dt.datetime(2025, 1, 1))  # noqa: DTZ001 – the point
    with pytest.raises(ValueError, match="in order"):
        ddns_workbook(years=("2024", "2023", "2025", "2026"))
    with pytest.raises(ValueError, match="at least one budget row"):
        ddns_workbook(rows=[])
