"""LibreOffice opens the workbooks and computes every formula to the figures we expect.

Each workbook is converted once with headless LibreOffice Calc, which recalculates every
formula on loading (set in its private profile) and saves the results. Every formula cell
is then compared with a value this test computes on its own from the input Decimals.
"""

from __future__ import annotations

import dataclasses
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from portfolio.budgets import excel_texts as t
from portfolio.budgets.importer import parse_budget_import
from portfolio.budgets.portfolio_workbook import build_portfolio_workbook
from portfolio.budgets.workbook import build_budget_workbook

from .workbook_factories import (
    EXPORTED_AT,
    ddns_rows,
    ddns_with_two_versions,
    ddns_workbook,
    synthetic_workbook,
)
from .xlsx_helpers import edit, header_columns, libreoffice_convert

D = Decimal
INJECTED = [
    '=HYPERLINK("http://evil.example/","Klik")',
    "+1+2",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
]
FORECAST = {1: {"2023": D("3.1"), "2024": D("2.4"), "varigt": D("3")}, 3: {"2026": D("0")}}
ACTUAL = {1: {"2023": D("2.85")}, 2: {"2023": D("1.5"), "2024": D("0.125")}}


def ddns_filled():
    return ddns_workbook(rows=ddns_rows(FORECAST, ACTUAL))


def injected():
    rows = [dataclasses.replace(r, label=INJECTED[i]) for i, r in enumerate(ddns_rows())]
    return ddns_workbook(rows=rows, programme_name="=2+3", exported_by="@evil")


def portfolio():
    # DDNS with an estimate at completion (the app's figure; here its forecast), the others
    # without one.
    ddns = ddns_filled()
    ddns = dataclasses.replace(
        ddns, rows=[dataclasses.replace(r, estimate=dict(r.forecast)) for r in ddns.rows]
    )
    programmes = [ddns, synthetic_workbook(1, rows=3, years=3)]
    programmes.append(dataclasses.replace(synthetic_workbook(2, rows=2, years=6), rows=[
        dataclasses.replace(r, forecast={}, actual={}) for r in synthetic_workbook(2, 2, 6).rows
    ]))  # fmt: skip
    return programmes


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """Build the workbooks, convert them all in one LibreOffice run; name → (ours, theirs)."""
    folder = tmp_path_factory.mktemp("libreoffice")
    files = {
        "ddns": build_budget_workbook(ddns_filled()),
        "versions": build_budget_workbook(ddns_with_two_versions()),
        "injected": build_budget_workbook(injected()),
        "portfolio": build_portfolio_workbook(
            portfolio(), exported_at=EXPORTED_AT, exported_by="test"
        ),
    }
    originals = []
    for name, content in files.items():
        path = folder / f"{name}.xlsx"
        path.write_bytes(content)
        originals.append(path)
    outdir = folder / "out"
    outdir.mkdir()
    results = libreoffice_convert(originals, outdir)
    return {path.stem: (path, result) for path, result in zip(originals, results, strict=True)}


# ------------------------------------------------------------ expected values, computed here


def rounded(value: Decimal | None, places: int = 3) -> Decimal | None:
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def table_sums(amounts: dict[int, dict[str, Decimal]], years, blank_if_empty: bool):
    """Return the sums a budget table shows: (row totals, column totals, grand total)."""

    def total(values):
        values = [v for v in values if v is not None]
        if not values and blank_if_empty:
            return None
        return sum(values, D(0))

    rows = {p: total(a.get(y) for y in years) for p, a in amounts.items()}
    columns = {
        period: total(a.get(period) for a in amounts.values()) for period in (*years, "varigt")
    }
    grand = total(a.get(y) for a in amounts.values() for y in years)
    if grand is not None:
        grand = sum((v for v in rows.values() if v is not None), D(0))
    return rows, columns, grand


def expected_table(ws, header_row, amounts, years, labels, *, blank_if_empty):
    """Return address → expected value for a table whose header is at header_row."""
    columns = header_columns(ws, header_row)
    total_col = next(c for h, c in columns.items() if h.startswith("I alt"))
    rows_at = {}
    row = header_row + 1
    while ws.cell(row, 2).value != "I alt":
        rows_at[labels[ws.cell(row, 2).value]] = row
        row += 1
    total_row = row
    row_sums, column_sums, grand = table_sums(amounts, years, blank_if_empty)
    expected = {}
    for position, r in rows_at.items():
        expected[(r, total_col)] = row_sums[position]
    for period, value in column_sums.items():
        expected[(total_row, columns["Varigt" if period == "varigt" else period])] = value
    expected[(total_row, total_col)] = grand
    cells = {}  # every number of the table by address, for variance formulas elsewhere
    for position, r in rows_at.items():
        for period in (*years, "varigt"):
            cells[(r, columns["Varigt" if period == "varigt" else period])] = amounts[position].get(
                period
            )
    cells.update(expected)
    return expected, cells, rows_at, total_row, columns, total_col


def check(theirs, ours, sheet: str, expected: dict, places: int = 3) -> None:
    """Assert every formula cell of the sheet has the expected computed value."""
    formulas = {
        (c.row, c.column) for row in ours[sheet].iter_rows() for c in row if c.data_type == "f"
    }
    assert formulas == set(expected), f"{sheet}: formulas without expectation or missing"
    for (row, col), value in expected.items():
        got = theirs[sheet].cell(row, col).value
        where = f"{sheet}!{theirs[sheet].cell(row, col).coordinate}"
        if value is None:
            assert got in (None, ""), f"{where}: {got!r} should be blank"
        else:
            assert isinstance(got, int | float), f"{where}: {got!r} is not a number"
            assert rounded(D(repr(got)), places) == rounded(value, places), where


def open_pair(converted, name):
    ours, theirs = converted[name]
    return load_workbook(ours), load_workbook(theirs, data_only=True)


# ------------------------------------------------------------ the tests


def test_every_formula_of_the_ddns_workbook_computes_the_expected_value(converted):
    ours, theirs = open_pair(converted, "ddns")
    data = ddns_filled()
    years = data.years
    labels = {r.label: r.position for r in data.rows}
    baseline = {r.position: dict(r.baseline) for r in data.rows}
    tables = {}
    for sheet, amounts, blank in (
        ("Budget", baseline, False),
        ("Prognose", {r.position: dict(r.forecast) for r in data.rows}, True),
        ("Forbrug", {r.position: dict(r.actual) for r in data.rows}, True),
    ):
        expected, cells, rows_at, total_row, columns, total_col = expected_table(
            ours[sheet], 4, amounts, years, labels, blank_if_empty=blank
        )
        tables[sheet] = cells
        if sheet == "Budget":
            printed_col, rounding_col = columns[t.HEADER_PRINTED], columns[t.HEADER_ROUNDING]
            for row in data.rows:
                r = rows_at[row.position]
                expected[(r, rounding_col)] = row.printed_total - cells[(r, total_col)]
            for column, printed in data.printed_column_totals.items():
                c = {"total": total_col, "varigt": columns["Varigt"]}.get(column) or columns[column]
                expected[(total_row + 2, c)] = printed - cells[(total_row, c)]
            assert printed_col == rounding_col - 1
        check(theirs, ours, sheet, expected)

    # The approved document's rounding, shown as printed − computed.
    budget = theirs["Budget"]
    assert [round(budget.cell(r, 10).value, 3) for r in range(5, 10)] == [0, -0.1, 0, 0.1, 0]
    assert [round(budget.cell(12, c).value, 3) for c in range(3, 9)] == [0, 0.1, 0, 0, 0, 0]
    assert [round(budget.cell(10, c).value, 3) for c in range(3, 9)] == [
        8.3, 11.2, 19.3, 19.3, 58.1, 11.3,
    ]  # fmt: skip

    # Afvigelse: each block's cells against the same address on Prognose/Forbrug and Budget,
    # like with like: no "I alt" column; the "I alt" row adds only the rows with a figure.
    ws = ours["Afvigelse"]
    titles = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    expected = {}
    data_rows, total_row, total_col = range(5, 10), 10, 7
    columns = [*range(3, 7), 8]  # the years and Varigt
    budget_cells = tables["Budget"]
    for sheet, amount_title, percent_title in (
        ("Prognose", t.BLOCK_FORECAST_AMOUNT, t.BLOCK_FORECAST_PERCENT),
        ("Forbrug", t.BLOCK_ACTUAL_AMOUNT, t.BLOCK_ACTUAL_PERCENT),
    ):
        amount_top = titles[amount_title % {"unit": "mio. kr."}]
        percent_top = titles[percent_title]
        for c in columns:
            differences, bases = [], []
            for r in data_rows:
                other = tables[sheet][(r, c)]
                base = budget_cells[(r, c)] or D(0)
                difference = None if other is None else other - base
                expected[(amount_top + r - 3, c)] = difference
                percent = None
                if difference is not None and base != 0:
                    percent = rounded(difference / base, 4)
                expected[(percent_top + r - 3, c)] = percent
                if difference is not None:
                    differences.append(difference)
                    bases.append(base)
            whole = sum(differences, D(0)) if differences else None
            expected[(amount_top + total_row - 3, c)] = whole
            expected[(percent_top + total_row - 3, c)] = (
                rounded(whole / sum(bases), 4) if whole is not None and sum(bases) else None
            )
    # The estimate at completion as exported (the factory gives none: zeros), and minus budget.
    estimate_top = titles[t.BLOCK_ESTIMATE % {"unit": "mio. kr."}]
    estimates = {r: dict(row.estimate) for r, row in zip(data_rows, data.rows, strict=True)}
    for r in data_rows:
        expected[(estimate_top + r - 3, total_col)] = sum(estimates[r].values(), D(0))
    for c in range(3, total_col + 1):
        expected[(estimate_top + total_row - 3, c)] = (
            sum((expected.get((estimate_top + r - 3, c)) or D(0)) for r in data_rows)
            if c == total_col
            else sum((estimates[r].get(str(2020 + c)) or D(0)) for r in data_rows)
        )
    versus_top = titles[t.BLOCK_ESTIMATE_VARIANCE % {"unit": "mio. kr."}]
    for r in (*data_rows, total_row):
        for c in range(3, total_col + 1):
            if r == total_row:
                estimate = expected[(estimate_top + total_row - 3, c)]
            elif c == total_col:
                estimate = expected[(estimate_top + r - 3, c)]
            else:
                estimate = estimates[r].get(str(2020 + c)) or D(0)
            expected[(versus_top + r - 3, c)] = estimate - (budget_cells[(r, c)] or D(0))
    check(theirs, ours, "Afvigelse", expected, places=3)
    assert theirs["Afvigelse"]["C5"].value == pytest.approx(0.2)  # 3,1 − 2,9
    assert theirs["Afvigelse"]["C14"].value == pytest.approx(0.069)  # 0,2 / 2,9
    assert theirs["Afvigelse"]["G5"].value in (None, "")  # no total of unlike periods


def test_cached_values_are_what_libreoffice_computes(converted):
    """Every formula's cached value (what a preview pane shows) equals LibreOffice's result."""
    for name in ("ddns", "versions", "injected", "portfolio"):
        ours, theirs = converted[name]
        formulas = load_workbook(ours)
        cached = load_workbook(ours, data_only=True)
        recalculated = load_workbook(theirs, data_only=True)
        compared = 0
        for ws in formulas.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.data_type != "f":
                        continue
                    mine = cached[ws.title][cell.coordinate].value
                    libre = recalculated[ws.title][cell.coordinate].value
                    where = f"{name} {ws.title}!{cell.coordinate}"
                    if libre in (None, ""):
                        assert mine in (None, ""), where
                    else:
                        assert mine is not None, f"{where}: no cached value"
                        assert D(repr(mine)) == rounded(D(repr(libre)), 4), where
                    compared += 1
        assert compared > 50, name


def test_versions_sheet_computes_each_version_and_the_change(converted):
    ours, theirs = open_pair(converted, "versions")
    data = ddns_with_two_versions()
    labels = {r.label: r.position for r in data.rows}
    ws = ours["Versioner"]
    column_a = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    expected = {}
    tables = {}
    for index, version in enumerate(data.versions):
        amounts = {r.position: dict(version.amounts.get(r.position, {})) for r in data.rows}
        title = next(k for k in column_a if str(k).startswith(f"Version {version.number},"))
        found, cells, _, total_row, columns, total_col = expected_table(
            ws, column_a[title] + 1, amounts, data.years, labels, blank_if_empty=False
        )
        expected.update(found)
        tables[version.number] = (column_a[title], cells)
        expected[(4 + index, 7)] = found[(total_row, total_col)]
        expected[(4 + index, 8)] = found[(total_row, columns["Varigt"])]
    change_top = column_a["Ændring fra version 1 til version 2"]
    (old_top, old), (new_top, new) = tables[1], tables[2]
    for (r, c), value in new.items():
        old_value = old[(r - new_top + old_top, c)] or D(0)
        expected[(change_top + r - new_top, c)] = (value or D(0)) - old_value
    check(theirs, ours, "Versioner", expected)
    changed = theirs["Versioner"]
    assert changed.cell(change_top + 3, 4).value == pytest.approx(-0.5)  # row 2, 2024
    assert changed.cell(change_top + 3, 5).value == pytest.approx(0.5)  # row 2, 2025


def test_portfolio_sums_per_programme_survive_recalculation(converted):
    ours, theirs = open_pair(converted, "portfolio")
    programmes = portfolio()
    years = sorted({y for p in programmes for y in p.years})
    for sheet, source, blank in (
        ("Budget", "baseline", False),
        ("Prognose", "forecast", True),
        ("Forbrug", "actual", True),
    ):
        ws = ours[sheet]
        columns = header_columns(ws, 1)
        expected = {}
        row = 2
        for programme in programmes:
            for budget_row in programme.rows:
                amounts = getattr(budget_row, source)
                values = [amounts[y] for y in years if y in amounts]
                total = sum(values, D(0)) if values or not blank else None
                expected[(row, columns["I alt"])] = total
                if sheet == "Budget" and budget_row.printed_total is not None:
                    expected[(row, columns[t.HEADER_ROUNDING])] = budget_row.printed_total - total
                row += 1
        check(theirs, ours, sheet, expected)

    expected = {}
    totals = {"F": D(0), "G": D(0), "H": None, "I": None, "J": None}
    for index, programme in enumerate(programmes):
        r = 5 + index
        budget = sum(
            (a for row in programme.rows for y, a in row.baseline.items() if y != "varigt"), D(0)
        )
        lasting = sum((row.baseline.get("varigt", D(0)) for row in programme.rows), D(0))
        figures = {"F": budget, "G": lasting}
        for letter, source in (("H", "forecast"), ("I", "actual")):
            values = [
                a
                for row in programme.rows
                for y, a in getattr(row, source).items()
                if y != "varigt"
            ]
            figures[letter] = sum(values, D(0)) if values else None
        for offset, letter in enumerate("FGHI"):
            expected[(r, 6 + offset)] = figures[letter]
            if figures[letter] is not None:
                totals[letter] = (totals[letter] or D(0)) + figures[letter]
        # The estimate at completion is the app's figure (no formula): the one compared
        # with the whole budget, since a forecast or actual total may cover only some years.
        values = [a for row in programme.rows for y, a in row.estimate.items() if y != "varigt"]
        estimate = sum(values, D(0)) if values else None
        for wb in (ours, theirs):
            assert _number(wb["Oversigt"].cell(r, 10).value) == estimate, programme.programme_slug
        expected[(r, 11)] = None if estimate is None else estimate - budget
        if estimate is not None:
            totals["J"] = (totals.get("J") or D(0)) + estimate
    r = 5 + len(programmes)
    for offset, letter in enumerate("FGHIJ"):
        expected[(r, 6 + offset)] = totals[letter]
    expected[(r, 11)] = totals["J"] - totals["F"]
    assert totals["J"] is not None  # DDNS has an estimate: the total compares it
    check(theirs, ours, "Oversigt", expected)
    assert theirs["Oversigt"].cell(7, 8).value in (None, "")  # no forecast at all: blank


def _number(value):
    return None if value in (None, "") else D(str(value)).quantize(D("0.001"))


def test_text_that_looks_like_a_formula_is_text_after_libreoffice(converted):
    ours, theirs = open_pair(converted, "injected")
    for name in ("Budget", "Prognose", "Forbrug", "Afvigelse"):
        for wb in (ours, theirs):
            cells = [wb[name].cell(r, 2) for r in range(5, 10)]
            assert [c.value for c in cells] == INJECTED, name
            assert {c.data_type for c in cells} == {"s"}, name
    about = theirs["Om"]
    values = {about.cell(r, 1).value: about.cell(r, 2) for r in range(3, 20)}
    assert (values["Program"].value, values["Program"].data_type) == ("=2+3", "s")
    assert values["Eksporteret af"].value == "@evil"
    # Our file marks them with Excel's quote prefix too, so editing them keeps them text.
    # (LibreOffice 7.4 keeps them text cells but does not write the prefix back out.)
    assert ours["Budget"]["B5"].quotePrefix


def test_libreoffice_keeps_the_layout_and_print_setup(converted):
    _, theirs = open_pair(converted, "ddns")
    budget = theirs["Budget"]
    # (Freeze panes are view settings, which headless LibreOffice has none of and drops;
    # test_workbook.py checks them in our own file.)
    assert budget.page_setup.orientation == "landscape"
    assert budget.sheet_properties.pageSetUpPr.fitToPage
    assert budget.page_setup.fitToWidth in (1, None)  # 1 is the default LibreOffice omits
    # The actuals have three decimals (0,125), so every amount shows three.
    assert budget["C5"].number_format == "0.000"
    assert budget["G10"].number_format == "0.000"
    assert "Basisversion 1" in budget.oddHeader.right.text
    assert budget.print_title_rows == "$4:$4"


def test_a_file_saved_by_libreoffice_imports_the_same_numbers(converted, tmp_path):
    """Finance may fill the sheet in LibreOffice: its saved file must import exactly."""
    ours, _ = converted["ddns"]
    theirs = tmp_path / "filled.xlsx"

    def fill(wb):
        wb["Forbrug"]["D7"] = 4.7
        wb["Forbrug"]["H9"] = 0.001

    theirs.write_bytes(edit(ours.read_bytes(), fill))
    outdir = tmp_path / "out"
    outdir.mkdir()
    (saved,) = libreoffice_convert([theirs], outdir)
    data = ddns_filled()
    result = parse_budget_import(
        saved.read_bytes(),
        kind="actual",
        row_labels=data.row_labels(),
        periods=data.periods,
        max_bytes=2**20,
    )
    assert result.ok, [str(p) for p in result.problems]
    expected = {(p, period): a for p, amounts in ACTUAL.items() for period, a in amounts.items()}
    expected |= {(3, "2024"): D("4.7"), (5, "varigt"): D("0.001")}
    assert dict(result.values) == expected
