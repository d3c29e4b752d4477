"""The budget page, its forms, the workbook download and the upload, end to end."""

import io
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from portfolio.budgets import services
from portfolio.budgets.models import BudgetImport, BudgetKind
from portfolio.extensions import db
from tests.budgets.xlsx_helpers import find_header_row, header_columns

D = Decimal


def _rows(ddns):
    return {r.position: r for r in services.budget_rows(ddns.id)}


def test_budget_page_shows_baseline_light_and_charts(client, login_as):
    login_as("viewer")
    html = client.get("/programmes/ddns/budget").get_data(as_text=True)
    assert "Version 1, godkendt 18. januar 2023" in html
    # Row 2, row 4 and the 2024 column: in the approved table and in the figures' "Godkendt".
    assert html.count('class="num differs"') == 6
    assert "Ingen vurdering" in html  # no forecast or actuals yet
    assert "Statens It-råds regel" in html
    for chart in ("budget-years", "cumulative-spend"):
        assert f"/programmes/ddns/charts/{chart}.svg" in html
        svg = client.get(f"/programmes/ddns/charts/{chart}.svg")
        assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
        assert b"<svg" in svg.data
    assert "Redigér prognose" not in html  # a viewer cannot edit


def test_grid_accepts_comma_and_point_and_shows_variance(client, login_as, ddns):
    login_as("secretariat")
    rows = _rows(ddns)
    form = {
        f"orig-{r.id}-{p}": ""
        for r in rows.values()
        for p in ("2023", "2024", "2025", "2026", "varigt")
    }
    form[f"cell-{rows[1].id}-2025"] = "4,8"
    form[f"cell-{rows[2].id}-2025"] = "3.0"
    response = client.post("/programmes/ddns/budget/forecast/edit", data=form)
    assert response.status_code == 302
    page = client.get("/programmes/ddns/budget").get_data(as_text=True)
    assert "Prognose er gemt (2 celler ændret)." in page
    assert "11,6 %" in page  # (4,8 − 4,3) / 4,3
    assert services.current_values(ddns, BudgetKind.FORECAST) == {
        (rows[1].id, "2025"): D("4.8"),
        (rows[2].id, "2025"): D("3.0"),
    }


def test_grid_refuses_bad_cells_and_writes_nothing(client, login_as, ddns):
    login_as("secretariat")
    rows = _rows(ddns)
    response = client.post(
        "/programmes/ddns/budget/actual/edit",
        data={
            f"cell-{rows[1].id}-2023": "2,9",
            f"cell-{rows[2].id}-2023": "-1",
            f"cell-{rows[3].id}-2023": "1,2345",
            f"cell-{rows[4].id}-2023": "mange",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for message in ("må ikke være negativt", "Højst tre decimaler", "Skriv et beløb"):
        assert message in html
    assert services.current_values(ddns, BudgetKind.ACTUAL) == {}


def test_grid_from_a_stale_page_is_refused(client, login_as, ddns):
    login_as("secretariat")
    rows = _rows(ddns)
    key = f"{rows[1].id}-2026"
    assert (
        client.post(
            "/programmes/ddns/budget/forecast/edit", data={f"cell-{key}": "3,9", f"orig-{key}": ""}
        ).status_code
        == 302
    )
    stale = client.post(
        "/programmes/ddns/budget/forecast/edit", data={f"cell-{key}": "4,2", f"orig-{key}": ""}
    )
    assert stale.status_code == 409
    assert "Nogen har ændret beløbene" in stale.get_data(as_text=True)
    assert services.current_values(ddns, BudgetKind.FORECAST)[(rows[1].id, "2026")] == D("3.9")


def test_rebaseline_page_and_version_comparison(client, login_as, ddns):
    login_as("secretariat")
    rows = _rows(ddns)
    table = services.baseline_table(ddns.id)
    form = {f"cell-{r.row.id}-{p}": str(v) for r in table.rows for p, v in r.amounts.items()}
    form[f"cell-{rows[3].id}-2026"] = "4,6"
    form.update(
        approved_on="2025-03-04",
        approved_by="Programstyregruppen",
        document="Beslutningsreferat",
        reason="Spor 3 omprioriteret",
        decision="Godkendt",
        confirmed="y",
    )
    assert client.post("/programmes/ddns/budget/rebaseline", data=form).status_code == 302
    page = client.get("/programmes/ddns/budget?from=1&to=2").get_data(as_text=True)
    assert "Version 2, godkendt 4. marts 2025 af Programstyregruppen" in page
    assert "Forskelle mellem version 1 og 2" in page
    # Track 3, 2026 went from 4,2 to 4,6: one difference, of 0,4.
    assert '<td class="num">4,2</td><td class="num">4,6</td><td class="num">0,4</td>' in page


def test_download_is_a_named_workbook_with_the_basis_table(client, login_as):
    login_as("viewer")
    response = client.get("/programmes/ddns/budget.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="ddns-budget-') and ".xlsx" in disposition
    workbook = load_workbook(io.BytesIO(response.data))
    assert {
        "Budget",
        "Prognose",
        "Forbrug",
        "Afvigelse",
        "Versioner",
        "Om",
        "Risici",
        "Gevinster",
    } <= set(workbook.sheetnames)
    sheet = workbook["Budget"]
    header = find_header_row(sheet)
    columns = header_columns(sheet, header)
    assert {"2023", "2024", "2025", "2026", "I alt (2023–2026)", "Varigt"} <= set(columns)
    first = header + 1
    assert sheet.cell(first, columns["2023"]).value == 2.9
    assert str(sheet.cell(first, columns["I alt (2023–2026)"]).value).startswith("=")


def _filled(download: bytes, sheet_name: str, values: dict[tuple[str, str], float]) -> bytes:
    workbook = load_workbook(io.BytesIO(download))
    sheet = workbook[sheet_name]
    header = find_header_row(sheet)
    columns = header_columns(sheet, header)
    labels = {
        sheet.cell(r, columns["Række"]).value: r for r in range(header + 1, sheet.max_row + 1)
    }
    for (label, period), value in values.items():
        sheet.cell(labels[label], columns[period]).value = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _upload(client, content: bytes, kind="actual", name="forbrug.xlsx"):
    return client.post(
        "/programmes/ddns/budget/import",
        data={"kind": kind, "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_round_trip_download_fill_upload(client, login_as, ddns):
    login_as("secretariat")
    download = client.get("/programmes/ddns/budget.xlsx").data
    track1 = "Spor 1: Nationalt datagrundlag for kommuner"
    filled = _filled(download, "Forbrug", {(track1, "2023"): 2.8, (track1, "2024"): 2.65})
    response = _upload(client, filled)
    assert response.status_code == 302
    rows = _rows(ddns)
    assert services.current_values(ddns, BudgetKind.ACTUAL) == {
        (rows[1].id, "2023"): D("2.8"),
        (rows[1].id, "2024"): D("2.65"),
    }
    (record,) = db.session.scalars(sa.select(BudgetImport)).all()
    assert (record.file_name, record.cells_changed, len(record.checksum)) == ("forbrug.xlsx", 2, 64)
    # The same file again changes nothing and records nothing.
    again = _upload(client, filled)
    assert again.status_code == 302
    assert "ingen ændringer" in client.get("/programmes/ddns/budget").get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BudgetImport)) == 1
    # Export again: the workbook carries the imported actuals.
    exported = load_workbook(io.BytesIO(client.get("/programmes/ddns/budget.xlsx").data))
    sheet = exported["Forbrug"]
    header = find_header_row(sheet)
    columns = header_columns(sheet, header)
    assert sheet.cell(header + 1, columns["2024"]).value == 2.65


@pytest.mark.parametrize(
    ("name", "stored"),
    [("x\x00.xlsx", "x.xlsx"), ("for\x1bbrug\x7f.xlsx", "forbrug.xlsx"), ("\x00", "budget.xlsx")],
)
def test_an_upload_named_with_nul_or_control_characters_is_stored_clean(
    client, login_as, ddns, name, stored
):
    """Issue 11 finding 6: a file named "x\\x00.xlsx" was a 500 on PostgreSQL."""
    login_as("secretariat")
    download = client.get("/programmes/ddns/budget.xlsx").data
    track1 = "Spor 1: Nationalt datagrundlag for kommuner"
    response = _upload(client, _filled(download, "Forbrug", {(track1, "2023"): 2.8}), name=name)
    assert response.status_code == 302
    (record,) = db.session.scalars(sa.select(BudgetImport)).all()
    assert record.file_name == stored
    page = client.get("/programmes/ddns/budget").get_data(as_text=True)
    assert f"indlæst fra {stored}" in page


def test_bad_upload_lists_every_problem_and_writes_nothing(client, login_as, ddns):
    login_as("secretariat")
    download = client.get("/programmes/ddns/budget.xlsx").data
    track1 = "Spor 1: Nationalt datagrundlag for kommuner"
    track2 = "Spor 2: Nationalt datagrundlag for almen praksis"
    bad = _filled(download, "Forbrug", {(track1, "2023"): -1, (track2, "2024"): "=1+1"})
    response = _upload(client, bad)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Filen har 2 problemer; intet er gemt." in html
    assert "Forbrug!" in html
    assert services.current_values(ddns, BudgetKind.ACTUAL) == {}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BudgetImport)) == 0
    not_excel = _upload(client, b"row;2023\nSpor 1;2,9\n", name="budget.csv")
    assert not_excel.status_code == 422
    assert "ikke en Excel-projektmappe" in not_excel.get_data(as_text=True).replace(
        "\n", " "
    ) or "xlsx" in not_excel.get_data(as_text=True)


def test_a_workbook_of_another_programme_is_refused_and_changes_nothing(client, login_as, ddns):
    login_as("secretariat")
    download = client.get("/programmes/ddns/budget.xlsx").data
    track1 = "Spor 1: Nationalt datagrundlag for kommuner"
    filled = _filled(download, "Forbrug", {(track1, "2023"): 2.8})
    workbook = load_workbook(io.BytesIO(filled))
    for row in workbook["Om"].iter_rows():
        if row[0].value == "Program-id":
            row[1].value = "et-andet-program"
    out = io.BytesIO()
    workbook.save(out)

    response = _upload(client, out.getvalue())
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f"Arbejdsbogen hører til et andet program end {ddns.name}" in html
    assert "et-andet-program" not in html
    assert services.current_values(ddns, BudgetKind.ACTUAL) == {}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BudgetImport)) == 0


def test_viewer_cannot_upload(client, login_as, ddns):
    login_as("viewer")
    response = _upload(client, b"x")
    assert response.status_code == 403


def test_cli_export_and_import(runner, tmp_path, users, ddns):
    users.make("secretariat")
    out = tmp_path / "ddns.xlsx"
    result = runner.invoke(args=["export", "budget", "ddns", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists() and "Wrote" in result.output
    filled = tmp_path / "prognose.xlsx"
    filled.write_bytes(
        _filled(
            out.read_bytes(),
            "Prognose",
            {("Spor 4: Bedre brug af data fra det nære sundhedsvæsen", "2026"): 5.0},
        )
    )
    refused = runner.invoke(
        args=[
            "import",
            "budget",
            "ddns",
            str(filled),
            "--kind",
            "forecast",
            "--as",
            "viewer@example.dk",
        ]
    )
    assert refused.exit_code != 0
    imported = runner.invoke(
        args=[
            "import",
            "budget",
            "ddns",
            str(filled),
            "--kind",
            "forecast",
            "--as",
            "secretariat@example.dk",
        ]
    )
    assert imported.exit_code == 0, imported.output
    assert "1 cells changed" in imported.output
    again = runner.invoke(
        args=[
            "import",
            "budget",
            "ddns",
            str(filled),
            "--kind",
            "forecast",
            "--as",
            "secretariat@example.dk",
        ]
    )
    assert "No changes" in again.output


def test_cli_export_default_path_under_exports(app, runner, tmp_path):
    app.config["EXPORT_DIR"] = str(tmp_path / "exports")
    result = runner.invoke(args=["export", "budget", "ddns"])
    assert result.exit_code == 0, result.output
    (written,) = (tmp_path / "exports").iterdir()
    assert written.name.startswith("ddns-budget-") and written.suffix == ".xlsx"
