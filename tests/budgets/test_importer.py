"""Importing forecast and actual amounts: exact round trip, and every problem reported."""

import datetime as dt
import hashlib
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook

from portfolio.budgets import importer
from portfolio.budgets.importer import ImportProblem, checksum, parse_budget_import
from portfolio.budgets.workbook import build_budget_workbook

from .workbook_factories import DDNS_TABLE, ddns_baseline_amounts, ddns_rows, ddns_workbook
from .xlsx_helpers import edit, patch_part, sheet_path

D = Decimal
LIMIT = 2 * 2**20
DATA = ddns_workbook()
LABELS = DATA.row_labels()
PERIODS = list(DATA.periods)


@pytest.fixture(scope="module")
def template() -> bytes:
    return build_budget_workbook(DATA)


def parse(content: bytes, kind="actual", **options):
    options = {"row_labels": LABELS, "periods": PERIODS, "max_bytes": LIMIT, **options}
    return parse_budget_import(content, kind=kind, **options)


def fill(template: bytes, sheet: str = "Forbrug", **cells) -> bytes:
    """Return the template with the given cells of one sheet set (C5=2.9 …)."""

    def change(wb):
        for address, value in cells.items():
            wb[sheet][address] = value

    return edit(template, change)


def problems(result) -> list[str]:
    return [str(p) for p in result.problems]


def test_ddns_round_trip_forecast_and_actual(template):
    baseline = ddns_baseline_amounts()
    columns = dict(zip(PERIODS, "CDEFH", strict=True))
    for kind, sheet in (("forecast", "Prognose"), ("actual", "Forbrug")):
        cells = {
            f"{columns[period]}{4 + position}": float(amount)
            for position, amounts in baseline.items()
            for period, amount in amounts.items()
        }
        result = parse(fill(template, sheet, **cells), kind=kind)
        assert result.ok, problems(result)
        assert result.sheet == sheet
        assert dict(result.values) == {
            (position, period): amount
            for position, amounts in baseline.items()
            for period, amount in amounts.items()
        }


def test_exported_forecast_and_actual_come_back_exactly():
    forecast = {1: {"2023": D("2.95"), "varigt": D("3.125")}, 4: {"2026": D("0")}}
    actual = {2: {"2024": D("3.399"), "2025": D("0.001")}, 5: {"2023": D("999999.999")}}
    content = build_budget_workbook(ddns_workbook(rows=ddns_rows(forecast, actual)))
    read_forecast = parse(content, kind="forecast")
    read_actual = parse(content, kind="actual")
    assert dict(read_forecast.values) == {
        (1, "2023"): D("2.95"),
        (1, "varigt"): D("3.125"),
        (4, "2026"): D("0"),
    }
    assert dict(read_actual.values) == {
        (2, "2024"): D("3.399"),
        (2, "2025"): D("0.001"),
        (5, "2023"): D("999999.999"),
    }


def test_filled_actuals_round_trip_and_empty_cells_mean_no_value(template):
    content = fill(template, C5=2.9, D6=0.125, H9=1.3, F8=0, E7="   ")
    result = parse(content)
    assert result.ok
    assert dict(result.values) == {
        (1, "2023"): D("2.9"),
        (2, "2024"): D("0.125"),
        (5, "varigt"): D("1.3"),
        (4, "2026"): D("0"),
    }
    assert all(isinstance(v, Decimal) for v in result.values.values())


def test_binary_noise_is_read_as_excel_shows_it(template):
    content = fill(template, C5=123.456)
    path = sheet_path(content, "Forbrug")
    content = patch_part(content, path, b"<v>123.456</v>", b"<v>2.8999999999999999</v>")
    assert dict(parse(content).values) == {(1, "2023"): D("2.9")}
    # 0.1 + 0.2 as a pasted value is 0.30000000000000004 in the file and 0,3 on screen.
    noisy = b"<v>0.30000000000000004</v>"
    content = patch_part(content, path, b"<v>2.8999999999999999</v>", noisy)
    assert dict(parse(content).values) == {(1, "2023"): D("0.3")}


def test_labels_are_matched_loosely_and_the_sheet_name_too(template):
    def change(wb):
        wb["Forbrug"]["B5"] = "  spor 1:   NATIONALT datagrundlag for kommuner "
        wb["Forbrug"]["C5"] = 1
        wb["Forbrug"].title = "tmp"  # openpyxl would make "forbrug" "forbrug1" in one step
        wb["tmp"].title = "forbrug"

    assert dict(parse(edit(template, change)).values) == {(1, "2023"): D("1")}


def test_rows_may_come_in_any_order_without_numbers(template):
    def change(wb):
        ws = wb["Forbrug"]
        ws["B5"], ws["B9"] = ws["B9"].value, ws["B5"].value
        ws["A5"], ws["A9"] = None, None
        ws["C5"] = 0.7

    assert dict(parse(edit(template, change)).values) == {(5, "2023"): D("0.7")}


# ------------------------------------------------------------------- bad files


def only(result, *expected: str) -> None:
    """Assert the result has exactly these problems (as printed) and no values."""
    assert problems(result) == list(expected)
    assert dict(result.values) == {}
    assert not result.ok


NOT_XLSX = (
    "Filen er ikke en Excel-projektmappe (.xlsx). Gem den i Excel som "
    "“Excel-projektmappe (*.xlsx)” og prøv igen."
)


DOCX_TYPES = (
    b'<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
    b'wordprocessingml.document.main+xml"/></Types>'
)


def zip_of(**parts: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name.replace("__", "/"), data)
    return out.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        "Nr.;Række;2023\n1;Spor 1;2,9\n".encode(),  # a CSV renamed to .xlsx
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20,  # garbage
        zip_of(readme__txt=b"hello"),  # a zip that is no Office file
        zip_of(**{"[Content_Types].xml": DOCX_TYPES}),  # a .docx
    ],
    ids=["csv", "garbage", "zip", "docx"],
)
def test_files_that_are_not_workbooks(content):
    only(parse(content), NOT_XLSX)


def test_old_xls_and_macro_workbooks_and_empty_files(template):
    old = importer.OLE2_MAGIC + b"\x00" * 600
    only(parse(old), importer.t.IMPORT_OLD_XLS)
    macro = patch_part(
        template,
        "[Content_Types].xml",
        b"spreadsheetml.sheet.main+xml",
        b"ZZZ",
    ).replace(b"", b"")
    macro = patch_part(
        template,
        "[Content_Types].xml",
        importer.XLSX_MAIN,
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    only(parse(macro), importer.t.IMPORT_MACRO_WORKBOOK)
    only(parse(b""), "Filen er tom.")


def test_corrupt_zip_data_is_unreadable_not_a_crash(template):
    # Flip bytes inside the compressed [Content_Types].xml: the zip opens, reading fails.
    start = template.index(b"[Content_Types].xml") + len(b"[Content_Types].xml")
    corrupt = template[:start] + bytes(b ^ 0x55 for b in template[start : start + 40])
    corrupt += template[start + 40 :]
    result = parse(corrupt)
    assert len(result.problems) == 1
    assert result.problems[0].message.startswith("Filen kan ikke læses som Excel-projektmappe (")
    assert dict(result.values) == {}


def test_a_broken_workbook_is_unreadable_not_a_crash(template):
    broken = patch_part(template, "xl/workbook.xml", b"<sheets>", b"<sheets><oops>")
    result = parse(broken)
    assert len(result.problems) == 1
    assert result.problems[0].message.startswith("Filen kan ikke læses som Excel-projektmappe (")


def test_file_over_the_size_limit(template):
    size = len(template) // 1024
    only(
        parse(template, max_bytes=10_000),
        f"Filen fylder {size} kB, men højst 9 kB kan indlæses.",
    )


def test_zip_bomb_is_refused_before_unpacking():
    parts = {"[Content_Types].xml": importer.XLSX_MAIN, "xl__worksheets__sheet1.xml": b"\0"}
    parts["xl__worksheets__sheet1.xml"] *= 65 * 2**20
    bomb = zip_of(**parts)
    assert len(bomb) < 200_000
    only(parse(bomb), "Filen pakker ud til mere end 64,0 MB og afvises for at beskytte systemet.")


def test_missing_sheet(template):
    content = edit(template, lambda wb: wb.remove(wb["Forbrug"]))
    only(
        parse(content),
        "Forbrug: Arket “Forbrug” eller “Actual spend” findes ikke i filen (filen har: "
        "“Budget”, “Prognose”, "
        "“Afvigelse”, “Versioner”, “Om”, “Risici”, “Gevinster”).",
    )


def test_missing_header_row():
    wb = Workbook()
    wb.active.title = "Forbrug"
    wb.active["A1"] = "Intet her"
    out = io.BytesIO()
    wb.save(out)
    only(
        parse(out.getvalue()),
        "Forbrug: Tabellens overskriftsrække med “Række” blev ikke fundet i de første 30 rækker.",
    )


def test_wrong_headers(template):
    content = fill(template, F4="2027", I4="2024", J4="Kommentar", C5=1)
    only(
        parse(content),
        "Forbrug!F4: Året 2027 hører ikke til programmets perioder (2023, 2024, 2025, 2026, Varigt).",  # noqa: E501
        "Forbrug!I4: Kolonnen “2024” står flere gange (også i D4).",
        "Forbrug!J4: Ukendt kolonneoverskrift “Kommentar”.",
        "Forbrug: Kolonnen “2026” mangler i overskriftsrækken.",
    )


def test_year_header_typed_as_a_number_is_fine(template):
    assert dict(parse(fill(template, C4=2023, C5=1)).values) == {(1, "2023"): D("1")}


def test_unknown_duplicate_and_missing_rows(template):
    content = fill(template, B6="Spor 9: Findes ikke", B7=DDNS_TABLE[1][0], A7=1, C7=1.5)
    only(
        parse(content),
        "Forbrug!B6: Ukendt række “Spor 9: Findes ikke”. Rækkerne skal hedde som i skabelonen.",
        "Forbrug!B7: Rækken “Spor 1: Nationalt datagrundlag for kommuner” står flere gange "
        "(også i B5).",
        "Forbrug: Rækken “Spor 2: Nationalt datagrundlag for almen praksis” (nr. 2) mangler i "
        "tabellen.",
        "Forbrug: Rækken “Spor 3: Nationalt datagrundlag for speciallægepraksis” (nr. 3) mangler "
        "i tabellen.",
    )


def test_position_must_agree_with_the_label(template):
    only(
        parse(fill(template, A6=4, C6=1)),
        "Forbrug!A6: Nr. 4 passer ikke til rækken “Spor 2: Nationalt datagrundlag for almen "
        "praksis”, som har nr. 2.",
    )


def test_bad_cells_are_all_reported_with_sheet_and_cell(template):
    content = fill(
        template,
        C5="2,9",
        D5=-1,
        E5=0.1234,
        F5="=1+2",
        H5=True,
        C6=dt.date(2024, 1, 1),
        D6=1_000_000,
        E6="#N/A",
        C7=1.5,  # fine, but the import as a whole is refused
        I7=3,
    )
    result = parse(content)
    only(
        result,
        "Forbrug!C5: Cellen indeholder tekst (“2,9”), ikke et tal. Skriv beløbet som et tal, fx 2,9.",  # noqa: E501
        "Forbrug!D5: Beløbet -1 er negativt; beløb skal være 0 eller derover.",
        "Forbrug!E5: Beløbet 0,1234 har mere end 3 decimaler; beløb angives i mio. kr. med højst "
        "3 decimaler.",
        "Forbrug!F5: Cellen indeholder en formel (=1+2). Indsæt beløbet som værdi.",
        "Forbrug!H5: Cellen indeholder en sandhedsværdi, ikke et tal.",
        "Forbrug!C6: Cellen indeholder en dato, ikke et tal.",
        "Forbrug!D6: Beløbet 1000000 er urimeligt stort (over 1.000.000 mio. kr.).",
        "Forbrug!E6: Cellen indeholder fejlværdien #N/A, ikke et tal.",
        "Forbrug!I7: Cellen har en værdi, men kolonnen har ingen overskrift.",
    )
    assert result.problems[0] == ImportProblem("Forbrug", "C5", result.problems[0].message)
    assert result.problems[0].location == "Forbrug!C5"


def test_non_finite_numbers(template):
    content = fill(template, C5=123.456)
    content = patch_part(
        content, sheet_path(content, "Forbrug"), b"<v>123.456</v>", b"<v>1E999</v>"
    )
    only(parse(content), "Forbrug!C5: Beløbet er ikke et endeligt tal.")


def test_merged_cells_in_the_table(template):
    content = edit(template, lambda wb: wb["Forbrug"].merge_cells("C6:D7"))
    only(parse(content), "Forbrug!C6: Cellerne C6:D7 er flettet. Ophæv fletningen i tabellen.")
    content = edit(template, lambda wb: wb["Forbrug"].merge_cells("H9:I9"))  # overlaps the edge
    only(parse(content), "Forbrug!H9: Cellerne H9:I9 er flettet. Ophæv fletningen i tabellen.")


def test_merged_cells_outside_the_table_are_fine(template):
    # The exported sheet merges its notes below the table.
    assert parse(fill(template, C5=1)).ok


def test_an_empty_template_is_not_an_import(template):
    only(parse(template), "Forbrug: Tabellen indeholder ingen beløb.")


def test_a_table_without_end_is_refused(monkeypatch):
    monkeypatch.setattr(importer, "MAX_SCAN_ROWS", 12)
    wb = Workbook()
    ws = wb.active
    ws.title = "Forbrug"
    ws.append(["Nr.", "Række", *PERIODS[:-1], "Varigt"])
    for position, label in LABELS.items():
        ws.append([position, label, 1])
    for row in range(20):
        ws.append([None, f"Ekstra {row}"])
    out = io.BytesIO()
    wb.save(out)
    result = parse(out.getvalue())
    assert problems(result)[-1] == (
        "Forbrug: Tabellen slutter ikke inden for de første 12 rækker (der mangler en tom række "
        "eller rækken “I alt” under tabellen)."
    )
    assert dict(result.values) == {}


def test_far_away_cells_are_not_read(template):
    # A value beyond the scanned columns (CV) does not make the parser read 16 384 columns.
    content = fill(template, C5=1, XFD5=7)
    assert dict(parse(content).values) == {(1, "2023"): D("1")}


def test_kind_must_be_known(template):
    with pytest.raises(ValueError, match="kind"):
        parse(template, kind="baseline")


def test_checksum():
    assert checksum(b"abc") == hashlib.sha256(b"abc").hexdigest()
    assert len(checksum(b"")) == 64


def test_a_workbook_of_another_programme_is_refused_naming_only_this_one(template):
    filled = fill(template, C5=2.9)
    other = parse(filled, programme_slug="sundhed", programme_name="Sundhedsprogrammet")
    assert not other.ok and other.values == {}
    (problem,) = other.problems
    assert problem.sheet is None and problem.cell is None
    assert problem.message.startswith(
        "Arbejdsbogen hører til et andet program end Sundhedsprogrammet"
    )
    # Nothing the file holds about its own programme is repeated.
    for held in ("ddns", "DDNS", DATA.programme_name):
        assert held not in problem.message
    # The same file for its own programme imports (the id is matched ignoring case).
    own = parse(filled, programme_slug="DDNS", programme_name="DDNS")
    assert own.ok, problems(own)


def test_a_workbook_without_a_programme_id_is_taken_on_its_tables(template):
    def drop_about(wb):
        del wb["Om"]

    without_sheet = edit(fill(template, C5=2.9), drop_about)
    assert parse(without_sheet, programme_slug="sundhed", programme_name="Sundhed").ok

    def blank_id(wb):
        for row in wb["Om"].iter_rows():
            if row[0].value == "Program-id":
                row[1].value = None

    blank = edit(fill(template, C5=2.9), blank_id)
    assert parse(blank, programme_slug="sundhed", programme_name="Sundhed").ok


def test_the_programme_id_is_found_wherever_it_was_moved_to(template):
    def move_id(wb):
        about = wb["Om"]
        about.insert_rows(1, amount=5)

    moved = edit(fill(template, C5=2.9), move_id)
    refused = parse(moved, programme_slug="sundhed", programme_name="Sundhed")
    assert [p.message[:40] for p in refused.problems] == [
        "Arbejdsbogen hører til et andet program "
    ]
