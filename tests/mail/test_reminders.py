"""Reminders of risk mitigation actions and of measurements due to benefit owners, and the
weekly digest that lists them: each read from a real SMTP server after the scheduled job."""

from __future__ import annotations

import datetime as dt

import pytest

from portfolio.benefits.services import get_benefit
from portfolio.extensions import db
from portfolio.indicators.models import Frequency
from portfolio.reports.services import create_report
from portfolio.risks.models import ActionStatus, MitigationAction, RiskStatus
from portfolio.risks.services import get_risk
from tests.conftest import sign_in
from tests.indicators.factories import enter, make_indicator, make_metric
from tests.mail.conftest import job

BASE = "https://styrbord.example.dk"
# Every optional kind on, as the preferences page posts it.
ALL_ON = {
    "action_due": "y",
    "report_approval": "y",
    "measurement_due": "y",
    "workshop_upcoming": "y",
    "digest": "y",
}


def _on(app, day: dt.date) -> None:
    app.config["TODAY"] = day.isoformat()


def _subjects(smtp, address: str) -> list[str]:
    return [m["Subject"] for m in smtp.to(address)]


def _body(mail) -> str:
    return mail.get_body(("plain",)).get_content()


# -- Risk mitigation actions --------------------------------------------------------------

DAY = dt.date(2026, 12, 3)


@pytest.fixture
def mitigation(app, ddns, users):
    """A mitigation action on R1 owned by the viewer (a user), due in three days."""
    _on(app, DAY)
    viewer = users.make("viewer")
    users.make("secretariat")
    risk = get_risk(ddns, "R1")
    action = MitigationAction(
        risk=risk,
        description="Aftal udlån af to dataarkitekter",
        owner_user=viewer,
        due_on=DAY + dt.timedelta(days=3),
    )
    db.session.add(action)
    db.session.commit()
    return action


def test_a_mitigation_action_due_soon_reminds_its_owner_once_then_once_more_when_overdue(
    app, runner, ddns, mitigation, smtp
):
    job(runner)
    job(runner)
    (mail,) = smtp.to("viewer@example.dk")
    assert mail["Subject"] == "Risikohandling med frist 6.12.2026 i DDNS"
    body = _body(mail)
    assert "Denne handling skal være udført 6.12.2026:" in body
    assert "Aftal udlån af to dataarkitekter" in body
    assert "Ansvarlig: Viewer" in body
    assert f"Risiko: R1 {get_risk(ddns, 'R1').title}" in body
    assert f"{BASE}/programmes/ddns/risks/R1" in body
    # The owner is named: the secretariat is not told.
    assert smtp.to("secretariat@example.dk") == []

    _on(app, DAY + dt.timedelta(days=4))
    job(runner)
    job(runner)
    assert _subjects(smtp, "viewer@example.dk")[1:] == ["Forsinket risikohandling i DDNS"]
    overdue = _body(smtp.to("viewer@example.dk")[1])
    assert "Denne handling skulle have været udført 6.12.2026:" in overdue

    # Done: nothing more, even with a new due date.
    mitigation.status = ActionStatus.DONE
    mitigation.due_on = DAY + dt.timedelta(days=5)
    db.session.commit()
    job(runner)
    assert len(smtp.to("viewer@example.dk")) == 2


def test_done_and_cancelled_actions_and_closed_risks_send_nothing(app, runner, ddns, users, smtp):
    _on(app, DAY)
    users.make("secretariat")
    soon = DAY + dt.timedelta(days=1)
    r1, r2 = get_risk(ddns, "R1"), get_risk(ddns, "R2")
    r2.status = RiskStatus.CLOSED
    db.session.add_all(
        [
            MitigationAction(risk=r1, description="Gjort", due_on=soon, status=ActionStatus.DONE),
            MitigationAction(
                risk=r1, description="Opgivet", due_on=soon, status=ActionStatus.CANCELLED
            ),
            MitigationAction(risk=r2, description="Lukket risiko", due_on=soon),
        ]
    )
    db.session.commit()
    job(runner)
    assert smtp.to("secretariat@example.dk") == []
    digests = " ".join(_body(m) for m in smtp.to("secretariat@example.dk", digest=True))
    assert "Gjort" not in digests and "Opgivet" not in digests and "Lukket risiko" not in digests


def test_a_mitigation_reminder_goes_to_the_named_owner_else_the_risks_owner_else_the_secretariat(
    app, runner, ddns, users, smtp
):
    _on(app, DAY)
    lead = users.make("track_lead")  # named "Track Lead"
    owner = users.make("benefit_owner")
    users.make("outsider")  # no role in DDNS: never told about it
    users.make("secretariat")
    soon = DAY + dt.timedelta(days=2)
    r1, r2, r3 = (get_risk(ddns, code) for code in ("R1", "R2", "R3"))
    r2.owner_user = owner
    db.session.add_all(
        [
            MitigationAction(risk=r1, description="Handling A", owner="track lead", due_on=soon),
            MitigationAction(risk=r2, description="Handling B", due_on=soon),
            MitigationAction(risk=r3, description="Handling C", owner="Outsider", due_on=soon),
        ]
    )
    db.session.commit()
    job(runner)
    (to_lead,) = smtp.to(lead.email)
    assert "Handling A" in _body(to_lead)
    (to_owner,) = smtp.to(owner.email)
    assert "Handling B" in _body(to_owner)
    assert smtp.to("outsider@example.dk") == []
    (to_secretariat,) = smtp.to("secretariat@example.dk")
    assert "Handling C" in _body(to_secretariat)


# -- Measurements due ---------------------------------------------------------------------


@pytest.fixture
def gh1_measured(app, ddns, users):
    """A yearly indicator of GH1 measured by hand, its baseline 2025: 2026 is awaited."""
    users.make("benefit_owner")  # benefit owner of GH1
    users.make("secretariat")
    indicator = make_indicator(
        get_benefit(ddns, "GH1"),
        "GH1.9",
        name="Andel kommuner med digital indberetning",
        baseline_period=2025,
        baseline_value=40,
        target_period=2028,
        target_value=90,
    )
    db.session.commit()
    return indicator


def _measurement_mail(smtp, address: str) -> list:
    return [m for m in smtp.to(address) if m["Subject"].startswith("Ny måling af ")]


def test_a_measurement_due_reminds_the_benefit_owner_once_after_the_period_ends(
    app, client, runner, ddns, users, gh1_measured, smtp
):
    # Not before the period has ended.
    _on(app, dt.date(2026, 12, 31))
    job(runner)
    assert _measurement_mail(smtp, "benefit_owner@example.dk") == []

    _on(app, dt.date(2027, 1, 1))
    job(runner)
    job(runner)
    (mail,) = _measurement_mail(smtp, "benefit_owner@example.dk")
    assert mail["Subject"] == "Ny måling af GH1.9 for 2026 i DDNS"
    body = _body(mail)
    assert "Perioden 2026 er slut, og indikatoren venter på sin værdi:" in body
    assert "Indikator: GH1.9 Andel kommuner med digital indberetning" in body
    assert f"Gevinst: GH1 {get_benefit(ddns, 'GH1').name}" in body
    assert f"{BASE}/programmes/ddns/indicators/GH1.9/values" in body
    # The owner is there: the secretariat is not told.
    assert _measurement_mail(smtp, "secretariat@example.dk") == []

    # Not again on the next day's run.
    _on(app, dt.date(2027, 1, 2))
    job(runner)
    assert len(_measurement_mail(smtp, "benefit_owner@example.dk")) == 1

    # The page the link leads to says what is awaited; once entered, the reminders stop.
    sign_in(client, users.make("benefit_owner"))
    page = client.get("/programmes/ddns/indicators/GH1.9/values").get_data(as_text=True)
    assert "Værdien for 2026 mangler: perioden sluttede 31. december 2026." in page
    response = client.post(
        "/programmes/ddns/indicators/GH1.9/values",
        data={"period": "2026", "value": "55", "status": "ok", "note": "Opgjort af KL"},
    )
    assert response.status_code == 302
    page = client.get("/programmes/ddns/indicators/GH1.9/values").get_data(as_text=True)
    assert "mangler: perioden sluttede" not in page
    _on(app, dt.date(2027, 2, 1))
    job(runner)
    assert len(_measurement_mail(smtp, "benefit_owner@example.dk")) == 1
    # The next year's value is due once 2027 has ended.
    _on(app, dt.date(2028, 1, 1))
    job(runner)
    subjects = [m["Subject"] for m in _measurement_mail(smtp, "benefit_owner@example.dk")]
    assert subjects == ["Ny måling af GH1.9 for 2026 i DDNS", "Ny måling af GH1.9 for 2027 i DDNS"]


def test_a_quarterly_measurement_is_due_after_its_quarter_and_named_the_danish_way(
    app, runner, ddns, users, smtp
):
    users.make("benefit_owner")
    indicator = make_indicator(
        get_benefit(ddns, "GH1"), "GH1.8", frequency=Frequency.QUARTERLY, baseline_period=2025
    )
    db.session.add(indicator)
    enter(indicator, (2026, 10))  # K1 2026
    db.session.commit()
    _on(app, dt.date(2026, 6, 30))  # K2 2026 has not ended
    job(runner)
    assert _measurement_mail(smtp, "benefit_owner@example.dk") == []
    _on(app, dt.date(2026, 7, 1))
    job(runner)
    (mail,) = _measurement_mail(smtp, "benefit_owner@example.dk")
    assert mail["Subject"] == "Ny måling af GH1.8 for K2 2026 i DDNS"


def test_who_is_told_of_a_measurement_and_what_is_never_due(app, runner, ddns, users, smtp):
    _on(app, dt.date(2027, 3, 1))
    viewer = users.make("viewer")  # named "Viewer"
    lead = users.make("track_lead")
    users.make("secretariat")
    gh2, gh3, gh4, gh5 = (get_benefit(ddns, code) for code in ("GH2", "GH3", "GH4", "GH5"))
    gh3.owner_user = lead
    gh5.retired_on = dt.date(2026, 6, 1)
    gh5.retired_reason = "Udgået"
    make_indicator(gh2, "GH2.9", baseline_period=2025, responsible="viewer")
    make_indicator(gh3, "GH3.9", baseline_period=2025)
    make_indicator(gh4, "GH4.9", baseline_period=2025)  # nobody named: the secretariat
    make_indicator(gh4, "GH4.8")  # no baseline and no value: nothing to await
    make_indicator(gh4, "GH4.7", baseline_period=2025, target_period=2025)  # past its target
    make_indicator(gh4, "GH4.6", baseline_period=2025, metric=make_metric("m-gh4"))
    make_indicator(gh5, "GH5.9", baseline_period=2025)  # a retired benefit
    db.session.commit()
    job(runner)
    assert [m["Subject"] for m in _measurement_mail(smtp, viewer.email)] == [
        "Ny måling af GH2.9 for 2026 i DDNS"
    ]
    assert [m["Subject"] for m in _measurement_mail(smtp, lead.email)] == [
        "Ny måling af GH3.9 for 2026 i DDNS"
    ]
    assert [m["Subject"] for m in _measurement_mail(smtp, "secretariat@example.dk")] == [
        "Ny måling af GH4.9 for 2026 i DDNS"
    ]


def test_a_user_who_turned_measurements_off_gets_none(
    app, client, runner, users, gh1_measured, smtp
):
    _on(app, dt.date(2027, 1, 4))
    sign_in(client, users.make("benefit_owner"))
    page = client.get("/account/mail").get_data(as_text=True)
    assert "Målinger, der skal indtastes for dine gevinster" in page
    response = client.post("/account/mail", data={**ALL_ON, "measurement_due": ""})
    assert response.status_code == 302
    job(runner)
    assert _measurement_mail(smtp, "benefit_owner@example.dk") == []
    # Turned on again, it comes.
    client.post("/account/mail", data=ALL_ON)
    job(runner)
    assert len(_measurement_mail(smtp, "benefit_owner@example.dk")) == 1


# -- The digest and the approval of reports -----------------------------------------------


def test_the_digest_lists_mitigation_actions_and_measurements_due(
    app, runner, ddns, users, mitigation, gh1_measured, smtp
):
    _on(app, dt.date(2026, 12, 21))  # a Monday: 2026 ends within the digest's two weeks
    job(runner)
    (digest,) = smtp.to("viewer@example.dk", digest=True)
    body = _body(digest)
    assert "6.12.2026  Forsinket risikohandling: R1 Aftal udlån af to dataarkitekter" in body
    assert (
        "1.1.2027  Måling forfalder: GH1.9 Andel kommuner med digital indberetning (2026)" in body
    )
    # Next week, the period has ended: the measurement is missing.
    _on(app, dt.date(2027, 1, 4))
    job(runner)
    later = _body(smtp.to("viewer@example.dk", digest=True)[1])
    assert "1.1.2027  Måling mangler: GH1.9 Andel kommuner med digital indberetning (2026)" in later


def test_a_draft_report_reminds_exactly_those_who_may_approve_it(app, runner, ddns, users, smtp):
    _on(app, DAY)
    users.make("secretariat")
    users.make("track_lead")
    users.make("viewer")
    admin = users.make("admin")
    create_report(
        admin, ddns, title="Styregruppemøde", meeting_on=DAY + dt.timedelta(days=5), today=DAY
    )
    db.session.commit()
    job(runner)
    job(runner)
    for approver in ("secretariat@example.dk", "admin@example.dk"):
        (mail,) = smtp.to(approver)
        assert mail["Subject"] == "Statusrapport venter på godkendelse i DDNS"
        assert "»Styregruppemøde«" in _body(mail)
    assert smtp.to("track_lead@example.dk") == [] and smtp.to("viewer@example.dk") == []


def test_a_cancelled_workshop_action_sends_nothing(app, runner, ddns, users, smtp):
    from portfolio.workshops.models import ActionStatus as WorkshopActionStatus
    from portfolio.workshops.models import Workshop, WorkshopAction

    _on(app, DAY)
    users.make("viewer")
    workshop = Workshop(programme_id=ddns.id, title="Gevinstworkshop", held_on=DAY)
    workshop.actions = [
        WorkshopAction(
            text="Opgivet handling",
            owner="Viewer",
            due_on=DAY + dt.timedelta(days=2),
            status=WorkshopActionStatus.CANCELLED,
        )
    ]
    db.session.add(workshop)
    db.session.commit()
    job(runner)
    assert smtp.to("viewer@example.dk") == []
    digests = " ".join(_body(m) for m in smtp.to("viewer@example.dk", digest=True))
    assert "Opgivet handling" not in digests
