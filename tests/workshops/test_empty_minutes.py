"""A workshop without minutes says why they are missing and who writes them."""

import datetime as dt

import pytest

from portfolio.benefits.services import get_benefit
from portfolio.extensions import db
from portfolio.workshops import services
from portfolio.workshops.models import FollowUpPhase


@pytest.fixture(autouse=True)
def _today(app):
    app.config["TODAY"] = "2026-11-21"


def plan(ddns, secretariat, *codes, held_on=dt.date(2026, 11, 21)):
    workshop = services.plan_workshop(
        secretariat,
        ddns,
        {
            "title": "Gevinstworkshop",
            "held_on": held_on,
            "phase": FollowUpPhase.DURING,
            "benefit_ids": [get_benefit(ddns, code).id for code in codes],
        },
    )
    db.session.commit()
    return workshop


def test_each_benefit_without_minutes_says_what_comes_next(client, login_as, ddns):
    secretariat = login_as("secretariat")
    workshop = plan(ddns, secretariat, "GH1", "GH2")
    url = f"/programmes/ddns/workshops/{workshop.id}"
    html = client.get(url).get_data(as_text=True)
    assert html.count("Intet referat endnu: referatet skrives, når workshoppen er afholdt") == 2
    services.hold_workshop(secretariat, workshop)
    db.session.commit()
    html = client.get(url).get_data(as_text=True)
    assert html.count("Intet referat endnu. Gevinstejeren eller sekretariatet skriver") == 2
    assert "Kommentar" not in html.split("Dagsorden", 1)[1].split("Handlinger", 1)[0]
