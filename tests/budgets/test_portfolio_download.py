"""The portfolio's budgets in one workbook, downloaded from the overview by the finance office."""

from __future__ import annotations

import io

from openpyxl import load_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _programmes_in(content: bytes) -> set[str]:
    sheet = load_workbook(io.BytesIO(content), read_only=True)["Budget"]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row and row[0] == "Program-id")
    return {row[0] for row in rows[header + 1 :] if row and row[0]}


def test_the_overview_offers_the_workbook_and_it_holds_every_budget_the_user_may_see(
    client, login_as
):
    login_as("admin")
    assert 'href="/portfolio/budgets.xlsx"' in client.get("/").get_data(as_text=True)
    response = client.get("/portfolio/budgets.xlsx")
    assert response.status_code == 200
    assert response.mimetype == XLSX
    assert 'filename="portefoelje-budgetter-' in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data), read_only=True)
    assert {"Oversigt", "Budget", "Prognose", "Forbrug"} <= set(workbook.sheetnames)
    assert "ddns" in _programmes_in(response.data)


def test_a_user_gets_only_the_programmes_they_may_see(client, login_as):
    login_as("viewer")  # a viewer of DDNS only
    response = client.get("/portfolio/budgets.xlsx")
    assert response.status_code == 200
    assert _programmes_in(response.data) == {"ddns"}


def test_without_programmes_there_is_nothing_to_download(client, login_as):
    login_as("outsider")
    response = client.get("/portfolio/budgets.xlsx")
    assert response.status_code == 403
    assert "adgang til nogen programmer" in response.get_data(as_text=True)
