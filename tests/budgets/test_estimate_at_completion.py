"""One estimate at completion everywhere, "Godkendt" as approved, and a like-with-like workbook.

DDNS in June 2026: 2023–2025 are over and have actual spend (0,1 under the approved amount
in every row and year), every year has a forecast (0,2 over), and track 1 has spent 1,0 of
2026 so far. The estimate at completion is the actual spend of the closed years plus the
forecast for 2026: 58,1 − 15 × 0,1 + 5 × 0,2 = 57,6 mio. kr. (not the 62,1 of "the forecast
wherever there is one", nor a chart that stops at 2026's partial actual spend).
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from portfolio.budgets import services
from portfolio.budgets.models import BudgetKind
from portfolio.extensions import db

from .xlsx_helpers import find_header_row, header_columns

D = Decimal
CLOSED = ("2023", "2024", "2025")


@pytest.fixture
def spent(app, ddns, users):
    app.config["TODAY"] = "2026-06-15"
    secretariat = users.make("secretariat")
    rows = services.budget_rows(ddns.id)
    overview = services.budget_overview(ddns)
    baseline = {f.row.id: f.baseline for f in overview.rows}
    forecast, actual = {}, {}
    for row in rows:
        for year in ("2023", "2024", "2025", "2026"):
            forecast[(row.id, year)] = baseline[row.id][year] + D("0.2")
            if year in CLOSED:
                actual[(row.id, year)] = baseline[row.id][year] - D("0.1")
    track1 = next(r for r in rows if r.position == 1)
    actual[(track1.id, "2026")] = D("1.0")
    services.set_amounts(secretariat, ddns, BudgetKind.FORECAST, forecast)
    services.set_amounts(secretariat, ddns, BudgetKind.ACTUAL, actual)
    db.session.commit()
    return ddns


def _figures(light) -> dict[str, str]:
    return dict(light.figures)


def test_the_service_defines_one_estimate(spent):
    overview = services.budget_overview(spent)
    assert overview.closed_years == frozenset(CLOSED)
    assert overview.estimate_total == D("57.6")
    assert _figures(overview.programme_cost.light)["Skønnet totalomkostning"] == "57,6 mio. kr."
    # A closed year's estimate is its actual spend; the running year's is its forecast,
    # though track 1 has spent part of it already.
    assert overview.estimate_column("2023") == D("7.8")  # 8,3 − 5 × 0,1
    assert overview.estimate_column("2026") == D("20.3")  # 19,3 + 5 × 0,2


def test_page_header_chart_and_table_show_the_same_estimate(client, login_as, spent):
    login_as("viewer")
    html = client.get("/programmes/ddns/budget").get_data(as_text=True)
    header = html.split('<section class="section">')[1]
    assert "62,1" not in header  # the forecast for closed years is not the estimate
    assert re.search(r"Skønnet totalomkostning</dt><dd>57,6 mio\. kr\.</dd>", header)
    assert "afsluttede år (2023, 2024, 2025)" in header  # the rule, on the page
    table = html.split("Prognose, forbrug og afvigelse</h2>")[1].split("Grafer")[0]
    assert "<strong>57,6</strong>" in table
    alt = re.search(r'charts/cumulative-spend\.svg\?v=\w+" alt="([^"]*)"', html)[1]
    assert "Forbrug + prognose 2026: 57,6 mio. kr." in alt


def test_the_api_gives_the_same_estimate(client, login_as, spent):
    login_as("viewer")
    body = client.get("/api/v1/programmes/ddns/budget").get_json()
    assert body["estimate_at_completion"] == "57.6"
    assert body["closed_years"] == list(CLOSED)
    figures = {f["label"]: f["value"] for f in body["cost_light"]["figures"]}
    assert figures["Skønnet totalomkostning"] == "57,6 mio. kr."
    first = body["figures"][0]
    assert first["estimate"]["2023"] == "2.8" and first["estimate"]["2026"] == "3.9"


def test_the_status_page_and_the_frozen_report_give_the_same_estimate(client, login_as, spent):
    login_as("secretariat")
    status = client.get("/programmes/ddns/status").get_data(as_text=True)
    assert "<dt>Skønnet totalomkostning</dt><dd>57,6 mio. kr." in status
    response = client.post(
        "/programmes/ddns/reports/",
        data={"title": "Styregruppemøde juni 2026", "meeting_on": "2026-06-20"},
    )
    assert response.status_code == 302
    report = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<dt>Skønnet totalomkostning</dt><dd>57,6 mio. kr." in report


def _sheet_rows(ws) -> dict[str, int]:
    return {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value}


def test_the_workbook_gives_the_same_estimate_with_values_a_preview_can_show(
    client, login_as, spent
):
    login_as("viewer")
    content = client.get("/programmes/ddns/budget.xlsx").data
    book = load_workbook(io.BytesIO(content), data_only=True)  # cached values, no recalculation
    ws = book["Afvigelse"]
    top = _sheet_rows(ws)["Skønnet totalomkostning (mio. kr.)"]
    columns = header_columns(ws, top + 1)
    total_row = next(r for r in range(top + 2, top + 20) if ws.cell(r, 2).value == "I alt")
    assert ws.cell(total_row, columns["I alt (2023–2026)"]).value == pytest.approx(57.6)
    versus = _sheet_rows(ws)["Skønnet totalomkostning minus godkendt budget (mio. kr.)"]
    assert ws.cell(versus + 1 + 6, columns["I alt (2023–2026)"]).value == pytest.approx(-0.5)
    about = {row[0]: row[1] for row in book["Om"].iter_rows(values_only=True) if row[0]}
    assert about["Skønnet totalomkostning"] == "57,6 mio. kr."
    # Every other formula has its value too: the Budget sheet's sums, for one.
    budget = book["Budget"]
    header = find_header_row(budget)
    sums = header_columns(budget, header)
    total = next(r for r in range(header, header + 10) if budget.cell(r, 2).value == "I alt")
    assert budget.cell(total, sums["I alt (2023–2026)"]).value == pytest.approx(58.1)


def test_the_variance_sheet_compares_like_with_like(client, login_as, spent):
    """Three years of actual spend are never set against four years of budget."""
    login_as("viewer")
    book = load_workbook(io.BytesIO(client.get("/programmes/ddns/budget.xlsx").data))
    cached = load_workbook(
        io.BytesIO(client.get("/programmes/ddns/budget.xlsx").data), data_only=True
    )
    ws, values = book["Afvigelse"], cached["Afvigelse"]
    top = _sheet_rows(ws)["Forbrug minus godkendt budget (mio. kr.)"]
    columns = header_columns(ws, top + 1)
    total_col = columns["I alt (2023–2026)"]
    first, total_row = top + 2, top + 7
    for r in range(first, total_row + 1):
        assert ws.cell(r, total_col).value is None  # blank, as on the page
    # The "I alt" row adds the rows' variances: 5 × −0,1 in 2023, and 2026 only track 1.
    assert values.cell(total_row, columns["2023"]).value == pytest.approx(-0.5)
    assert values.cell(total_row, columns["2026"]).value == pytest.approx(1.0 - 3.7)
    percent_top = _sheet_rows(ws)["Forbrug minus godkendt budget (pct. af budget)"]
    # 2026: track 1's −2,7 against track 1's budget of 3,7, not against all 19,3.
    assert values.cell(percent_top + 7, columns["2026"]).value == pytest.approx(-0.7297)


def test_godkendt_is_the_approved_printed_figure_everywhere(client, login_as, ddns):
    login_as("viewer")
    html = client.get("/programmes/ddns/budget").get_data(as_text=True)
    table = html.split("Prognose, forbrug og afvigelse</h2>")[1].split("Grafer")[0]
    # Row 2 prints 12,4 (its years sum to 12,5), row 4 prints 15,0 (14,9), 2024 prints 11,3.
    for printed, computed in (("12,4", "12,5"), ("15,0", "14,9"), ("11,3", "11,2")):
        assert re.search(rf"{printed} <span class=\"computed\"[^>]*>≠ {computed}</span>", table)

    status = client.get("/programmes/ddns/status").get_data(as_text=True)
    economy = status.split('id="okonomi"')[1].split("</section>")[0]
    assert re.search(r"11,3 <span class=\"computed\"[^>]*>≠ 11,2</span>", economy)

    body = client.get("/api/v1/programmes/ddns/budget").get_json()
    row2 = next(f for f in body["figures"] if f["position"] == 2)
    figures = {f["label"]: f["value"] for f in row2["cost_light"]["figures"]}
    assert figures["Godkendt budget"] == "12,4 mio. kr. (≠ 12,5)"
    programme = {f["label"]: f["value"] for f in body["cost_light"]["figures"]}
    assert programme["Godkendt budget"] == "58,1 mio. kr."  # printed and summed agree
