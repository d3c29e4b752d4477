"""English users get English workbooks, Danish users Danish ones, and either comes back in."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from portfolio.budgets import services
from portfolio.budgets.excel_texts import LOCALES, texts
from portfolio.budgets.importer import parse_budget_import
from portfolio.budgets.models import BudgetKind
from portfolio.budgets.portfolio_workbook import build_portfolio_workbook
from portfolio.budgets.workbook import build_budget_workbook

from .workbook_factories import EXPORTED_AT, ddns_workbook
from .xlsx_helpers import edit, find_header_row, header_columns

D = Decimal
LIMIT = 2 * 2**20
DANISH_SHEETS = ["Budget", "Prognose", "Forbrug", "Afvigelse", "Versioner", "Om", "Risici"]
ENGLISH_SHEETS = ["Budget", "Forecast", "Actual spend", "Variance", "Versions", "About", "Risks"]
TRACK1 = "Spor 1: Nationalt datagrundlag for kommuner"


def _load(content: bytes):
    return load_workbook(io.BytesIO(content))


def _texts_of(workbook) -> set[str]:
    return {
        cell.value
        for ws in workbook.worksheets
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and not cell.value.startswith("=")
    }


def test_an_english_workbook_has_english_sheets_headers_and_notes():
    book = _load(build_budget_workbook(ddns_workbook(locale="en")))
    assert book.sheetnames == [*ENGLISH_SHEETS, "Benefits"]
    forecast = book["Forecast"]
    header = find_header_row(forecast, "Row")
    assert {"No.", "Row", "2023", "Total (2023–2026)", "Ongoing (per year)"} <= set(
        header_columns(forecast, header)
    )
    words = _texts_of(book)
    assert "About this workbook" in words and "Notes" in words
    assert "Exported" in words and "DKK m" in words
    for danish in ("Noter", "Række", "Om denne projektmappe", "Eksporteret", "mio. kr."):
        assert danish not in words, danish
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True) if row[0]}
    assert about["Exported"] == "14 March 2025, 10:26"  # the English way of dates
    assert book["Forecast"].oddFooter.right.text == "Page &P of &N"
    assert book.properties.language == "en-GB"
    # The variance formulas still point at the (now English, quoted) sheets.
    formulas = [str(c.value) for row in book["Variance"].iter_rows() for c in row]
    assert any("'Actual spend'!" in f for f in formulas)


def test_a_danish_workbook_stays_danish():
    book = _load(build_budget_workbook(ddns_workbook()))
    assert book.sheetnames == [*DANISH_SHEETS, "Gevinster"]
    assert "Række" in header_columns(book["Prognose"], find_header_row(book["Prognose"]))
    assert book.properties.language == "da-DK"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_english_sheet_name_is_one_excel_accepts(locale):
    t = texts(locale)
    for name in (
        t.SHEET_BUDGET,
        t.SHEET_FORECAST,
        t.SHEET_ACTUAL,
        t.SHEET_VARIANCE,
        t.SHEET_VERSIONS,
        t.SHEET_ABOUT,
        t.SHEET_RISKS,
        t.SHEET_BENEFITS,
        t.SHEET_OVERVIEW,
    ):
        assert 0 < len(name) <= 31 and not set(name) & set(":\\/?*[]"), name


def _fill(content: bytes, sheet: str, label: str, values: dict[str, float]) -> bytes:
    """Return the workbook with amounts typed into one row of a sheet (in either language)."""

    def change(wb):
        ws = wb[sheet]
        header = find_header_row(ws, "Row" if sheet == "Forecast" else "Række")
        columns = header_columns(ws, header)
        row = next(r for r in range(header + 1, ws.max_row + 1) if ws.cell(r, 2).value == label)
        for period, value in values.items():
            ws.cell(row, columns[period]).value = value

    return edit(content, change)


@pytest.mark.parametrize(
    ("locale", "sheet", "lasting"),
    [("en", "Forecast", "Ongoing (per year)"), ("da", "Prognose", "Varigt")],
)
def test_a_workbook_in_either_language_is_read_back_exactly(locale, sheet, lasting):
    data = ddns_workbook(locale=locale)
    filled = _fill(build_budget_workbook(data), sheet, TRACK1, {"2024": 3.25, lasting: 1.5})
    result = parse_budget_import(
        filled,
        kind="forecast",
        row_labels=data.row_labels(),
        periods=list(data.periods),
        max_bytes=LIMIT,
        programme_slug="ddns",
    )
    assert result.ok, [str(p) for p in result.problems]
    assert result.sheet == sheet
    assert dict(result.values) == {(1, "2024"): D("3.25"), (1, "varigt"): D("1.5")}


def test_problems_are_written_in_the_language_asked_for_whatever_the_workbook():
    data = ddns_workbook(locale="en")

    def bad(wb):
        wb["Forecast"]["D5"] = "abc"

    content = edit(build_budget_workbook(data), bad)
    options = {
        "kind": "forecast",
        "row_labels": data.row_labels(),
        "periods": list(data.periods),
        "max_bytes": LIMIT,
    }
    (danish,) = parse_budget_import(content, **options).problems
    assert str(danish) == (
        "Forecast!D5: Cellen indeholder tekst (“abc”), ikke et tal. "
        "Skriv beløbet som et tal, fx 2,9."
    )
    (english,) = parse_budget_import(content, **options, locale="en").problems
    assert str(english) == (
        "Forecast!D5: The cell holds text (“abc”), not a number. Enter the amount as a number, "
        "e.g. 2.9."
    )


def test_a_workbook_in_neither_language_gets_a_danish_message_naming_both():
    data = ddns_workbook()

    def rename(wb):
        wb["Prognose"].title = "Prévision"

    content = edit(build_budget_workbook(data), rename)
    result = parse_budget_import(
        content,
        kind="forecast",
        row_labels=data.row_labels(),
        periods=list(data.periods),
        max_bytes=LIMIT,
    )
    (problem,) = result.problems
    assert problem.message.startswith(
        "Arket “Prognose” eller “Forecast” findes ikke i filen (filen har: “Budget”, “Prévision”"
    )
    assert result.values == {}


def test_unknown_headers_in_a_third_language_are_refused_in_danish():
    data = ddns_workbook(locale="en")

    def german(wb):
        ws = wb["Forecast"]
        header = find_header_row(ws, "Row")
        ws.cell(header, header_columns(ws, header)["Ongoing (per year)"]).value = "Dauerhaft"

    content = edit(build_budget_workbook(data), german)
    result = parse_budget_import(
        content,
        kind="forecast",
        row_labels=data.row_labels(),
        periods=list(data.periods),
        max_bytes=LIMIT,
    )
    messages = [p.message for p in result.problems]
    assert "Ukendt kolonneoverskrift “Dauerhaft”." in messages
    assert "Kolonnen “Varigt” mangler i overskriftsrækken." in messages


def test_the_portfolio_workbook_in_english():
    book = _load(
        build_portfolio_workbook(
            [ddns_workbook()], exported_at=EXPORTED_AT, exported_by="x", locale="en"
        )
    )
    assert book.sheetnames == [
        "Overview",
        "Per year",
        "Budget",
        "Forecast",
        "Actual spend",
        "About",
    ]
    assert book["Per year"]["A1"].value == "The portfolio per year"
    assert [c.value for c in book["Budget"][1]][:5] == [
        "Programme ID",
        "Programme",
        "No.",
        "Row",
        "Track",
    ]
    assert book["Overview"]["A1"].value == "The portfolio's budgets"


# ------------------------------------------------------------------ through the app


def _english(client):
    assert client.post("/language", data={"lang": "en", "next": "/"}).status_code == 302


def test_an_english_user_downloads_an_english_workbook_and_a_danish_user_a_danish_one(
    client, login_as
):
    login_as("viewer")
    danish = _load(client.get("/programmes/ddns/budget.xlsx").data)
    assert danish.sheetnames[:7] == DANISH_SHEETS
    assert "I alt (2023–2026)" in header_columns(
        danish["Prognose"], find_header_row(danish["Prognose"])
    )
    _english(client)
    english = _load(client.get("/programmes/ddns/budget.xlsx").data)
    assert english.sheetnames[:7] == ENGLISH_SHEETS
    forecast = english["Forecast"]
    assert "Total (2023–2026)" in header_columns(forecast, find_header_row(forecast, "Row"))
    assert forecast["A1"].value.startswith("Forecast – ")


def test_an_english_user_downloads_the_portfolio_workbook_in_english(client, login_as):
    login_as("viewer")
    _english(client)
    book = _load(client.get("/portfolio/budgets.xlsx").data)
    assert book.sheetnames[0] == "Overview"


@pytest.mark.parametrize(
    ("english", "sheet"), [(True, "Forecast"), (False, "Prognose")], ids=["en", "da"]
)
def test_round_trip_download_fill_upload_in_either_language(client, login_as, ddns, english, sheet):
    login_as("secretariat")
    if english:
        _english(client)
    download = client.get("/programmes/ddns/budget.xlsx").data
    filled = _fill(download, sheet, TRACK1, {"2025": 4.125})
    response = client.post(
        "/programmes/ddns/budget/import",
        data={"kind": "forecast", "file": (io.BytesIO(filled), "forecast.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    row = next(r for r in services.budget_rows(ddns.id) if r.position == 1)
    stored = services.current_values(ddns, BudgetKind.FORECAST)
    assert stored[(row.id, "2025")] == D("4.125")


def test_an_english_user_sees_import_problems_in_english(client, login_as, ddns):
    login_as("secretariat")
    _english(client)
    download = client.get("/programmes/ddns/budget.xlsx").data

    def bad(wb):
        wb["Forecast"]["D5"] = -1

    response = client.post(
        "/programmes/ddns/budget/import",
        data={"kind": "forecast", "file": (io.BytesIO(edit(download, bad)), "f.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The amount -1 is negative" in html
    assert "negativt" not in html


def test_cli_exports_in_the_language_asked_for(runner, tmp_path):
    out = tmp_path / "en.xlsx"
    result = runner.invoke(args=["export", "budget", "ddns", "--output", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert _load(out.read_bytes()).sheetnames[:7] == ENGLISH_SHEETS
    default = tmp_path / "da.xlsx"
    assert runner.invoke(args=["export", "budget", "ddns", "--output", str(default)]).exit_code == 0
    assert _load(default.read_bytes()).sheetnames[:7] == DANISH_SHEETS
    refused = runner.invoke(args=["export", "budget", "ddns", "--lang", "fr"])
    assert refused.exit_code != 0
