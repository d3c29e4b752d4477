"""Holding and closing a workshop cannot be undone: each asks for a confirmation first that
says what will be locked and what is missing, and nothing happens without it."""

import datetime as dt

import pytest

from portfolio.benefits.services import get_benefit
from portfolio.extensions import db
from portfolio.workshops import services
from portfolio.workshops.models import FollowUpPhase, Workshop, WorkshopStatus

SIX = ("GH1", "GH2", "GH3", "GH4", "GH5", "GH6")


@pytest.fixture(autouse=True)
def _today(app):
    app.config["TODAY"] = "2026-11-21"


def _plan(ddns, secretariat, held_on=dt.date(2026, 11, 29)) -> Workshop:
    workshop = services.plan_workshop(
        secretariat,
        ddns,
        {
            "title": "Gevinstworkshop",
            "held_on": held_on,
            "phase": FollowUpPhase.DURING,
            "benefit_ids": [get_benefit(ddns, code).id for code in SIX],
        },
    )
    db.session.commit()
    return workshop


def _fresh(workshop_id) -> Workshop:
    db.session.expire_all()
    return db.session.get(Workshop, workshop_id)


def test_hold_asks_first_and_says_the_meeting_is_eight_days_away(client, login_as, ddns):
    secretariat = login_as("secretariat")
    workshop = _plan(ddns, secretariat)
    url = f"/programmes/ddns/workshops/{workshop.id}/hold"
    page = client.get(f"/programmes/ddns/workshops/{workshop.id}").get_data(as_text=True)
    assert f'href="{url}"' in page  # the button leads to the confirmation, not to the step

    confirm = client.get(url)
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert "Tallene for 6 gevinster fastfryses (GH1, GH2, GH3, GH4, GH5, GH6)" in html
    assert "Mødedatoen er om 8 dage (29. november 2026)." in html
    assert "6 af 6 gevinster har ingen indikatorer" in html

    refused = client.post(url, data={"version": workshop.version})
    assert refused.status_code == 422
    assert "Sæt kryds for at bekræfte. Intet er ændret." in refused.get_data(as_text=True)
    workshop = _fresh(workshop.id)
    assert workshop.status is WorkshopStatus.PLANNED and workshop.frozen_at is None

    done = client.post(url, data={"version": workshop.version, "confirmed": "y"})
    assert done.status_code == 302
    workshop = _fresh(workshop.id)
    assert workshop.status is WorkshopStatus.HELD and workshop.frozen_at is not None


def test_close_asks_first_and_counts_the_benefits_without_minutes(client, login_as, ddns):
    secretariat = login_as("secretariat")
    workshop = _plan(ddns, secretariat, held_on=dt.date(2026, 11, 21))
    services.hold_workshop(secretariat, workshop)
    services.record_item(
        secretariat, workshop.items[0], assessment=None, comment="Drøftet", decisions=""
    )
    db.session.commit()
    url = f"/programmes/ddns/workshops/{workshop.id}/close"

    html = client.get(url).get_data(as_text=True)
    assert "5 af 6 gevinster mangler referat (GH2, GH3, GH4, GH5, GH6)." in html
    assert "Referatet for 6 gevinster låses" in html

    workshop = _fresh(workshop.id)
    assert client.post(url, data={"version": workshop.version}).status_code == 422
    assert _fresh(workshop.id).status is WorkshopStatus.HELD

    client.post(url, data={"version": workshop.version, "confirmed": "y"})
    assert _fresh(workshop.id).status is WorkshopStatus.CLOSED


def test_confirmation_pages_need_the_right(client, login_as, ddns, users):
    workshop = _plan(ddns, users.make("secretariat"))
    login_as("viewer")
    url = f"/programmes/ddns/workshops/{workshop.id}/hold"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"version": workshop.version, "confirmed": "y"}).status_code == 403
    assert _fresh(workshop.id).status is WorkshopStatus.PLANNED


def test_english_confirmation(client, login_as, ddns):
    secretariat = login_as("secretariat")
    workshop = _plan(ddns, secretariat)
    client.post("/language", data={"lang": "en", "next": "/"})
    html = client.get(f"/programmes/ddns/workshops/{workshop.id}/hold").get_data(as_text=True)
    assert "The meeting date is in 8 days (29 November 2026)." in html
    assert "The figures of 6 benefits are frozen" in html
