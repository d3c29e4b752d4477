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


def test_the_overview_sets_the_pages_estimate_against_the_whole_budget(
    app, client, login_as, ddns, users
):
    """Like with like: the estimate at completion (the budget page's figure) is compared with
    the whole budget, never a forecast or actual total that covers only some years."""
    from decimal import Decimal

    from portfolio.budgets import services
    from portfolio.budgets.models import BudgetKind
    from portfolio.extensions import db

    app.config["TODAY"] = "2026-06-15"
    rows = services.budget_rows(ddns.id)
    # Actual spend for the closed years only; the years after have no figure but the budget.
    actual = {(row.id, year): Decimal("1.0") for row in rows for year in ("2023", "2024")}
    services.set_amounts(users.make("secretariat"), ddns, BudgetKind.ACTUAL, actual)
    db.session.commit()
    overview = services.budget_overview(ddns)
    login_as("admin")
    content = client.get("/portfolio/budgets.xlsx").data
    sheet = load_workbook(io.BytesIO(content), data_only=True)["Oversigt"]
    header = [c.value for c in sheet[4]]
    row = next(r for r in sheet.iter_rows(min_row=5, values_only=True) if r[0] == "ddns")
    values = dict(zip(header, row, strict=True))
    assert "Forbrug − budget" not in header and "Prognose − budget" not in header
    estimate = values["Skønnet totalomkostning"]
    assert round(estimate, 3) == float(overview.estimate_total)
    assert round(estimate, 3) != round(values["Forbrug i alt"], 3)  # not the actual total
    budget = values[header[5]]
    assert round(values["Skønnet totalomkostning − budget"], 3) == round(estimate - budget, 3)
