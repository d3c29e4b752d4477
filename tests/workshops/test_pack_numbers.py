"""The workshop pack holds real numbers and dates, a sheet per indicator series, and the
trend charts; the printable page shows the charts too."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from portfolio.benefits.services import get_benefit
from portfolio.core.months import Month
from portfolio.core.periods import Frequency
from portfolio.extensions import db
from portfolio.indicators.models import ManualValue
from portfolio.workshops import services
from portfolio.workshops.models import FollowUpPhase
from tests.indicators.factories import D, enter, make_indicator


@pytest.fixture(autouse=True)
def _today(app):
    app.config["TODAY"] = "2026-11-21"


@pytest.fixture
def held(ddns, users):
    """A held workshop on GH1 with a quarterly share (one quarter missing) and a count."""
    gh1 = get_benefit(ddns, "GH1")
    share = make_indicator(
        gh1,
        "GH1.1",
        unit="%",
        frequency=Frequency.QUARTERLY,
        baseline_value=80,
        baseline_period=Month(2023, 1),
        target_value=95,
        target_period=Month(2024, 10),
        decimals=1,
    )
    for period, value in (("2023-01", "80.0"), ("2023-04", "85.5"), ("2023-10", "91.8")):
        db.session.add(
            ManualValue(indicator_id=share.id, period=Month.parse(period), value=D(value))
        )
    count = make_indicator(gh1, "GH1.2", is_count=True, decimals=0)
    enter(count, (2023, 1234), (2024, 1500))
    db.session.commit()
    secretariat = users.make("secretariat")
    workshop = services.plan_workshop(
        secretariat,
        ddns,
        {
            "title": "Gevinstworkshop",
            "held_on": dt.date(2026, 11, 21),
            "phase": FollowUpPhase.DURING,
            "benefit_ids": [gh1.id],
        },
    )
    services.hold_workshop(secretariat, workshop)
    db.session.commit()
    return workshop


def _book(client, workshop):
    response = client.get(f"/programmes/ddns/workshops/{workshop.id}/workshop.xlsx")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.data))


def test_a_sheet_per_series_with_numbers_dates_and_a_chart(client, login_as, held):
    login_as("viewer")
    book = _book(client, held)
    assert book.sheetnames == ["Workshop", "GH1", "GH1.1", "GH1.2", "Handlinger"]
    sheet = book["GH1.1"]
    header = [c.value for c in sheet[4]]
    assert header[:5] == ["Periode", "Periodens start", "Værdi", "Vist som", "Plan"]
    rows = list(sheet.iter_rows(min_row=5))
    labels = [r[0].value for r in rows]
    assert labels[:4] == ["K1 2023", "K2 2023", "K3 2023", "K4 2023"]
    first = rows[0]
    assert first[1].value.date() == dt.date(2023, 1, 1) and first[1].is_date
    assert first[2].value == pytest.approx(0.8) and first[2].number_format == "0.0%"
    assert first[4].value == pytest.approx(0.8)  # the baseline is the plan's first mark
    missing = rows[2]  # K3 2023 was never measured: empty, never a zero
    assert missing[2].value is None
    assert rows[3][2].value == pytest.approx(0.918)
    assert labels[-1] == "K4 2024" and rows[-1][4].value == pytest.approx(0.95)
    assert len(sheet._charts) == 1
    chart = sheet._charts[0]
    assert chart.tagname == "lineChart" and chart.display_blanks == "gap"

    counts = book["GH1.2"]
    values = [r[2].value for r in counts.iter_rows(min_row=5)]
    assert values == [1234, 1500]
    assert next(counts.iter_rows(min_row=5))[2].number_format == "#,##0"


def test_no_number_is_stored_as_text(client, login_as, held):
    login_as("viewer")
    book = _book(client, held)
    numeric_text = [
        (ws.title, cell.coordinate, cell.value)
        for ws in book
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
        and cell.value.replace(",", "").replace(".", "").replace(" %", "").strip().isdigit()
        and ws.title != "Workshop"
        and not cell.value.isdigit()  # a year label ("2023") is a period name, not a figure
    ]
    assert numeric_text == []
    gh1 = {r[0].value: r for r in book["GH1"].iter_rows() if r[0].value}
    assert gh1["GH1.1"][13].is_date  # "Data pr."


def test_printable_page_shows_the_trend_charts(client, login_as, held):
    login_as("viewer")
    page = client.get(f"/programmes/ddns/workshops/{held.id}?print=1").get_data(as_text=True)
    assert f"/programmes/ddns/workshops/{held.id}/benefits/GH1/trend/GH1.1.svg" in page
    chart = client.get(f"/programmes/ddns/workshops/{held.id}/benefits/GH1/trend/GH1.1.svg")
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"


def test_an_english_user_gets_the_series_sheets_and_charts_in_english(client, login_as, held):
    login_as("viewer")
    client.post("/language", data={"lang": "en", "next": "/"})
    book = _book(client, held)
    assert book.sheetnames == ["Workshop", "GH1", "GH1.1", "GH1.2", "Actions"]
    gh1 = book["GH1"]
    header = next(r for r in gh1.iter_rows(values_only=True) if r[0] == "Indicator")
    assert header[3:7] == ("Baseline", "Baseline period", "Target", "Target period")
    share = next(r for r in gh1.iter_rows() if r[0].value == "GH1.1")
    assert share[7].value == "Q4 2023"  # the latest period, named the English way
    assert share[13].is_date and share[13].number_format == "[$-809]d mmmm yyyy"
    sheet = book["GH1.1"]
    assert sheet["A2"].value == "Unit"
    header = [c.value for c in sheet[4]][:5]
    assert header == ["Period", "Start of period", "Value", "Shown as", "Plan"]
    rows = list(sheet.iter_rows(min_row=5))
    assert [r[0].value for r in rows[:2]] == ["Q1 2023", "Q2 2023"]
    assert rows[0][1].is_date and rows[0][1].number_format == "[$-809]d mmmm yyyy"
    assert rows[0][2].value == pytest.approx(0.8)  # the numbers are the same in either language
    texts = {c.value for ws in book for row in ws.iter_rows() for c in row if c.value}
    assert not texts & {"Periode", "Basislinje", "Enhed", "Handlinger", "Indikatorer"}
