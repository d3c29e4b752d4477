"""The app's own export, recalculated by LibreOffice, agrees with the sums the app computes."""

from decimal import Decimal

import pytest
from openpyxl import load_workbook

from portfolio.budgets import services, transfer
from portfolio.budgets.models import BudgetKind
from portfolio.extensions import db
from tests.budgets.xlsx_helpers import find_header_row, header_columns, libreoffice_convert

D = Decimal


@pytest.fixture
def recalculated(app, ddns, users, tmp_path):
    secretariat = users.make("secretariat")
    rows = {r.position: r for r in services.budget_rows(ddns.id)}
    services.set_amounts(
        secretariat,
        ddns,
        BudgetKind.FORECAST,
        {
            (rows[1].id, "2025"): D("4.8"),
            (rows[2].id, "2026"): D("4.05"),
            (rows[5].id, "varigt"): D("1.4"),
        },
    )
    services.set_amounts(
        secretariat,
        ddns,
        BudgetKind.ACTUAL,
        {(rows[1].id, "2023"): D("2.75"), (rows[4].id, "2024"): D("3.3")},
    )
    db.session.commit()
    exported = transfer.export_budget(secretariat, ddns)
    source = tmp_path / exported.filename
    source.write_bytes(exported.content)
    (converted,) = libreoffice_convert([source], tmp_path / "out")
    return load_workbook(converted, data_only=True), services.budget_overview(ddns)


def _table(sheet):
    header = find_header_row(sheet)
    columns = header_columns(sheet, header)
    rows = {}
    for r in range(header + 1, sheet.max_row + 1):
        label = sheet.cell(r, columns["Række"]).value
        if label:
            rows[label] = {name: sheet.cell(r, c).value for name, c in columns.items()}
    return rows


def _near(value, expected: Decimal | None):
    if expected is None:
        return value in (None, "")
    return value is not None and value != "" and abs(D(str(value)) - expected) < D("0.0005")


def test_budget_sheet_totals_equal_the_apps(recalculated):
    workbook, overview = recalculated
    sheet = _table(workbook["Budget"])
    total_header = "I alt (2023–2026)"
    for table_row in overview.baseline_table.rows:
        cells = sheet[table_row.row.label]
        assert _near(cells[total_header], table_row.computed_total), table_row.row.label
    sums = sheet["I alt"]
    for year in overview.years:
        assert _near(sums[year], overview.baseline_table.column_total(year)), year
    assert _near(sums[total_header], D("58.1"))
    assert _near(sums["Varigt"], D("11.3"))


def test_forecast_and_actual_sheets_equal_the_apps(recalculated):
    workbook, overview = recalculated
    for kind, name in (("forecast", "Prognose"), ("actual", "Forbrug")):
        sheet = _table(workbook[name])
        for figures in overview.rows:
            cells = sheet[figures.row.label]
            for year in overview.years:
                assert _near(cells[year], getattr(figures, kind).get(year)), (name, year)
            assert _near(cells["I alt (2023–2026)"], figures.year_total(kind, overview.years))
        for year in overview.years:
            assert _near(sheet["I alt"][year], overview.column(kind, year)), (name, year)


def test_variance_sheet_equals_the_apps(recalculated):
    workbook, overview = recalculated
    sheet = workbook["Afvigelse"]
    found = 0
    for row in sheet.iter_rows(values_only=True):
        for figures in overview.rows:
            if figures.row.label in row:
                found += 1
    assert found >= len(overview.rows)
    # The cells the app computes a variance for hold the same number.
    values = [
        c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, int | float)
    ]
    expected = {
        figures.variance(kind, year)
        for figures in overview.rows
        for kind in ("forecast", "actual")
        for year in overview.years
        if figures.variance(kind, year) is not None
    }
    assert expected == {D("0.5"), D("-0.15"), D("-0.15"), D("0.2")}
    for value in expected:
        assert any(abs(D(str(v)) - value) < D("0.0005") for v in values), value
