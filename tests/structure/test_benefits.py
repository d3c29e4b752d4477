"""Benefits from the web: a new one gets the next free code, a retired one stays in the
history and the reports marked as retired, and weighs no more in the light."""

import datetime as dt

import pytest
import sqlalchemy as sa

from portfolio.audit.models import AuditEntry
from portfolio.benefits.models import Benefit, Recipient
from portfolio.benefits.services import get_benefit
from portfolio.core.lights import Colour
from portfolio.extensions import db
from portfolio.reports import services as report_services
from portfolio.status import services as status_services
from tests.indicators.factories import enter, make_indicator

TODAY = dt.date(2026, 11, 21)


@pytest.fixture(autouse=True)
def _today(app):
    app.config["TODAY"] = TODAY.isoformat()


def _codes(ddns):
    db.session.expire_all()
    return sorted(
        db.session.scalars(sa.select(Benefit.code).where(Benefit.programme_id == ddns.id)),
        key=lambda c: int(c[2:]),
    )


def _audit_count():
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))


def _new_benefit(**changes):
    data = {
        "name": "Færre genindlæggelser",
        "description": "Målt på 30 dage.",
        "types": ["economic"],
    }
    data.update(changes)
    return data


def test_secretariat_creates_a_benefit_with_the_next_free_code(client, login_as, ddns):
    login_as("secretariat")
    form = client.get("/programmes/ddns/benefits/new").get_data(as_text=True)
    assert "nu GH7" in form
    recipient = db.session.scalar(sa.select(Recipient).where(Recipient.programme_id == ddns.id))
    track = ddns.tracks[0]
    response = client.post(
        "/programmes/ddns/benefits/new",
        data=_new_benefit(
            types=["economic", "non_economic"],
            recipient_ids=[str(recipient.id)],
            track_ids=[str(track.id)],
            owner="Kontorchef",
        ),
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/programmes/ddns/benefits/GH7")
    assert _codes(ddns)[-1] == "GH7"
    gh7 = get_benefit(ddns, "GH7")
    assert [t.value for t in gh7.types] == ["economic", "non_economic"]
    assert [r.id for r in gh7.recipients] == [recipient.id]
    assert [t.id for t in gh7.tracks] == [track.id]
    assert gh7.owner == "Kontorchef"
    page = client.get("/programmes/ddns/benefits/GH7").get_data(as_text=True)
    assert "Gevinsten er oprettet." in page
    assert "Færre genindlæggelser" in page
    assert any(
        e.entity == "benefits" and e.action == "create"
        for e in db.session.scalars(sa.select(AuditEntry).where(AuditEntry.entity_label == "GH7"))
    )
    # The next one is GH8.
    client.post("/programmes/ddns/benefits/new", data=_new_benefit(name="En til"))
    assert _codes(ddns)[-1] == "GH8"


def test_the_overview_links_the_new_benefit_form_for_the_secretariat_only(client, login_as, ddns):
    login_as("secretariat")
    assert "/programmes/ddns/benefits/new" in client.get("/programmes/ddns/benefits").get_data(
        as_text=True
    )
    login_as("viewer")
    assert "/programmes/ddns/benefits/new" not in client.get("/programmes/ddns/benefits").get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Feltet skal udfyldes."),
        ({"types": []}, "Vælg mindst én gevinsttype."),
        ({"types": ["lucky"]}, "Vælg blandt mulighederne."),
        ({"track_ids": ["999999"]}, "Vælg blandt mulighederne."),
        ({"name": "x" * 301}, "300"),
    ],
)
def test_bad_input_is_refused_in_danish_and_creates_nothing(
    client, login_as, ddns, changes, message
):
    login_as("secretariat")
    before, audit_before = _codes(ddns), _audit_count()
    response = client.post("/programmes/ddns/benefits/new", data=_new_benefit(**changes))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert _codes(ddns) == before
    assert _audit_count() == audit_before


@pytest.mark.parametrize("role", ["viewer", "track_lead", "benefit_owner"])
def test_only_the_secretariat_creates_and_retires(client, login_as, ddns, role):
    login_as(role)
    assert client.post("/programmes/ddns/benefits/new", data=_new_benefit()).status_code == 403
    gh1 = get_benefit(ddns, "GH1")
    response = client.post(
        "/programmes/ddns/benefits/GH1/retire", data={"reason": "x", "version": gh1.version}
    )
    assert response.status_code == 403
    assert _codes(ddns)[-1] == "GH6"
    db.session.expire_all()
    assert not get_benefit(ddns, "GH1").is_retired


def _retire(client, ddns, code, reason="Indgår nu i GH2."):
    benefit = get_benefit(ddns, code)
    return client.post(
        f"/programmes/ddns/benefits/{code}/retire",
        data={"reason": reason, "version": benefit.version},
    )


def test_retiring_needs_a_reason(client, login_as, ddns):
    login_as("secretariat")
    response = _retire(client, ddns, "GH3", reason="   ")
    assert response.status_code == 422
    assert "Feltet skal udfyldes." in response.get_data(as_text=True)
    db.session.expire_all()
    assert not get_benefit(ddns, "GH3").is_retired


def test_a_retired_benefit_stays_visible_marked_and_can_be_taken_up_again(client, login_as, ddns):
    login_as("secretariat")
    response = _retire(client, ddns, "GH3")
    assert response.status_code == 302
    db.session.expire_all()
    gh3 = get_benefit(ddns, "GH3")
    assert gh3.retired_on == TODAY
    assert gh3.retired_reason == "Indgår nu i GH2."
    page = client.get("/programmes/ddns/benefits/GH3").get_data(as_text=True)
    assert "Gevinsten er markeret som udgået." in page
    assert "Gevinsten er udgået 21. nov. 2026." in page or "Gevinsten er udgået" in page
    assert "Indgår nu i GH2." in page
    assert "retired_reason" in page or "Begrundelse" in page  # its history lists the change
    overview = client.get("/programmes/ddns/benefits").get_data(as_text=True)
    assert "GH3" in overview and "udgået" in overview
    assert "udgået" in client.get("/programmes/ddns").get_data(as_text=True)
    # Retiring twice is refused; a stale form too.
    again = _retire(client, ddns, "GH3")
    assert again.status_code == 422
    assert "allerede udgået" in again.get_data(as_text=True)
    # Taken up again, at the version shown.
    stale = client.post(
        "/programmes/ddns/benefits/GH3/reinstate", data={"version": gh3.version - 1}
    )
    assert stale.status_code == 302
    db.session.expire_all()
    assert get_benefit(ddns, "GH3").is_retired
    response = client.post("/programmes/ddns/benefits/GH3/reinstate", data={"version": gh3.version})
    assert response.status_code == 302
    db.session.expire_all()
    assert not get_benefit(ddns, "GH3").is_retired
    assert "Gevinsten er taget op igen." in client.get("/programmes/ddns/benefits/GH3").get_data(
        as_text=True
    )


def _planned(benefit, code, actual):
    indicator = make_indicator(
        benefit,
        code,
        baseline_value=40,
        baseline_period=2023,
        target_value=80,
        target_period=2027,
        trajectory=[(2025, 60)],
    )
    enter(indicator, (2025, actual))
    return indicator


def test_a_retired_benefit_weighs_nothing_in_the_light_and_takes_no_new_values(
    client, login_as, ddns, users
):
    _planned(get_benefit(ddns, "GH1"), "GH1.1", "60")
    off = _planned(get_benefit(ddns, "GH2"), "GH2.1", "50")  # off track: the light is red
    db.session.commit()
    assert (
        status_services.benefits_light(status_services.load_status_data(ddns)).colour is Colour.RED
    )

    login_as("secretariat")
    assert _retire(client, ddns, "GH2").status_code == 302
    db.session.expire_all()
    result = status_services.benefits_light(status_services.load_status_data(ddns))
    assert result.colour is Colour.GREEN, result.reason
    assert "GH2" not in result.reason

    # No new value for its indicator, from the form or the service.
    response = client.post(
        f"/programmes/ddns/indicators/{off.code}/values",
        data={"period": "2026", "value": "55", "status": "ok", "note": ""},
    )
    assert response.status_code in (302, 422)
    from portfolio.indicators.models import ManualValue

    db.session.expire_all()
    periods = db.session.scalars(
        sa.select(ManualValue.period).where(ManualValue.indicator_id == off.id)
    ).all()
    assert [str(p) for p in periods] == ["2025-01"]

    # A report made now shows it as retired, not measured.
    secretariat = users.make("secretariat", "rapport@example.dk")
    report = report_services.create_report(
        secretariat, ddns, title="Møde", meeting_on=TODAY, today=TODAY
    )
    db.session.commit()
    [gh2] = [b for b in report.snapshot["benefits"] if b["code"] == "GH2"]
    assert gh2["retired"] is True and gh2["progress"] is None
    html = client.get(f"/programmes/ddns/reports/{report.id}").get_data(as_text=True)
    assert "udgået" in html


def test_a_stale_profile_form_is_refused_after_retirement(client, login_as, ddns):
    login_as("secretariat")
    version = get_benefit(ddns, "GH4").version
    _retire(client, ddns, "GH4")
    response = client.post(
        "/programmes/ddns/benefits/GH4/retire", data={"reason": "igen", "version": version}
    )
    assert response.status_code in (409, 422)
