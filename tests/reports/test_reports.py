"""Status reports freeze what the group saw; later changes never alter them."""

import datetime as dt

import pytest
import sqlalchemy as sa

from portfolio.extensions import db
from portfolio.reports import services
from portfolio.reports.models import ReportChart, ReportStatus, StatusReport
from portfolio.reports.pdf import pdf_available
from portfolio.risks import services as risk_services
from portfolio.risks.models import Level, RiskStatus


@pytest.fixture(autouse=True)
def _today(app):
    app.config["TODAY"] = "2026-11-21"


def _create(client, title="Programstyregruppemøde 3. december 2026", day="2026-12-03"):
    response = client.post("/programmes/ddns/reports/", data={"title": title, "meeting_on": day})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_report_freezes_lights_risks_and_charts(client, login_as, ddns, users):
    login_as("secretariat")
    report_id = _create(client)
    before = client.get(f"/programmes/ddns/reports/{report_id}").get_data(as_text=True)
    chart_before = client.get(f"/programmes/ddns/reports/{report_id}/charts/risk-matrix.svg").data
    assert "Programstyregruppemøde 3. december 2026" in before
    assert "R2 har score 6." in before

    # Change the data: reassess a risk, add a milestone, comment a track.
    secretariat = users.make("secretariat")
    r2 = risk_services.get_risk(ddns, "R2")
    risk_services.reassess_risk(
        secretariat,
        r2,
        assessed_on=dt.date(2026, 11, 21),
        probability=Level.HIGH,
        consequence=Level.HIGH,
        note="Forværret",
    )
    db.session.commit()
    live = client.get("/programmes/ddns/status").get_data(as_text=True)
    assert "R2 har stor sandsynlighed og stor konsekvens." in live

    after = client.get(f"/programmes/ddns/reports/{report_id}").get_data(as_text=True)
    assert "R2 har score 6." in after
    assert "R2 har stor sandsynlighed" not in after
    assert (
        client.get(f"/programmes/ddns/reports/{report_id}/charts/risk-matrix.svg").data
        == chart_before
    )


def test_snapshot_cannot_be_changed_in_code(app, ddns, users):
    report = services.create_report(
        users.make("secretariat"),
        ddns,
        title="T",
        meeting_on=dt.date(2026, 12, 3),
        today=dt.date(2026, 11, 21),
    )
    db.session.commit()
    with pytest.raises(ValueError, match="cannot be changed"):
        report.snapshot = {}
    with pytest.raises(ValueError, match="cannot be changed"):
        report.charts[0].svg = b"<svg/>"


def test_approved_report_is_locked(client, login_as, ddns):
    login_as("secretariat")
    report_id = _create(client)
    report = db.session.get(StatusReport, report_id)
    assert (
        client.post(
            f"/programmes/ddns/reports/{report_id}/approve",
            data={"version": report.version, "confirmed": "y"},
        ).status_code
        == 302
    )
    db.session.expire_all()
    report = db.session.get(StatusReport, report_id)
    assert report.status is ReportStatus.APPROVED and report.approved_by
    refused = client.post(
        f"/programmes/ddns/reports/{report_id}/edit",
        data={"version": report.version, "title": "Nyt navn", "meeting_on": "2026-12-04"},
    )
    assert refused.status_code == 422
    kept = client.post(f"/programmes/ddns/reports/{report_id}/delete", data={"confirmed": "y"})
    assert kept.status_code == 422
    assert db.session.get(StatusReport, report_id) is not None


def test_draft_can_be_renamed_and_deleted(client, login_as):
    login_as("secretariat")
    report_id = _create(client)
    report = db.session.get(StatusReport, report_id)
    assert (
        client.post(
            f"/programmes/ddns/reports/{report_id}/edit",
            data={"version": report.version, "title": "Omdøbt", "meeting_on": "2026-12-04"},
        ).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(StatusReport, report_id).title == "Omdøbt"
    url = f"/programmes/ddns/reports/{report_id}/delete"
    assert "Kladden »Omdøbt« kan ikke genskabes." in client.get(url).get_data(as_text=True)
    assert client.post(url).status_code == 422  # not without the ticked box
    db.session.expire_all()
    assert db.session.get(StatusReport, report_id) is not None
    assert client.post(url, data={"confirmed": "y"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(StatusReport, report_id) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportChart)) == 0


def test_viewer_cannot_create_reports(client, login_as):
    login_as("viewer")
    response = client.post(
        "/programmes/ddns/reports/", data={"title": "X", "meeting_on": "2026-12-03"}
    )
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StatusReport)) == 0


def test_comparison_shows_lights_budget_and_risks(client, login_as, ddns, users):
    login_as("secretariat")
    first = _create(client, "Møde 1", "2026-09-01")
    secretariat = users.make("secretariat")
    r1 = risk_services.get_risk(ddns, "R1")
    risk_services.close_risk(secretariat, r1, RiskStatus.CLOSED, "Datakvaliteten er beskrevet.")
    r3 = risk_services.get_risk(ddns, "R3")
    risk_services.reassess_risk(
        secretariat,
        r3,
        assessed_on=dt.date(2026, 11, 21),
        probability=Level.HIGH,
        consequence=Level.HIGH,
    )
    risk_services.create_risk(
        secretariat,
        ddns,
        {
            "title": "Overdragelse til drift forsinkes",
            "probability": Level.MEDIUM,
            "consequence": Level.MEDIUM,
        },
    )
    db.session.commit()
    second = _create(client, "Møde 2", "2026-12-03")
    html = client.get(f"/programmes/ddns/reports/compare?a={first}&b={second}").get_data(
        as_text=True
    )
    assert "Overdragelse til drift forsinkes" in html  # opened
    assert "R1 Datakvalitet" in html  # closed
    assert "R3 Hjemmel til indsamling af data fra almen praksis og speciallæger: 6 → 9" in html
    assert 'class="changed"' in html  # the risk light turned red
    trend = client.get(f"/programmes/ddns/reports/{second}").get_data(as_text=True)
    assert "forværret" in trend  # R3's trend since the first report


def test_print_view_and_pdf(client, login_as):
    login_as("viewer")
    login_as("secretariat")
    report_id = _create(client)
    printed = client.get(f"/programmes/ddns/reports/{report_id}?print=1").get_data(as_text=True)
    assert "print-view" in printed and "Godkend og lås" not in printed
    if not pdf_available():
        pytest.skip("WeasyPrint cannot load the Pango library here; PDF answers 503 instead")
    response = client.get(f"/programmes/ddns/reports/{report_id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert "ddns-statusrapport-2026-12-03.pdf" in response.headers["Content-Disposition"]
    assert len(response.data) > 20_000  # text, and the charts drawn as vectors


def test_approval_asks_first_saying_what_is_locked_and_missing(client, login_as):
    login_as("secretariat")
    report_id = _create(client)  # meeting 3 December, today 21 November
    page = client.get(f"/programmes/ddns/reports/{report_id}").get_data(as_text=True)
    url = f"/programmes/ddns/reports/{report_id}/approve"
    assert f'href="{url}"' in page

    html = client.get(url).get_data(as_text=True)
    assert "Mødedatoen er om 12 dage (3. december 2026)." in html
    assert "lys er uden vurdering" in html
    assert "kan ikke omdøbes, få ny mødedato eller slettes bagefter" in html

    report = db.session.get(StatusReport, report_id)
    refused = client.post(url, data={"version": report.version})
    assert refused.status_code == 422
    assert "Sæt kryds for at bekræfte" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(StatusReport, report_id).status is ReportStatus.DRAFT

    client.post(url, data={"version": report.version, "confirmed": "y"})
    db.session.expire_all()
    assert db.session.get(StatusReport, report_id).status is ReportStatus.APPROVED
