"""One vocabulary: the same word, date form, precision and plural for a thing everywhere
(docs/glossary.md)."""

import datetime as dt

import pytest
from babel.messages.pofile import read_po

from portfolio.benefits.services import get_benefit
from portfolio.budgets import services as budget_services
from portfolio.core.months import Month
from portfolio.core.periods import Frequency
from portfolio.extensions import db
from portfolio.workshops import services as workshop_services
from portfolio.workshops.models import FollowUpPhase
from tests.indicators.factories import enter, make_indicator

CATALOGUE = "translations/en/LC_MESSAGES/messages.po"


@pytest.fixture(autouse=True)
def _today(app):
    app.config["TODAY"] = "2026-11-21"


def _messages():
    with open(CATALOGUE, "rb") as handle:
        return list(read_po(handle))


def test_catalogue_uses_one_word_for_each_thing():
    danish = [m.id if isinstance(m.id, str) else " ".join(m.id) for m in _messages() if m.id]
    english = [
        m.string if isinstance(m.string, str) else " ".join(m.string) for m in _messages() if m.id
    ]
    assert not [t for t in danish if "Baseline" in t or "rebaseline" in t]  # Basislinje
    assert not [t for t in danish if "Diskretionering" in t]  # Diskretionsgrænse
    assert not [t for t in english if "million" in t]  # DKK m, as "DKK 3.9m"
    assert not [t for t in english if "asting" in t]  # ongoing operations


@pytest.fixture
def monthly(ddns):
    """GH1 with a monthly share from January 2022 (baseline) and an achievement of 30,3 %."""
    indicator = make_indicator(
        get_benefit(ddns, "GH1"),
        "GH1.1",
        unit="%",
        frequency=Frequency.MONTHLY,
        baseline_value=20,
        baseline_period=Month(2022, 1),
        target_value=90,
        target_period=Month(2027, 1),
        decimals=1,
    )
    enter(indicator, (2022, "20.0"), (2024, "41.2"))
    db.session.commit()
    return indicator


def test_month_dates_and_basislinje_on_the_workshop_page(client, login_as, ddns, monthly):
    secretariat = login_as("secretariat")
    workshop = workshop_services.plan_workshop(
        secretariat,
        ddns,
        {
            "title": "Gevinstworkshop",
            "held_on": dt.date(2026, 11, 21),
            "phase": FollowUpPhase.DURING,
            "benefit_ids": [get_benefit(ddns, "GH1").id],
        },
    )
    db.session.commit()
    html = client.get(f"/programmes/ddns/workshops/{workshop.id}").get_data(as_text=True)
    assert "Basislinje: 20,0 (jan. 2022)" in html
    assert "Mål: 90,0 (jan. 2027)" in html
    assert "Baseline:" not in html and "(2022-01)" not in html
    assert "Målopfyldelse: 30,3 %" in html


def test_achievement_has_one_precision_on_the_benefit_page(client, login_as, monthly):
    login_as("viewer")
    html = client.get("/programmes/ddns/benefits/GH1").get_data(as_text=True)
    assert "30,3 %" in html  # as on the workshop page and in the pack, not "30 %"


def test_benefit_page_names_baseline_and_target_periods_as_the_chart_does(
    client, login_as, monthly
):
    login_as("viewer")
    html = client.get("/programmes/ddns/benefits/GH1").get_data(as_text=True)
    # The facts beside the trend chart, whose legend says "Basislinje jan. 2022: 20,0 %".
    assert "<dd>20,0 (jan. 2022)</dd>" in html and "<dd>20,0 (2022)</dd>" not in html
    assert "<dd>90,0 (jan. 2027)</dd>" in html


def test_indicator_values_page_names_months_as_everywhere(client, login_as, monthly):
    login_as("secretariat")
    html = client.get("/programmes/ddns/indicators/GH1.1/values").get_data(as_text=True)
    assert "jan. 2024" in html and ">2024-01<" not in html


def test_one_cell_changed_is_singular(client, login_as, ddns):
    login_as("secretariat")
    rows = {r.position: r for r in budget_services.budget_rows(ddns.id)}
    form = {
        f"orig-{r.id}-{p}": ""
        for r in rows.values()
        for p in ("2023", "2024", "2025", "2026", "varigt")
    }
    form[f"cell-{rows[1].id}-2025"] = "4,8"
    assert client.post("/programmes/ddns/budget/forecast/edit", data=form).status_code == 302
    page = client.get("/programmes/ddns/budget").get_data(as_text=True)
    assert "Prognose er gemt (1 celle ændret)." in page


def test_english_budget_says_dkk_m_and_ongoing(client, login_as):
    login_as("viewer")
    client.post("/language", data={"lang": "en", "next": "/"})
    html = client.get("/programmes/ddns/budget").get_data(as_text=True)
    assert "DKK 58.1m" in html and "DKK m" in html
    assert "million" not in html and "Lasting" not in html and "lasting" not in html


def test_deliverables_have_two_names(client, login_as):
    login_as("viewer")
    track = client.get("/programmes/ddns/tracks/1").get_data(as_text=True)
    assert "Leverancer i programgrundlaget" in track
    status = client.get("/programmes/ddns/status").get_data(as_text=True)
    assert "Leverancer på tidsplanen i alt" in status
    assert "Leverancer i alt" not in status
