"""Demo data is marked wherever it decides a figure: headline, light, report, PDF, API, pack.

DDNS's benefits light measured on the embedded demo data platform must never pass for the
real one: not on the status page's headline, not in the approved report or its PDF.
"""

import datetime as dt
import io
import re
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from portfolio.benefits.services import get_benefit
from portfolio.extensions import db
from portfolio.reports.pdf import pdf_available
from tests.indicators.factories import make_indicator, make_metric, observe
from tests.status.test_rollup import headline, text

TODAY = dt.date(2026, 11, 21)


@pytest.fixture(autouse=True)
def _today(app):
    app.config["TODAY"] = TODAY.isoformat()


def _gh1_measured(ddns, metric) -> None:
    """GH1 measured off track by the metric (50 where 60 was planned)."""
    make_indicator(
        get_benefit(ddns, "GH1"),
        "GH1.1",
        metric_id=metric.id,
        baseline_value=40,
        baseline_period=2023,
        target_value=80,
        target_period=2027,
        trajectory=[(2025, 60)],
    )
    observe(metric, (2025, 50))
    db.session.commit()


@pytest.fixture
def demo_benefit(app, ddns):
    """GH1 measured off track on a demo source."""
    _gh1_measured(ddns, make_metric("demo-gh1", is_demo=True))


def light_head(html: str, key: str) -> str:
    return text(re.search(rf'id="lys-{key}">\s*<h3[^>]*>(.*?)</h3>', html, re.S).group(1))


def test_the_headline_and_the_light_say_demo_data(client, login_as, demo_benefit):
    login_as("viewer")
    html = client.get("/programmes/ddns/status").text
    assert headline(html) == (
        "Samlet ■ Rød – 2 af 5 lys uden vurdering Demodata Bygger på demodata: Gevinster."
    )
    assert "Demodata" in light_head(html, "benefits")
    for key in ("schedule", "risks", "cost", "scope"):
        assert "Demodata" not in light_head(html, key)


def test_real_measurements_carry_no_demo_mark(client, login_as, ddns):
    _gh1_measured(ddns, make_metric("gh1-real"))
    login_as("viewer")
    html = client.get("/programmes/ddns/status").text
    assert headline(html) == "Samlet ■ Rød – 2 af 5 lys uden vurdering"
    assert "Demodata" not in light_head(html, "benefits")


def test_the_api_flags_what_demo_data_decided(client, login_as, demo_benefit):
    login_as("viewer")
    body = client.get("/api/v1/programmes/ddns/status").get_json()
    assert body["based_on_demo_data"] is True
    assert body["overall"]["based_on_demo_data"] is True
    flags = {entry["dimension"]: entry["light"]["based_on_demo_data"] for entry in body["lights"]}
    assert flags == {
        "schedule": False,
        "cost": False,
        "risks": False,
        "benefits": True,
        "scope": False,
    }


def test_the_report_its_list_pdf_and_the_overview_say_demo_data(client, login_as, demo_benefit):
    login_as("secretariat")
    response = client.post(
        "/programmes/ddns/reports/",
        data={"title": "Programstyregruppemøde 3. december 2026", "meeting_on": "2026-12-03"},
    )
    report_url = response.headers["Location"]
    report = client.get(report_url).text
    assert "Bygger på demodata: Gevinster." in headline(report)
    printed = client.get(report_url + "?print=1").text
    assert "Bygger på demodata: Gevinster." in headline(printed)
    listed = client.get("/programmes/ddns/reports/").text
    assert "Rød – 2 af 5 lys uden vurdering Demodata" in text(listed)

    login_as("admin")
    overview = client.get("/").text
    ddns_row = next(row for row in overview.split("<tr>") if "/programmes/ddns/status" in row)
    assert "Rød – 2 af 5 lys uden vurdering Demodata" in text(ddns_row)

    if not pdf_available() or shutil.which("pdftotext") is None:
        pytest.skip("no PDF engine or pdftotext here to read the PDF")
    login_as("secretariat")
    pdf = client.get(report_url + ".pdf").data
    words = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "Bygger på demodata: Gevinster." in " ".join(words.split())


def test_the_workshop_pack_marks_a_status_measured_on_demo_data(
    client, login_as, ddns, demo_benefit
):
    login_as("secretariat")
    client.post(
        "/programmes/ddns/workshops/new",
        data={
            "title": "Gevinstworkshop",
            "held_on": "2026-12-01",
            "place": "Mødelokale 3",
            "participants": "Lisbeth Nielsen",
            "phase": "during",
            "benefit_ids": [str(get_benefit(ddns, "GH1").id)],
            "summary": "",
        },
    )
    from portfolio.workshops.models import Workshop

    workshop = db.session.scalars(db.select(Workshop)).one()
    book = load_workbook(
        io.BytesIO(client.get(f"/programmes/ddns/workshops/{workshop.id}/workshop.xlsx").data)
    )
    cells = {row[0].value: row[1].value for row in book["GH1"].iter_rows(max_col=2) if row[0].value}
    assert cells["Beregnet status"] == "Ikke på rette spor (målt på demodata, ikke rigtige tal)"
