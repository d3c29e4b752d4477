"""Benefit pages, indicator forms and manual values as users meet them."""

import pytest

from portfolio.benefits.services import get_benefit
from portfolio.core.months import Month
from portfolio.extensions import db
from portfolio.indicators.models import Indicator, ManualValue
from tests.indicators.factories import enter, make_indicator, make_metric, observe


@pytest.fixture(autouse=True)
def _today(app):
    app.config["TODAY"] = "2026-11-21"


def _gh1_with_indicators(ddns):
    gh1 = get_benefit(ddns, "GH1")
    metric = make_metric("demo-reg", is_count=True, is_demo=True)
    counted = make_indicator(
        gh1,
        "GH1.1",
        metric_id=metric.id,
        unit="kommuner",
        decimals=0,
        baseline_value=10,
        baseline_period=2023,
        target_value=98,
        target_period=2027,
        trajectory=[(2025, 60)],
    )
    observe(metric, (2023, 12), (2024, 3), (2025, 64))
    manual = make_indicator(gh1, "GH1.2", unit="%")
    enter(manual, (2025, "41.5"))
    db.session.commit()
    return counted, manual


def test_benefit_profile_shows_indicators_with_disclosure_and_demo_label(client, login_as, ddns):
    _gh1_with_indicators(ddns)
    login_as("viewer")
    html = client.get("/programmes/ddns/benefits/GH1").get_data(as_text=True)
    assert "GH1.1" in html and "GH1.2" in html
    assert "&lt;5" in html  # 2024's 3 municipalities withheld
    assert ">3<" not in html
    assert "Demodata" in html and "Manuel indtastning" in html
    assert "På rette spor" in html  # 64 against a planned 60
    assert "/programmes/ddns/indicators/GH1.1/trend.svg" in html
    svg = client.get("/programmes/ddns/indicators/GH1.1/trend.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert b"&lt;5" in svg.data or b"<5" in svg.data.replace(b"&lt;", b"<")


def test_benefits_overview_lists_every_benefit_with_progress(client, login_as, ddns):
    _gh1_with_indicators(ddns)
    login_as("viewer")
    response = client.get("/programmes/ddns/benefits")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for code in ("GH1", "GH2", "GH3", "GH4", "GH5", "GH6"):
        assert f"/programmes/ddns/benefits/{code}" in html
    assert "GH1.1: 64 kommuner (2025)" in html
    assert "På rette spor" in html
    programme = client.get("/programmes/ddns").get_data(as_text=True)
    assert 'href="/programmes/ddns/benefits"' in programme


def test_benefit_map_draws_links(client, login_as):
    login_as("viewer")
    assert "Gevinstdiagram" in client.get("/programmes/ddns/benefits/map").get_data(as_text=True)
    svg = client.get("/programmes/ddns/benefits/map.svg")
    assert svg.status_code == 200 and b"GH1" in svg.data


def test_the_benefit_map_of_a_programme_without_benefits_is_empty_and_says_so(
    app, client, login_as
):
    from portfolio.extensions import db
    from portfolio.seed.loader import load_seed, read_seed_file

    seed = read_seed_file()
    ddns = seed.programmes[0]
    bare = ddns.model_copy(
        update={"slug": "tomt", "name": "Program uden gevinster", "short_name": "TOMT"}
        | {"benefits": [], "recipients": []}
    )
    load_seed(seed.model_copy(update={"programmes": [bare], "links": []}))
    db.session.commit()
    login_as("admin")

    page = client.get("/programmes/tomt/benefits/map")
    assert page.status_code == 200
    assert "Programmet har endnu ingen gevinster at vise" in page.get_data(as_text=True)
    chart = client.get("/programmes/tomt/benefits/map.svg")
    assert chart.status_code == 200
    assert b"Programmet har endnu ingen gevinster." in chart.data
    # A programme with benefits shows no such note.
    full = client.get("/programmes/ddns/benefits/map").get_data(as_text=True)
    assert "ingen gevinster at vise" not in full


def test_secretariat_creates_edits_and_deletes_an_indicator(client, login_as, ddns):
    login_as("secretariat")
    form = {
        "version": "0",
        "code": "GH1.9",
        "name": "Andel kommuner",
        "kind": "benefit",
        "unit": "%",
        "decimals": "1",
        "direction": "higher",
        "frequency": "year",
        "baseline_value": "40,5",
        "baseline_period": "2023",
        "target_value": "80",
        "target_period": "2027",
        "trajectory": "2024: 50\n2025: 62,5",
        "metric_id": "",
        "position": "0",
    }
    response = client.post("/programmes/ddns/indicators/new/benefit/GH1", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    indicator = db.session.scalar(db.select(Indicator).where(Indicator.code == "GH1.9"))
    assert str(indicator.baseline_value) == "40.5"
    assert [(str(p.period), str(p.value)) for p in indicator.trajectory] == [
        ("2024-01", "50"),
        ("2025-01", "62.5"),
    ]
    bad = client.post(
        "/programmes/ddns/indicators/GH1.9/edit",
        data={**form, "version": str(indicator.version), "trajectory": "næste år: 70"},
    )
    assert bad.status_code == 422 and "Linje 1" in bad.get_data(as_text=True)
    db.session.expire_all()
    assert len(db.session.get(Indicator, indicator.id).trajectory) == 2  # nothing changed
    ok = client.post(
        "/programmes/ddns/indicators/GH1.9/edit",
        data={**form, "version": str(indicator.version), "trajectory": "2026: 70"},
    )
    assert ok.status_code == 302
    db.session.expire_all()
    assert [str(p.value) for p in db.session.get(Indicator, indicator.id).trajectory] == ["70"]
    assert client.post("/programmes/ddns/indicators/GH1.9/delete").status_code == 302
    assert db.session.scalar(db.select(Indicator).where(Indicator.code == "GH1.9")) is None


def test_benefit_owner_enters_values_for_their_benefit_only(client, login_as, ddns):
    gh1 = get_benefit(ddns, "GH1")
    own = make_indicator(gh1, "GH1.5", unit="%")
    other = make_indicator(get_benefit(ddns, "GH2"), "GH2.5")
    db.session.commit()
    login_as("benefit_owner")
    response = client.post(
        "/programmes/ddns/indicators/GH1.5/values",
        data={"period": "2025", "value": "12,5", "status": "ok", "note": "Opgjort af KL"},
    )
    assert response.status_code == 302
    entry = db.session.scalar(db.select(ManualValue).where(ManualValue.indicator_id == own.id))
    assert entry.period == Month(2025, 1) and str(entry.value) == "12.5"
    assert entry.entered_by == "benefit_owner@example.dk" and entry.note == "Opgjort af KL"
    refused = client.post(
        "/programmes/ddns/indicators/GH2.5/values",
        data={"period": "2025", "value": "1", "status": "ok"},
    )
    assert refused.status_code == 403
    assert (
        db.session.scalar(db.select(ManualValue).where(ManualValue.indicator_id == other.id))
        is None
    )


def test_values_of_a_metric_indicator_cannot_be_typed_in(client, login_as, ddns):
    counted, _manual = _gh1_with_indicators(ddns)
    login_as("secretariat")
    response = client.post(
        "/programmes/ddns/indicators/GH1.1/values",
        data={"period": "2026", "value": "99", "status": "ok"},
    )
    assert response.status_code == 422
    assert (
        db.session.scalar(db.select(ManualValue).where(ManualValue.indicator_id == counted.id))
        is None
    )


def test_risk_page_lists_its_key_risk_indicators(client, login_as, ddns):
    from portfolio.risks.services import get_risk

    make_indicator(get_risk(ddns, "R1"), "R1.1", name="Afviste indberetninger")
    db.session.commit()
    login_as("secretariat")
    html = client.get("/programmes/ddns/risks/R1").get_data(as_text=True)
    assert "R1.1" in html and "/programmes/ddns/indicators/new/risk/R1" in html


def test_benefit_map_without_links_says_why_and_how_to_link(client, login_as):
    login_as("secretariat")
    html = client.get("/programmes/ddns/benefits/map").get_data(as_text=True)
    assert "Diagrammet er tomt, fordi ingen gevinst er koblet endnu" in html
    assert "Spor, der muliggør gevinsten" in html
    assert html.count("kobl gevinsten") == 6  # GH1–GH6, each with a link to its form
    assert 'href="/programmes/ddns/benefits/GH1/edit"' in html


def test_benefit_map_reader_sees_the_explanation_without_edit_links(client, login_as):
    login_as("viewer")
    html = client.get("/programmes/ddns/benefits/map").get_data(as_text=True)
    assert "Diagrammet er tomt, fordi ingen gevinst er koblet endnu" in html
    assert "kobl gevinsten" not in html
